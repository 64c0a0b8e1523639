/**
 * The three outputs agree: one build of the notes fixture and of the real letter, each read
 * back by four independent readers (test/readers.ts) — the HTML, the Chromium PDF, the
 * .docx, and the PDF LibreOffice makes of the .docx — must show the same note calls in the
 * same order and the same text under every note number. Both are built the default way, notes
 * at the foot of the page in the PDF (Word footnotes in the .docx); the notes fixture is built
 * once more with `--notes endnotes` and read from its HTML and its PDF's notes section.
 * Corrupted copies of the outputs must make the readings disagree, so that these tests can fail.
 */
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { strToU8, unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./helpers.ts";
import {
  convertWithLibreOffice,
  docxText,
  normalizeNoteText,
  parseXml,
  pdfText,
  type Reading,
  readDocx,
  readHtml,
  readLibreOfficePdf,
  readLibreOfficePdfFile,
  readPdf,
} from "./readers.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

interface Doc {
  name: string;
  /** Folder of its outputs, under the build's. */
  dir: string;
  source: string;
  notesHeading: string;
  expectedCalls: number[];
  /** Where the PDF prints the notes (the source's front matter). */
  notes: "footnotes" | "endnotes";
  /** The readers that read this document (the .docx readers read Word footnotes only). */
  kinds: readonly Kind[];
}

const FIXTURE: Doc = {
  name: "notes",
  dir: "",
  source: "test/fixtures/notes.md",
  notesHeading: "Notes",
  // zeta, 99, ZETA (= zeta), early, quote, 99, list, zeta, table, heading
  expectedCalls: [1, 2, 1, 3, 4, 2, 5, 1, 6, 7],
  notes: "footnotes",
  kinds: ["html", "pdf", "docx", "libreoffice"],
};
const LETTER: Doc = {
  name: "letter",
  dir: "",
  source: "source/letter.md",
  notesHeading: "Editors Notes",
  expectedCalls: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  notes: "footnotes",
  kinds: ["html", "pdf", "docx", "libreoffice"],
};
const ENDNOTES: Doc = {
  ...FIXTURE,
  dir: "endnotes", // built with --notes endnotes
  notes: "endnotes",
  kinds: ["html", "pdf"],
};
const DOCS = [FIXTURE, LETTER, ENDNOTES];
const KINDS = ["html", "pdf", "docx", "libreoffice"] as const;
type Kind = (typeof KINDS)[number];

let out = "";
const readings = new Map<Doc, Record<Kind, Promise<Reading>>>();
const path = (doc: Doc, ext: string) => join(out, doc.dir, `${doc.name}.${ext}`);

function build(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, "build", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, output }));
  });
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "broadside-agreement-"));
  const built = await Promise.all([
    build([FIXTURE.source, LETTER.source, "--out", out]),
    build([ENDNOTES.source, "--out", join(out, ENDNOTES.dir), "--notes", "endnotes", "--format", "html,pdf"]),
  ]);
  for (const { code, output } of built) expect(code, output).toBe(0);
  for (const doc of DOCS) {
    const loDir = join(out, "libreoffice");
    await mkdir(loDir, { recursive: true });
    const unread = () => Promise.reject(new Error(`${doc.name} (${doc.notes}) is not read this way`));
    const set: Record<Kind, Promise<Reading>> = {
      html: readHtml(path(doc, "html")),
      pdf: readPdf(path(doc, "pdf"), { notesHeading: doc.notesHeading, notes: doc.notes }),
      docx: doc.kinds.includes("docx") ? readDocx(path(doc, "docx")) : unread(),
      libreoffice: doc.kinds.includes("libreoffice") ? readLibreOfficePdf(path(doc, "docx"), loDir) : unread(),
    };
    // The tests await these; a reader that throws fails the tests that need it.
    for (const p of Object.values(set)) p.catch(() => undefined);
    readings.set(doc, set);
  }
  await Promise.allSettled([...readings.values()].flatMap((set) => Object.values(set)));
}, 300_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

/** What differs between a reading and the reference reading; empty when they agree. */
function disagreements(reading: Reading, reference: Reading): string[] {
  const found: string[] = [];
  if (JSON.stringify(reading.calls) !== JSON.stringify(reference.calls)) {
    found.push(`calls [${reading.calls}] instead of [${reference.calls}]`);
  }
  const numbers = new Set([...reading.notes.keys(), ...reference.notes.keys()]);
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const text = reading.notes.get(n);
    const expected = reference.notes.get(n);
    if (text === undefined) found.push(`note ${n} missing`);
    else if (expected === undefined) found.push(`note ${n} extra: ${text}`);
    else if (text !== expected) found.push(`note ${n} reads\n    ${text}\n  instead of\n    ${expected}`);
  }
  return found;
}

/** Note calls in a Markdown source by a plain scan: `[^label]` not followed by `:`, numbered by first appearance. */
function callsInMarkdown(markdown: string): number[] {
  const numbers = new Map<string, number>();
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, "");
  return [...body.matchAll(/\[\^([^\]\s]+)\](?!:)/g)].map(([, label]) => {
    const key = label.toLowerCase();
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    return numbers.get(key)!;
  });
}

describe.each(DOCS)("$source ($notes)", (doc) => {
  const read = (kind: Kind) => readings.get(doc)![kind];
  const others = doc.kinds.filter((kind) => kind !== "html");

  it("expects the calls a plain scan of the Markdown finds", async () => {
    expect(callsInMarkdown(await readFile(join(ROOT, doc.source), "utf8"))).toEqual(doc.expectedCalls);
  });

  it("HTML shows the expected calls", async () => {
    expect((await read("html")).calls).toEqual(doc.expectedCalls);
  });

  it.each(others)("%s shows the same calls as the HTML", async (kind) => {
    expect((await read(kind)).calls).toEqual((await read("html")).calls);
  });

  it(`every note number has the same text in all ${doc.kinds.length} readings`, async () => {
    const html = await read("html");
    for (const kind of doc.kinds) expect(disagreements(await read(kind), html), kind).toEqual([]);
    for (const [n, text] of html.notes) expect(text.length, `note ${n} is empty`).toBeGreaterThan(10);
  });

  it.each(doc.kinds)("%s has one note per distinct call, numbered 1…N", async (kind) => {
    const reading = await read(kind);
    const distinct = new Set(reading.calls);
    expect(reading.notes.size).toBe(distinct.size);
    expect([...reading.notes.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: distinct.size }, (_, i) => i + 1));
  });
});

describe("the notes fixture", () => {
  it("HTML notes are the fixture's definitions, in call order", async () => {
    const expected = [
      "The zeta note, with a link: https://example.org/zeta.",
      "Note ninety-nine. It has a second paragraph.",
      "Defined before any reference, called third.",
      "Called from a quote.",
      "Called from a list item.",
      "Called from a table cell.",
      "Called from a heading.",
    ];
    const html = await readings.get(FIXTURE)!.html;
    expect([...html.notes.entries()]).toEqual(expected.map((text, i) => [i + 1, normalizeNoteText(text)]));
  });

  it("the unused note is in none of the outputs", async () => {
    const unused = normalizeNoteText("Never called");
    const texts: Record<string, string> = {
      html: await readFile(path(FIXTURE, "html"), "utf8"),
      pdf: await pdfText(path(FIXTURE, "pdf")),
      docx: await docxText(path(FIXTURE, "docx")),
      libreoffice: await pdfText(join(out, "libreoffice", "notes.pdf")),
    };
    for (const [kind, text] of Object.entries(texts)) {
      expect(text.length, kind).toBeGreaterThan(100);
      expect(normalizeNoteText(text), kind).toContain(normalizeNoteText("Called from a heading"));
      expect(normalizeNoteText(text), kind).not.toContain(unused);
    }
    for (const kind of KINDS) {
      for (const text of (await readings.get(FIXTURE)![kind]).notes.values()) expect(text, kind).not.toContain(unused);
    }
  });
});

describe("corrupted outputs make the readings disagree", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(out, "corrupt-"));
  });

  async function rewriteDocx(target: string, part: string, edit: (doc: ReturnType<typeof parseXml>) => void) {
    const parts = unzipSync(await readFile(path(FIXTURE, "docx")));
    const doc = parseXml(new TextDecoder().decode(parts[part]), part);
    edit(doc);
    parts[part] = strToU8(new XMLSerializer().serializeToString(doc));
    await writeFile(target, zipSync(parts));
  }

  it("docx with two footnote texts swapped", async () => {
    const target = join(dir, "swapped.docx");
    await rewriteDocx(target, "word/footnotes.xml", (doc) => {
      const byId = (id: string) => Array.from(doc.getElementsByTagNameNS(W, "footnote")).find((f) => f.getAttributeNS(W, "id") === id)!;
      const [a, b] = [byId("3"), byId("4")];
      const aKids = Array.from(a.childNodes);
      const bKids = Array.from(b.childNodes);
      for (const kid of aKids) b.appendChild(kid);
      for (const kid of bKids) a.appendChild(kid);
    });
    const html = await readings.get(FIXTURE)!.html;
    const docx = await readDocx(target);
    expect(docx.calls).toEqual(html.calls);
    expect(disagreements(docx, html).join("\n")).toMatch(/note 3 reads[\s\S]*note 4 reads/);
    const lo = await readLibreOfficePdf(target, dir);
    expect(disagreements(lo, html).join("\n")).toMatch(/note 3 reads[\s\S]*note 4 reads/);
  }, 180_000);

  it("docx whose NOTEREF field shows a stale number", async () => {
    const target = join(dir, "stale.docx");
    await rewriteDocx(target, "word/document.xml", (doc) => {
      // The second call to note 1 ("Zeta again") is the first NOTEREF field: make its cached result say 9.
      const instr = Array.from(doc.getElementsByTagNameNS(W, "instrText")).find((i) => /NOTEREF/.test(i.textContent ?? ""))!;
      let run = instr.parentNode!.nextSibling;
      while (run && !(run.nodeType === 1 && (run as XmlElement).getElementsByTagNameNS(W, "t").length)) run = run.nextSibling;
      const t = (run as XmlElement).getElementsByTagNameNS(W, "t")[0];
      expect(t.textContent).toBe("1");
      t.textContent = "9";
    });
    await expect(readDocx(target)).rejects.toThrow(/NOTEREF \S+ shows cached result "9", but its footnote is number 1/);
    // LibreOffice does not update the field: it prints the stale 9.
    const html = await readings.get(FIXTURE)!.html;
    const lo = await readLibreOfficePdfFile(await convertWithLibreOffice(target, dir));
    expect(lo.calls).toEqual([1, 2, 9, 3, 4, 2, 5, 1, 6, 7]);
    expect(disagreements(lo, html)).not.toEqual([]);
  }, 180_000);

  it("HTML with one call showing the wrong number", async () => {
    const target = join(dir, "call.html");
    const source = await readFile(path(FIXTURE, "html"), "utf8");
    let seen = 0;
    const changed = source.replace(/(<sup class="note-call"><a [^>]*>)(\d+)(<\/a>)/g, (all, open: string, n: string, close: string) =>
      ++seen === 3 ? `${open}${Number(n) + 2}${close}` : all,
    );
    expect(changed).not.toBe(source);
    await writeFile(target, changed);
    const [html, pdf] = [await readHtml(target), await readings.get(FIXTURE)!.pdf];
    expect(html.calls).toEqual([1, 2, 3, 3, 4, 2, 5, 1, 6, 7]);
    expect(disagreements(html, pdf)).toEqual([`calls [1,2,3,3,4,2,5,1,6,7] instead of [1,2,1,3,4,2,5,1,6,7]`]);
  });

  it("HTML whose note list numbers skip", async () => {
    const target = join(dir, "value.html");
    const source = await readFile(path(FIXTURE, "html"), "utf8");
    const changed = source.replace(/(<li [^>]*value=")2(")/, "$14$2");
    expect(changed).not.toBe(source);
    await writeFile(target, changed);
    await expect(readHtml(target)).rejects.toThrow(/note item 2 has value="4"/);
  });

  it("PDF whose note links lead to the wrong notes", async () => {
    // Uncompressed by qpdf, then the names of the destinations of notes 1 and 2 swapped in
    // place (same length, so the cross-reference offsets stay valid).
    const qdf = join(dir, "links.qdf.pdf");
    const target = join(dir, "links.pdf");
    await new Promise<void>((done, fail) =>
      spawn("qpdf", ["--qdf", "--object-streams=disable", path(FIXTURE, "pdf"), qdf]).on("close", (code) =>
        code === 0 ? done() : fail(new Error(`qpdf exit ${code}`)),
      ),
    );
    const bytes = (await readFile(qdf)).toString("latin1");
    const swapped = bytes.replace(/\/note-([12])(\s*\[)/g, (_, n: string, rest: string) => `/note-${n === "1" ? "2" : "1"}${rest}`);
    expect(swapped).not.toBe(bytes);
    await writeFile(target, Buffer.from(swapped, "latin1"));
    expect((await readPdf(qdf, { notesHeading: "Notes" })).calls).toEqual(FIXTURE.expectedCalls); // the uncompressed copy still reads
    await expect(readPdf(target, { notesHeading: "Notes" })).rejects.toThrow(/the call labelled 1 on page 1 leads to note 2/);
  });

  it("a copy of the fixture docx, unchanged, still agrees (the corruptions above are what disagree)", async () => {
    const target = join(dir, "copy.docx");
    await copyFile(path(FIXTURE, "docx"), target);
    expect(disagreements(await readDocx(target), await readings.get(FIXTURE)!.html)).toEqual([]);
  });
});
