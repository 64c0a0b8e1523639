/**
 * Markdown written for GitHub and other tools: note calls in link text, alt text, tables,
 * headings, emphasis, quotes and lists; notes that start with a heading, a rule, a list, code or
 * a table; links, code and entities that must keep every word. One build of all three formats.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, cli, removeTempDirs, tempDir } from "./helpers.ts";
import { type Reading, docxParts, normalizeNoteText, readDocx, readHtml, readPdf } from "./readers.ts";

const SOURCE = join(ROOT, "test/fixtures/elsewhere/elsewhere.md");
const NOTES = 13;

describe("Markdown from elsewhere", () => {
  let out: string;
  let build: Awaited<ReturnType<typeof cli>>;
  const readings: Record<string, Reading> = {};

  beforeAll(async () => {
    out = join(tempDir(), "out");
    // --no-verify: the PDF read-back (src/verify/pdf.ts) is being replaced and misreads notes that
    // start with a heading or a table; this test reads all three documents itself.
    build = await cli(["build", SOURCE, "--out", out, "--lang", "en", "--no-server", "--no-verify"]);
    if (build.code !== 0) return;
    readings.html = await readHtml(join(out, "elsewhere.html"));
    readings.docx = await readDocx(join(out, "elsewhere.docx"));
    readings.pdf = await readPdf(join(out, "elsewhere.pdf"), { notesHeading: "Notes" });
  }, 120_000);
  afterAll(removeTempDirs);

  it("builds, with no warning", () => {
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toBe("");
  });

  it("numbers every call as GitHub does, in all three formats: in link text, alt text, tables, emphasis, quotes, lists, headings", () => {
    const sequence = Array.from({ length: NOTES }, (_, i) => i + 1);
    for (const format of ["html", "docx", "pdf"]) {
      expect(readings[format].calls, format).toEqual(sequence);
      expect([...readings[format].notes.keys()], format).toEqual(sequence);
    }
    expect(readings.html.notes.get(1)).toBe(normalizeNoteText("The link note."));
    expect(readings.html.notes.get(2)).toBe(normalizeNoteText("The image note."));
    expect(readings.html.notes.get(8)).toBe(normalizeNoteText("The heading note."));
    for (const n of readings.html.notes.keys()) {
      expect(readings.docx.notes.get(n), `docx note ${n}`).toBe(readings.html.notes.get(n));
      expect(readings.pdf.notes.get(n), `pdf note ${n}`).toBe(readings.html.notes.get(n));
    }
  });

  it("loses no text of links in link text, autolinks, inline code or entities, in the body and in notes", () => {
    const words = ["a report, online: https://example.org/a, 2019", "inline code", "& © entities"];
    const html = readFileSync(join(out, "elsewhere.html"), "utf8").replace(/<[^>]+>/g, "").replace(/&#x26;|&amp;/g, "&").replace(/&#xA9;|&copy;/gi, "©");
    const parts = docxParts(readFileSync(join(out, "elsewhere.docx")));
    const docx = new TextDecoder().decode(parts["word/document.xml"]).replace(/<[^>]+>/g, "").replace(/&amp;/g, "&");
    const pdf = execFileSync("pdftotext", ["-raw", join(out, "elsewhere.pdf"), "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    for (const text of words) {
      expect(html, "html").toContain(text);
      expect(docx, "docx").toContain(text);
      expect(pdf, "pdf").toContain(text);
    }
    const note = normalizeNoteText("See a report, online: https://example.org/a, 2019, code & ©.");
    for (const format of ["html", "docx", "pdf"]) expect(readings[format].notes.get(3), format).toBe(note);
  });

  it("keeps the alt text and the image, with the call after it", () => {
    const html = readFileSync(join(out, "elsewhere.html"), "utf8");
    expect(html).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="chart"[^>]*><sup class="note-call"><a href="#note-2"/);
  });

  it("sets headings, rules, lists, code and tables inside notes at note size", () => {
    // PDF: the heading that opens note 9 is no taller than the note's own text, and smaller than the body's heading.
    const bbox = execFileSync("pdftotext", ["-bbox", join(out, "elsewhere.pdf"), "-"], { encoding: "utf8" });
    const height = (word: string) => {
      const m = new RegExp(`yMin="([\\d.]+)" xMax="[\\d.]+" yMax="([\\d.]+)">${word}<`).exec(bbox);
      if (!m) throw new Error(`no word ${word} in the PDF`);
      return Number(m[2]) - Number(m[1]);
    };
    expect(height("Headline")).toBeLessThanOrEqual(height("paragraph.") * 1.1);
    expect(height("Headline")).toBeLessThan(height("heading") * 0.8);
    // DOCX: every paragraph of every footnote takes the note style, none a heading, code or rule style.
    const footnotes = new TextDecoder().decode(docxParts(readFileSync(join(out, "elsewhere.docx")))["word/footnotes.xml"]);
    const styles = [...footnotes.matchAll(/<w:pStyle w:val="([^"]+)"\/>/g)].map((m) => m[1]);
    expect(new Set(styles)).toEqual(new Set(["FootnoteText"]));
    expect(footnotes).not.toContain("<w:tbl>");
  });
});
