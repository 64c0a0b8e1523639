/**
 * GitHub's own footnote fixtures (test/fixtures/gfm-footnote: micromark-extension-gfm-footnote's,
 * with the HTML GitHub makes of them, and cmark-gfm's spec examples) built as a user would: the
 * sequence of call numbers and the text each number leads to must be GitHub's, in the HTML and
 * the .docx (and the PDF, for a handful). Every difference is listed, with its reason, in
 * DIVERGENCES.md; one not listed there fails, and so does a listed one that no longer happens.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { selectAll } from "hast-util-select";
import { toText } from "hast-util-to-text";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, cli, removeTempDirs, tempDir } from "./helpers.ts";
import { type Reading, normalizeNoteText, readDocx, readHtml, readPdf } from "./readers.ts";

const FIXTURES = join(ROOT, "test/fixtures/gfm-footnote");
const NAMES = readdirSync(FIXTURES).filter((n) => n.endsWith(".md") && n !== "README.md" && n !== "DIVERGENCES.md").map((n) => n.slice(0, -3)).sort();
/** Built to PDF as well: notes starting with every kind of block, calls in every construct, a table. */
const PDF_NAMES = ["constructs-in-footnotes-first", "footnotes-in-constructs", "calls", "cmark-gfm-regression-1", "containers"];
/** A 1 × 1 PNG: the fixtures' images (`![x](a)`) are given as files, for broadside reads only local images. */
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
    rows.push({ fixture: m[1], kind: m[2].startsWith("note") ? "note" : (m[2] as "refused" | "calls"), number: m[3] ? Number(m[3]) : undefined, value: m[4].replace(/^`(.*)`$/, "$1"), reason: m[5] });
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
    .map((d) => (d.kind === "calls" ? `${fixture} calls: ${d.value}` : `${fixture} note ${d.number}: ${d.value === "(none)" ? d.value : normalizeNoteText(d.value)}`));
}

describe("GitHub's footnote fixtures", () => {
  const divergences = readDivergences();
  const refused = new Map(divergences.filter((d) => d.kind === "refused").map((d) => [d.fixture, d.value.split(/,\s*/).sort()]));
  let out: string;
  let pdfOut: string;
  let build: Awaited<ReturnType<typeof cli>>;
  let pdfBuild: Awaited<ReturnType<typeof cli>>;

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
    const sources = NAMES.map((n) => join(dir, `${n}.md`));
    [build, pdfBuild] = await Promise.all([
      cli(["build", ...sources, "--out", out, "--format", "html,docx", "--lang", "en", "--no-server"]),
      // The PDF's read-back is being replaced (src/verify/pdf.ts); this test reads the PDF itself.
      cli(["build", ...PDF_NAMES.map((n) => join(dir, `${n}.md`)), "--out", pdfOut, "--format", "pdf", "--lang", "en", "--no-server", "--no-verify"]),
    ]);
  }, 120_000);
  afterAll(removeTempDirs);

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
      expect(rules, `${name}: ${build.stderr.split("\n").filter((l) => l.includes(`/${name}.md`)).join("\n")}`).toEqual(refused.get(name) ?? []);
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
      for (const [format, reading] of [["html", await readHtml(join(out, `${name}.html`))], ["docx", await readDocx(join(out, `${name}.docx`))]] as const) {
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
