/**
 * Markdown written for GitHub and other tools, built in two CLI runs shared by every test here
 * (all sources to HTML and .docx; a handful to PDF).
 *
 * GitHub's own footnote fixtures (test/fixtures/gfm-footnote: micromark-extension-gfm-footnote's,
 * with the HTML GitHub makes of them, and cmark-gfm's spec examples) built as a user would: the
 * sequence of call numbers and the text each number leads to must be GitHub's, in the HTML and
 * the .docx (and the PDF, for a handful). Every difference is listed, with its reason, in
 * DIVERGENCES.md; one not listed there fails, and so does a listed one that no longer happens.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { selectAll } from "hast-util-select";
import { toText } from "hast-util-to-text";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, cli, removeTempDirs, tempDir } from "./helpers.ts";
import { type Reading, normalizeNoteText, readDocx, readHtml, readPdf } from "./readers.ts";
import { unzipSync as docxParts } from "fflate";

const FIXTURES = join(ROOT, "test/fixtures/gfm-footnote");
const NAMES = readdirSync(FIXTURES)
  .filter((n) => n.endsWith(".md") && n !== "README.md" && n !== "DIVERGENCES.md")
  .map((n) => n.slice(0, -3))
  .sort();
/** Built to PDF as well: notes starting with every kind of block, calls in every construct, a table. */
const PDF_NAMES = ["constructs-in-footnotes-first", "footnotes-in-constructs", "calls", "cmark-gfm-regression-1", "containers"];
/** A 1 × 1 PNG: the fixtures' images (`![x](a)`) are given as files, for broadside reads only local images. */
/** Calls in every construct, notes that start with every kind of block, links in link text (all three formats). */
const ELSEWHERE = join(ROOT, "test/fixtures/elsewhere");
const NOTES = 13;
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

interface Divergence {
  fixture: string;
  kind: "refused" | "calls" | "note";
  /** For `note`: its number. */
  number?: number;
  value: string;
  reason: string;
}

function readDivergences(): Divergence[] {
  const rows: Divergence[] = [];
  for (const line of readFileSync(join(FIXTURES, "DIVERGENCES.md"), "utf8").split("\n")) {
    const m = /^\|\s*([\w-]+)\s*\|\s*(refused|calls|note (\d+)):\s*(.*?)\s*\|\s*(.+?)\s*\|$/.exec(line);
    if (!m) continue;
    rows.push({
      fixture: m[1],
      kind: m[2].startsWith("note") ? "note" : (m[2] as "refused" | "calls"),
      number: m[3] ? Number(m[3]) : undefined,
      value: m[4].replace(/^`(.*)`$/, "$1"),
      reason: m[5],
    });
  }
  return rows;
}

/** What GitHub's HTML numbers: its calls in body order and the text each note number shows. */
function githubReading(html: string): Reading {
  const tree = fromHtml(html, { fragment: true });
  const sections = selectAll("section.footnotes", tree);
  const inNotes = new Set(sections.flatMap((s) => selectAll("*", s)));
  const calls = selectAll("a[data-footnote-ref], sup.footnote-ref > a", tree)
    .filter((a) => !inNotes.has(a))
    .map((a) => Number(toText(a).trim()));
  const notes = new Map<number, string>();
  for (const section of sections) {
    selectAll("ol > li", section).forEach((li, i) => {
      const copy = structuredClone(li) as Element;
      const drop = new Set(selectAll("a[data-footnote-backref], a.footnote-backref", copy));
      const prune = (node: Element) => {
        node.children = node.children.filter((c) => !(c.type === "element" && drop.has(c)));
        for (const c of node.children) if (c.type === "element") prune(c);
      };
      prune(copy);
      notes.set(i + 1, normalizeNoteText(toText(copy)));
    });
  }
  return { calls, notes };
}

/** The differences between GitHub's reading and one of ours, as divergence rows would state them. */
function differences(fixture: string, github: Reading, ours: Reading): string[] {
  const found: string[] = [];
  if (ours.calls.join(" ") !== github.calls.join(" ")) found.push(`${fixture} calls: ${ours.calls.join(" ")}`);
  const numbers = new Set([...github.notes.keys(), ...ours.notes.keys()]);
  for (const n of [...numbers].sort((a, b) => a - b)) {
    if (ours.notes.get(n) !== github.notes.get(n)) found.push(`${fixture} note ${n}: ${ours.notes.get(n) ?? "(none)"}`);
  }
  return found;
}

function listed(fixture: string, divergences: Divergence[]): string[] {
  return divergences
    .filter((d) => d.fixture === fixture && d.kind !== "refused")
    .map((d) =>
      d.kind === "calls" ? `${fixture} calls: ${d.value}` : `${fixture} note ${d.number}: ${d.value === "(none)" ? d.value : normalizeNoteText(d.value)}`,
    );
}

let out: string;
let pdfOut: string;
let build: Awaited<ReturnType<typeof cli>>;
let pdfBuild: Awaited<ReturnType<typeof cli>>;
/** The elsewhere fixture as each format reads. */
const readings: Record<string, Reading> = {};

beforeAll(async () => {
  const dir = tempDir();
  out = join(dir, "out");
  pdfOut = join(dir, "pdf");
  for (const name of NAMES) {
    copyFileSync(join(FIXTURES, `${name}.md`), join(dir, `${name}.md`));
    const text = readFileSync(join(FIXTURES, `${name}.md`), "utf8");
    for (const m of text.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)|^ {0,3}\[[^\]^][^\]]*\]:\s*(\S+)/gm)) {
      const path = m[1] ?? m[2];
      if (path && !/[:/\\]/.test(path) && !existsSync(join(dir, path))) writeFileSync(join(dir, path), PNG);
    }
  }
  copyFileSync(join(ELSEWHERE, "elsewhere.md"), join(dir, "elsewhere.md"));
  copyFileSync(join(ELSEWHERE, "img.png"), join(dir, "img.png"));
  const sources = [...NAMES, "elsewhere"].map((n) => join(dir, `${n}.md`));
  [build, pdfBuild] = await Promise.all([
    cli(["build", ...sources, "--out", out, "--format", "html,docx", "--lang", "en"]),
    // With the proof on: notes that start with a heading or a table must not be a false alarm.
    cli(["build", ...[...PDF_NAMES, "elsewhere"].map((n) => join(dir, `${n}.md`)), "--out", pdfOut, "--format", "pdf", "--lang", "en"]),
  ]);
  if (existsSync(join(out, "elsewhere.html"))) {
    readings.html = await readHtml(join(out, "elsewhere.html"));
    readings.docx = await readDocx(join(out, "elsewhere.docx"));
  }
  if (existsSync(join(pdfOut, "elsewhere.pdf"))) readings.pdf = await readPdf(join(pdfOut, "elsewhere.pdf"), { notesHeading: "Notes" });
}, 120_000);
afterAll(removeTempDirs);

describe("GitHub's footnote fixtures", () => {
  const divergences = readDivergences();
  const refused = new Map(divergences.filter((d) => d.kind === "refused").map((d) => [d.fixture, d.value.split(/,\s*/).sort()]));

  it("lists only fixtures that exist, each difference once, with a reason", () => {
    for (const d of divergences) {
      expect(NAMES, `DIVERGENCES.md names ${d.fixture}`).toContain(d.fixture);
      expect(d.reason.length, `reason for ${d.fixture}`).toBeGreaterThan(20);
    }
    expect(NAMES.length).toBeGreaterThanOrEqual(31);
  });

  it("refuses exactly the listed fixtures, with the listed rules at a line and column, writing nothing of them", () => {
    expect(build.code, build.stderr).toBe(refused.size ? 1 : 0);
    for (const name of NAMES) {
      const errors = [...build.stderr.matchAll(new RegExp(`/${name}\\.md:(\\d+):(\\d+): error: .*\\[([\\w-]+)\\]$`, "gm"))];
      const rules = [...new Set(errors.map((e) => e[3]))].sort();
      expect(
        rules,
        `${name}: ${build.stderr
          .split("\n")
          .filter((l) => l.includes(`/${name}.md`))
          .join("\n")}`,
      ).toEqual(refused.get(name) ?? []);
      expect(existsSync(join(out, `${name}.html`))).toBe(!refused.has(name));
      expect(existsSync(join(out, `${name}.docx`))).toBe(!refused.has(name));
    }
    expect(build.stderr).not.toMatch(/outputs-disagree|internal error/);
  });

  it("numbers every built fixture as GitHub does in the HTML and the .docx, but for the listed differences", async () => {
    const unexpected: string[] = [];
    const missing: string[] = [];
    for (const name of NAMES.filter((n) => !refused.has(n))) {
      const github = githubReading(readFileSync(join(FIXTURES, `${name}.html`), "utf8"));
      const expected = listed(name, divergences);
      for (const [format, reading] of [
        ["html", await readHtml(join(out, `${name}.html`))],
        ["docx", await readDocx(join(out, `${name}.docx`))],
      ] as const) {
        const found = differences(name, github, reading);
        unexpected.push(...found.filter((f) => !expected.includes(f)).map((f) => `${format}: ${f}`));
        missing.push(...expected.filter((e) => !found.includes(e)).map((e) => `${format}: ${e}`));
      }
    }
    expect(unexpected, "differences from GitHub not in DIVERGENCES.md").toEqual([]);
    expect(missing, "rows of DIVERGENCES.md that no longer happen").toEqual([]);
  });

  it("numbers a handful the same in the PDF", async () => {
    expect(pdfBuild.code, pdfBuild.stderr).toBe(0);
    const wrong: string[] = [];
    for (const name of PDF_NAMES) {
      const github = githubReading(readFileSync(join(FIXTURES, `${name}.html`), "utf8"));
      const reading = await readPdf(join(pdfOut, `${name}.pdf`), { notesHeading: "Notes" });
      const expected = listed(name, divergences);
      wrong.push(...differences(name, github, reading).filter((f) => !expected.includes(f)));
    }
    expect(wrong).toEqual([]);
  });
});

describe("Markdown from elsewhere: calls in every construct, notes of every shape, no lost text", () => {
  it("builds, with no warning", () => {
    for (const run of [build, pdfBuild]) expect(run.stderr.split("\n").filter((l) => l.includes("/elsewhere.md"))).toEqual([]);
    for (const path of [join(out, "elsewhere.html"), join(out, "elsewhere.docx"), join(pdfOut, "elsewhere.pdf")]) expect(existsSync(path), path).toBe(true);
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
    const html = readFileSync(join(out, "elsewhere.html"), "utf8")
      .replace(/<[^>]+>/g, "")
      .replace(/&#x26;|&amp;/g, "&")
      .replace(/&#xA9;|&copy;/gi, "©");
    const parts = docxParts(readFileSync(join(out, "elsewhere.docx")));
    const docx = new TextDecoder()
      .decode(parts["word/document.xml"])
      .replace(/<[^>]+>/g, "")
      .replace(/&amp;/g, "&");
    const pdf = execFileSync("pdftotext", ["-raw", join(pdfOut, "elsewhere.pdf"), "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
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
    const bbox = execFileSync("pdftotext", ["-bbox", join(pdfOut, "elsewhere.pdf"), "-"], { encoding: "utf8" });
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
