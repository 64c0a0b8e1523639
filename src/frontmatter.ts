/**
 * Front matter: YAML only, parsed safely with the `yaml` package (core schema, no custom
 * tags, bounded aliases). Every problem is a vfile message at its place in the source.
 */
import type { Yaml } from "mdast";
import type { VFile } from "vfile";
import { LineCounter, parseDocument } from "yaml";
import { fail, warn } from "./messages.ts";
import { describeCharacter, forbiddenCharacters, stripForbiddenCharacters } from "./safety.ts";
import { type PacketMatter, PRESS_KEYS, type PressMatter, readPacketMatter, readPressMatter } from "./packet/matter.ts";
import { pressWords } from "./packet/words.ts";

export interface FrontMatter {
  /** The headline. */
  title: string;
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
  /** Heading of the notes section. */
  notesHeading: string;
  /** Where notes go: at the foot of the page (`footnotes`, the default) or at the end (`endnotes`). */
  notes: "footnotes" | "endnotes";
  /** Paper of the PDF and the .docx; unset: the templates' (A4). */
  paper?: Paper;
  /** Heading text that opens the signatory list. */
  signatoriesHeading?: string;
  /** How many signatories the letter claims (`signatories.claimed`), checked by `npm run check`. */
  signatoriesClaimed?: number;
  /** A press release's `embargo`, `dateline` and `contacts` (src/packet). */
  press?: PressMatter;
  /** A packet's `packet:` (src/packet). */
  packet?: PacketMatter;
}

/** Paper sizes, as CSS `@page { size }` keywords. */
export const PAPERS = ["a4", "letter"] as const;
export type Paper = (typeof PAPERS)[number];

const KNOWN = new Set([
  "title", "short-title", "subtitle", "lang", "author", "publisher", "date",
  "description", "subject", "keywords", "notes-heading", "notes", "paper", "signatories",
  ...PRESS_KEYS,
]);

const LANG_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** Parse the `yaml` node of the tree into front matter; `undefined` when there is none or it is broken. */
export function readFrontMatter(node: Yaml | undefined, file: VFile): FrontMatter | undefined {
  if (!node) {
    fail(file, "Missing front matter: start the file with a `---` YAML block that has at least `title` and `lang`", undefined, "front-matter-missing");
    return undefined;
  }
  const start = node.position?.start.line ?? 1;
  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, {
    schema: "core",
    customTags: [],
    prettyErrors: false,
    lineCounter,
    uniqueKeys: true,
  });
  // YAML positions are relative to the block; the block starts one line after the `---` fence.
  const place = (offset: number | undefined) => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: start + p.line, column: p.col };
  };
  for (const error of doc.errors) {
    fail(file, `Front matter is not valid YAML: ${error.message.split("\n")[0]}`, place(error.pos[0]), "front-matter-yaml");
  }
  for (const warning of doc.warnings) {
    // Unresolved tags (`!!js/function`, `!custom`) are warnings in `yaml`; here they are errors.
    fail(file, `Front matter uses a YAML feature broadside does not allow: ${warning.message.split("\n")[0]}`, place(warning.pos[0]), "front-matter-yaml");
  }
  if (doc.errors.length || doc.warnings.length) return undefined;

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    const message = (error as Error).message;
    const reason = /alias/i.test(message) ? `Front matter uses more YAML aliases than broadside expands (at most 50): ${message}` : `Front matter could not be read: ${message}`;
    fail(file, reason, node, "front-matter-yaml");
    return undefined;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    fail(file, "Front matter must be a YAML mapping of keys to values (`title: …`)", node, "front-matter-shape");
    return undefined;
  }
  const map = data as Record<string, unknown>;
  const keyPlace = (key: string) => {
    const pair = (doc.contents as any)?.items?.find((item: any) => item?.key?.value === key);
    return place(pair?.key?.range?.[0]);
  };
  for (const key of Object.keys(map)) {
    // YAML escapes ("\f", "\uD800") can make characters XML cannot hold: leave them out.
    const found: string[] = [];
    map[key] = withoutForbidden(map[key], found);
    if (found.length) warn(file, `Front matter \`${key}\` contains ${found.map(describeCharacter).join(" and ")}, which XML documents (the .docx) cannot hold; ${found.length === 1 ? "it is" : "they are"} left out`, keyPlace(key), "forbidden-character");
    if (!KNOWN.has(key)) warn(file, `Unknown front matter key \`${key}\`; known keys: ${[...KNOWN].join(", ")}`, keyPlace(key), "front-matter-unknown-key");
  }
  const text = (key: string, required = false): string | undefined => {
    const value = map[key];
    if (value === undefined || value === null) {
      if (required) fail(file, `Front matter needs \`${key}\``, node.position?.start, "front-matter-required");
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

  const title = text("title", true);
  const lang = text("lang", true);
  if (lang && !LANG_TAG.test(lang)) {
    fail(file, `Front matter \`lang: ${lang}\` is not a language tag like \`en\`, \`fr\` or \`zh-Hans\``, keyPlace("lang"), "front-matter-lang");
  }
  let keywords: string[] = [];
  const rawKeywords = map.keywords;
  if (Array.isArray(rawKeywords) && rawKeywords.every((k) => typeof k === "string")) keywords = rawKeywords.map((k) => k.trim()).filter(Boolean);
  else if (typeof rawKeywords === "string") keywords = rawKeywords.split(",").map((k) => k.trim()).filter(Boolean);
  else if (rawKeywords !== undefined) fail(file, "Front matter `keywords` must be a list of words or a comma-separated text", keyPlace("keywords"), "front-matter-type");

  let signatoriesHeading: string | undefined;
  let signatoriesClaimed: number | undefined;
  const signatories = map.signatories;
  if (signatories !== undefined) {
    if (signatories === null || typeof signatories !== "object" || Array.isArray(signatories)) {
      fail(file, "Front matter `signatories` must be a mapping, e.g. `signatories: { heading: Signed by, claimed: 230 }`", keyPlace("signatories"), "front-matter-type");
    } else {
      const { heading, claimed, ...rest } = signatories as Record<string, unknown>;
      if (typeof heading === "string" && heading.trim()) signatoriesHeading = heading.trim();
      else if (heading !== undefined) fail(file, "Front matter `signatories.heading` must be the text of a heading", keyPlace("signatories"), "front-matter-type");
      if (typeof claimed === "number" && Number.isInteger(claimed) && claimed >= 0) signatoriesClaimed = claimed;
      else if (claimed !== undefined) fail(file, "Front matter `signatories.claimed` must be a whole number", keyPlace("signatories"), "front-matter-type");
      for (const key of Object.keys(rest)) warn(file, `Unknown front matter key \`signatories.${key}\`; known keys: heading, claimed`, keyPlace("signatories"), "front-matter-unknown-key");
    }
  }

  let notes: FrontMatter["notes"] = "footnotes";
  const rawNotes = text("notes");
  if (rawNotes === "endnotes" || rawNotes === "footnotes") notes = rawNotes;
  else if (rawNotes !== undefined) fail(file, `Front matter \`notes\` is \`footnotes\` (at the foot of each page, the default) or \`endnotes\` (at the end); not \`${rawNotes}\``, keyPlace("notes"), "front-matter-type");

  let paper: Paper | undefined;
  const rawPaper = text("paper");
  if (rawPaper !== undefined && (PAPERS as readonly string[]).includes(rawPaper.toLowerCase())) paper = rawPaper.toLowerCase() as Paper;
  else if (rawPaper !== undefined) fail(file, `Front matter \`paper\` is \`a4\` (the default) or \`letter\` (US Letter); not \`${rawPaper}\``, keyPlace("paper"), "front-matter-type");

  // Press releases and packets (src/packet): their keys, at their places in the front matter.
  const nodePlace = (path: (string | number)[]) => place((doc.getIn(path, true) as { range?: number[] } | undefined)?.range?.[0] ?? (doc.getIn([path[0]], true) as { range?: number[] } | undefined)?.range?.[0]);
  const press = readPressMatter(map, file, nodePlace);
  const packet = readPacketMatter(map, file, nodePlace);

  if (!title || !lang || !LANG_TAG.test(lang)) return undefined;
  return {
    press,
    packet,
    title,
    shortTitle: text("short-title") ?? title,
    subtitle: text("subtitle"),
    lang,
    author: text("author"),
    publisher: text("publisher"),
    date: text("date"),
    description: text("description"),
    subject: text("subject"),
    keywords,
    notesHeading: text("notes-heading") ?? (press ? pressWords(lang).notesToEditors : "Notes"),
    notes,
    paper,
    signatoriesHeading,
    signatoriesClaimed,
  };
}

/** The value with every string in it stripped of characters XML forbids; `found` collects them. */
function withoutForbidden(value: unknown, found: string[]): unknown {
  if (typeof value === "string") {
    const chars = forbiddenCharacters(value);
    if (chars.length === 0) return value;
    for (const char of chars) if (!found.includes(char)) found.push(char);
    return stripForbiddenCharacters(value);
  }
  if (Array.isArray(value)) return value.map((v) => withoutForbidden(v, found));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutForbidden(v, found)]));
  return value;
}
