/**
 * The parse cache between builds (src/parse-cache.ts): a build after an edit parses only the
 * parts the edit changed, and its documents and messages are those of a build that parsed the
 * whole; a cache file that is damaged, or made by another parser, is never used.
 */
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { build } from "../src/build.ts";
import { cacheFileOf, loadPartCache, PARSE_CACHE_DIR, pruneCache } from "../src/parse-cache.ts";
import { cli, ROOT, tempDir } from "./helpers.ts";

const TEMPLATES = join(ROOT, "templates");
const LETTER = readFileSync(join(ROOT, "source/letter.md"), "utf8");

/** Build `text` (as `name`.md) into HTML and DOCX: the HTML, and each message as `line:column rule`. */
async function built(dir: string, text: string, parseCache: string | false, name = "letter") {
  const source = join(dir, `${name}.md`);
  writeFileSync(source, text);
  const out = join(dir, parseCache === false ? "whole" : "cached");
  const { files, written } = await build({ sources: [source], outDir: out, formats: ["html", "docx"], templatesDir: TEMPLATES, parseCache });
  const messages = files[0].messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
  return { source, messages, html: written.length ? readFileSync(join(out, `${name}.html`), "utf8") : undefined };
}

describe("the parse cache between builds", () => {
  it("gives after every edit the documents and messages of a build that parsed the whole", async () => {
    const dir = tempDir();
    const cache = join(dir, "cache");
    const edits = [
      LETTER,
      LETTER.replace(" the ", " the very "), // a word in the body
      LETTER.replace("[^1]: ", "[^1]: Changed first: "), // a note's text
      LETTER.replace(/\n\n(?=\[\^1\]:)/, "\n\nA new paragraph, calling a new note.[^added]\n\n[^added]: The added note.\n\n"), // a new note
      LETTER.replace(/\[\^2\]/, "[^gone]"), // an error: a call to a note never defined
      LETTER,
    ];
    for (const text of edits) {
      const cached = await built(dir, text, cache);
      const whole = await built(dir, text, false);
      expect(cached.messages).toEqual(whole.messages);
      expect(cached.html).toEqual(whole.html);
    }
    // What the edits were about shows: the new note, and the error at its place.
    const added = await built(dir, edits[3], cache);
    expect(added.html).toContain("The added note.");
    const broken = await built(dir, edits[4], cache);
    expect(broken.html).toBeUndefined();
    expect(broken.messages.some((m) => m.endsWith("missing-note-definition"))).toBe(true);
    // The cache was kept, and holds the letter's parts.
    expect((await loadPartCache(cache, join(dir, "letter.md"))).parts.size).toBeGreaterThan(3);
  });

  it("ignores a damaged cache file, or one made by another parser, and makes it again", async () => {
    const dir = tempDir();
    const cache = join(dir, "cache");
    const first = await built(dir, LETTER, cache);
    const [file] = readdirSync(cache);
    const source = join(dir, "letter.md");
    const made = readFileSync(join(cache, file));
    const good = deserialize(made);
    // Every part's bytes cut short: the file reads, its parts do not.
    const damagedParts = serialize({ ...good, parts: good.parts.map(([key, part]: [string, { bytes: Uint8Array }]) => [key, { ...part, bytes: part.bytes.subarray(0, 20) }]) });
    for (const [bad, read] of [
      [Buffer.from("not a cache"), 0],
      [readFileSync(join(cache, file)).subarray(0, 1000), 0],
      [serialize({ ...good, made: "another parser" }), 0],
      [damagedParts, good.parts.length],
    ] as const) {
      writeFileSync(join(cache, file), bad);
      expect((await loadPartCache(cache, source)).parts.size).toBe(read);
      const again = await built(dir, LETTER, cache);
      expect(again.html).toEqual(first.html);
      // Made again: the next build reads the file made by the first.
      expect(readFileSync(join(cache, file))).toEqual(made);
    }
  });

  it("keeps the files of the 64 sources built last", async () => {
    const dir = tempDir();
    const cache = join(dir, "cache");
    await built(dir, LETTER, cache, "first");
    const [first] = readdirSync(cache);
    const old = new Date(Date.now() - 86_400_000);
    utimesSync(join(cache, first), old, old);
    for (let i = 0; i < 64; i++) writeFileSync(join(cache, `${String(i).padStart(24, "0")}.bin`), "");
    await built(dir, LETTER, cache, "second");
    const left = readdirSync(cache);
    expect(left.length).toBe(64);
    expect(left).not.toContain(first);
  });

  it("keeps the newest files that fit in its size limit", async () => {
    const dir = tempDir();
    const now = Date.now();
    ["a", "b", "c", "d"].forEach((name, i) => {
      const file = join(dir, `${name}.bin`);
      writeFileSync(file, Buffer.alloc(400));
      const when = new Date(now - i * 60_000); // a is the newest
      utimesSync(file, when, when);
    });
    await pruneCache(dir, { files: 64, bytes: 1000 });
    expect(readdirSync(dir).sort()).toEqual(["a.bin", "b.bin"]);
    await pruneCache(dir, { files: 64, bytes: 10 });
    expect(readdirSync(dir)).toEqual(["a.bin"]); // the newest stays, whatever its size
  });

  it("is kept by `npm run build`, and not with --no-cache", async () => {
    const dir = tempDir();
    const sources = ["kept", "not-kept"].map((name) => {
      const source = join(dir, `${name}.md`);
      writeFileSync(source, LETTER);
      return source;
    });
    const runs = await Promise.all([cli(["build", sources[0], "--out", dir, "--format", "html"]), cli(["build", sources[1], "--out", dir, "--format", "html", "--no-cache"])]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(existsSync(cacheFileOf(PARSE_CACHE_DIR, sources[0]))).toBe(true);
    expect(existsSync(cacheFileOf(PARSE_CACHE_DIR, sources[1]))).toBe(false);
    rmSync(cacheFileOf(PARSE_CACHE_DIR, sources[0]));
  });
});
