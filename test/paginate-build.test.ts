/**
 * Pagination through the command line, on letters whose pages once went wrong: one build of all
 * the fixtures (test/fixtures/paginate/), the pages read back from the PDF with pdftotext.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ROOT, tempDir } from "./helpers.ts";
import { png } from "./images.ts";

const FIXTURES = [
  "row-notes",
  "back-link-foot",
  "back-link-end-ug",
  "tall-row",
  "long-notes-en",
  "long-note-ja",
  "long-endnote-ja",
  "long-note-zh",
  "long-note-ug",
  "row-long-note-tr",
];

let out = "";
let built: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  out = tempDir("broadside-paginate-");
  // In a folder of their own, with the picture one of them shows (a letter's images are inside its project).
  for (const name of FIXTURES) copyFileSync(join(ROOT, `test/fixtures/paginate/${name}.md`), join(out, `${name}.md`));
  writeFileSync(join(out, "tall.png"), png(40, 3000));
  // A pagination that never ends is stopped by the printer's limit well before the test's.
  built = await cli(["build", ...FIXTURES.map((name) => `${name}.md`), "--out", out], { cwd: out, env: { BROADSIDE_TIMEOUT: "40" } });
}, 240_000);

/** The text of each page of a built PDF, as laid out. */
function pages(name: string): string[] {
  const pdf = join(out, `${name}.pdf`);
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdf], { encoding: "utf8" }))![1]);
  return Array.from({ length: count }, (_, i) =>
    execFileSync("pdftotext", ["-layout", "-f", String(i + 1), "-l", String(i + 1), pdf, "-"], { encoding: "utf8" }),
  );
}

/** The notes at the foot of each page: the number of each that starts there ("2."), and of each continued there ("1 (…)"). */
const feet = (texts: string[]) =>
  texts.map((text) => ({
    starting: [...text.matchAll(/^\s*(\d+)\.\s/gm)].map((m) => Number(m[1])),
    continued: [...text.matchAll(/^\s*(\d+) \(/gm)].map((m) => Number(m[1])),
  }));

describe("every fixture builds", () => {
  it("with the proof: exit 0, each verified", () => {
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(built.stdout.match(/verified: every note call and note text agrees/g), built.stdout).toHaveLength(FIXTURES.length);
  });
});

describe("a table row whose notes cannot all fit below it", () => {
  it("prints on the page where it falls; its first note starts at that page's foot, and the notes go on overleaf, in order", () => {
    const texts = pages("row-notes");
    const foot = feet(texts);
    // The row (its calls "1 2 3" follow its first cell's words) and the start of note 1 share page 1.
    expect(texts[0]).toMatch(/монгол\s*1\s*2\s*3/);
    expect(foot[0].starting).toEqual([1]);
    expect(foot.flatMap((f) => f.starting)).toEqual([1, 2, 3]);
    expect(foot[1].continued).toEqual([1]);
    expect(foot.slice(1).flatMap((f) => f.starting)).toEqual([2, 3]);
  });
});

describe("a table row taller than a page", () => {
  it("is cut between lines of its long cell: starts on page 1, ends on page 3, nothing lost or doubled, its notes in order", () => {
    const texts = pages("tall-row");
    expect(texts[0]).toMatch(/FIRST\s+START OF THE LONG CELL/);
    expect(texts.findIndex((t) => t.includes("END OF THE LONG CELL"))).toBe(2);
    // Overleaf, the header is repeated and the first column is left empty.
    expect(texts[1]).toMatch(/Who\s+What they ask\n\s{6,}\S/);
    const all = texts.join("\n");
    expect(all.match(/FIRST/g)).toHaveLength(1);
    expect(all.match(/coalition/g)).toHaveLength(55); // the long cell's 1,100 words cycle 20 words
    expect(all.indexOf("It follows the tall row.")).toBeGreaterThan(all.indexOf("END OF THE LONG CELL"));
    expect(feet(texts).flatMap((f) => f.starting)).toEqual([1, 2, 3, 4]);
  });
});

describe("a note that ends with a list, its back link in a paragraph after it", () => {
  /** What a page shows besides its running head (the title), its number and the "N (cont.)" of a continued note. */
  const shown = (text: string, title: string) =>
    text
      .split("\n")
      .filter((line) => !line.includes(title) && !/^\s*\d+\s*\/\s*\d+\s*$/.test(line))
      .join("\n")
      .replace(/^\s*\d+ \(cont\.\)/gm, "");

  it.each([
    ["back-link-foot", "A footnote ending with a list"],
    ["back-link-end-ug", "doc-16-0029 ug"],
  ])("%s: no page holds only the back link; the list's last item goes over with it", (name, title) => {
    const texts = pages(name);
    expect(texts.length).toBe(2);
    for (const text of texts) expect(shown(text, title), text).toMatch(/\p{L}/u);
  });
});

describe("a note longer than a page", () => {
  /** The words `word` finds on every page, in order: the running head (the title), the page numbers and the labels "1 (cont.)" left out, and the lines joined (a line may break inside a word). */
  const noteWords = (name: string, title: string, word: RegExp) =>
    pages(name)
      .flatMap((text) => text.split("\n").filter((line) => !line.includes(title) && !/^\s*\d+\s*\/\s*\d+\s*$/.test(line)))
      .map((line) => line.replace(/^\s*\d+(\.|\s*[(（][^)）]*[)）])/, "").trim())
      .join("")
      .match(word)!
      .map((w) => Number(/\d+$/.exec(w)![0]));
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it.each([
    ["long-note-ja", "長い注", 4],
    ["long-endnote-ja", "長い後注", 5],
  ])("%s: a paragraph over the pages after its call (%s, %i pages), every word once, in order", (name, title, count) => {
    expect(pages(name).length).toBe(count);
    expect(noteWords(name, title, /日本語の文\d+/g)).toEqual(upTo(1400));
  });

  it("a blockquote at the feet of five pages, every word once, in order", () => {
    expect(pages("long-note-zh").length).toBe(5);
    expect(noteWords("long-note-zh", "長註", /香港民主\d+/g)).toEqual(upTo(1800));
  });

  it("a list of a right-to-left letter at the feet of four pages (the proof reads it whole)", () => {
    expect(pages("long-note-ug").length).toBe(4);
  });

  it("called in a table row cut after its first cell, whose next line calls more notes: every word of the note and of the row once, in order", () => {
    expect(noteWords("row-long-note-tr", "Uzun not", /not\d+/g)).toEqual(upTo(900));
    expect(noteWords("row-long-note-tr", "Uzun not", /hücre\d+/g)).toEqual(upTo(700));
  });

  it("a table over three pages, every cell once, in order; one word longer than a line wraps, every letter printed", () => {
    const texts = pages("long-notes-en");
    expect(noteWords("long-notes-en", "Notes longer than a page", /w\d+(?!\d)/g)).toEqual(upTo(600));
    expect(texts.join("").match(/x/g)).toHaveLength(6000);
  });

  it("an image taller than a page is scaled to fit the page's text area, with the note's words before and after it", () => {
    const pdf = join(out, "long-notes-en.pdf");
    // pdfimages: the image (40 × 3000 px) and the resolution it is drawn at; A4's text area is 297 mm less 46 mm of margins.
    const fields = execFileSync("pdfimages", ["-list", pdf], { encoding: "utf8" }).split("\n")[2].trim().split(/\s+/);
    const [width, height, yPpi] = [fields[3], fields[4], fields[13]].map(Number);
    expect([width, height]).toEqual([40, 3000]);
    expect((height / yPpi) * 25.4).toBeLessThanOrEqual(297 - 46);
    const all = pages("long-notes-en").join("");
    expect(all.indexOf("IMAGE END")).toBeGreaterThan(all.indexOf("IMAGE START"));
  });
});
