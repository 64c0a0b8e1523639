import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.ts";

const GOOD = "---\ntitle: A good letter\nlang: en\n---\n\nWe write[^a] and write again[^a].\n\n[^a]: The note.\n";

function source(dir: string, name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("the build command", () => {
  it("builds the formats asked for, says what it wrote with sizes, and exits 0", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const { code, stdout, stderr } = await cli(["build", source(dir, "good.md", GOOD), "--out", out, "--format", "html,docx"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["good.docx", "good.html"]);
    const htmlSize = statSync(join(out, "good.html")).size;
    expect(stdout).toMatch(/building 1 source into .*out\/ \(html, docx\)/);
    expect(stdout).toMatch(new RegExp(`wrote .*good\\.html \\(${(htmlSize / 1000).toFixed(1)} kB\\)`));
    expect(stdout).toMatch(/wrote .*good\.docx \(\d+(\.\d)? kB\)/);
    expect(stdout).toContain("verified: every note call and note text agrees in html, docx");
    expect(stdout).toMatch(/2 files written in \d+\.\d\d s/);
  });

  it("stops on a reference without a definition: file:line:col, rule id, exit 1, nothing written", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const bad = source(dir, "bad.md", "---\ntitle: Bad\nlang: en\n---\n\nFirst line.\nA call to nowhere[^gone] here.\n");
    const { code, stderr } = await cli(["build", bad, "--out", out, "--format", "html,docx"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}:7:18: error: Note [^gone] is referenced but never defined`);
    expect(stderr).toContain("[missing-note-definition]");
    expect(stderr).toMatch(/1 of 1 source not built/);
    expect(() => readdirSync(out)).toThrow(); // not even the folder
  });

  it("keeps the previous complete output when a later build of the same source fails", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const path = source(dir, "letter.md", GOOD);
    expect((await cli(["build", path, "--out", out, "--format", "html"])).code).toBe(0);
    const before = readFileSync(join(out, "letter.html"), "utf8");
    writeFileSync(path, GOOD.replace("[^a]: The note.", "[^b]: Another note."));
    const { code, stderr } = await cli(["build", path, "--out", out, "--format", "html"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${path}:6:9: error: Note [^a] is referenced but never defined`);
    expect(stderr).toContain(`${path}:8:1: warning: Note [^b] is never referenced`);
    expect(readFileSync(join(out, "letter.html"), "utf8")).toBe(before);
    expect(readdirSync(out)).toEqual(["letter.html"]); // no temporary files left
  });

  it("builds good sources and reports bad ones in the same run, exiting 1", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const good = source(dir, "good.md", GOOD);
    const bad = source(dir, "bad.md", GOOD.replace("[^a]: The note.\n", "[^a]: The note.\n[^A]: Again.\n"));
    const { code, stdout, stderr } = await cli(["build", good, bad, "--out", out, "--format", "html"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/wrote .*good\.html/);
    expect(stderr).toContain(`${bad}:9:1: error: Note [^A] is defined twice (first at 8:1)`);
    expect(readdirSync(out)).toEqual(["good.html"]);
  });

  it("refuses front matter that could run code, and reads TOML as data", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const js = source(dir, "js.md", "---js\n{ title: (function(){ return 'x' })() }\n---\n\nText.\n");
    const toml = source(dir, "toml.md", "+++\ntitle = 'From TOML'\nlang = 'fr'\ndate = 2019-01-02\ntags = ['a']\ndraft = false\n+++\n\nText.\n");
    const { code, stderr } = await cli(["build", js, toml, "--out", out, "--format", "html"]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${js}:1:1: error: Front matter is YAML between \`---\` lines or TOML between \`+++\` lines; \`---js\` front matter is not accepted`,
    );
    expect(stderr).toContain("[front-matter-language]");
    expect(stderr).toContain(`${toml}:5:1: info: Front matter keys broadside does not use are ignored: \`tags\`, \`draft\` [front-matter-ignored-keys]`);
    expect(stderr.match(/toml\.md.*(error|warning)/g)).toBeNull();
    const html = readFileSync(join(out, "toml.html"), "utf8");
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain("<title>From TOML</title>");
  });

  it("refuses YAML tags that could construct objects, at their line", async () => {
    const dir = tempDir();
    const tagged = source(dir, "tagged.md", "---\ntitle: Tagged\nlang: en\nevil: !!js/function 'function () { return 1 }'\n---\n\nText.\n");
    const { code, stderr } = await cli(["build", tagged, "--out", join(dir, "out"), "--format", "html"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`${tagged.replace(/[.]/g, "\\.")}:4:\\d+: error: Front matter uses a YAML feature broadside does not allow`));
  });

  it("builds plain Markdown: the title from the first heading or the file name, the language from --lang or one warning", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const headed = source(dir, "headed.md", "# The Real Title\n\nText[^1].\n\n[^1]: A note.\n");
    const bare = source(dir, "bare-notes.md", "---\nauthor: Someone\nlayout: post\npermalink: /x/\n---\n\nText.\n");
    const pandoc = source(dir, "pandoc.md", "% Pandoc Title\n% Ann One; Bob Two\n% 2020-05-01\n\nText.\n");
    const warned = await cli(["build", headed, bare, pandoc, "--out", out, "--format", "html"]);
    expect(warned.code, warned.stderr).toBe(0);
    for (const path of [headed, bare, pandoc]) {
      const lines = warned.stderr.split("\n").filter((l) => l.startsWith(`${path}:`));
      expect(lines.filter((l) => l.includes("warning"))).toEqual([
        `${path}:1:1: warning: No language given: the documents are marked as English (\`en\`), which sets hyphenation, quotes and the voice of screen readers; ${path === bare ? "add `lang: …` to the front matter" : "start the file with front matter that has `lang: …`"}, or build with \`--lang <tag>\` (e.g. \`--lang fr\`) [lang-default]`,
      ]);
    }
    expect(warned.stderr).toContain(
      `${bare}:3:1: info: Front matter keys broadside does not use are ignored: \`layout\`, \`permalink\` [front-matter-ignored-keys]`,
    );
    const page = (name: string) => readFileSync(join(out, `${name}.html`), "utf8");
    expect(page("headed")).toContain("<title>The Real Title</title>");
    expect(page("headed").match(/<h1[^>]*>The Real Title/g)).toHaveLength(1); // the headline, not a second heading
    expect(page("bare-notes")).toContain("<title>bare-notes</title>");
    expect(page("pandoc")).toContain("<title>Pandoc Title</title>");
    expect(page("pandoc")).toContain('<meta name="author" content="Ann One; Bob Two">');
    expect(page("pandoc")).not.toContain("% Pandoc");

    const quiet = await cli(["build", headed, "--out", out, "--format", "html", "--lang", "de"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain("warning");
    expect(page("headed")).toContain('<html lang="de"');
    // Other tools' names for the language and the authors.
    const hugo = source(dir, "hugo.md", "+++\ntitle = 'Hugo'\nlanguageCode = 'fr-fr'\nauthors = ['Ann', 'Bob']\n+++\n\nTexte.\n");
    const jekyll = source(dir, "jekyll.md", "---\ntitle: Jekyll\nlocale: pt_BR\n---\n\nTexto.\n");
    const aliased = await cli(["build", hugo, jekyll, "--out", out, "--format", "html"]);
    expect(aliased.code).toBe(0);
    expect(aliased.stderr).toBe("");
    expect(page("hugo")).toContain('<html lang="fr-fr"');
    expect(page("hugo")).toContain('<meta name="author" content="Ann; Bob">');
    expect(page("jekyll")).toContain('<html lang="pt-BR"');
    const wrong = await cli(["build", headed, "--out", out, "--lang", "not a tag"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--lang takes a language tag like en, fr or zh-Hans; not not a tag");
  });

  it("exits 2 with the usage on a wrong format or command", async () => {
    const wrongFormat = await cli(["build", "x.md", "--format", "html,rtf"]);
    expect(wrongFormat.code).toBe(2);
    expect(wrongFormat.stderr).toContain("--format takes html, pdf, docx (comma-separated); not rtf");
    const wrongCommand = await cli(["publish"]);
    expect(wrongCommand.code).toBe(2);
    expect(wrongCommand.stderr).toContain("usage: npm run build");
  });

  it("prints the usage on --help, -h or help, and exits 0", async () => {
    for (const asked of ["--help", "-h", "help"]) {
      const { code, stdout, stderr } = await cli([asked]);
      expect(code, asked).toBe(0);
      expect(stdout, asked).toMatch(/^usage: npm run build[\s\S]*usage: npm run check[\s\S]*usage: npm run dev/);
      expect(stderr, asked).toBe("");
    }
  });

  it("reports a source that does not exist as an error on that file", async () => {
    const dir = tempDir();
    const { code, stderr } = await cli(["build", join(dir, "missing.md"), "--out", join(dir, "out"), "--format", "html"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, "missing.md")}: error: Cannot read the source`);
  });

  it("writes a file name's control characters and bidirectional overrides escaped, never to the terminal", async () => {
    const dir = tempDir();
    const name = "letter\u001b]0;owned\u0007\u202e.md";
    const build = await cli(["build", join(dir, name), "--out", join(dir, "out"), "--format", "html"]);
    const imported = await cli(["import", join(dir, "letter\u001b[2J.docx"), "--lang", "fr"]);
    expect([build.code, imported.code]).toEqual([1, 1]);
    expect(build.stderr).toContain(`${join(dir, "letter\\u{1B}]0;owned\\u{7}\\u{202E}.md")}: error: Cannot read the source`);
    expect(imported.stderr).toContain("letter\\u{1B}[2J.docx: error: Cannot import");
    expect(build.stdout + build.stderr + imported.stdout + imported.stderr).not.toMatch(/[\u001b\u0007\u202e]/);
  });

  it("--out at a file is a usage error; a folder where a document goes is a message, and nothing is written", async () => {
    const dir = tempDir();
    source(dir, "good.md", GOOD);
    writeFileSync(join(dir, "taken"), "a file");
    const atFile = await cli(["build", "good.md", "--out", "taken", "--format", "html"], { cwd: dir });
    expect(atFile.code).toBe(2);
    expect(atFile.stderr).toContain("--out names taken, which is a file, not a folder");
    mkdirSync(join(dir, "out", "good.docx"), { recursive: true });
    const atFolder = await cli(["build", "good.md", "--out", "out", "--format", "html,docx"], { cwd: dir });
    expect(atFolder.code).toBe(1);
    expect(atFolder.stderr).toContain("Cannot write out/good.docx: a folder stands where the file goes (EISDIR)");
    expect(readdirSync(join(dir, "out"))).toEqual(["good.docx"]);
  });

  it("--timings prints every stage of the build, in order of its start, with when it ran", async () => {
    const dir = tempDir();
    const good = source(dir, "good.md", GOOD);
    const { code, stdout } = await cli(["build", good, "--out", join(dir, "out"), "--format", "html,docx", "--timings"]);
    expect(code).toBe(0);
    const table = stdout.slice(stdout.indexOf("broadside: timings"));
    const stages = [...table.matchAll(/^ {2}(good: [a-z ]+?|browser: [a-z ()]+?) +(\d+) +(\d+) +(\d+) /gm)].map((m) => ({
      stage: m[1],
      from: Number(m[2]),
      to: Number(m[3]),
      ms: Number(m[4]),
    }));
    expect(stages.map((s) => s.stage)).toEqual(
      expect.arrayContaining([
        "good: read",
        "good: parse",
        "good: html",
        "good: docx",
        "good: read back html",
        "good: read back docx",
        "good: rename into place",
      ]),
    );
    for (const s of stages) expect(Math.abs(s.to - s.from - s.ms)).toBeLessThanOrEqual(1); // each rounded to the ms
    const starts = stages.map((s) => s.from);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // Without --timings, no table.
    const plain = await cli(["build", good, "--out", join(dir, "out"), "--format", "html"]);
    expect(plain.stdout).not.toContain("timings");
  });

  it("runs the same through bin/broadside.mjs, which npm run build runs", async () => {
    const { spawnSync } = await import("node:child_process");
    const { ROOT } = await import("./helpers.ts");
    const dir = tempDir();
    const good = source(dir, "good.md", GOOD);
    const bin = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/broadside.mjs"), ...args], { encoding: "utf8", cwd: dir });
    const ok = bin("build", good, "--out", join(dir, "out"), "--format", "html");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/wrote .*good\.html/);
    const bad = source(dir, "bad.md", GOOD.replace("[^a]: The note.", ""));
    const failed = bin("build", bad, "--out", join(dir, "out"), "--format", "html");
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${bad}:6:9: error: Note [^a] is referenced but never defined`);
  });
});

describe("the init command", () => {
  it("refuses a folder whose link points nowhere, or with a file where a folder goes, naming the path and writing nothing", async () => {
    const dir = tempDir();
    // The links' own folder exists: only the file (or the folder) they name does not.
    const outside = join(dir, "outside");
    mkdirSync(outside);
    const cases: [string, (folder: string) => void, string][] = [
      ["file", (folder) => symlinkSync(join(outside, "README.md"), join(folder, "README.md")), "README.md is a link to a place that does not exist"],
      ["folder", (folder) => symlinkSync(join(outside, "source"), join(folder, "source")), "source is a link to a place that does not exist"],
      ["a file", (folder) => writeFileSync(join(folder, "source"), ""), "source is a file where init makes a folder"],
    ];
    for (const [name, make, message] of cases) {
      const folder = join(dir, name);
      mkdirSync(folder);
      make(folder);
      const before = readdirSync(folder).sort();
      const r = await cli(["init", folder]);
      expect(r.code, name).toBe(1);
      expect(r.stderr).toContain(`broadside: ${join(folder, message)}`);
      expect(r.stderr).toContain("nothing written");
      expect(readdirSync(folder).sort()).toEqual(before);
    }
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("the API called with options of the wrong type", () => {
  it("returns status 2 with the option's name, never 3, and writes nothing", async () => {
    const { build, check, importDocx } = await import("../src/api.ts");
    const dir = tempDir();
    const good = source(dir, "good.md", GOOD);
    const out = join(dir, "out");
    // Each as a caller's plain JavaScript might pass it.
    const calls: [string, () => Promise<{ status: number; error?: Error }>][] = [
      ["the options are an object", () => build(null as never)],
      ["sources takes a list of strings", () => build({ sources: good as never, outDir: out })],
      ["formats takes a list of strings", () => build({ sources: [good], outDir: out, formats: "html" as never })],
      ["outDir takes a string", () => build({ sources: [good], outDir: 5 as never })],
      ["log takes a function", () => build({ sources: [good], outDir: out, formats: ["html"], log: "yes" as never })],
      ["timeout takes a number of milliseconds above 0, at most 24 days", () => build({ sources: [good], outDir: out, timeout: 1e12 })],
      ["timeout takes a number of milliseconds above 0, at most 24 days", () => build({ sources: [good], outDir: out, timeout: Number.NaN })],
      ["outputs takes a string", () => check({ sources: [good], outputs: 7 as never })],
      ["docx takes a string", () => importDocx(5 as never, { lang: "fr" })],
      ["original takes a string", () => importDocx(good, { lang: "fr", original: 5 as never })],
    ];
    for (const [message, call] of calls) {
      const result = await call();
      expect(result.status, message).toBe(2);
      expect(result.error?.message).toContain(message);
    }
    expect(readdirSync(dir)).toEqual(["good.md"]);
  });
});
