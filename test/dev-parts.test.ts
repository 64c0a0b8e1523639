/**
 * `npm run dev` parses a save again only where it changed (src/parse-parts.ts). Through the
 * server, as an editor uses it: the letter is edited the ways a writer edits it (a word in a
 * paragraph, a new note with its call, a note's text, a paragraph removed, raw HTML and code
 * over blank lines), and after each save the HTML dev writes must be the HTML a parse of
 * the whole source gives.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VFile } from "vfile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileHtml } from "../src/html/index.ts";
import { parseLetter } from "../src/letter.ts";
import { ROOT, tempDir } from "./helpers.ts";

let dir: string;
let child: ChildProcess;
let output = "";

const source = () => join(dir, "src", "letter.md");
const written = () => join(dir, "out", "letter.html");

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const withLines = (text: string, edit: (lines: string[]) => string[]) => edit(text.split("\n")).join("\n");

/** The HTML a build makes of `text`, parsed whole. */
async function builtHtml(text: string): Promise<string> {
  const letter = parseLetter(new VFile({ path: source(), value: text }));
  if (!letter) throw new Error("the edited letter does not parse");
  return (await compileHtml(letter, { templatesDir: join(ROOT, "templates") })).html;
}

beforeAll(async () => {
  dir = tempDir();
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "out"));
  copyFileSync(join(ROOT, "source/letter.md"), source());
  child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), "dev", "--port", "0", "--source", join(dir, "src"), "--out", join(dir, "out")], { cwd: ROOT });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await until("the server", () => /serving http/.exec(output) ?? undefined, 60_000);
  await until("the first build", () => (existsSync(written()) ? true : undefined), 60_000);
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
});

describe("npm run dev, parsing only what a save changed", () => {
  it("writes, after each edit, the HTML a parse of the whole source gives", async () => {
    const original = readFileSync(join(ROOT, "source/letter.md"), "utf8");
    const firstNote = original.indexOf("\n[^1]:");
    expect(firstNote).toBeGreaterThan(0);
    const edits: [string, string][] = [
      ["a word in a paragraph", original.replace(" the ", " the plainly ")],
      ["a new note and its call", original.replace(" the ", " the[^added] ").slice(0, firstNote) + "\n[^added]: A note added while editing.\n" + original.slice(firstNote)],
      ["a note's text", original.replace("\n[^1]: ", "\n[^1]: Rewritten: ")],
      ["a paragraph removed", original.replace(/\n\n[^\n]*\[\^2\][^\n]*\n/, "\n\n")],
      // A raw-HTML block that runs over blank lines, from one part into the next: the part it
      // opens in cannot be parsed alone (the block swallows what follows), so the whole is.
      ["a <pre> block over several paragraphs", withLines(original, (lines) => {
        const from = lines.findIndex((l) => l.includes("[^2]"));
        const to = lines.findIndex((l) => l.includes("[^4]"));
        return [...lines.slice(0, from), "<pre>", "", ...lines.slice(from, to + 1), "</pre>", ...lines.slice(to + 1)];
      })],
      ["a fenced block with a blank line and a `#` line", original.replace("\n## ", "\n```sh\necho one\n\n# a comment\n```\n\n## ")],
      ["back to the original", original],
    ];
    let before = readFileSync(written(), "utf8");
    for (const [what, text] of edits) {
      const said = output.length;
      writeFileSync(source(), text);
      // Each edit changes the page: wait for the new one, then compare it whole.
      const html = await until(`dev's HTML after "${what}"`, () => {
        if (output.slice(said).includes("not rebuilt")) throw new Error(`dev did not rebuild after "${what}":\n${output.slice(said)}`);
        const now = readFileSync(written(), "utf8");
        return now !== before ? now : undefined;
      });
      expect(html, what).toBe(await builtHtml(text));
      before = html;
    }
  });
});
