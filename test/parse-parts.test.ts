/**
 * `npm run dev` parses a source in parts and parses again only the parts a save changed
 * (src/parse-parts.ts). The joined tree must be the tree a parse of the whole gives, node for
 * node and position for position: on every Markdown file of the project, cut at every place a
 * part may start, on sources written to be cut where a cut would change the parse, and on
 * random sources made of the blocks a letter is made of. Where the parts cannot give the
 * whole's tree, they must say so (`undefined`), and the whole is parsed instead.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { parseLetter } from "../src/letter.ts";
import { parseMarkdown } from "../src/markdown.ts";
import { PartCache, cutSource, parseInParts, parseParts } from "../src/parse-parts.ts";
import { normalizeSource } from "../src/safety.ts";
import { ROOT } from "./helpers.ts";
import { randomSource } from "./random-markdown.ts";

function projectSources(): [string, string][] {
  const files: [string, string][] = [];
  for (const dir of ["source", "test/fixtures", "test/fixtures/check", "test/hostile"]) {
    for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith(".md"))) files.push([`${dir}/${name}`, normalizeSource(readFileSync(join(ROOT, dir, name), "utf8"))]);
  }
  return files;
}

/**
 * The parts' trees and the whole's: the first parse (the whole, cut into parts), then the parts
 * all taken from it, then every part parsed alone (`undefined` when they say they cannot).
 */
function both(text: string, minLength: number) {
  const cache = new PartCache();
  const first = parseInParts(text, cache, minLength);
  const parts = cutSource(text, minLength);
  const kept = parseParts(parts, cache);
  cache.parts.clear();
  const alone = parseParts(parts, cache);
  return { first, kept, alone, whole: parseMarkdown(text) };
}

/** Sources that a careless cut would parse differently. */
const TRICKY: [string, string, "joins" | "refuses"][] = [
  ["a fence holding a blank line and a heading", "Intro.\n\n```sh\necho a\n\n# a comment, not a heading\n```\n\nAfter.\n", "joins"],
  ["a tilde fence holding a backtick fence line", "Intro.\n\n~~~\n```\n\nText in the fence.\n~~~\n\nAfter.\n", "joins"],
  ["a reference before its definition, in another part", "See [the report][r] and [r].\n\nMiddle.\n\n[r]: https://example.org/r\n", "joins"],
  ["a note called in one part and defined in another", "A claim.[^a] Another.[^b]\n\nMiddle.\n\n[^a]: Note a.\n\n[^b]: Note b,\n\n    in two paragraphs.\n", "joins"],
  ["a definition inside a quote", "See [q].\n\n> [q]: https://example.org/q\n\nAfter [q].\n", "joins"],
  ["a bracketed label with a colon that is no definition", "Text [x]: not a definition.\n\nMore [x].\n\n`[y]: in code` [y]\n", "joins"],
  ["a label over two lines", "See [the\nreport].\n\nMiddle.\n\n[the\nreport]: https://example.org/r\n", "joins"],
  ["a raw HTML block running over blank lines", "Intro.\n\n<pre>\nraw\n\nraw again\n</pre>\n\nAfter.\n", "refuses"],
  ["an HTML comment running over blank lines", "Intro.\n\n<!-- a comment\n\nstill the comment\n-->\n\nAfter.\n", "refuses"],
  ["front matter with a blank line and a YAML comment", "---\ntitle: T\n\n# a YAML comment\nlang: en\n---\n\nText.\n\nMore text.\n", "joins"],
  ["a loose list, then a paragraph", "- a\n\n- b\n\n  b continued\n\nAfter the list.\n\n1. one\n\n2. two\n\nEnd.", "joins"],
  ["a quote, then a lazy line, then a paragraph", "> quoted\nlazy line\n\nParagraph.\n\n> again\n", "joins"],
  ["a table, a setext heading, a thematic break", "| a | b |\n| - | - |\n| 1 | 2 |\n\nTitle\n=====\n\n___\n\nText after.\n", "joins"],
  ["trailing spaces at the very end", "First.\n\nLast line with spaces  ", "joins"],
  ["an unclosed fence at the end", "First.\n\nSecond.\n\n```\nnever closed\n\nstill code", "joins"],
  ["labels with escapes and case", "[Foo\\]bar] and [FOO\\]BAR][] and [^N1].\n\nMiddle.\n\n[foo\\]bar]: /x\n\n[^n1]: note\n", "joins"],
  ["indented code after a blank line", "Text.\n\n    code\n\n    more code\n\nText again.\n", "joins"],
  // A part is given only the labels it could refer to: each must still find its definition.
  ["a label over two lines of a quote", "> See [the\n> report] and [^n].\n\nMiddle.\n\n[the report]: https://example.org/r\n\n[^n]: note\n", "joins"],
  ["labels with escaped backslashes", "See [a\\\\] and [b\\\\\\]c].\n\nMiddle.\n\n[a\\\\]: /a\n\n[b\\\\\\]c]: /b\n", "joins"],
  ["labels folded by Unicode case", "[Straße], [ǅ] and [^Σς].\n\nMiddle.\n\n[STRASSE]: /s\n\n[ǆ]: /d\n\n[^σσ]: note\n", "joins"],
  ["a reference inside link text", "[see [b] here][a] and [x [b] y]\n\nMiddle.\n\n[a]: /a\n\n[b]: /b\n", "joins"],
  ["a call with a space in its label", "A claim.[^Note  One]\n\nMiddle.\n\n[^note one]: The note.\n", "joins"],
];

describe("parsing in parts", () => {
  it.each(projectSources())("joins into the whole's tree, cut at every place it may be: %s", (_name, text) => {
    for (const minLength of [1, 256, 1024]) {
      const { first, kept, alone, whole } = both(text, minLength);
      expect(first).toEqual(whole);
      expect(kept ?? whole).toEqual(whole);
      expect(alone ?? whole).toEqual(whole);
    }
  });

  it("cuts the letter into several parts and joins them, for every cut", () => {
    const text = normalizeSource(readFileSync(join(ROOT, "source/letter.md"), "utf8"));
    expect(cutSource(text, 1).length).toBeGreaterThan(10);
    const { kept, alone, whole } = both(text, 1);
    expect(kept).toEqual(whole);
    expect(alone).toEqual(whole);
  });

  it.each(TRICKY)("%s: %s", (_name, text, outcome) => {
    const { first, kept, alone, whole } = both(text, 1);
    expect(first).toEqual(whole);
    if (outcome === "joins") {
      expect(cutSource(text, 1).length).toBeGreaterThan(1);
      expect(kept).toEqual(whole);
      expect(alone).toEqual(whole);
    } else {
      expect(kept).toBeUndefined();
      expect(alone).toBeUndefined();
      // Parsed alone, the part before the cut says so itself (its sentinel is swallowed).
      const given = new PartCache();
      given.labels = { links: [], notes: [] };
      expect(parseParts(cutSource(text, 1), given)).toBeUndefined();
    }
  });

  it("never cuts inside fenced code or front matter", () => {
    const text = TRICKY.find(([name]) => name.startsWith("front matter"))![1] + TRICKY[0][1];
    for (const part of cutSource(text, 1)) expect(part.text).not.toMatch(/^# a (comment|YAML comment)/);
  });

  it("gives the whole's tree for 400 random sources, or says it cannot", () => {
    let joined = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const text = randomSource(seed);
      const { first, kept, alone, whole } = both(text, 1);
      if (alone) joined++;
      expect({ seed, first, kept: kept ?? whole, alone: alone ?? whole }).toEqual({ seed, first: whole, kept: whole, alone: whole });
    }
    // Most join: one with an HTML block left open at the end of a part is parsed whole.
    expect(joined).toBeGreaterThan(300);
  });

  it("parses again only what an edit changed, and still gives the whole's tree", () => {
    const text = normalizeSource(readFileSync(join(ROOT, "source/letter.md"), "utf8"));
    const cache = new PartCache();
    expect(parseInParts(text, cache)).toEqual(parseMarkdown(text));
    const before = new Set(cache.parts.values());
    const edits = [
      text.replace(" the ", " the very "), // a paragraph of the body
      text.replace(/\n\n(?=\[\^1\]:)/, "\n\nA new paragraph before the notes.[^1]\n\n"), // a new part
      text.replace("[^1]: ", "[^1]: Changed: "), // a note's text
      `${text}\n[^new]: A note nothing calls.\n`, // a new definition: every part is given it
      text,
    ];
    for (const edited of edits) expect(parseInParts(edited, cache)).toEqual(parseMarkdown(edited));
    // The first edit reused every part but the one it touched.
    const again = new PartCache();
    parseInParts(text, again);
    const kept = [...again.parts.values()];
    parseInParts(edits[0], again);
    const reused = [...again.parts.values()].filter((p) => kept.includes(p));
    expect(reused.length).toBe(kept.length - 1);
    expect(before.size).toBe(kept.length);
  });

  it("gives parseLetter the same letter and the same messages", () => {
    for (const [name, text] of projectSources()) {
      const plain = new VFile({ path: name, value: text });
      const parted = new VFile({ path: name, value: text });
      const a = parseLetter(plain);
      const b = parseLetter(parted, { parts: new PartCache() });
      expect(b?.tree).toEqual(a?.tree);
      expect(parted.messages.map(String)).toEqual(plain.messages.map(String));
    }
  });
});
