/**
 * The proof on letters in the coalition's scripts, and on Markdown that used to raise false
 * alarms: each builds to HTML, PDF and DOCX with the proof on, exits 0 and says "verified"; the
 * numbers read back from every file agree. And the proof still catches a lost word, a changed
 * character and a changed number in these scripts. One build of all the fixtures, shared.
 */
import { spawn } from "node:child_process";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VFile } from "vfile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "puppeteer-core";
import { launchBrowser } from "../src/pdf/browser.ts";
import { compareReadings, readDocx, readHtml, readPdf, type Reading, sameNoteText, verifyOutputs } from "../src/verify/index.ts";
import { readPageItems, readPdfData } from "../src/verify/pdf.ts";
import { BIN, ROOT, tempDir } from "./helpers.ts";
import { mutateLetter } from "../bench/mutations.ts";

const SCRIPTS = ["ug", "ar", "bo", "mn-Mong", "zh-Hant-HK"];
const OTHERS = [
  "list-after-note",
  "list-after-only-note",
  "note-block-start",
  "list-in-note",
  "list-in-endnote-ug",
  "back-links-ar",
  "page-without-text-ug",
  "one-note-mn-Mong",
];
const FIXTURES = [...SCRIPTS, ...OTHERS];

let out = "";
let code: number | null = null;
let output = "";

beforeAll(async () => {
  out = tempDir("broadside-proof-");
  const sources = FIXTURES.map((name) => `test/fixtures/proof/${name}.md`);
  ({ code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(process.execPath, [BIN, "build", ...sources, "--out", out], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    child.on("error", fail);
    child.on("close", (exit) => done({ code: exit, output: text }));
  }));
}, 240_000);

const built = (name: string, ext: string) => join(out, `${name}.${ext}`);
const readAll = (name: string) => Promise.all([readHtml(built(name, "html")), readPdf(built(name, "pdf")), readDocx(built(name, "docx"))]);

describe("the proof accepts correct documents", () => {
  it("every fixture builds with the proof on: exit 0, each verified", () => {
    expect(code, output).toBe(0);
    expect(output.match(/verified: every note call and note text agrees in html, pdf, docx/g), output).toHaveLength(FIXTURES.length);
    expect(output).not.toMatch(/error/);
  });

  it.each(SCRIPTS)("%s: the same calls (one note called twice) and three notes in all three files", async (name) => {
    for (const reading of await readAll(name)) {
      expect(reading.calls.map((c) => c.shown).sort(), reading.format).toEqual(["1", "1", "2", "3"]);
      expect(
        reading.calls.every((c) => c.leadsTo?.shown === c.shown),
        reading.format,
      ).toBe(true);
      expect([...reading.notes.keys()], reading.format).toEqual([1, 2, 3]);
      for (const text of reading.notes.values()) expect(text.length, reading.format).toBeGreaterThan(10);
    }
  });

  it("an ordered list at the top of a page after a page-foot note is not taken for the note", async () => {
    const [html, pdf] = await readAll("list-after-note");
    expect(pdf.notes.get(1)).toBe("The note text.");
    expect([...pdf.notes.keys()]).toEqual([1, 2]);
    expect(pdf.calls.map((c) => [c.shown, c.leadsTo?.shown])).toEqual(html.calls.map((c) => [c.shown, c.leadsTo?.shown]));
  });

  it("the only note, called in the paragraph that ends page 1, then a list item and a closing paragraph on page 2", async () => {
    // The case as printed: the note at the foot of page 1, the list item at the top of page 2.
    const pages = (await readPageItems(await readFile(built("list-after-only-note", "pdf")))).map((page) => page.items);
    const text = (page: { str: string }[]) => page.map((item) => item.str).join("");
    expect(pages).toHaveLength(2);
    expect(text(pages[0])).toMatch(/End\.1\. ?The note text\./);
    expect(text(pages[1])).toMatch(/^[^.]*1\. ?And in list items\.Closing paragraph of the letter\./);
    const [html, pdf, docx] = await readAll("list-after-only-note");
    for (const reading of [html, pdf, docx]) {
      expect([...reading.notes], reading.format).toEqual([[1, "The note text."]]);
      expect(
        reading.calls.map((c) => [c.shown, c.leadsTo?.shown]),
        reading.format,
      ).toEqual([["1", "1"]]);
    }
  });

  it("PDFs read back at the same time each keep their own pages (pdf.js counts pages once for the whole process)", async () => {
    const pdfs = await Promise.all(FIXTURES.map((name) => readFile(built(name, "pdf"))));
    const alone: number[] = [];
    for (const bytes of pdfs) alone.push((await readPageItems(bytes)).length);
    const longest = alone.indexOf(Math.max(...alone));
    expect(Math.min(...alone), "fixtures of different lengths").toBeLessThan(alone[longest]);
    // Each shorter PDF opened while the longest is being read page by page, as a packet's parts are.
    for (const [i, bytes] of pdfs.entries()) {
      if (alone[i] === alone[longest]) continue;
      const later = new Promise((wait) => setTimeout(wait, 5)).then(() => Promise.all([readPageItems(bytes), readPdfData(bytes)]));
      const [long, [short]] = await Promise.all([readPageItems(pdfs[longest]), later]);
      expect([long.length, short.length], FIXTURES[i]).toEqual([alone[longest], alone[i]]);
    }
  });

  it("notes that start with a heading or a thematic break: each call leads to its note", async () => {
    for (const reading of await readAll("note-block-start")) {
      expect(
        reading.calls.map((c) => [c.shown, c.leadsTo?.shown]),
        reading.format,
      ).toEqual([
        ["1", "1"],
        ["2", "2"],
        ["3", "3"],
        ["2", "2"],
      ]);
      expect(reading.notes.get(2), reading.format).toMatch(/^Head ?The text under the heading\.$/);
      expect(reading.notes.get(3), reading.format).toBe("The text after the break.");
    }
  });

  it("a note called twice, its back links drawn beside its Arabic letters: the letters are the note's, the back links not", async () => {
    const [html, pdf, docx] = await readAll("back-links-ar");
    expect(html.calls.filter((c) => c.shown === "12")).toHaveLength(2);
    for (const reading of [pdf, docx]) expect(sameNoteText(reading.notes.get(12)!, html.notes.get(12)!, true), reading.format).toBe(true);
    expect(pdf.notes.get(12)).not.toMatch(/[0-9]/);
  });

  it("a last page that holds only a note's image and back link, no text: its running head and page number are not the note's", async () => {
    const pages = (await readPageItems(await readFile(built("page-without-text-ug", "pdf")))).map((page) => page.items);
    expect(pages).toHaveLength(3);
    expect(pages[2].map((item) => item.str.replace(/\s/g, "")).join("")).toBe("doc-16-0029ug3/3");
    const [html, pdf] = await readAll("page-without-text-ug");
    expect(sameNoteText(pdf.notes.get(3)!, html.notes.get(3)!, true), pdf.notes.get(3)).toBe(true);
    expect(pdf.notes.get(3)).not.toMatch(/doc-16|3\/3/);
  });

  it("a numbered list in a note, at the page foot or at the end: its numbers are drawn, not the note's text", async () => {
    const expected = new Map([
      [
        "list-in-note",
        [
          "The steps asked of the authorities: release the detained journalists; allow independent observers.",
          "Two kinds of list: a bullet with a numbered item under it",
          "A plain note after them.",
        ],
      ],
      ["list-in-endnote-ug", ["قەدەملەر: بىرىنچى قەدەم ئىككىنچى قەدەم", "ئاددىي ئىزاھ."]],
    ]);
    for (const [name, notes] of expected) {
      const [html, pdf, docx] = await readAll(name);
      for (const reading of [html, docx]) expect([...reading.notes.values()], `${name} ${reading.format}`).toEqual(notes);
      // Chromium draws right-to-left text in visual order: the PDF's text is compared as the proof compares it.
      expect([...pdf.notes.keys()], name).toEqual(notes.map((_, k) => k + 1));
      for (const [k, text] of notes.entries())
        expect(sameNoteText(pdf.notes.get(k + 1)!, text, name.endsWith("-ug")), `${name} pdf note ${k + 1}: ${pdf.notes.get(k + 1)}`).toBe(true);
      for (const reading of [html, pdf, docx])
        expect(
          reading.calls.map((c) => c.leadsTo?.shown),
          `${name} ${reading.format}`,
        ).toEqual(notes.map((_, k) => String(k + 1)));
    }
  });
});

describe("a right-to-left letter printed here by Chromium", () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it("ug with dir=rtl: the notes list's labels, drawn in pieces, are found, and the PDF is verified", async () => {
    // Chromium tags a right-to-left list item as NonStruct around its label, and draws "1." as "." then "1".
    browser = await launchBrowser();
    const html = (await readFile(built("ug", "html"), "utf8")).replace(/<html([^>]*)>/, '<html$1 dir="rtl">');
    const rtlHtml = join(out, "ug-rtl.html");
    const rtlPdf = join(out, "ug-rtl.pdf");
    await writeFile(rtlHtml, html);
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await writeFile(rtlPdf, await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true }));
    await page.close();
    const pdf = await readPdf(rtlPdf);
    expect(pdf.calls.map((c) => [c.shown, c.leadsTo?.shown])).toEqual([
      ["1", "1"],
      ["2", "2"],
      ["3", "3"],
      ["1", "1"],
    ]);
    const report = new VFile({ path: rtlPdf });
    await verifyOutputs({ html: rtlHtml, pdf: rtlPdf, docx: built("ug", "docx") }, report);
    expect(report.messages.map(String)).toEqual([]);
  }, 60_000);
});

/** The messages of comparing readings, as "Note n …" reasons. */
const disagreements = (readings: Reading[]) => compareReadings(readings).map((d) => d.reason);

/** A copy of a reading with note `n`'s text changed. */
function withNote(reading: Reading, n: number, edit: (text: string) => string): Reading {
  const notes = new Map(reading.notes);
  const text = notes.get(n)!;
  const changed = edit(text);
  expect(changed).not.toBe(text);
  notes.set(n, changed);
  return { ...reading, notes };
}

/**
 * Remove each character of `word` once from `text` (the PDF's text may hold them in another
 * order, and a NUL for a glyph drawn from a font without the letter).
 */
function without(text: string, word: string): string {
  let rest = text;
  for (const c of word) {
    const at = rest.includes(c) ? rest.indexOf(c) : rest.indexOf("\u0000");
    expect(at, `${c} in ${text}`).toBeGreaterThanOrEqual(0);
    rest = rest.slice(0, at) + rest.slice(at + c.length);
  }
  return rest;
}

describe("the proof still catches what was lost or changed", () => {
  it.each(SCRIPTS)("%s: a word lost from the PDF's note 2, a character changed in its note 3, a call showing another number", async (name) => {
    const [html, pdf, docx] = await readAll(name);
    expect(disagreements([html, pdf, docx])).toEqual([]);
    // The longest word of the note as the HTML has it (Chinese: the first four characters).
    const words = html.notes
      .get(2)!
      .split(/[\s,.،。，、»«《》]+/)
      .filter(Boolean);
    const word = name.startsWith("zh") ? words[0].slice(0, 4) : words.sort((a, b) => b.length - a.length)[0];
    const lost = withNote(pdf, 2, (text) => without(text, word));
    expect(disagreements([html, lost, docx])).toEqual([expect.stringMatching(/^Note 2 text differs: PDF ".*" vs HTML and DOCX ".*"$/)]);

    const html3 = html.notes.get(3)!;
    const first = Array.from(html3).find((c) => /\p{L}/u.test(c) && pdf.notes.get(3)!.includes(c))!;
    const other = first === "ا" ? "ب" : "ا";
    const changed = withNote(pdf, 3, (text) => text.replace(first, other));
    expect(sameNoteText(changed.notes.get(3)!, html3)).toBe(false);
    expect(disagreements([html, changed, docx])).toEqual([expect.stringMatching(/^Note 3 text differs: PDF /)]);

    const renumbered: Reading = { ...pdf, calls: pdf.calls.map((c, i) => (i === 1 ? { ...c, shown: "5" } : c)) };
    expect(disagreements([html, renumbered, docx])).toEqual([
      `Note ${pdf.calls[1].shown}: the PDF shows the 2nd note call as 5 where the HTML and the DOCX show ${pdf.calls[1].shown} (it leads to note ${pdf.calls[1].shown})`,
    ]);
  });

  /** The built PDF uncompressed by qpdf and edited in place (same length, so the offsets stay valid); the proof's messages on it. */
  async function verifyEditedPdf(name: string, edit: (pdf: string) => string): Promise<string[]> {
    const qdf = join(out, `${name}.qdf.pdf`);
    const code = await new Promise<number | null>((done) =>
      spawn("qpdf", ["--qdf", "--object-streams=disable", built(name, "pdf"), qdf], { stdio: "ignore" }).on("close", done),
    );
    expect(code).toBe(0);
    const bytes = (await readFile(qdf)).toString("latin1");
    const changed = edit(bytes);
    expect(changed).not.toBe(bytes);
    expect(changed.length).toBe(bytes.length);
    const pdf = join(out, `${name}-edited.pdf`);
    await writeFile(pdf, Buffer.from(changed, "latin1"));
    const report = new VFile({ path: pdf });
    await verifyOutputs({ html: built(name, "html"), pdf, docx: built(name, "docx") }, report);
    return report.messages.map((m) => `${m.ruleId}: ${m.reason}`);
  }

  it("zh-Hant-HK: a PDF whose text maps one character of note 1 to another", async () => {
    // The ToUnicode entry of 聲 (only in note 1) pointed at 聾.
    expect(await verifyEditedPdf("zh-Hant-HK", (pdf) => pdf.replace(/(<[0-9A-F]{4}> )<8072>/, "$1<807E>"))).toEqual([
      'outputs-disagree: Note 1 text differs: PDF "聯合國聾明，2022年5月28日。" vs HTML and DOCX "聯合國聲明，2022年5月28日。"',
    ]);
  });

  it("mn-Mong: a PDF whose note 3 lost a letter", async () => {
    // The ToUnicode entry of the glyph drawn for ᠴ (of the notes, only note 3 has it) made a space.
    const messages = await verifyEditedPdf("mn-Mong", (pdf) => pdf.replace(/(<[0-9A-F]{4}> )<1834>/, "$1<0020>"));
    expect(messages).toEqual([expect.stringMatching(/^outputs-disagree: Note 3 text differs: PDF ".*" vs HTML and DOCX ".*ᠴ.*"$/)]);
  });

  it("mn-Mong, one note: its destination moved to a page with no note marker", async () => {
    // With no marker near the destination, no offset from destinations to markers can be learnt.
    const name = "one-note-mn-Mong";
    const copies = { html: built(name, "moved.html"), pdf: built(name, "moved.pdf"), docx: built(name, "moved.docx") };
    for (const f of ["html", "pdf", "docx"] as const) await copyFile(built(name, f), copies[f]);
    expect(mutateLetter("pdf-note-moved", copies, 1)).toBe(true);
    const report = new VFile({ path: copies.pdf });
    await verifyOutputs(copies, report);
    expect(report.messages.map((m) => m.reason)).toEqual(["Note 1: in the PDF, the 1st note call shows 1 but leads to no note"]);
  });
});
