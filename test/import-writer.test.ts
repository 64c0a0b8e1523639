/**
 * LibreOffice Writer as the translator's word processor: each edit is made by Writer itself
 * (through its scripting, headless, all in one soffice), saved as .docx and imported. The
 * import takes what Writer wrote as Word's equivalent, and refuses a changed note at the
 * paragraph where it changed, with advice for both Word and Writer.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DocxParts, W } from "./docx-edit.ts";
import { cli, tempDir } from "./helpers.ts";
import { calls, type Done, judge, type Outcome, type Session, sessions } from "./writer-crowd.ts";
import { editInWriter, type WriterJob } from "./writer-edit.ts";

const dir = tempDir("broadside-writer-");
const NOTES_CALLS = "[1, 2, 1, 3, 4, 2, 5, 1, 6, 7]";

type Result = Awaited<ReturnType<typeof cli>>;
const results = new Map<string, Result>();
let letterDocx: string;
let crowd: Session[];
let crowdDone: Done[][];
let outcomes: Outcome[];

/** The body paragraph (1 = the title) whose text starts with `words`, in a built .docx. */
function ordinalOf(docx: string, words: string): number {
  const paragraphs = new DocxParts(readFileSync(docx)).bodyParagraphs();
  const index = paragraphs.findIndex((p) =>
    Array.from(p.getElementsByTagNameNS(W, "t"))
      .map((t) => t.textContent)
      .join("")
      .startsWith(words),
  );
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const docx = (name: string) => join(dir, `${name}.docx`);
const md = (name: string) => join(dir, "source", `${name}.fr.md`);

beforeAll(async () => {
  await mkdir(join(dir, "source"), { recursive: true });
  const [notes, letter] = await Promise.all(
    ["test/fixtures/notes.md", "source/letter.md"].map(async (source) => {
      const r = await cli(["build", source, "--out", join(dir, "en"), "--format", "docx"]);
      expect(r.code).toBe(0);
      return join(dir, "en", source.replace(/^.*\//, "").replace(/\.md$/, ".docx"));
    }),
  );
  letterDocx = letter;
  const jobs: WriterJob[] = [
    // The words before note 2's first call (note 2 is called again later) typed over.
    { in: notes, out: docx("retyped"), edits: [{ op: "retype", find: "second to ninety-nine", replace: "deuxième à quatre-vingt-dix-neuf" }] },
    // A repeated call deleted and made again with Writer's Insert › Cross-reference › Footnotes.
    {
      in: notes,
      out: docx("crossref"),
      edits: [
        { op: "uncall", after: "Zeta again" },
        { op: "crossref", after: "Zeta again", footnote: 0 },
      ],
    },
    // A cross-reference more than the original has.
    { in: notes, out: docx("crossref-extra"), edits: [{ op: "crossref", after: "Last paragraph", footnote: 0 }] },
    // A translator's note added in the Southern Mongolia paragraph (no note there in the original).
    { in: letter, out: docx("added"), edits: [{ op: "footnote", after: "Southern Mongolia (Ch: Inner Mongolia)", text: "Note du traducteur." }] },
    // Note 8's call deleted (the Hong Kong paragraph has no other call).
    { in: letter, out: docx("deleted"), edits: [{ op: "delete", footnote: 7 }] },
    // The words before a repeated call (a NOTEREF field) typed over: Writer puts them in the field's result, before the number.
    { in: notes, out: docx("before-noteref"), edits: [{ op: "words", p: 589, at: 420, n: 4, text: "et une ancienne" }] },
    // Note 1's call (called again later) cut and pasted words earlier in its paragraph: Writer leaves its bookmark behind.
    { in: notes, out: docx("moved"), edits: [{ op: "movecall", k: 0, at: 0 }] },
    // Both at once: note 8's call deleted and a note added in the next paragraph, so the numbers run as the original's.
    {
      in: letter,
      out: docx("replaced"),
      edits: [
        { op: "delete", footnote: 7 },
        { op: "footnote", after: "Southern Mongolia (Ch: Inner Mongolia)", text: "Note du traducteur." },
      ],
    },
    // No Title style anywhere, no title in the properties: the first paragraph is body text.
    {
      in: letter,
      out: docx("untitled"),
      edits: [
        { op: "style", paragraph: 0, style: "Text Body" },
        { op: "title", value: "" },
      ],
    },
  ];
  // A slice of the crowd (bench/writer.ts) on the letter and the notes fixture, in the same soffice.
  crowd = sessions(1, 20)
    .filter((c) => /(letter|notes)\.md$/.test(c.original))
    .slice(0, 6);
  jobs.push(...crowd.map((c) => ({ in: c.original.endsWith("letter.md") ? letter : notes, out: docx(c.name), edits: c.edits, filter: c.filter })));
  const made = await editInWriter(jobs, dir, true);
  expect(made.filter((m) => m.error)).toEqual([]);
  crowdDone = made.slice(-crowd.length).map((m) => m.done as Done[]);
  const imports: [string, string[]][] = [
    ["retyped", ["--original", "test/fixtures/notes.md"]],
    ["crossref", ["--original", "test/fixtures/notes.md"]],
    ["crossref-extra", ["--original", "test/fixtures/notes.md"]],
    ["added", []],
    ["deleted", []],
    ["untitled", []],
    ["replaced", []],
    ["moved", ["--original", "test/fixtures/notes.md"]],
    ["before-noteref", ["--original", "test/fixtures/notes.md"]],
  ];
  results.set("notes", await cli(["import", notes, "--lang", "fr", "--out", md("notes")]));
  results.set("letter", await cli(["import", letter, "--lang", "fr", "--out", md("letter")]));
  await mkdir(join(dir, "crowd"));
  const want = (c: Session) => callsIn(readFileSync(md(c.original.endsWith("letter.md") ? "letter" : "notes"), "utf8"));
  // Two sessions' editions built with the proof; the others imported only, to keep the slice short.
  outcomes = await Promise.all(crowd.map((c, i) => judge(c, docx(c.name), crowdDone[i], join(dir, "crowd"), want(c), i < 2)));
  await Promise.all(imports.map(async ([name, extra]) => results.set(name, await cli(["import", docx(name), "--lang", "fr", "--out", md(name), ...extra]))));
}, 240_000);

const callsIn = calls;

describe("Writer's edits that keep the notes are imported", () => {
  it("words retyped before the first call of a repeated note: the note is found by its bookmark, wherever Writer left it", () => {
    const r = results.get("retyped")!;
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const text = readFileSync(md("retyped"), "utf8");
    expect(`[${callsIn(text).join(", ")}]`).toBe(NOTES_CALLS);
    expect(text).toContain("deuxième à quatre-vingt-dix-neuf[^2]");
  });

  it("a repeated call made with Writer's Insert › Cross-reference › Footnotes (a REF field) is a call", () => {
    const written = new DocxParts(readFileSync(docx("crossref"))).text("word/document.xml");
    expect(written).toMatch(/<w:instrText[^>]*>\s*REF _RefF\d+/);
    const r = results.get("crossref")!;
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const text = readFileSync(md("crossref"), "utf8");
    expect(`[${callsIn(text).join(", ")}]`).toBe(NOTES_CALLS);
    expect(text).toMatch(/Zeta again\s*\[\^1\]/);
  });

  it("a cross-reference more than the original has is refused at its paragraph", () => {
    const r = results.get("crossref-extra")!;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `crossref-extra\\.docx:12:1: error: paragraph 12 \\(“Last paragraph, with…”\\): note call 11 \\(to note 1\\) is one more than the original has`,
      ),
    );
  });

  it("words typed over the text before a repeated call, which Writer keeps inside the call's field: kept, before the call", () => {
    const written = new DocxParts(readFileSync(docx("before-noteref"))).text("word/document.xml");
    expect(written).toMatch(/fldCharType="separate"\/>(?:(?!fldCharType="end").)*et une ancienne/s);
    const r = results.get("before-noteref")!;
    expect(r.code).toBe(0);
    const text = readFileSync(md("before-noteref"), "utf8");
    expect(`[${callsIn(text).join(", ")}]`).toBe(NOTES_CALLS);
    expect(text).toContain("[^4] and et une ancienne[^2]");
  });

  it("a note call cut and pasted earlier in its paragraph: the same note, where the translator put it", () => {
    const r = results.get("moved")!;
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(results.get("notes")!.code).toBe(0);
    const [moved, unedited] = [md("moved"), md("notes")].map((f) => readFileSync(f, "utf8"));
    expect(`[${callsIn(moved).join(", ")}]`).toBe(NOTES_CALLS);
    const first = (text: string) => text.split("\n").find((l) => l.includes("ninety-nine"))!;
    expect(first(unedited)).toContain("zeta[^1]");
    expect(first(moved).indexOf("[^1]")).toBeLessThan(first(moved).indexOf("zeta"));
  });
});

describe("a crowd of translators' sessions (seed 1, on the letter and the notes fixture)", () => {
  it("each session's outcome is the one its edits call for: imported with every typed word once and in order, the calls kept, built with the proof; or refused at a paragraph with its rule", () => {
    expect(outcomes.map((o) => o.session.name)).toHaveLength(6);
    expect(outcomes.filter((o) => o.problems.length).map((o) => `${o.session.name}: ${o.problems.join("; ")}`)).toEqual([]);
    // The slice holds both outcomes, so it tests both.
    expect(new Set(outcomes.map((o) => o.code))).toEqual(new Set([0, 1]));
  });
});

describe("Writer's edits that change the notes are refused where they were made", () => {
  it("an added translator's note: refused at the added call's paragraph, naming it", () => {
    const r = results.get("added")!;
    expect(r.code).toBe(1);
    expect(existsSync(md("added"))).toBe(false);
    const at = ordinalOf(letterDocx, "The High Commissioner also made no mention");
    const errors = r.stderr.split("\n").filter((l) => l.includes(": error: "));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      `added.docx:${at}:1: error: paragraph ${at} (“The High Commissioner…”): note call 9 is to a note the original does not have (an added note, numbered 9 here)`,
    );
    expect(errors[0]).toContain("LibreOffice Writer: Insert › Footnote and Endnote");
    expect(errors[0]).toContain("[import-note-mismatch]");
  });

  it("a deleted call: refused at the paragraph it was deleted from, naming the original's note", () => {
    const r = results.get("deleted")!;
    expect(r.code).toBe(1);
    expect(existsSync(md("deleted"))).toBe(false);
    const at = ordinalOf(letterDocx, "Moreover, the High Commissioner");
    const errors = r.stderr.split("\n").filter((l) => l.includes(": error: "));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      `deleted.docx:${at}:1: error: paragraph ${at} (“Moreover, the High…”): the original's note 8 is called here, but its note reference was deleted`,
    );
  });

  it("a deleted call and an added note that keep the numbers: both refused, each where it was made", () => {
    const r = results.get("replaced")!;
    expect(r.code).toBe(1);
    expect(existsSync(md("replaced"))).toBe(false);
    const errors = r.stderr.split("\n").filter((l) => l.includes(": error: "));
    const [deleted, added] = ["Moreover, the High Commissioner", "The High Commissioner also made no mention"].map((w) => ordinalOf(letterDocx, w));
    expect(
      errors.some((e) =>
        e.includes(
          `replaced.docx:${deleted}:1: error: paragraph ${deleted} (“Moreover, the High…”): the original's note 8 is called here, but its note reference was deleted`,
        ),
      ),
    ).toBe(true);
    expect(
      errors.some((e) =>
        e.includes(
          `replaced.docx:${added}:1: error: paragraph ${added} (“The High Commissioner…”): note call 8 is to a note the original does not have (an added note, numbered 8 here)`,
        ),
      ),
    ).toBe(true);
  });

  it("no Title style and body text first: the advice does not call the first paragraph the title, and names Word's and Writer's menus", () => {
    const r = results.get("untitled")!;
    expect(r.code).toBe(1);
    const error = r.stderr.split("\n").find((l) => l.includes("[import-title]"))!;
    expect(error).toContain("untitled.docx:1:1: error: No paragraph has the style Title");
    expect(error).not.toMatch(/first paragraph/);
    expect(error).toContain("Word: Home › Styles › Title");
    expect(error).toContain("LibreOffice Writer: Styles › Title");
  });

  it("every piece of advice that names Word's menus names Writer's too", () => {
    for (const r of results.values()) {
      for (const line of r.stderr.split("\n").filter((l) => /\bWord: /.test(l))) expect(line).toMatch(/LibreOffice( Writer)?: /);
    }
  });
});
