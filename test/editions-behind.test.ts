/**
 * Editions that know what they translate: an edition imported from XLIFF or from a .docx records
 * its source's revision; after the source changes (a paragraph, a note, a signatory added),
 * `check` lists exactly those units on each edition, at their places, and a partial export of
 * them, translated and imported with --edition, brings the edition up to date.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { translateDocx, translateText } from "./docx-edit.ts";
import { cli, tempDir } from "./helpers.ts";
import { pseudoTranslate, XLIFF } from "./xliff-edit.ts";

const dir = tempDir("broadside-behind-");
const src = (name: string) => join(dir, "source", name);
type Result = Awaited<ReturnType<typeof cli>>;
let checked: Result;

const behind = (r: Result, edition: string) => r.stdout.split("\n").filter((l) => l.includes(`${edition}:`) && l.includes("[edition-behind]"));

beforeAll(async () => {
  await mkdir(join(dir, "source"), { recursive: true });
  copyFileSync("source/letter.md", src("letter.md"));
  // An edition from XLIFF, and one from a translated .docx.
  expect((await cli(["export", src("letter.md"), "--xliff", "--out", join(dir, "letter.xlf")])).code).toBe(0);
  writeFileSync(join(dir, "letter.fr.xlf"), pseudoTranslate(readFileSync(join(dir, "letter.xlf"), "utf8"), "fr"));
  expect((await cli(["import", join(dir, "letter.fr.xlf"), "--out", src("letter.fr.md")])).code).toBe(0);
  expect((await cli(["build", src("letter.md"), "--out", join(dir, "en"), "--format", "docx"])).code).toBe(0);
  writeFileSync(join(dir, "letter.es.docx"), translateDocx(readFileSync(join(dir, "en", "letter.docx"))));
  const docxImport = await cli(["import", join(dir, "letter.es.docx"), "--lang", "es", "--original", src("letter.md"), "--out", src("letter.es.md")]);
  expect(docxImport.code).toBe(0);

  // The letter changes: a sentence corrected, a note updated, a group joins.
  let letter = readFileSync(src("letter.md"), "utf8");
  letter = letter.replace("During her six-day visit to China,", "During her six-day visit to the People’s Republic of China,");
  letter = letter.replace(/(\[\^3\]:[^\n]*)/, "$1 Updated in June.");
  letter = letter
    .replace("- Australian Uyghur Association\n", "- Australian Uyghur Association\n- Austrian Tibet Support Group\n")
    .replace("claimed: 230", "claimed: 231");
  writeFileSync(src("letter.md"), letter);
  checked = await cli(["check", src("letter.fr.md"), src("letter.es.md")]);
}, 240_000);

const lineOf = (file: string, starts: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .findIndex((l) => l.startsWith(starts)) + 1;

describe("check on editions behind their source", () => {
  it("lists exactly the changed paragraph, the changed note and the added signatory on each edition, at their places", () => {
    for (const edition of ["letter.fr.md", "letter.es.md"]) {
      const lines = behind(checked, src(edition));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toContain(
        `${src(edition)}:${lineOf(src(edition), translateText("During her six-day"))}:1: warning: paragraph 2 of letter.md (line 16, “During her six-day…”) changed since this edition was translated`,
      );
      expect(lines[1]).toContain(
        `:${lineOf(src(edition), "- Australian Uyghur Association")}:3: warning: signatory 16 of letter.md (line 51, “Austrian Tibet Support…”) was added since`,
      );
      expect(lines[2]).toMatch(
        new RegExp(`:${lineOf(src(edition), "[^3]:")}:\\d+: warning: note 3 of letter\\.md \\(line \\d+, “OHCHR, ‘UN experts…”\\) changed since`),
      );
    }
  });
});

describe("an edition whose recorded units are forged", () => {
  it("100,000 recorded units it cannot place: one warning with their count, not one each", async () => {
    const forged = Array.from({ length: 100_000 }, (_, i) => (i * 7919).toString(36).padStart(4, "0").slice(-4)).join(" ");
    writeFileSync(src("forged.fr.md"), readFileSync(src("letter.fr.md"), "utf8").replace(/^( {2}units: ).*$/m, `$1${forged}`));
    const r = await cli(["check", src("forged.fr.md")]);
    const lines = behind(r, src("forged.fr.md"));
    const removed = lines.filter((l) => l.includes("removed from letter.md"));
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(/:\d+:1: warning: \d{5,6} units were removed from letter\.md since this edition was translated/);
    expect(lines.length).toBeLessThan(300);
  });
});

describe("a partial export and its import", () => {
  let exported: Result;
  let updated: Result;
  let after: Result;

  beforeAll(async () => {
    exported = await cli(["export", "--changed", src("letter.fr.md"), "--out", join(dir, "changed.xlf")]);
    writeFileSync(join(dir, "changed.fr.xlf"), pseudoTranslate(readFileSync(join(dir, "changed.xlf"), "utf8"), "fr"));
    updated = await cli(["import", join(dir, "changed.fr.xlf"), "--edition", src("letter.fr.md")]);
    after = await cli(["check", src("letter.fr.md")]);
  }, 120_000);

  it("exports only the changed units", () => {
    expect(exported.code).toBe(0);
    const ids = [...readFileSync(join(dir, "changed.xlf"), "utf8").matchAll(/<trans-unit id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(["paragraph-2", "signatory-16", "note-3"]);
    expect(readFileSync(join(dir, "changed.xlf"), "utf8")).toContain(`xmlns="${XLIFF}"`);
  });

  it("imported with --edition, updates the edition in place: the changes translated, the rest kept, nothing behind", () => {
    expect(updated.stderr).not.toMatch(/error|warning/);
    expect(updated.code).toBe(0);
    const md = readFileSync(src("letter.fr.md"), "utf8");
    expect(md).toContain(translateText("During her six-day visit to the People’s Republic of China,"));
    expect(md).toContain("- Austrian Tibet Support Group");
    expect(md).toContain(translateText("Updated in June."));
    expect(md).toContain(translateText("The High Commissioner legitimized Beijing’s attempt")); // kept from before
    expect(md).toMatch(/\n {2}claimed: 231\n/);
    expect(behind(after, src("letter.fr.md"))).toEqual([]);
  });
});

describe("signatories: { from: letter.md }", () => {
  const edition = (from: string, list = "") =>
    `---\ntitle: Lettre\nlang: fr\nsignatories:\n  heading: Signataires\n  from: ${from}\n---\n\nUn paragraphe.\n\n## Signataires\n${list}`;
  let built: Result;
  let refused: Result[];

  beforeAll(async () => {
    await mkdir(join(dir, "source", "sub"), { recursive: true });
    writeFileSync(src("from.fr.md"), edition("letter.md"));
    writeFileSync(src("sub/outside.fr.md"), edition("../letter.md"));
    writeFileSync(src("own.fr.md"), edition("letter.md", "\n- Un groupe\n"));
    writeFileSync(src("missing.fr.md"), edition("nowhere.md"));
    built = await cli(["build", src("from.fr.md"), "--out", join(dir, "from"), "--format", "html"]);
    refused = await Promise.all(["sub/outside.fr.md", "own.fr.md", "missing.fr.md"].map((name) => cli(["check", src(name)])));
  }, 120_000);

  it("takes the source's list, with the group that joined, under the edition's own heading", () => {
    expect(built.stderr).not.toMatch(/error/);
    expect(built.code).toBe(0);
    const html = readFileSync(join(dir, "from", "from.fr.html"), "utf8");
    const list = html.slice(html.indexOf("Signataires"));
    expect(list).toContain("Austrian Tibet Support Group");
    expect(list).toContain("Act with HK");
    const count = readFileSync(src("letter.md"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("- ")).length;
    expect(list.match(/<li[ >]/g)?.length).toBe(count);
  });

  it("refuses a path outside the project folder, a list of its own as well, and a missing file: errors at the key", () => {
    const [outside, own, missing] = refused;
    for (const r of refused) expect(r.code).toBe(1);
    expect(outside.stdout).toMatch(
      /outside\.fr\.md:4:1: error: `signatories\.from`: `\.\.\/letter\.md` is outside the project folder.*\[path-outside-project\]/,
    );
    expect(own.stdout).toMatch(/own\.fr\.md:4:1: error: This edition has its own signatory list and `signatories\.from: letter\.md`.*\[signatories-from\]/);
    expect(missing.stdout).toMatch(/missing\.fr\.md:4:1: error: `signatories\.from`: `nowhere\.md` not found.*\[path-missing\]/);
  });
});
