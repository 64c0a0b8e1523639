/**
 * src/verify: the product's own check that the built HTML, PDF and DOCX agree, read back with
 * pure-JavaScript readers. One build of the notes fixture and of the letter must give no
 * message; deliberately corrupted copies must each give the exact message naming the note
 * and the formats. (The tests may use qpdf and Chromium to make corrupted PDFs; the product
 * uses neither to read them.)
 */
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { strToU8, unzipSync, zipSync } from "fflate";
import { VFile } from "vfile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "puppeteer-core";
import { launchBrowser } from "../src/pdf/browser.ts";
import { normalizeNoteText, type OutputFiles, readDocx, readHtml, readPdf, verifyOutputs } from "../src/verify/index.ts";
import { BIN, ROOT } from "./helpers.ts";

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
let out = "";
let dir = "";

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, output }));
  });
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "broadside-verify-"));
  dir = await mkdtemp(join(out, "corrupt-"));
  const { code, output } = await run(process.execPath, [BIN, "build", "test/fixtures/notes.md", "test/fixtures/endnotes.md", "source/letter.md", "--out", out]);
  expect(code, output).toBe(0);
}, 300_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

const built = (name: string, ext: string) => join(out, `${name}.${ext}`);
const all = (name: string): OutputFiles => ({ html: built(name, "html"), pdf: built(name, "pdf"), docx: built(name, "docx") });

/** Verify and return the messages as "rule-id: reason". */
async function verify(files: OutputFiles): Promise<string[]> {
  const report = new VFile({ path: out });
  await verifyOutputs(files, report);
  for (const m of report.messages) expect(m.fatal, String(m)).toBe(true);
  return report.messages.map((m) => `${m.ruleId}: ${m.reason}`);
}

async function editHtml(name: string, edit: (html: string) => string): Promise<string> {
  const source = await readFile(built("notes", "html"), "utf8");
  const changed = edit(source);
  expect(changed).not.toBe(source);
  const target = join(dir, name);
  await writeFile(target, changed);
  return target;
}

async function editDocx(name: string, part: string, edit: (doc: XmlElement) => void, source = "notes"): Promise<string> {
  const parts = unzipSync(await readFile(built(source, "docx")));
  const doc = new DOMParser().parseFromString(new TextDecoder().decode(parts[part]), "text/xml");
  edit(doc.documentElement!);
  parts[part] = strToU8(new XMLSerializer().serializeToString(doc));
  const target = join(dir, name);
  await writeFile(target, zipSync(parts));
  return target;
}

const byTag = (el: XmlElement, local: string) => Array.from(el.getElementsByTagNameNS(W, local));

describe("built outputs agree", () => {
  it.each(["notes", "letter"])("%s: no message", async (name) => {
    expect(await verify(all(name))).toEqual([]);
  });

  it("the readers see the fixture's calls and notes", async () => {
    const expectedCalls = ["1", "2", "1", "3", "4", "2", "5", "1", "6", "7"];
    for (const reading of await Promise.all([readHtml(built("notes", "html")), readPdf(built("notes", "pdf")), readDocx(built("notes", "docx"))])) {
      expect(
        reading.calls.map((c) => c.shown),
        reading.format,
      ).toEqual(expectedCalls);
      expect(
        reading.calls.map((c) => c.leadsTo?.shown),
        reading.format,
      ).toEqual(expectedCalls);
      expect([...reading.notes.keys()], reading.format).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(reading.notes.get(2), reading.format).toMatch(/^Note ninety-nine\. ?It has a second paragraph\.$/);
      expect(reading.notes.get(7), reading.format).toBe("Called from a heading.");
      expect(reading.problems, reading.format).toEqual([]);
    }
  });

  it("the readers see the letter's ten notes", async () => {
    for (const reading of await Promise.all([readHtml(built("letter", "html")), readPdf(built("letter", "pdf")), readDocx(built("letter", "docx"))])) {
      expect(
        reading.calls.map((c) => c.shown),
        reading.format,
      ).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
      expect(reading.notes.size, reading.format).toBe(10);
      for (const text of reading.notes.values()) expect(text.length, reading.format).toBeGreaterThan(40);
    }
  });

  it("a long PDF (×15, over 1.5 MB) reads as its HTML does", async () => {
    const letter = await readFile(join(ROOT, "source/letter.md"), "utf8");
    const end = letter.indexOf("\n---\n", 4) + 5;
    const copies = Array.from({ length: 15 }, (_, i) => letter.slice(end).replace(/\[\^(\d+)\]/g, `[^c${i}n$1]`));
    const long = join(out, "long.md");
    await writeFile(long, letter.slice(0, end) + copies.join("\n\n"));
    const { code, output } = await run(process.execPath, [BIN, "build", long, "--out", out, "--format", "html,pdf", "--no-verify"]);
    expect(code, output).toBe(0);
    expect((await readFile(built("long", "pdf"))).byteLength).toBeGreaterThan(1_500_000);
    const [html, pdf] = await Promise.all([readHtml(built("long", "html")), readPdf(built("long", "pdf"))]);
    const numbers = Array.from({ length: 150 }, (_, i) => String(i + 1));
    expect(pdf.calls.map((c) => c.shown)).toEqual(numbers);
    expect(pdf.calls.map((c) => c.leadsTo?.shown)).toEqual(numbers);
    // As the comparison reads them: a line broken after a hyphen in a URL is not a difference.
    const texts = (notes: Map<number, string>) => [...notes].map(([n, text]) => [n, normalizeNoteText(text)]);
    expect(texts(pdf.notes)).toEqual(texts(html.notes));
    expect(pdf.problems).toEqual([]);
    expect(await verify({ html: built("long", "html"), pdf: built("long", "pdf") })).toEqual([]);
  }, 180_000);

  it.each([
    ["object streams and cross-reference streams", ["--object-streams=generate", "--compress-streams=y"]],
    ["no compression at all (qdf)", ["--qdf", "--object-streams=disable"]],
    ["a second incremental update", ["--object-streams=preserve"]],
  ])("the letter's PDF rewritten by qpdf with %s reads the same", async (label, args) => {
    const original = await readPdf(built("letter", "pdf"));
    const target = join(dir, `letter-${args[0].replace(/\W/g, "")}.pdf`);
    const { code, output } = await run("qpdf", [...args, built("letter", "pdf"), target]);
    expect(code, output).toBe(0);
    if (label.startsWith("a second")) {
      // Append an update that gives the named destinations again, with note-1's and note-2's
      // swapped: the newest cross-reference section is the one that counts, so call 1 now
      // leads to note 2 and call 2 to note 1.
      const bytes = await readFile(target);
      const text = bytes.toString("latin1");
      const trailer = text.slice(text.lastIndexOf("trailer"));
      const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
      const size = Number(/\/Size (\d+)/.exec(trailer)![1]);
      const root = /\/Root (\d+ \d+) R/.exec(trailer)![1];
      const dests = /\/Dests (\d+) 0 R/.exec(text)![1];
      const at = text.indexOf(`\n${dests} 0 obj`) + 1;
      const swapped = text.slice(at, text.indexOf("endobj", at)).replace(/\/note-([12]) /g, (_, n: string) => `/note-${n === "1" ? 2 : 1} `);
      const update = `${swapped}endobj\n`;
      const xref = `xref\n${dests} 1\n${String(bytes.length).padStart(10, "0")} 00000 n \ntrailer\n<< /Size ${size} /Root ${root} R /Prev ${startxref} >>\nstartxref\n${bytes.length + update.length}\n%%EOF\n`;
      await writeFile(target, Buffer.concat([bytes, Buffer.from(update + xref, "latin1")]));
      const check = await run("qpdf", ["--check", target]);
      expect(check.code, check.output).toBe(0);
      const reading = await readPdf(target);
      expect(reading.calls.slice(0, 3).map((c) => [c.shown, c.leadsTo?.shown])).toEqual([
        ["1", "2"],
        ["2", "1"],
        ["3", "3"],
      ]);
      return;
    }
    expect((await readFile(target)).equals(await readFile(built("letter", "pdf")))).toBe(false);
    const reading = await readPdf(target);
    expect(reading.calls).toEqual(original.calls);
    expect([...reading.notes]).toEqual([...original.notes]);
  });

  it("a PDF the reader cannot read is an error that says why, never a reading", async () => {
    const bytes = await readFile(built("letter", "pdf"));
    const cut = join(dir, "cut.pdf");
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    await expect(readPdf(cut)).rejects.toThrow(/Invalid PDF structure/);
    const notPdf = join(dir, "not.pdf");
    await writeFile(notPdf, "<html>a web page saved as .pdf</html>");
    await expect(readPdf(notPdf)).rejects.toThrow(/not a PDF/);
  });

  it("any two formats, or one, give no message", async () => {
    const { html, pdf, docx } = all("notes");
    expect(await verify({ html, pdf })).toEqual([]);
    expect(await verify({ pdf, docx })).toEqual([]);
    expect(await verify({ docx })).toEqual([]);
    expect(await verify({})).toEqual([]);
  });
});

describe("corrupted outputs", () => {
  it("HTML: the second call of note 2 shows 5", async () => {
    let seen = 0;
    const html = await editHtml("call.html", (s) =>
      s.replace(/(<a href="#note-2"[^>]*>)2(<\/a>)/g, (all, open: string, close: string) => (++seen === 2 ? `${open}5${close}` : all)),
    );
    expect(await verify({ ...all("notes"), html })).toEqual([
      "outputs-disagree: Note 2: the HTML shows the 6th note call as 5 where the PDF and the DOCX show 2 (it leads to note 2)",
    ]);
  });

  it("HTML: the contents of two notes swapped", async () => {
    const html = await editHtml("swapped.html", (s) => {
      const item = (n: number) => new RegExp(`(<li id="note-${n}"[^>]*>)([\\s\\S]*?)(</li>)`);
      const two = item(2).exec(s)!;
      const three = item(3).exec(s)!;
      return s.replace(two[0], `${two[1]}${three[2]}${two[3]}`).replace(three[0], `${three[1]}${two[2]}${three[3]}`);
    });
    expect(await verify({ ...all("notes"), html })).toEqual([
      'outputs-disagree: Note 2 text differs: HTML "Defined before any reference, called third." vs PDF and DOCX "Note ninety-nine. It has a second paragraph."',
      'outputs-disagree: Note 3 text differs: HTML "Note ninety-nine. It has a second paragraph." vs PDF and DOCX "Defined before any reference, called third."',
    ]);
  });

  it("DOCX: a NOTEREF field's cached result says 9", async () => {
    const docx = await editDocx("stale.docx", "word/document.xml", (doc) => {
      // The first NOTEREF field is the third call ("Zeta again"): its result is the first text after the instruction.
      const instr = byTag(doc, "instrText").find((i) => /NOTEREF/.test(i.textContent ?? ""))!;
      let run = instr.parentNode!.nextSibling as XmlElement;
      while (run && !byTag(run, "t").length) run = run.nextSibling as XmlElement;
      const t = byTag(run, "t")[0];
      expect(t.textContent).toBe("1");
      t.textContent = "9";
    });
    expect(await verify({ ...all("notes"), docx })).toEqual([
      "outputs-disagree: Note 1: the DOCX shows the 3rd note call as 9 where the HTML and the PDF show 1 (it leads to note 1)",
    ]);
  });

  it("DOCX: the texts of footnotes 3 and 4 swapped", async () => {
    const docx = await editDocx("swapped.docx", "word/footnotes.xml", (doc) => {
      const note = (id: string) => byTag(doc, "footnote").find((f) => f.getAttributeNS(W, "id") === id)!;
      const [a, b] = [note("3"), note("4")];
      const aKids = Array.from(a.childNodes);
      const bKids = Array.from(b.childNodes);
      for (const kid of aKids) b.appendChild(kid);
      for (const kid of bKids) a.appendChild(kid);
    });
    expect(await verify({ ...all("notes"), docx })).toEqual([
      'outputs-disagree: Note 3 text differs: DOCX "Called from a quote." vs HTML and PDF "Defined before any reference, called third."',
      'outputs-disagree: Note 4 text differs: DOCX "Defined before any reference, called third." vs HTML and PDF "Called from a quote."',
    ]);
  });

  it("DOCX: the reference to note 3 removed, so that Word numbers every later note one less", async () => {
    const docx = await editDocx("removed.docx", "word/document.xml", (doc) => {
      const ref = byTag(doc, "footnoteReference").find((r) => r.getAttributeNS(W, "id") === "3")!;
      const run = ref.parentNode!;
      run.parentNode!.removeChild(run);
    });
    expect(await verify({ ...all("notes"), docx })).toEqual([
      'outputs-disagree: Note 3 is missing from the DOCX: neither its call nor its text ("Defined before any reference, called third.") is there, where the HTML and the PDF have both',
      "outputs-disagree: Note 4: the DOCX numbers it 3 (its calls and its text) where the HTML and the PDF number it 4",
      "outputs-disagree: Note 5: the DOCX numbers it 4 (its calls and its text) where the HTML and the PDF number it 5",
      "outputs-disagree: Note 6: the DOCX numbers it 5 (its calls and its text) where the HTML and the PDF number it 6",
      "outputs-disagree: Note 7: the DOCX numbers it 6 (its calls and its text) where the HTML and the PDF number it 7",
    ]);
  });

  it("PDF: the destinations of notes 1 and 2 swapped", async () => {
    // Uncompressed by qpdf, then the names of the two destinations swapped in place (same
    // length, so the cross-reference offsets stay valid).
    const qdf = join(dir, "links.qdf.pdf");
    const pdf = join(dir, "links.pdf");
    const { code, output } = await run("qpdf", ["--qdf", "--object-streams=disable", built("notes", "pdf"), qdf]);
    expect(code, output).toBe(0);
    const bytes = (await readFile(qdf)).toString("latin1");
    const swapped = bytes.replace(/\/note-([12])(\s*\[)/g, (_, n: string, rest: string) => `/note-${n === "1" ? "2" : "1"}${rest}`);
    expect(swapped).not.toBe(bytes);
    await writeFile(pdf, Buffer.from(swapped, "latin1"));
    expect(await verify({ ...all("notes"), pdf: qdf })).toEqual([]); // the uncompressed copy still agrees
    expect(await verify({ ...all("notes"), pdf })).toEqual([
      "outputs-disagree: Note 1: in the PDF, the 1st, 3rd and 8th note calls show 1 but lead to note 2",
      "outputs-disagree: Note 2: in the PDF, the 2nd and 6th note calls show 2 but lead to note 1",
    ]);
  });

  it("PDF: the link of the call to note 3 lost", async () => {
    const qdf = join(dir, "lost.qdf.pdf");
    const pdf = join(dir, "lost.pdf");
    const { code, output } = await run("qpdf", ["--qdf", "--object-streams=disable", built("notes", "pdf"), qdf]);
    expect(code, output).toBe(0);
    const bytes = (await readFile(qdf)).toString("latin1");
    const lost = bytes.replace("/Dest /note-3", "/Dest /nXte-3"); // a destination that does not exist
    expect(lost).not.toBe(bytes);
    await writeFile(pdf, Buffer.from(lost, "latin1"));
    expect(await verify({ ...all("notes"), pdf })).toEqual([
      "outputs-disagree: Note 3: the 4th note call, which the HTML and the DOCX show as 3, is missing from the PDF",
    ]);
  });

  it("HTML: two whole notes swapped, so that the list prints 1, 3, 2", async () => {
    const html = await editHtml("items.html", (s) => {
      const item = (n: number) => new RegExp(`<li id="note-${n}"[^>]*>[\\s\\S]*?</li>`).exec(s)![0];
      const [two, three] = [item(2), item(3)];
      return s.replace(two, "\u0000").replace(three, two).replace("\u0000", three);
    });
    expect(await verify({ ...all("notes"), html })).toEqual([
      "outputs-disagree: Note 2: the HTML prints note 2 in place 3 of the notes list",
      "outputs-disagree: Note 3: the HTML prints note 3 in place 2 of the notes list",
    ]);
  });

  it("HTML: note 3 given the number 2, so that the list prints 1, 2, 2", async () => {
    const html = await editHtml("twice.html", (s) => s.replace(/(<li id="note-3"[^>]*?value=")3"/, '$12"'));
    const messages = await verify({ ...all("notes"), html });
    expect(messages).toContain("outputs-disagree: Note 2: the HTML prints note 2 in place 3 of the notes list");
    expect(messages).toContain("outputs-disagree: Note 2: the HTML prints two notes numbered 2");
  });

  it("HTML: one word changed inside a long note of the letter", async () => {
    const source = await readFile(built("letter", "html"), "utf8");
    const changed = source.replace("Amdo, Kham", "Amdo, Kahm");
    expect(changed).not.toBe(source);
    const html = join(dir, "letter.html");
    await writeFile(html, changed);
    expect(await verify({ ...all("letter"), html })).toEqual([
      'outputs-disagree: Note 7 text differs: HTML "…of Amdo, Kahm and U-Tsang. In the 1960s,…" vs PDF and DOCX "…of Amdo, Kham and U-Tsang. In the 1960s,…"',
    ]);
  });

  it("DOCX with Word endnotes: read in the numbering format the document sets", async () => {
    // Word numbers endnotes i, ii, iii unless the document says otherwise; broadside says decimal
    // in each section's properties, which win over settings.xml.
    const numbered = (format: string) =>
      editDocx(
        `endnotes-${format}.docx`,
        "word/document.xml",
        (doc) => {
          const formats = byTag(doc, "endnotePr").flatMap((pr) => byTag(pr, "numFmt"));
          expect(formats.length).toBeGreaterThan(0);
          for (const numFmt of formats) numFmt.setAttributeNS(W, "w:val", format);
        },
        "endnotes",
      );
    expect(await verify({ ...all("endnotes"), docx: await numbered("decimal") })).toEqual([]);
    expect(await verify({ ...all("endnotes"), docx: await numbered("lowerRoman") })).toEqual([
      "outputs-disagree: Note 1: the DOCX shows the 1st note call as i where the HTML and the PDF show 1",
      "outputs-disagree: Note 1: in the DOCX, the 2nd note call shows 1 but leads to note i",
      "outputs-disagree: Note 2: the DOCX shows the 3rd note call as ii where the HTML and the PDF show 2",
    ]);
  });

  it("DOCX: the text of the link in note 1 lost", async () => {
    const docx = await editDocx("link-text.docx", "word/footnotes.xml", (doc) => {
      const [link] = byTag(doc, "hyperlink");
      const t = byTag(link, "t")[0];
      expect(t.textContent).toBe("https://example.org/zeta");
      t.textContent = "";
    });
    expect(await verify({ ...all("notes"), docx })).toEqual([
      'outputs-disagree: Note 1 text differs: DOCX "The zeta note, with a link: ." vs HTML and PDF "…with a link: https://example.org/zeta."',
    ]);
  });

  it("DOCX: a link written as a HYPERLINK field reads as its text, and its text lost is caught", async () => {
    // The form LibreOffice and older Word write: begin, instruction, separate, the shown runs, end.
    const asField = (shown: string) => (doc: XmlElement) => {
      const [link] = byTag(doc, "hyperlink");
      const xml = new DOMParser().parseFromString(
        `<w:p xmlns:w="${W}"><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/zeta" </w:instrText></w:r>` +
          `<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>${shown}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`,
        "text/xml",
      );
      for (const run of byTag(xml.documentElement!, "r")) link.parentNode!.insertBefore(doc.ownerDocument!.importNode(run, true), link);
      link.parentNode!.removeChild(link);
    };
    const kept = await editDocx("link-field.docx", "word/footnotes.xml", asField("https://example.org/zeta"));
    expect(await verify({ ...all("notes"), docx: kept })).toEqual([]);
    const lost = await editDocx("link-field-lost.docx", "word/footnotes.xml", asField(""));
    expect(await verify({ ...all("notes"), docx: lost })).toEqual([
      'outputs-disagree: Note 1 text differs: DOCX "The zeta note, with a link: ." vs HTML and PDF "…with a link: https://example.org/zeta."',
    ]);
  });

  it("DOCX: a call made twice", async () => {
    const docx = await editDocx("twice.docx", "word/document.xml", (doc) => {
      const ref = byTag(doc, "footnoteReference").find((r) => r.getAttributeNS(W, "id") === "5")!;
      const run = ref.parentNode!;
      run.parentNode!.insertBefore(run.cloneNode(true), run.nextSibling);
    });
    expect(await verify({ ...all("notes"), docx })).toEqual([
      "outputs-disagree: Note 5: the DOCX has a note call showing 5 after the 7th note call that the HTML and the PDF do not have",
    ]);
  });

  describe("PDFs printed here by Chromium", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    async function print(html: string, target: string, tagged = true) {
      const page = await browser.newPage();
      try {
        await page.setContent(html, { waitUntil: "load" });
        await writeFile(target, await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged, outline: tagged }));
      } finally {
        await page.close();
      }
      return target;
    }

    it("PDF: printed from an HTML whose note 4 reads differently", async () => {
      const html = (await readFile(built("notes", "html"), "utf8")).replace("Called from a quote.", "Called from a quota.");
      const pdf = await print(html, join(dir, "text.pdf"));
      expect(await verify({ ...all("notes"), pdf })).toEqual([
        'outputs-disagree: Note 4 text differs: PDF "Called from a quota." vs HTML and DOCX "Called from a quote."',
      ]);
    });

    it("PDF without tags: page furniture is found by its place, and the letter still agrees", async () => {
      const pdf = await print(await readFile(built("letter", "html"), "utf8"), join(dir, "untagged.pdf"), false);
      expect(await verify({ ...all("letter"), pdf })).toEqual([]);
    });
  });

  it("unreadable files are reported and the others still compared", async () => {
    const docx = join(dir, "truncated.docx");
    const bytes = await readFile(built("notes", "docx"));
    await writeFile(docx, bytes.subarray(0, bytes.length / 2));
    const pdf = join(dir, "empty.pdf");
    await writeFile(pdf, "");
    const html = join(dir, "missing.html");
    const messages = await verify({ html, pdf, docx });
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(new RegExp(`^outputs-unreadable: Cannot read the HTML ${html} to check its notes: ENOENT`));
    expect(messages[1]).toMatch(new RegExp(`^outputs-unreadable: Cannot read the PDF ${pdf} to check its notes: .+`));
    expect(messages[2]).toMatch(new RegExp(`^outputs-unreadable: Cannot read the DOCX ${docx} to check its notes: .+`));
    // A truncated PDF: unreadable, or read in part, but never agreeing.
    const half = join(dir, "truncated.pdf");
    const pdfBytes = await readFile(built("letter", "pdf"));
    await writeFile(half, pdfBytes.subarray(0, pdfBytes.length / 2));
    expect(await verify({ ...all("letter"), pdf: half })).not.toEqual([]);
    // The good files beside the bad one are still compared.
    const good = all("notes");
    await copyFile(good.docx!, join(dir, "copy.docx"));
    expect(await verify({ html: good.html, pdf, docx: join(dir, "copy.docx") })).toEqual([
      `outputs-unreadable: ${messages[1].slice("outputs-unreadable: ".length)}`,
    ]);
  });
});
