/**
 * `npm run check`: each rule on its own fixture with the exact messages expected, the real
 * letter's report, JSON output and exit codes.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { checkLetter, RULES } from "../src/check/index.ts";
import { parseLetter, readSource } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { cli, ROOT, tempDir } from "./helpers.ts";

/** `line:col severity [rule] reason` for every message, in source order. */
async function report(path: string): Promise<string[]> {
  const file = await readSource(join(ROOT, path));
  const letter = parseLetter(file, { features: FEATURES });
  if (letter) checkLetter(letter);
  return [...file.messages]
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    .map((m) => `${m.line}:${m.column} ${m.fatal === true ? "error" : m.fatal === false ? "warning" : "info"} [${m.ruleId}] ${m.reason}`);
}

const fixture = (name: string) => `test/fixtures/check/${name}.md`;

describe("the rules", () => {
  it("every module in src/check/rules/ is one rule in RULES, named broadside:<its file name>", async () => {
    const dir = join(ROOT, "src/check/rules");
    const names = readdirSync(dir).map((name) => name.replace(/\.ts$/, ""));
    for (const name of names) {
      const exported = Object.values(await import(join(dir, `${name}.ts`)));
      expect(exported, name).toHaveLength(1);
      expect(RULES, name).toContain(exported[0]);
      // The packet's parts are resolved as the build does, with the build's own rule ids.
      if (name !== "packet-parts") expect((exported[0] as () => void).name).toBe(`broadside:${name}`);
    }
    expect(RULES).toHaveLength(names.length);
  });
});

describe("note rules", () => {
  it("note-empty: a note with no text is an error", async () => {
    expect(await report(fixture("note-empty"))).toEqual(["9:1 error [note-empty] Note [^blank] is empty; write its text after `[^blank]:`"]);
  });

  it("note-url-not-linked: a note that is only an address, not a link", async () => {
    expect(await report(fixture("note-url-not-linked"))).toEqual([
      "8:1 warning [note-url-not-linked] Note [^a] is only a web address, and it is not a link: write it as <https://example.org/report>",
      "9:1 warning [note-url-not-linked] Note [^b] is only a web address, and it is not a link: write it as <https://example.org/report.pdf>",
    ]);
  });
});

describe("signatory rules", () => {
  it("reports exact repeats at both places, likely repeats as warnings, and the count", async () => {
    expect(await report(fixture("signatories"))).toEqual([
      "12:1 error [signatory-count] The letter claims 9 signatories; the list has 10 entries, 8 distinct (2 listed twice)",
      "14:1 error [signatory-duplicate] Signatory “Dutch Uyghur human rights foundation” is listed again at 16:1",
      "15:1 warning [signatory-likely-duplicate] Signatory “East Turkestan Union in Europe” is probably listed again as “East Turkistan Union in Europe” at 21:1",
      "16:1 error [signatory-duplicate] Signatory “Dutch Uyghur Human-Rights Foundation” is listed twice (also at 14:1)",
      "17:1 warning [signatory-likely-duplicate] Signatory “Uighur Association Victoria Australia” is probably listed again as “Uyghur Association of Victoria, Australia” at 20:1",
      "18:1 error [signatory-duplicate] Signatory “Amigos del Tíbet Chile” is listed again at 19:1",
      "19:1 error [signatory-duplicate] Signatory “Amigos del Tibet Chile” is listed twice (also at 18:1)",
      "20:1 warning [signatory-likely-duplicate] Signatory “Uyghur Association of Victoria, Australia” is probably “Uighur Association Victoria Australia” again (at 17:1), spelled differently",
      "21:1 warning [signatory-likely-duplicate] Signatory “East Turkistan Union in Europe” is probably “East Turkestan Union in Europe” again (at 15:1), spelled differently",
    ]);
  });

  it("never flags national chapters that share a stem", async () => {
    const messages = await report(fixture("signatories"));
    expect(messages.filter((m) => m.includes("Students for a Free Tibet"))).toEqual([]);
  });

  it("signatories-missing: front matter names a heading the letter lacks", async () => {
    expect(await report(fixture("signatories-missing"))).toEqual([
      "1:1 error [signatories-missing] Front matter names the signatories heading “Signed by”, but no list follows such a heading",
    ]);
  });
});

describe("typography rules", () => {
  it("quote-mismatch and quote-mixed, with apostrophes left alone", async () => {
    expect(await report(fixture("quotes"))).toEqual([
      "8:6 warning [quote-mismatch] ’ closes a quotation that was never opened with ‘",
      "10:41 warning [quote-mismatch] ‘ opened at 10:9 is closed with ‘ instead of ’",
      "12:4 warning [quote-mismatch] “ opened here is never closed with ”",
      "14:10 warning [quote-mismatch] ” closes a quotation that was never opened with “",
      '16:10 warning [quote-mixed] Straight quote " in a paragraph with curly quotes (‘ at 16:32)',
    ]);
  });

  it("doubled-word, also across emphasis, not for repeated numbers", async () => {
    expect(await report(fixture("doubled-word"))).toEqual([
      "6:16 warning [doubled-word] “the” twice in a row",
      "6:44 warning [doubled-word] “and” twice in a row",
    ]);
  });

  it("space-before-note-call", async () => {
    expect(await report(fixture("space-before-note-call"))).toEqual([
      "6:13 warning [space-before-note-call] Space before the note call [^1]: a call follows its word or punctuation directly",
    ]);
  });
});

describe("link rules", () => {
  it("url-malformed, url-insecure and url-cited-twice", async () => {
    expect(await report(fixture("links"))).toEqual([
      "6:5 error [url-malformed] Link https//example.org/report is missing the `:` after its scheme",
      "6:46 error [url-malformed] Link htps://example.org/x has a mistyped scheme",
      "7:1 error [url-malformed] Link www.example.org/y has no scheme: write https://www.example.org/y",
      "7:28 error [url-malformed] Link https://example.org/a b has white space in it",
      "7:65 error [url-malformed] Link https://intranet/page has the host “intranet”, which is not a domain",
      "8:33 warning [url-insecure] Link http://hrw.org/b uses http: where the letter cites hrw.org with https: elsewhere",
      "12:16 info [url-cited-twice] https://example.org/same/ is cited in note 2 and already in note 1 (at 11:9)",
    ]);
  });
});

describe("the real letter", () => {
  it("reports the repeats, the likely repeats, the count, the spaces before calls and the quotes", async () => {
    const messages = await report("source/letter.md");
    const calls = [
      [14, 410, 1],
      [16, 450, 2],
      [16, 671, 3],
      [18, 144, 4],
      [18, 532, 5],
      [20, 533, 6],
      [20, 816, 7],
      [28, 396, 9],
      [30, 736, 10],
    ].map(
      ([line, column, n]) =>
        `${line}:${column} warning [space-before-note-call] Space before the note call [^${n}]: a call follows its word or punctuation directly`,
    );
    expect(messages).toEqual([
      ...calls.slice(0, 9),
      "36:1 error [signatory-count] The letter claims 230 signatories; the list has 230 entries, 228 distinct (2 listed twice)",
      "80:1 error [signatory-duplicate] Signatory “Dutch Uyghur human rights foundation” is listed again at 81:1",
      "81:1 error [signatory-duplicate] Signatory “Dutch Uyghur Human Rights Foundation” is listed twice (also at 80:1)",
      "83:1 warning [signatory-likely-duplicate] Signatory “East Turkestan Union in Europe” is probably listed again as “East Turkistan Union in Europe” at 93:1",
      "89:1 error [signatory-duplicate] Signatory “East Turkistan New Generation Movement” is listed again at 90:1",
      "90:1 error [signatory-duplicate] Signatory “East Turkistan New Generation Movement” is listed twice (also at 89:1)",
      "93:1 warning [signatory-likely-duplicate] Signatory “East Turkistan Union in Europe” is probably “East Turkestan Union in Europe” again (at 83:1), spelled differently",
      "223:1 warning [signatory-likely-duplicate] Signatory “Uighur Association Victoria Australia” is probably listed again as “Uyghur Association of Victoria, Australia” at 239:1",
      "239:1 warning [signatory-likely-duplicate] Signatory “Uyghur Association of Victoria, Australia” is probably “Uighur Association Victoria Australia” again (at 223:1), spelled differently",
      "281:12 warning [quote-mismatch] ’ closes a quotation that was never opened with ‘",
      "289:127 warning [quote-mismatch] ‘ opened at 289:34 is closed with ‘ instead of ’",
    ]);
  });
});

describe("the check command", () => {
  it("prints file:line:col messages and exits 1 on errors", async () => {
    const { code, stdout } = await cli(["check", "source/letter.md"]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "source/letter.md:81:1: error: Signatory “Dutch Uyghur Human Rights Foundation” is listed twice (also at 80:1) [signatory-duplicate]",
    );
    expect(stdout.trim().split("\n").pop()).toBe("20 messages (5 errors, 15 warnings)");
  });

  it("exits 0 when there are only warnings, and 1 with --strict", async () => {
    const plain = await cli(["check", fixture("quotes")]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`${fixture("quotes")}:8:6: warning: ’ closes a quotation that was never opened with ‘ [quote-mismatch]`);
    const strict = await cli(["check", fixture("quotes"), "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(`${fixture("quotes")}:8:6: error: ’ closes a quotation`);
  });

  it("reports the numbering pass's warnings too, and says so when there is nothing to report", async () => {
    const notes = await cli(["check", "test/fixtures/notes.md"]);
    expect(notes.stdout).toContain("test/fixtures/notes.md:38:1: warning: Note [^unused] is never referenced");
    expect(notes.code).toBe(0);
    const clean = await cli(["check", fixture("clean")]);
    expect(clean.stdout.trim()).toBe("broadside check: 1 source, no problems found");
    expect(clean.code).toBe(0);
  });

  it("takes Markdown from elsewhere: other tools' keys in one info, the language from --lang or one warning", async () => {
    const path = fixture("jekyll");
    const plain = await cli(["check", path]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim().split("\n")).toEqual([
      `${path}:1:1: warning: No language given: the documents are marked as English (\`en\`), which sets hyphenation, quotes and the voice of screen readers; add \`lang: …\` to the front matter, or build with \`--lang <tag>\` (e.g. \`--lang fr\`) [lang-default]`,
      `${path}:3:1: info: Front matter keys broadside does not use are ignored: \`layout\`, \`permalink\`, \`tags\`, \`categories\` [front-matter-ignored-keys]`,
      "2 messages (1 warning, 1 info)",
    ]);
    const french = await cli(["check", path, "--lang", "fr", "--strict"]);
    expect(french.code).toBe(0);
    expect(french.stdout).not.toContain("warning");
  });

  it("front matter keys named like an object's own members (__proto__, constructor…) are plain unknown keys, at every level", () => {
    const yaml = [
      "---",
      "title: T",
      "lang: en",
      "constructor: x",
      "__proto__: {a: 1}",
      "toString: 1",
      "packet: {parts: [{__proto__: x}], constructor: 1}",
      "signatories: {__proto__: 1, from: {constructor: 1}}",
      "words: {__proto__: x, constructor: y}",
      "---",
      "",
      "Text[^1].",
      "",
      "[^1]: Note.",
      "",
    ].join("\n");
    const file = new VFile({ path: "proto.md", value: yaml });
    expect(() => parseLetter(file, { features: FEATURES })).not.toThrow();
    const said = file.messages.map((m) => `${m.line}:${m.column} [${m.ruleId}] ${m.reason}`);
    expect(said).toContainEqual(expect.stringMatching(/^4:1 \[front-matter-ignored-keys\] .*`constructor`, `__proto__`, `toString`/));
    expect(said).toContainEqual(expect.stringMatching(/^7:\d+ \[front-matter-unknown-key\] Unknown front matter key `packet.constructor`/));
    expect(said).toContainEqual(expect.stringMatching(/^8:\d+ \[front-matter-unknown-key\] Unknown front matter key `signatories.__proto__`/));
    expect(said).toContainEqual(expect.stringMatching(/^9:\d+ \[front-matter-unknown-key\] Unknown word `words.__proto__`/));
    expect(said).toContainEqual(expect.stringMatching(/^9:\d+ \[front-matter-unknown-key\] Unknown word `words.constructor`/));
    expect(Object.prototype).not.toHaveProperty("a");
  });

  it("gives JSON for machines: rule id, severity, place", async () => {
    const { code, stdout } = await cli(["check", fixture("links"), fixture("note-empty"), "--format", "json"]);
    expect(code).toBe(1);
    const files = JSON.parse(stdout);
    expect(files.map((f: { path: string }) => f.path)).toEqual([fixture("links"), fixture("note-empty")]);
    expect(files[1].messages).toEqual([
      {
        line: 9,
        column: 1,
        endLine: 9,
        endColumn: 10,
        severity: "error",
        ruleId: "note-empty",
        reason: "Note [^blank] is empty; write its text after `[^blank]:`",
      },
    ]);
    expect(files[0].messages.map((m: { severity: string }) => m.severity)).toEqual(["error", "error", "error", "error", "error", "warning", "info"]);
  });
});

describe("check --outputs", () => {
  it("proves built documents agree, and fails on a corrupted one, naming the note and the formats", async () => {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const { tempDir } = await import("./helpers.ts");
    const out = tempDir();
    expect((await cli(["build", "test/fixtures/notes.md", "--out", out])).code).toBe(0);
    const clean = await cli(["check", "test/fixtures/notes.md", "--outputs", out]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain("outputs-");
    // The second call of note 2 printed as 5 in the HTML.
    const html = readFileSync(join(out, "notes.html"), "utf8");
    writeFileSync(join(out, "notes.html"), html.replace(/(id="note-call-2-2"[^>]*>)2</, "$15<"));
    const broken = await cli(["check", "test/fixtures/notes.md", "--outputs", out]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      new RegExp(
        `${out}: error: notes: Note 2: the HTML shows the \\d+(st|nd|rd|th) note call as 5 where the PDF and the DOCX show 2 \\(it leads to note 2\\) \\[outputs-disagree\\]`,
      ),
    );
  });

  it("refuses a pipe or a device put where a built document goes, instead of waiting on it or reading it without end", async () => {
    const { execFileSync } = await import("node:child_process");
    const { symlinkSync } = await import("node:fs");
    const { tempDir } = await import("./helpers.ts");
    const out = tempDir();
    execFileSync("mkfifo", [join(out, "notes.pdf")]);
    symlinkSync("/dev/zero", join(out, "notes.docx"));
    const { code, stdout } = await cli(["check", "test/fixtures/notes.md", "--outputs", out]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${out}: error: notes: Cannot read the PDF ${join(out, "notes.pdf")} to check its notes: the file is a named pipe, not a file [outputs-unreadable]`,
    );
    expect(stdout).toContain(
      `${out}: error: notes: Cannot read the DOCX ${join(out, "notes.docx")} to check its notes: the file is a device, not a file [outputs-unreadable]`,
    );
  }, 30_000);

  it("says so when there is nothing built to check", async () => {
    const { tempDir } = await import("./helpers.ts");
    const out = tempDir();
    const { code, stdout } = await cli(["check", fixture("clean"), "--outputs", out]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${out}: error: No built documents of ${fixture("clean")} in ${out} (looked for clean.html, .pdf, .docx): run npm run build first [outputs-missing]`,
    );
  });
});

describe("check --outputs on a PDF made elsewhere", () => {
  it("reads a vertical edition whose structure tree nests 50,000 deep: no stack overflow, the notes proved", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "v.md"), "---\ntitle: Deep tree\nlang: mn-Mong\n---\n\nᠮᠣᠩᠭᠣᠯ ᠦᠰᠦᠭ ᠪᠢᠴᠢᠭ[^1] ᠮᠣᠩᠭᠣᠯ.\n\n[^1]: ᠮᠣᠩᠭᠣᠯ ᠦᠰᠦᠭ.\n");
    const built = await cli(["build", "v.md", "--out", "out"], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    // Each level an element of its own around the tree Chromium wrote: a walk that recurses runs out of stack.
    const pdf = join(dir, "out", "v.pdf");
    const doc = await PDFDocument.load(readFileSync(pdf));
    const root = doc.catalog.lookup(PDFName.of("StructTreeRoot"), PDFDict);
    let kids = root.get(PDFName.of("K"))!;
    for (let i = 0; i < 50_000; i++) kids = doc.context.register(doc.context.obj({ S: "Div", K: kids }));
    root.set(PDFName.of("K"), kids);
    writeFileSync(pdf, await doc.save({ useObjectStreams: false }));
    const checked = await cli(["check", "v.md", "--outputs", "out"], { cwd: dir });
    expect(checked.stdout + checked.stderr).not.toMatch(/call stack|outputs-unreadable/);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  }, 60_000);
});
