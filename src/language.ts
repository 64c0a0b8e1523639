/**
 * What an edition's language decides beyond its text: the words broadside adds (templates/words/<lang>.yaml, then the
 * front matter's `words:`), the direction of its lines and whether it is set vertically.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Point } from "unist";
import type { VFile } from "vfile";
import { parse } from "yaml";
import { warn } from "./messages.ts";
import { PACKAGE_TEMPLATES, readWhileUnchanged } from "./paths.ts";

/** The words broadside adds to a letter; `{note}`, `{reference}`, `{page}`, `{pages}` are filled in. */
export const WORD_KEYS = [
  /** Heading of the notes section (unless the front matter's `notes-heading` names one). */
  "notes-heading",
  /** After the number of a page-foot note continued from the page before. */
  "continued",
  /** Label of the link from a note back to its only call. */
  "back-to-note",
  /** Label of the link from a note back to one of its calls. */
  "back-to-reference",
  /** The page number at the foot of a printed page. */
  "page",
  /** Headings that open the signatory list, when the front matter names none (English's open it too). */
  "signed-by",
  /** Name of a picture without alt text (Word's selection pane). */
  "image",
] as const;
export type Words = Record<Exclude<(typeof WORD_KEYS)[number], "signed-by">, string> & { "signed-by": string[] };

export interface Language {
  /** The words, complete (English where the tables lack one). */
  words: Words;
  dir: "ltr" | "rtl";
  /** Lines run top to bottom, columns left to right (Mongolian script). */
  vertical: boolean;
}

/** Scripts written right to left: ISO 15924 code (a tag's script subtag) → Unicode script name. */
const RTL_SCRIPTS = new Map([
  ["arab", "Arabic"],
  ["hebr", "Hebrew"],
  ["syrc", "Syriac"],
  ["thaa", "Thaana"],
  ["nkoo", "Nko"],
  ["adlm", "Adlam"],
  ["rohg", "Hanifi_Rohingya"],
  ["mand", "Mandaic"],
  ["samr", "Samaritan"],
]);
/** A letter of a right-to-left script, for a regular expression's character class (flag `u`). */
export const RTL_LETTERS = [...RTL_SCRIPTS.values()].map((name) => String.raw`\p{Script=${name}}`).join("");
/** What a right-to-left run holds between its letters: marks, digits, spaces, joiners and Arabic punctuation. */
export const RTL_RUN_INNER = String.raw`\p{M}\p{Nd} \u200c\u200d\u060c\u061b\u061f«»\-.`;
/** Languages written right to left when the tag names no script. */
const RTL_LANGUAGES = new Set(["ar", "fa", "ur", "he", "iw", "ug", "ps", "yi", "sd", "ckb", "dv", "syr", "ks"]);

/** The script subtag of a BCP 47 tag (its first subtag of four letters), lower-cased: `zh-Hant-HK` → `hant`. */
const scriptOf = (lang: string) => /-([a-z]{4})(?=-|$)/i.exec(lang)?.[1].toLowerCase();

export function directionOf(lang: string): "ltr" | "rtl" {
  const script = scriptOf(lang);
  if (script) return RTL_SCRIPTS.has(script) ? "rtl" : "ltr";
  return RTL_LANGUAGES.has(lang.split("-")[0].toLowerCase()) ? "rtl" : "ltr";
}

/**
 * Scripts Word draws from its complex-script slot, with the edition whose face draws them (templates/fonts.json) and what
 * a run holds between its letters. Arabic and Hebrew runs keep to their own punctuation: a bracket in them is mirrored.
 */
export const COMPLEX_SCRIPTS = [
  { lang: "ar", rtl: true, letter: String.raw`\p{Script=Arabic}`, inner: RTL_RUN_INNER, end: String.raw`\p{M}` },
  { lang: "he", rtl: true, letter: String.raw`\p{Script=Hebrew}`, inner: String.raw`\p{M}\p{Nd} \-."'״׳`, end: String.raw`\p{M}` },
  {
    lang: "mn-Mong",
    rtl: false,
    letter: String.raw`\p{Script=Mongolian}`,
    inner: String.raw`\p{M} \u202f\u180e\u200c\u200d\u1802-\u1805`,
    end: String.raw`\p{M}\u1802-\u1805`,
  },
  { lang: "bo", rtl: false, letter: String.raw`\p{Script=Tibetan}`, inner: String.raw`\p{Script=Common}\p{Script=Inherited}`, end: String.raw`\p{M}` },
] as const;
export type ComplexScript = (typeof COMPLEX_SCRIPTS)[number];

/** One alternative a script: its letter, then what it holds, ending at its letter or mark. */
const SCRIPT_RUN = new RegExp(COMPLEX_SCRIPTS.map(({ letter, inner, end }) => `([${letter}](?:[${letter}${inner}]*[${letter}${end}])?)`).join("|"), "gu");

export interface ScriptRun {
  text: string;
  /** Set for a run of a complex script. */
  script?: ComplexScript;
  /** Right to left: a run of Arabic or Hebrew, or punctuation and spaces in a right-to-left paragraph. */
  rtl?: boolean;
}

/**
 * The text cut where it changes between a complex script and anything else. In a right-to-left paragraph, punctuation
 * and spaces between are right to left too: Word places a run's neutral characters by its direction.
 */
export function scriptRuns(text: string, rtlParagraph = false): ScriptRun[] {
  const out: ScriptRun[] = [];
  let at = 0;
  const rest = (piece: string) => out.push(rtlParagraph && !/[\p{L}\p{N}]/u.test(piece) ? { text: piece, rtl: true } : { text: piece });
  for (const match of text.matchAll(SCRIPT_RUN)) {
    if (match.index > at) rest(text.slice(at, match.index));
    const script = COMPLEX_SCRIPTS[match.slice(1).findIndex((group) => group !== undefined)];
    out.push(script.rtl ? { text: match[0], script, rtl: true } : { text: match[0], script });
    at = match.index + match[0].length;
  }
  if (at < text.length || out.length === 0) rest(text.slice(at));
  return out;
}

/** Mongolian in its own script (`mn-Mong`) is set vertically; `mn` alone is Cyrillic. */
export function isVertical(lang: string): boolean {
  return scriptOf(lang) === "mong";
}

/**
 * The tables to look in, most specific first: `zh-Hant-HK` → zh-Hant-HK, zh-Hant, zh;
 * `zh-TW` → zh-TW, zh-Hant, zh; `mn-Mong-CN` → mn-Mong-CN, mn-Mong, mn.
 */
function lookupChain(lang: string): string[] {
  const parts = lang.split("-");
  const chain: string[] = [];
  for (let n = parts.length; n >= 1; n--) chain.push(parts.slice(0, n).join("-"));
  if (parts[0].toLowerCase() === "zh" && !scriptOf(lang)) {
    // A region stands for its script: Taiwan, Hong Kong and Macao write Traditional characters.
    const region = /-([a-z]{2})(?=-|$)/i.exec(lang)?.[1].toUpperCase();
    if (region && ["TW", "HK", "MO"].includes(region)) chain.splice(chain.length - 1, 0, "zh-Hant");
    else if (region) chain.splice(chain.length - 1, 0, "zh-Hans");
  }
  return chain;
}

type Table = Partial<Words> & Record<string, string | string[] | undefined>;

/** The table of one tag, or undefined when there is none; a table that does not read throws (a template bug). */
function readTable(dir: string, tag: string): Table | undefined {
  const folder = join(dir, "words");
  // Tags are case-insensitive: `zh-hant` finds zh-Hant.yaml.
  const name = existsSync(folder) ? readdirSync(folder).find((n) => n.toLowerCase() === `${tag.toLowerCase()}.yaml`) : undefined;
  return name ? readWords(join(folder, name)) : undefined;
}

const readWords = readWhileUnchanged((path: string): Table => {
  const data = parse(readFileSync(path, "utf8"), { schema: "core" }) as unknown;
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw new Error(`${path} must be a YAML mapping of broadside's words (${WORD_KEYS.join(", ")})`);
  const table: Table = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    // A feature's word (a press release's `embargoed`…) is text, as `image` is.
    const words = checkWord((WORD_KEYS as readonly string[]).includes(key) ? (key as keyof Words) : "image", value);
    if (words === undefined) throw new Error(`${path}: \`${key}\` must be ${key === "signed-by" ? "a heading or a list of headings" : "text"}`);
    table[key] = words;
  }
  return table;
});

/** The tables of a language, most specific first; a project's templates/words override broadside's table by table. */
const tablesOf = (lang: string, dir: string) =>
  lookupChain(lang)
    .map((tag) => readTable(dir, tag) ?? readTable(PACKAGE_TEMPLATES, tag))
    .filter((t): t is Table => t !== undefined);

/** Words a feature prints (a press release's `embargoed`…): from the language's tables, else English's, without a warning. */
export function featureWords<K extends string>(lang: string, keys: readonly K[]): Record<K, string> {
  const tables = [...tablesOf(lang, PACKAGE_TEMPLATES), readTable(PACKAGE_TEMPLATES, "en")];
  return Object.fromEntries(keys.map((key) => [key, tables.find((t) => t?.[key] !== undefined)?.[key]])) as Record<K, string>;
}

/** A word as the tables and the front matter may give it, or undefined when it has the wrong shape. */
export function checkWord(key: keyof Words, value: unknown): string | string[] | undefined {
  if (key === "signed-by") {
    if (typeof value === "string" && value.trim()) return [value.trim()];
    if (Array.isArray(value) && value.length && value.every((v) => typeof v === "string" && v.trim())) return value.map((v: string) => v.trim());
    return undefined;
  }
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/** The edition's language: its words from the tables (English where one is missing, with one warning), then the front matter's `words:`. */
export function resolveLanguage(
  file: VFile,
  meta: { lang: string; words: Partial<Words>; dir?: "ltr" | "rtl"; langPlace?: Point },
  dir = PACKAGE_TEMPLATES,
): Language {
  const lang = meta.lang;
  const english = readTable(dir, "en") ?? readTable(PACKAGE_TEMPLATES, "en");
  const chain = lookupChain(lang);
  const tables = tablesOf(lang, dir);
  const words: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const key of WORD_KEYS) {
    const found = meta.words[key] ?? tables.find((t) => t[key] !== undefined)?.[key];
    if (found === undefined) {
      const fallback = english?.[key];
      if (fallback === undefined) throw new Error(`templates/words/en.yaml has no \`${key}\`: restore it`);
      if (!/^en\b/i.test(lang)) missing.push(key);
      words[key] = fallback;
    } else words[key] = found;
  }
  // A translation may keep English's signatories heading.
  words["signed-by"] = [...new Set([...(words["signed-by"] as string[]), ...(english?.["signed-by"] ?? [])])];
  if (missing.length) {
    const where = `templates/words/${chain[chain.length - 1]}.yaml`;
    const reason =
      tables.length === 0
        ? `No table of broadside's words for \`lang: ${lang}\` (looked for ${chain.map((t) => `${t}.yaml`).join(", ")} in templates/words/): ${missing.map((k) => `\`${k}\``).join(", ")} stay in English; add ${where} or translate them under \`words:\` in the front matter`
        : `broadside's words for \`lang: ${lang}\` lack ${missing.map((k) => `\`${k}\``).join(", ")}: ${missing.length === 1 ? "it stays" : "they stay"} in English; add ${missing.length === 1 ? "it" : "them"} to ${where} or under \`words:\` in the front matter`;
    warn(file, reason, meta.langPlace, "words-missing");
  }
  return { words: words as unknown as Words, dir: meta.dir ?? directionOf(lang), vertical: isVertical(lang) };
}

/** A word with its `{name}` slots filled. */
export function fillWord(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
