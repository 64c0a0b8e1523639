/**
 * What the rules share: text as a proofreader reads it (the phrasing of one paragraph, heading or
 * table cell joined, with a map back to source places), the signatory list, and names folded.
 */
import type { List, ListItem, Parent, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import type { Point } from "unist";
import { SKIP, visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { location } from "vfile-location";

export interface Block {
  /** Its text nodes' values joined. */
  text: string;
  /** Where character `i` of `text` stands in the source. */
  pointAt(i: number): Point | undefined;
}

const PHRASING_PARENTS = new Set(["paragraph", "heading", "tableCell"]);

/** Every block of running text in the tree, in document order (code, HTML and front matter have none). */
export function blocks(tree: Root, file: VFile): Block[] {
  const source = String(file.value);
  const place = location(file);
  const found: Block[] = [];
  visit(tree, (node) => {
    if (!PHRASING_PARENTS.has(node.type)) return;
    const pieces: { at: number; start: number; exact: boolean }[] = [];
    let text = "";
    visit(node, "text", (child) => {
      const start = child.position?.start.offset ?? -1;
      const end = child.position?.end.offset ?? -1;
      pieces.push({ at: text.length, start, exact: start >= 0 && source.slice(start, end) === child.value });
      text += child.value;
    });
    found.push({
      text,
      pointAt(i) {
        const piece = [...pieces].reverse().find((p) => p.at <= i);
        if (!piece || piece.start < 0) return node.position?.start;
        return place.toPoint(piece.exact ? piece.start + (i - piece.at) : piece.start);
      },
    });
    return SKIP;
  });
  return found;
}

export function where(point: Point | undefined): string {
  return point ? `${point.line}:${point.column}` : "?";
}

/** The lists after the signatories heading (front matter `signatories.heading`, default "Signed by" or "Signatories"). */
export function signatoryLists(tree: Root): List[] {
  const lists: List[] = [];
  visit(tree, "list", (list) => {
    if (list.data?.signatories) lists.push(list);
  });
  return lists;
}

export interface Entry {
  name: string;
  item: ListItem;
}

export function signatoryEntries(tree: Root): Entry[] {
  return signatoryLists(tree).flatMap((list) => list.children.map((item) => ({ name: toString(item).replace(/\s+/g, " ").trim(), item })));
}

/** The entries without exact repeats (`signatory-duplicate` reports those). */
export function distinct(entries: Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = exactKey(entry.name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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
const SMALL = new Set("of the and for in a an at on to de del da do du des la le les el der die das den und et y e".split(" "));

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
