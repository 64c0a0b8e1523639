/**
 * Front matter: YAML between `---` lines (core schema, no custom tags, bounded aliases), TOML between `+++` lines, pandoc's
 * `%` title block, or none (the title is the first heading's or the file's name). Every problem is a message at its place.
 */
import type { Literal } from "mdast";
import type { Point } from "unist";
import { TomlError, parse as parseToml } from "smol-toml";
import type { VFile } from "vfile";
import { type Alias, isMap, isScalar, isSeq, LineCounter, type Node as YamlNode, parseDocument, visit } from "yaml";
import { fail, info, warn } from "./messages.ts";
import { PAPERS, type Paper } from "./paper.ts";
import { checkWord, WORD_KEYS, type Words } from "./language.ts";
import { describeCharacter, stripForbiddenCharacters } from "./safety.ts";

declare module "vfile" {
  interface DataMap {
    /** YAML front matter as plain data (YAML's core schema), as written: for tools that carry it over. */
    matter: Record<string, unknown>;
  }
}

export interface FrontMatter {
  /** The headline. */
  title: string;
  /** The front matter names no title: it is the first heading's text, or the file's name. */
  untitled?: boolean;
  /** Running heads and the Word header; defaults to the title. */
  shortTitle: string;
  subtitle?: string;
  /** BCP 47 tag of the document language, e.g. `en`, `fr`, `zh-Hans`. */
  lang: string;
  author?: string;
  publisher?: string;
  date?: string;
  description?: string;
  subject?: string;
  keywords: string[];
  /** Heading of the notes section, when the front matter names one (else the language's word). */
  notesHeading?: string;
  /** Where notes go: at the foot of the page (`footnotes`, the default) or at the end (`endnotes`). */
  notes: "footnotes" | "endnotes";
  /** Paper of the PDF and the .docx; unset: the templates' (A4). */
  paper?: Paper;
  /** Heading text that opens the signatory list. */
  signatoriesHeading?: string;
  /** `signatories.from`: the file (beside this one) whose signatory list this edition takes. */
  signatoriesFrom?: string;
  signatoriesPlace?: Point;
  /** How many signatories the letter claims (`signatories.claimed`), checked by `npm run check`. */
  signatoriesClaimed?: number;
  /** `words:`: the edition's own wording of the words broadside adds, over templates/words/<lang>.yaml. */
  words: Partial<Words>;
  /** `dir: rtl` or `ltr`: the direction of the lines, for a language broadside does not know; default: from `lang`. */
  dir?: "ltr" | "rtl";
  /** Where `lang` is written, for messages about the language. */
  langPlace?: Point;
  // Features add their fields (`declare module`), as src/packet/matter.ts adds `press` and `packet`.
}

/** The language of a source that names none and is built without `--lang`. */
const DEFAULT_LANG = "en";

/** Other tools' names for `lang` (Hugo's `languageCode`, Jekyll's `locale`…) and `author`, read when ours is missing. */
const LANG_ALIASES = ["language", "languagecode", "locale"];
const AUTHOR_ALIASES = ["authors"];

/** Keys other tools write (Jekyll, Hugo, pandoc, Obsidian…), never typing mistakes for ours. */
const OTHER_TOOLS = new Set(
  `layout permalink tags categories category draft published slug excerpt weight aliases toc type menu series image images
   comments sidebar nav_order parent lastmod publishdate expirydate linktitle url summary authors cssclass cssclasses
   abstract documentclass geometry header-includes bibliography csl link-citations`.split(/\s+/),
);

export const LANG_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** A front matter block as read: its mapping, and where its keys (and, in YAML, its values) stand. */
export type MatterBlock = { map: Record<string, unknown>; keyPlace: (key: string) => Point | undefined; valuePlace?: (key: string) => Point; start: Point };

/**
 * Pandoc's title block: up to three lines starting with `%` at the very top (title, authors separated by `;`, date); a line
 * starting with a space continues the one before. With how many lines it takes; `undefined` when there is none.
 */
export function pandocTitleBlock(source: string): (MatterBlock & { lines: number }) | undefined {
  if (!/^%(?:[ \t\n]|$)/.test(source)) return undefined;
  const lines = source.split("\n");
  const map: Record<string, unknown> = {};
  const places: Record<string, Point> = {};
  let i = 0;
  for (const key of ["title", "author", "date"]) {
    if (i === lines.length || !/^%(?:[ \t]|$)/.test(lines[i])) break;
    const line = i + 1;
    let value = lines[i++].slice(1).trim();
    for (; i < lines.length && /^[ \t]+\S/.test(lines[i]); i++) value += (key === "author" ? "; " : " ") + lines[i].trim();
    if (!value) continue;
    map[key] = value;
    places[key] = { line, column: 1 };
  }
  return { map, keyPlace: (key) => places[key], start: { line: 1, column: 1 }, lines: i };
}

const MAX_YAML_PROBLEMS = 10;

function readYaml(node: Literal, file: VFile): MatterBlock | undefined {
  const start = node.position?.start.line ?? 1;
  const lineCounter = new LineCounter();
  // The core schema takes no custom tags, and a key written twice is an error (yaml's defaults).
  const doc = parseDocument(node.value, { schema: "core", prettyErrors: false, lineCounter });
  // YAML positions are relative to the block; the block starts one line after the `---` fence.
  const place = (offset: number | undefined) => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: start + p.line, column: p.col };
  };
  // Unresolved tags (`!!js/function`, `!custom`) are warnings in `yaml`; here they are errors.
  for (const [problems, what] of [
    [doc.errors, "is not valid YAML"],
    [doc.warnings, "uses a YAML feature broadside does not allow"],
  ] as const) {
    // One mistake can set off thousands (each line after it misread): the first few say where it is.
    // No count of the rest: where yaml runs out of stack on them depends on the caller's stack depth.
    for (const { message, pos } of problems.slice(0, MAX_YAML_PROBLEMS))
      fail(file, `Front matter ${what}: ${message.split("\n")[0]}`, place(pos[0]), "front-matter-yaml");
    if (problems.length > MAX_YAML_PROBLEMS)
      fail(file, `Front matter ${what}: more problems after these`, place(problems[MAX_YAML_PROBLEMS].pos[0]), "front-matter-yaml");
  }
  if (doc.errors.length || doc.warnings.length) return undefined;
  // `&a [*a]` is a value that holds itself: YAML allows it, but no reader of a front matter ends on it.
  let inItself: Alias | undefined;
  visit(doc, {
    Alias(_, alias, path) {
      if (!path.includes(alias.resolve(doc) as never)) return;
      inItself = alias;
      return visit.BREAK;
    },
  });
  if (inItself) {
    fail(
      file,
      `Front matter uses the YAML alias *${inItself.source} inside its own anchor: a value that holds itself`,
      place(inItself.range?.[0]),
      "front-matter-yaml",
    );
    return undefined;
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    const message = (error as Error).message;
    const reason = /alias/i.test(message)
      ? `Front matter uses more YAML aliases than broadside expands (at most 50): ${message}`
      : `Front matter could not be read: ${message}`;
    fail(file, reason, node, "front-matter-yaml");
    return undefined;
  }
  if (data === null || data === undefined) data = {}; // `---` and `---` with nothing between
  if (typeof data !== "object" || Array.isArray(data)) {
    fail(file, "Front matter must be a YAML mapping of keys to values (`title: …`)", node, "front-matter-shape");
    return undefined;
  }
  file.data.matter = { ...data };
  // `a.b`: the key `b` of the mapping under `a`; `a.0`: the first item of the sequence `a`.
  const valuePlace = (key: string) => place((doc.getIn(key.split("."), true) as YamlNode | undefined)?.range?.[0]);
  const keyPlace = (key: string) => {
    const path = key.split(".");
    const last = path.pop();
    const parent = doc.getIn(path, true);
    const item = isSeq(parent)
      ? parent.get(Number(last), true)
      : isMap(parent)
        ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === last)?.key
        : undefined;
    return place((item as YamlNode | undefined)?.range?.[0]);
  };
  return { map: data as Record<string, unknown>, keyPlace, valuePlace, start: { line: start, column: 1 } };
}

/** TOML is data only: smol-toml builds plain objects, drops `__proto__`-like keys and bounds nesting. */
function readToml(node: Literal, file: VFile): MatterBlock | undefined {
  const start = node.position?.start.line ?? 1;
  let data: Record<string, unknown>;
  try {
    data = parseToml(node.value, { maxDepth: 50, unsafeKeyBehaviour: "drop" }) as Record<string, unknown>;
  } catch (error) {
    const at = error instanceof TomlError ? { line: start + error.line, column: error.column } : { line: start, column: 1 };
    fail(file, `Front matter is not valid TOML: ${(error as Error).message.split("\n")[0]}`, at, "front-matter-toml");
    return undefined;
  }
  const lines = node.value.split("\n");
  const keyPlace = (key: string) => {
    const pattern = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*=`);
    const index = lines.findIndex((line) => pattern.test(line));
    return index >= 0 ? { line: start + 1 + index, column: 1 } : { line: start, column: 1 };
  };
  // Dates are TOML values of their own; front matter keeps them as the text written.
  for (const [key, value] of Object.entries(data)) {
    if (value instanceof Date) data[key] = (value as Date & { toISOString(): string }).toISOString();
  }
  return { map: { ...data }, keyPlace, start: { line: start, column: 1 } };
}

/** What the reader of a key gets: the mapping, the file for messages and where things stand. */
export interface MatterContext {
  map: Record<string, unknown>;
  file: VFile;
  /** What stands in for missing front matter: the first heading's text, the file's name, `--lang`. */
  fallbacks: { heading?: string; fileName?: string; lang?: string };
  /** The front matter is YAML or TOML between fences (not pandoc's title block, nor none). */
  fenced: boolean;
  /** Where the block starts. */
  start: Point;
  /** Where a key (`a`, `a.b`, `a.0`) is written; the block's start when unknown. */
  keyPlace(key: string): Point;
  /** Where the value at a path starts (e.g. `["packet", "parts", 2]`), else its key. */
  at(path: (string | number)[]): Point;
  /** The value as trimmed text (a number is text too); any other value is an error. */
  text(key: string, required?: boolean): string | undefined;
}

/** Front-matter keys and how they are read into {@link FrontMatter}; a feature brings its own (src/letter.ts `Feature`). */
export interface MatterKeys {
  keys: readonly string[];
  read(meta: FrontMatter, context: MatterContext): void;
}

/** A key whose value is text, read into the field of its name in camel case (`short-title`: `shortTitle`). */
const textKey = (key: string): MatterKeys => ({
  keys: [key],
  read: (meta, c) => void ((meta as unknown as Record<string, unknown>)[key.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = c.text(key)),
});

/** A key that takes one of a few words; `say` is the message for any other. */
const choiceKey = <K extends "notes" | "paper" | "dir">(key: K, values: readonly string[], say: (value: string) => string, fold = false): MatterKeys => ({
  keys: [key],
  read(meta, c) {
    const raw = c.text(key);
    if (raw === undefined) return;
    const value = fold ? raw.toLowerCase() : raw;
    if (values.includes(value)) (meta as Record<K, unknown>)[key] = value;
    else fail(c.file, say(raw), c.keyPlace(key), "front-matter-type");
  },
});

const mapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === "string");

/** The core's keys, in the order messages list them. */
const CORE_KEYS: MatterKeys[] = [
  {
    keys: ["title"],
    read(meta, c) {
      meta.untitled = c.map.title === undefined;
      meta.title = (meta.untitled ? c.fallbacks.heading || c.fallbacks.fileName || "Untitled" : c.text("title", true)) ?? "";
    },
  },
  ...["short-title", "subtitle"].map(textKey),
  {
    keys: ["lang"],
    read(meta, c) {
      let lang = c.text("lang");
      if (lang && !LANG_TAG.test(lang))
        fail(c.file, `Front matter \`lang: ${lang}\` is not a language tag like \`en\`, \`fr\` or \`zh-Hans\``, c.keyPlace("lang"), "front-matter-lang");
      if (c.map.lang === undefined) lang = c.fallbacks.lang;
      if (c.map.lang === undefined && !lang) {
        lang = DEFAULT_LANG;
        const where = c.fenced ? "add `lang: …` to the front matter" : "start the file with front matter that has `lang: …`";
        warn(
          c.file,
          `No language given: the documents are marked as English (\`${DEFAULT_LANG}\`), which sets hyphenation, quotes and the voice of screen readers; ${where}, or build with \`--lang <tag>\` (e.g. \`--lang fr\`)`,
          c.start,
          "lang-default",
        );
      }
      meta.lang = lang ?? "";
      meta.langPlace = c.keyPlace("lang");
    },
  },
  ...["author", "publisher", "date", "description", "subject"].map(textKey),
  {
    keys: ["keywords"],
    read(meta, c) {
      const raw = c.map.keywords;
      const list = typeof raw === "string" ? raw.split(",") : strings(raw) ? raw : undefined;
      if (list) meta.keywords = list.map((k) => k.trim()).filter(Boolean);
      else if (raw !== undefined)
        fail(c.file, "Front matter `keywords` must be a list of words or a comma-separated text", c.keyPlace("keywords"), "front-matter-type");
    },
  },
  textKey("notes-heading"),
  choiceKey(
    "notes",
    ["footnotes", "endnotes"],
    (v) => `Front matter \`notes\` is \`footnotes\` (at the foot of each page, the default) or \`endnotes\` (at the end); not \`${v}\``,
  ),
  choiceKey("paper", PAPERS, (v) => `Front matter \`paper\` is \`a4\` (the default) or \`letter\` (US Letter); not \`${v}\``, true),
  { keys: ["signatories"], read: readSignatories },
  { keys: ["words"], read: readWords },
  choiceKey("dir", ["rtl", "ltr"], (v) => `Front matter \`dir\` is \`rtl\` (right to left) or \`ltr\` (left to right); not \`${v}\``),
  { keys: ["translation-of"], read: () => undefined }, // the source revision an edition translates (src/xliff/revision.ts)
];

function readSignatories(meta: FrontMatter, c: MatterContext) {
  const signatories = c.map.signatories;
  if (signatories === undefined) return;
  const place = c.keyPlace("signatories");
  const wrong = (reason: string) => void fail(c.file, reason, place, "front-matter-type");
  if (!mapping(signatories)) return wrong("Front matter `signatories` must be a mapping, e.g. `signatories: { heading: Signed by, claimed: 230 }`");
  const { heading, claimed, from, ...rest } = signatories;
  if (typeof from === "string" && from.trim()) {
    meta.signatoriesFrom = from.trim();
    meta.signatoriesPlace = place;
  } else if (from !== undefined) wrong("Front matter `signatories.from` must name the source whose signatory list this edition takes, e.g. `from: letter.md`");
  if (typeof heading === "string" && heading.trim()) meta.signatoriesHeading = heading.trim();
  else if (heading !== undefined) wrong("Front matter `signatories.heading` must be the text of a heading");
  if (typeof claimed === "number" && Number.isInteger(claimed) && claimed >= 0) meta.signatoriesClaimed = claimed;
  else if (claimed !== undefined) wrong("Front matter `signatories.claimed` must be a whole number");
  for (const key of Object.keys(rest))
    warn(c.file, `Unknown front matter key \`signatories.${key}\`; known keys: heading, claimed, from`, place, "front-matter-unknown-key");
}

function readWords(meta: FrontMatter, c: MatterContext) {
  const raw = c.map.words;
  if (raw === undefined) return;
  const place = c.keyPlace("words");
  if (!mapping(raw))
    return void fail(
      c.file,
      "Front matter `words` must be a mapping of broadside's words to their wording, e.g. `words: { continued: (suite) }`",
      place,
      "front-matter-type",
    );
  for (const [key, value] of Object.entries(raw)) {
    const at = c.keyPlace(`words.${key}`);
    if (!(WORD_KEYS as readonly string[]).includes(key)) {
      warn(c.file, `Unknown word \`words.${key}\`; broadside's words are ${WORD_KEYS.join(", ")}`, at, "front-matter-unknown-key");
      continue;
    }
    const word = checkWord(key as keyof Words, value);
    if (word === undefined)
      fail(c.file, `Front matter \`words.${key}\` must be ${key === "signed-by" ? "a heading or a list of headings" : "text"}`, at, "front-matter-type");
    else (meta.words as Record<string, unknown>)[key] = word;
  }
}

/** Read the front matter, whatever its kind, by the core's keys and then the features' (`extra`); `undefined` when it is broken. */
export function readFrontMatter(
  block: Literal | MatterBlock | undefined,
  file: VFile,
  fallbacks: MatterContext["fallbacks"],
  extra: readonly MatterKeys[],
): FrontMatter | undefined {
  const fenced = block !== undefined && "type" in block;
  const none: MatterBlock = { map: {}, keyPlace: () => undefined, start: { line: 1, column: 1 } };
  const read = fenced ? (block.type === "yaml" ? readYaml(block, file) : readToml(block, file)) : (block ?? none);
  if (!read) return undefined;
  const { map, start } = read;
  const readers = [...CORE_KEYS, ...extra];
  const known = readers.flatMap((r) => r.keys);
  const keyPlace = (key: string) => read.keyPlace(key) ?? start;
  normalizeMap(map, file, known, keyPlace);
  const text = (key: string, required = false): string | undefined => {
    const value = map[key];
    if (value === undefined || value === null) {
      if (required) fail(file, `Front matter needs \`${key}\``, start, "front-matter-required");
      return undefined;
    }
    if (typeof value !== "string" && typeof value !== "number") {
      fail(file, `Front matter \`${key}\` must be text`, keyPlace(key), "front-matter-type");
      return undefined;
    }
    const s = String(value).trim();
    if (required && !s) fail(file, `Front matter \`${key}\` is empty`, keyPlace(key), "front-matter-required");
    return s || undefined;
  };
  const at = (path: (string | number)[]) => read.valuePlace?.(path.join(".")) ?? keyPlace(path.join("."));
  const context: MatterContext = { map, file, fallbacks, fenced, start, keyPlace, at, text };
  const meta = { title: "", shortTitle: "", lang: "", keywords: [], notes: "footnotes", words: {} } as unknown as FrontMatter;
  for (const reader of readers) reader.read(meta, context);
  if (!meta.title || !meta.lang || !LANG_TAG.test(meta.lang)) return undefined;
  meta.shortTitle ??= meta.title;
  return meta;
}

/** Characters XML cannot hold left out, unknown keys reported (a likely typing mistake as a warning), other tools' names for ours taken. */
function normalizeMap(map: Record<string, unknown>, file: VFile, known: string[], keyPlace: (key: string) => Point) {
  const foreign: string[] = [];
  for (const key of Object.keys(map)) {
    // YAML escapes ("\f", "\uD800") can make characters XML cannot hold: leave them out.
    const found = new Set<string>();
    map[key] = withoutForbidden(map[key], found);
    if (found.size)
      warn(
        file,
        `Front matter \`${key}\` contains ${[...found].map(describeCharacter).join(" and ")}, which XML documents (the .docx) cannot hold; ${found.size === 1 ? "it is" : "they are"} left out`,
        keyPlace(key),
        "forbidden-character",
      );
    if (known.includes(key) || LANG_ALIASES.includes(key.toLowerCase()) || AUTHOR_ALIASES.includes(key.toLowerCase())) continue;
    const near = OTHER_TOOLS.has(key.toLowerCase()) ? undefined : known.find((k) => key.length >= 4 && editDistance(key.toLowerCase(), k) <= 2);
    if (near)
      warn(file, `Unknown front matter key \`${key}\`: did you mean \`${near}\`? (known keys: ${known.join(", ")})`, keyPlace(key), "front-matter-unknown-key");
    else foreign.push(key);
  }
  if (foreign.length) {
    const shown = foreign.slice(0, 12).map((k) => `\`${k}\``);
    if (foreign.length > 12) shown.push(`and ${foreign.length - 12} more`);
    info(file, `Front matter keys broadside does not use are ignored: ${shown.join(", ")}`, keyPlace(foreign[0]), "front-matter-ignored-keys");
  }
  const alias = (names: string[]) => Object.entries(map).find(([key]) => names.includes(key.toLowerCase()))?.[1];
  const authors = alias(AUTHOR_ALIASES);
  if (map.author === undefined && (typeof authors === "string" || strings(authors))) map.author = authors;
  if (strings(map.author)) map.author = map.author.join("; ");
  // `fr_FR` (a locale) is the tag `fr-FR`.
  const locale = alias(LANG_ALIASES);
  const tag = typeof locale === "string" ? locale.trim().replace(/_/g, "-") : "";
  if (map.lang === undefined && LANG_TAG.test(tag)) map.lang = tag;
}

/** Levenshtein distance, for keys that look like typing mistakes for known ones. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The value with every string in it stripped of characters XML forbids; `found` collects them. */
function withoutForbidden(value: unknown, found: Set<string>): unknown {
  if (typeof value === "string") return stripForbiddenCharacters(value, found);
  if (Array.isArray(value)) return value.map((v) => withoutForbidden(v, found));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutForbidden(v, found)]));
  return value;
}
