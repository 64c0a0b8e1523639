/**
 * `dev` parses a save only from the first block it changed (src/dev/reparse.ts): after any edit,
 * the tree must be the one a whole parse gives, positions included. Seeded random sources and
 * edits (words, block markers, definitions, fences, front matter fences, indentation), each
 * compared whole; and the reuse must really happen for the edits a writer makes most.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { reparser, reuse } from "../src/dev/reparse.ts";
import { parseMarkdown } from "../src/markdown.ts";
import { ROOT } from "./helpers.ts";
import { BLOCKS, randomSource } from "./random-markdown.ts";

const LETTER = readFileSync(join(ROOT, "source/letter.md"), "utf8");
const INSERTS = ["word ", "\n", "\n\n", "    ", "> ", "- ", "1. ", "# ", "```\n", "---\n", "<pre>\n", "[^n1]: A new note.\n\n", "[ref9]: https://example.org\n\n", "[^zz]", "[ref9]", "|---|\n", "===\n", ...BLOCKS.map((b) => `\n${b(7)}\n`)];

function edits(text: string, seed: number, count: number): string[] {
  let state = seed;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = random(text.length + 1);
    const kind = random(3);
    if (kind === 0) text = text.slice(0, at) + INSERTS[random(INSERTS.length)] + text.slice(at);
    else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + random(40));
    else text = text.slice(0, at) + INSERTS[random(INSERTS.length)] + text.slice(at + random(20));
    out.push(text);
  }
  return out;
}

/** The tree is a whole parse's (compared cheaply; a difference is shown in full). */
function same(tree: unknown, text: string, what: string) {
  const whole = parseMarkdown(text);
  if (!isDeepStrictEqual(tree, whole)) expect(tree, `${what}:\n${text}`).toEqual(whole);
}

describe("parsing a save from the first block it changed", () => {
  it("gives the tree of a whole parse after every random edit of random sources", () => {
    let compared = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const parse = reparser();
      const first = randomSource(seed);
      expect(parse(first)).toEqual(parseMarkdown(first));
      for (const text of edits(first, seed, 25)) {
        same(parse(text), text, `seed ${seed}`);
        compared++;
      }
    }
    expect(compared).toBe(500);
  });

  it("gives the letter's tree after random edits of the letter", () => {
    const parse = reparser();
    parse(LETTER);
    for (const text of edits(LETTER, 7, 12)) same(parse(text), text, "the letter");
  });

  it("reuses the blocks before a word changed in the letter's body, and not before a definition", () => {
    const last = { text: LETTER, tree: parseMarkdown(LETTER) };
    const end = LETTER.indexOf("\n[^1]:");
    const edited = LETTER.slice(0, end) + "\nA sentence added.\n" + LETTER.slice(end);
    expect(reuse(last, edited)).toEqual(parseMarkdown(edited));
    expect(reuse(last, `${LETTER}\nA sentence added at the end.\n`)).toBeUndefined(); // the notes before it hold definitions
    expect(reuse(last, LETTER.replace("[^1]:", "[^one]:"))).toBeUndefined();
  });
});
