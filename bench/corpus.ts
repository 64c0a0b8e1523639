/**
 * A randomized corpus for the proof, deterministic by seed: letters made of the blocks real
 * letters have (paragraphs of many lengths, note calls anywhere, long notes that continue
 * overleaf, notes called twice, lists in the body and in notes, quotes, tables, headings,
 * signatory columns) in every script broadside sets, on A4 and Letter, with footnotes and
 * endnotes, and press packets of them (some as booklets). Words come from the editions of the
 * test corpus (test/fixtures/editions), so each script is set as a real letter in it would be.
 *
 * Every document of the corpus is correct: built with the proof on, any disagreement is a false
 * alarm. `npm run bench -- proof` builds the whole corpus and mutates it (bench/proof.ts);
 * test/proof-corpus.test.ts builds a small slice.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A language's words and how its sentences are put together. */
export interface Pool {
  lang: string;
  words: string[];
  /** Between words ("" for Chinese and Japanese). */
  space: string;
  /** At the end of a sentence. */
  stop: string;
  /** The signatory heading of its edition (its front matter). */
  signatories?: string;
}

export interface CorpusDocument {
  /** The source to build (a letter, or a packet naming its parts). */
  name: string;
  /** Every file to write, by name: the source, and a packet's parts. */
  files: Record<string, string>;
  kind: "letter" | "packet";
  lang: string;
  paper: "a4" | "letter";
  notes: "footnotes" | "endnotes";
  booklet?: boolean;
}

const STOPS: Record<string, [space: string, stop: string]> = {
  "zh-CN": ["", "。"],
  "zh-Hant-HK": ["", "。"],
  ja: ["", "。"],
  bo: ["", "།"],
  "mn-Mong": [" ", "᠃"],
};

/** The word pools of the editions found in `dir` (one Markdown file per language), and English. */
export function languagePools(dir: string): Pool[] {
  const pools: Pool[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".md"))
    .sort()) {
    const text = readFileSync(join(dir, name), "utf8");
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text);
    const lang = /^lang:\s*"?([^"\n]+)"?/m.exec(front?.[1] ?? "")?.[1]?.trim();
    if (!lang) continue;
    const signatories = /^\s+heading:\s*"([^"]+)"/m.exec(front?.[1] ?? "")?.[1];
    const body = text
      .slice(front?.[0].length ?? 0)
      .split("\n")
      .filter((line) => !/^(\[\^|#|-|\s*$)/.test(line))
      .join(" ")
      .replace(/\[\^[^\]]*\]|<[^>]*>|https?:\S+|[*_`[\]()«»“”"]/g, " ");
    const [space, stop] = STOPS[lang] ?? [" ", "."];
    const words = space
      ? body
          .split(/\s+/)
          .map((w) => w.replace(/[.,;:!?،؛。，、᠂᠃།]+$/u, ""))
          .filter((w) => w && !/^\d+$/.test(w))
      : chunks(body.replace(/[\s。，、；：！？]+/g, ""), lang === "bo" ? "་" : undefined);
    if (words.length > 10) pools.push({ lang, words: [...new Set(words)], space: lang === "bo" ? "་" : space, stop, signatories });
  }
  pools.push({ lang: "en", words: ENGLISH.split(" "), space: " ", stop: ".", signatories: "Signed by" });
  return pools;
}

/** Chinese and Japanese text cut into runs of two to four characters; Tibetan into syllables. */
function chunks(text: string, tsheg?: string): string[] {
  if (tsheg) return text.split(/[་།\s]+/).filter(Boolean);
  const out: string[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += 2 + (i % 3)) out.push(chars.slice(i, i + 2 + (i % 3)).join(""));
  return out.filter(Boolean);
}

const ENGLISH =
  "we the undersigned organisations write to urge the council to act on the report of the office which found that serious human rights violations have been committed in the region and that the arbitrary detention of members of ethnic groups may constitute crimes against humanity the visit of the high commissioner lasted six days and gave the authorities a platform for their narrative families of the detained asked for news of their relatives who have not been heard from since";

/** A small seeded generator (mulberry32): the same seed gives the same corpus on every machine. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Random = ReturnType<typeof random>;

/** One letter's Markdown, its notes defined at the end. */
function letterMarkdown(
  r: Random,
  pool: Pool,
  options: { title: string; paper: string; notes: string; short?: boolean; tables?: boolean; longNotes?: boolean },
): string {
  const labels: string[] = [];
  const called: string[] = [];
  const sentence = (min = 4, max = 18) => {
    const n = r.int(min, max);
    const words = Array.from({ length: n }, () => r.pick(pool.words));
    return words.join(pool.space) + pool.stop;
  };
  // A call after a random word, or at the end; now and then a note called again.
  const withCalls = (text: string, p: number, most = 3) => {
    if (!r.chance(p)) return text;
    const parts = text.split(pool.space || /(?<=.)/u);
    const calls = r.int(1, most);
    for (let c = 0; c < calls; c++) {
      let label: string;
      if (called.length && r.chance(0.12)) label = r.pick(called);
      else {
        label = `n${labels.length + 1}`;
        labels.push(label);
      }
      called.push(label);
      const at = r.int(1, parts.length);
      parts[at - 1] += `[^${label}]`;
    }
    return parts.join(pool.space);
  };
  const paragraph = () => withCalls(Array.from({ length: r.pick([1, 1, 2, 3, 5, 8, 12]) }, () => sentence()).join(pool.space || ""), 0.6);
  const blocks: string[] = [];
  const count = options.short ? r.int(2, 5) : r.int(3, 18);
  for (let b = 0; b < count; b++) {
    const kind = options.tables ? r.pick(["p", "table", "table"] as const) : r.pick(["p", "p", "p", "p", "h", "ol", "ul", "quote", "table"] as const);
    if (kind === "p") blocks.push(paragraph());
    else if (kind === "h") blocks.push(`## ${sentence(2, 5).slice(0, -pool.stop.length)}`);
    else if (kind === "ol" || kind === "ul") {
      const items = r.int(1, 6);
      const start = kind === "ol" ? r.pick([1, 1, 1, 2, 7]) : 0;
      blocks.push(Array.from({ length: items }, (_, i) => `${kind === "ol" ? `${start + i}.` : "-"} ${withCalls(sentence(2, 24), 0.3)}`).join("\n"));
    } else if (kind === "quote") blocks.push(`> ${withCalls(sentence(6, 30), 0.4)}`);
    else {
      const columns = r.int(2, 3);
      // The tables shape: most cells call several notes, and some cells are long enough to fill much of a page.
      const cell = (p: number) =>
        options.tables && p
          ? withCalls(sentence(1, r.chance(0.15) ? 200 : 12).slice(0, -pool.stop.length), 0.7, 4)
          : withCalls(sentence(1, 4).slice(0, -pool.stop.length), p);
      const row = (p: number) => `| ${Array.from({ length: columns }, () => cell(p)).join(" | ")} |`;
      blocks.push([row(0), `|${" --- |".repeat(columns)}`, ...Array.from({ length: r.int(1, options.tables ? 8 : 4) }, () => row(0.2))].join("\n"));
    }
  }
  // Every letter has at least one note.
  if (!labels.length) blocks.push(withCalls(sentence(), 1));
  const signatories = pool.signatories && r.chance(0.3);
  if (signatories) {
    blocks.push(`## ${pool.signatories}`);
    blocks.push(Array.from({ length: r.int(3, 40) }, () => `- ${sentence(1, 4).slice(0, -pool.stop.length)}`).join("\n"));
  }
  const notes = labels.map((label) => {
    const long = r.chance(options.tables ? 0.4 : 0.15);
    // With `longNotes`, a long note is now and then longer than a page, or holds a table of its own.
    const longest = options.longNotes && long && r.chance(0.3) ? 150 : 30;
    let text = Array.from({ length: long ? r.int(6, longest) : r.int(1, 2) }, () => sentence(3, 16)).join(pool.space || "");
    if (r.chance(0.1)) text += ` <https://example.org/${label}/${r.int(1, 99999)}>`;
    if (long && r.chance(0.5)) text += `\n\n    ${sentence()}`;
    // Now and then a list in the note, numbered (its numbers are drawn, not text) or not.
    if (r.chance(0.1)) {
      const marker = r.pick(["1.", "1.", "3.", "-"]);
      const item = (i: number) => (marker === "-" ? "-" : `${Number.parseInt(marker) + i}.`);
      text += `\n\n${Array.from({ length: r.int(1, 4) }, (_, i) => `    ${item(i)} ${sentence(1, 10)}`).join("\n")}`;
    }
    if (options.longNotes && long && r.chance(0.3)) {
      const row = () => `    | ${sentence(1, 6).slice(0, -pool.stop.length)} | ${sentence(1, 12).slice(0, -pool.stop.length)} |`;
      text += `\n\n${row()}\n    | --- | --- |\n${Array.from({ length: r.int(2, 60) }, row).join("\n")}`;
    }
    return `[^${label}]: ${text}`;
  });
  const front = [
    "---",
    `title: ${JSON.stringify(options.title)}`,
    `lang: ${pool.lang}`,
    `paper: ${options.paper}`,
    `notes: ${options.notes}`,
    ...(signatories ? ["signatories:", `  heading: ${JSON.stringify(pool.signatories)}`] : []),
    "---",
  ];
  return `${front.join("\n")}\n\n${blocks.join("\n\n")}\n\n${notes.join("\n\n")}\n`;
}

/**
 * `count` documents from `seed`: letters in every language of `pools`, and every 25th (every
 * `packetEvery`-th) a press packet of two or three letters (every other packet a booklet). With
 * `tables`, the letters are mostly tables whose rows call many notes, often long ones; with `longNotes`, some notes are longer
 * than a page, and some hold a table.
 */
export function makeCorpus(pools: Pool[], seed: number, count: number, packetEvery = 25, tables = false, longNotes = false): CorpusDocument[] {
  const r = random(seed);
  const docs: CorpusDocument[] = [];
  for (let i = 0; i < count; i++) {
    const paper = r.pick(["a4", "letter"] as const);
    const notes = r.chance(0.7) ? "footnotes" : "endnotes";
    const name = `doc-${seed}-${String(i).padStart(4, "0")}`;
    if (i % packetEvery === packetEvery - 1) {
      const parts = Array.from({ length: r.int(2, 3) }, (_, k) => {
        const pool = r.pick(pools);
        const part = `${name}-part${k + 1}.md`;
        return [
          part,
          letterMarkdown(r, pool, { title: `${name} part ${k + 1}`, paper, notes: r.chance(0.7) ? "footnotes" : "endnotes", short: true }),
        ] as const;
      });
      const booklet = docs.filter((d) => d.kind === "packet").length % 2 === 1;
      const packet = [
        "---",
        `title: "Packet ${name}"`,
        "lang: en",
        `paper: ${paper}`,
        "packet:",
        `  parts: [${parts.map(([part]) => part).join(", ")}]`,
        `  duplex: ${r.chance(0.5)}`,
        ...(booklet ? ["  imposition: booklet"] : []),
        "---",
        "",
        "The packet's cover text.",
        "",
      ].join("\n");
      docs.push({
        name: `${name}.packet.md`,
        files: { [`${name}.packet.md`]: packet, ...Object.fromEntries(parts) },
        kind: "packet",
        lang: "en",
        paper,
        notes,
        booklet,
      });
    } else {
      const pool = pools[i % pools.length];
      docs.push({
        name: `${name}.md`,
        files: { [`${name}.md`]: letterMarkdown(r, pool, { title: `${name} ${pool.lang}`, paper, notes, tables, longNotes }) },
        kind: "letter",
        lang: pool.lang,
        paper,
        notes,
      });
    }
  }
  return docs;
}
