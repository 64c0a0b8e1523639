/**
 * Signatory rules, on the list after the signatories heading (front matter
 * `signatories.heading`, default a heading starting "Signed by" or "Signatories").
 *
 * - `signatory-duplicate` (error, at both places): the same group twice, after folding case,
 *   spacing, punctuation and diacritics ("Dutch Uyghur human rights foundation" /
 *   "Dutch Uyghur Human Rights Foundation").
 * - `signatory-likely-duplicate` (warning, at both places): the same after also folding the
 *   transliteration variants common in these names (Uyghur/Uighur/Uigur/Uygur,
 *   Turkistan/Turkestan, …) and leaving out small words ("of", "the", "in", …). Only whole
 *   names are compared, so groups that share a stem ("Students for a Free Tibet" and
 *   "Students for a Free Tibet Canada") are never flagged.
 * - `signatory-count` (error): the count front matter `signatories.claimed` gives differs from the
 *   number of distinct entries.
 * - `signatories-missing` (error): front matter names a heading the letter does not have.
 */
import type { List, ListItem, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { fail, warn } from "../../messages.ts";
import { walk, where } from "../text.ts";

/** Spellings of one word in the names of these groups; each maps to one canonical form. */
const VARIANTS: Record<string, string> = {
  uighur: "uyghur",
  uigur: "uyghur",
  uygur: "uyghur",
  uyhur: "uyghur",
  uyghurs: "uyghur",
  uighurs: "uyghur",
  turkestan: "turkistan",
  turkestani: "turkistani",
  tibetain: "tibetan",
  tibetano: "tibetan",
  tibetana: "tibetan",
  tibetaine: "tibetan",
  hongkong: "hong kong",
  hongkongers: "hong kongers",
  mongolian: "mongolian",
  mongol: "mongol",
  centre: "center",
  organisation: "organization",
  organisations: "organizations",
};

/** Words whose presence or absence does not make a different group. */
const SMALL = new Set([
  "of",
  "the",
  "and",
  "for",
  "in",
  "a",
  "an",
  "at",
  "on",
  "to",
  "de",
  "del",
  "da",
  "do",
  "du",
  "des",
  "la",
  "le",
  "les",
  "el",
  "der",
  "die",
  "das",
  "den",
  "und",
  "et",
  "y",
  "e",
]);

/** Case, spacing, punctuation and diacritics folded. */
export function exactKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Also transliteration variants and small words folded. */
export function likelyKey(name: string): string {
  return exactKey(name)
    .split(" ")
    .flatMap((word) => (VARIANTS[word] ?? word).split(" "))
    .filter((word) => !SMALL.has(word))
    .join(" ");
}

interface Entry {
  name: string;
  item: ListItem;
}

function signatoryLists(lists: List[]): Entry[] {
  return lists.flatMap((list) => list.children.map((item) => ({ name: toString(item).replace(/\s+/g, " ").trim(), item })));
}

export const remarkLintSignatories: Plugin<[], Root> = () => (tree: Root, file: VFile) => {
  const meta = file.data.meta!;
  const signatories: List[] = [];
  walk(tree, (node) => {
    if (node.type === "list" && node.data?.signatories) signatories.push(node);
  });
  if (meta.signatoriesHeading && signatories.length === 0) {
    const frontMatter = tree.children.find((node) => node.type === "yaml");
    fail(
      file,
      `Front matter names the signatories heading “${meta.signatoriesHeading}”, but no list follows such a heading`,
      frontMatter,
      "signatories-missing",
    );
  }
  const entries = signatoryLists(signatories);
  const firstByExact = new Map<string, Entry>();
  const firstByLikely = new Map<string, Entry>();
  let distinct = 0;
  for (const entry of entries) {
    const exact = exactKey(entry.name);
    const first = firstByExact.get(exact);
    if (first) {
      const at = entry.item.position?.start;
      const firstAt = first.item.position?.start;
      fail(file, `Signatory “${entry.name}” is listed twice (also at ${where(firstAt)})`, entry.item, "signatory-duplicate");
      fail(file, `Signatory “${first.name}” is listed again at ${where(at)}`, first.item, "signatory-duplicate");
      continue;
    }
    firstByExact.set(exact, entry);
    distinct++;
    const likely = likelyKey(entry.name);
    const similar = firstByLikely.get(likely);
    if (similar) {
      warn(
        file,
        `Signatory “${entry.name}” is probably “${similar.name}” again (at ${where(similar.item.position?.start)}), spelled differently`,
        entry.item,
        "signatory-likely-duplicate",
      );
      warn(
        file,
        `Signatory “${similar.name}” is probably listed again as “${entry.name}” at ${where(entry.item.position?.start)}`,
        similar.item,
        "signatory-likely-duplicate",
      );
    } else {
      firstByLikely.set(likely, entry);
    }
  }
  const claimed = meta.signatoriesClaimed;
  if (claimed !== undefined && entries.length > 0 && claimed !== distinct) {
    const repeats = entries.length - distinct;
    fail(
      file,
      `The letter claims ${claimed} signatories; the list has ${entries.length} entr${entries.length === 1 ? "y" : "ies"}, ${distinct} distinct${repeats ? ` (${repeats} listed twice)` : ""}`,
      signatories[0],
      "signatory-count",
    );
  }
};
