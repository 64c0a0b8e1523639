/**
 * A slice of the proof's randomized corpus (bench/corpus.ts; the whole of it is
 * `npm run bench -- proof`): seven letters in seven languages, built in one build with the proof
 * on, must build without a false alarm; then each letter, mutated after printing (each in another
 * way), must be reported, naming the note and the format. (A packet's mutations: packet-proof.test.ts.)
 * Then two vertical Mongolian letters of the tables corpus (`--tables`), whose rows Chromium splits across pages.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CorpusRun, runCorpus } from "../bench/proof.ts";
import { type CorpusDocument, languagePools, makeCorpus } from "../bench/corpus.ts";
import { ROOT, tempDir } from "./helpers.ts";

let docs: CorpusDocument[];
let run: CorpusRun;

beforeAll(async () => {
  docs = makeCorpus(languagePools(join(ROOT, "test", "fixtures", "editions")), 34, 7, Infinity);
  run = await runCorpus(docs, tempDir("broadside-corpus-"), { batch: docs.length });
}, 280_000);

describe("the proof's randomized corpus, a slice", () => {
  it("is seven letters in seven languages", () => {
    expect(docs.map((d) => d.kind)).toEqual(["letter", "letter", "letter", "letter", "letter", "letter", "letter"]);
    expect(new Set(docs.map((d) => d.lang)).size).toBe(7);
    expect(docs.every((d) => Object.values(d.files).every((text) => /\[\^n1\]/.test(text)))).toBe(true);
  });

  it("builds every document with the proof on: no false alarm, no other error", () => {
    expect(run.falseAlarms).toEqual([]);
    expect(run.otherErrors).toEqual([]);
    expect(run.builtOk).toBe(docs.length);
  });

  it("catches every mutation made after printing, naming the note and the format", () => {
    expect(run.mutations.map((m) => m.kind).join(" ")).toBe(
      "html-word-dropped html-letter-changed html-call-digit html-link-text-lost docx-word-dropped pdf-letter-changed pdf-note-moved",
    );
    for (const m of run.mutations) expect(m.caught, `${m.kind} in ${m.name}: ${m.message}`).toBe(true);
    expect(run.mutations[0].message).toMatch(/^Note \d+ text differs: HTML /);
    expect(run.mutations[4].message).toMatch(/^Note \d+ text differs: DOCX /);
    expect(run.mutations[5].message).toMatch(/^Note \d+ text differs: PDF /);
    expect(run.mutations[6].message).toMatch(/^Note \d+: in the PDF, the \w+ note call shows \d+ but leads to (no note|note \d+)/);
  });
});

describe("the tables corpus, two vertical Mongolian letters", () => {
  let vertical: CorpusDocument[];
  let tables: CorpusRun;
  beforeAll(async () => {
    const all = makeCorpus(languagePools(join(ROOT, "test", "fixtures", "editions")), 60, 27, 25, true);
    vertical = all.filter((d) => d.name === "doc-60-0015.md" || d.name === "doc-60-0026.md");
    tables = await runCorpus(vertical, tempDir("broadside-corpus-"), { batch: vertical.length });
  }, 280_000);

  it("are letters of tables in vertical Mongolian, with over a hundred notes between them", () => {
    expect(vertical.map((d) => [d.lang, d.notes])).toEqual([
      ["mn-Mong", "footnotes"],
      ["mn-Mong", "footnotes"],
    ]);
    const text = vertical.map((d) => Object.values(d.files).join("")).join("");
    expect(text.match(/^\| .*\[\^n\d+\]\[\^n\d+\]/gm)?.length).toBeGreaterThan(5);
    expect(new Set(text.match(/\[\^n\d{3}\]/g)).size).toBeGreaterThan(10);
  });

  // Chromium splits a row's cells across pages, leaves a sliver of a call's link before a column ends, and puts
  // destinations a constant step across from their markers: the proof must read calls in the letter's order all the same.
  it("build with the proof on, and every mutation after printing is caught", () => {
    expect(tables.falseAlarms).toEqual([]);
    expect(tables.otherErrors).toEqual([]);
    expect(tables.builtOk).toBe(2);
    expect(tables.mutations.length).toBe(2);
    for (const m of tables.mutations) expect(m.caught, `${m.kind} in ${m.name}: ${m.message}`).toBe(true);
  });
});
