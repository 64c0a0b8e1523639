/**
 * What the rules share: the letter as a proofreader reads it, once for all of them. Text is the
 * phrasing of one paragraph, heading or table cell joined, with a map back to source places.
 */
import type { FootnoteDefinition, FootnoteReference, Link, List, ListItem, Nodes, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import type { Point } from "unist";
import { SKIP, visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { location } from "vfile-location";

declare module "vfile" {
  interface DataMap {
    proofread: Proofread;
  }
}

export interface Proofread {
  /** Paragraphs, headings and table cells in document order (code, HTML and front matter have no text). */
  blocks: Block[];
  /** Every link in document order, with the note it is in. */
  links: { link: Link; note?: FootnoteDefinition }[];
  /** Every note call, with what stands before it. */
  calls: { call: FootnoteReference; before?: Nodes }[];
  /** The lists after the signatories heading (front matter `signatories.heading`, default "Signed by" or "Signatories"). */
  signatoryLists: List[];
  signatories: Entry[];
}

export interface Block {
  /** Its text nodes' values joined. */
  text: string;
  /** Where character `i` of `text` stands in the source. */
  pointAt(i: number): Point | undefined;
}

export interface Entry {
  name: string;
  item: ListItem;
  /** The name with case, spacing, punctuation and diacritics folded. */
  key: string;
}

const PHRASING_PARENTS = new Set(["paragraph", "heading", "tableCell"]);

/** The letter as the rules read it (src/check/lint-rule.ts reads it once, for all of them). */
export function proofread(tree: Root, file: VFile): Proofread {
  const source = String(file.value);
  const place = location(file);
  const signatoryLists = tree.children.filter((node): node is List => node.type === "list" && Boolean(node.data?.signatories));
  const signatories = signatoryLists.flatMap((list) =>
    list.children.map((item) => {
      const name = toString(item).replace(/\s+/g, " ").trim();
      return { name, item, key: exactKey(name) };
    }),
  );
  const found: Proofread = { blocks: [], links: [], calls: [], signatoryLists, signatories };
  const readBlocks = (root: Nodes, note?: FootnoteDefinition) =>
    visit(root, (node) => {
      if (node.type === "footnoteDefinition" && node !== root) {
        readBlocks(node, node);
        return SKIP;
      }
      if (!PHRASING_PARENTS.has(node.type)) return;
      const pieces: { at: number; start: number; exact: boolean }[] = [];
      let text = "";
      visit(node, (child, index, parent) => {
        if (child.type === "link") found.links.push({ link: child, note });
        if (child.type === "footnoteReference") found.calls.push({ call: child, before: parent?.children[(index ?? 0) - 1] });
        if (child.type !== "text") return;
        const start = child.position?.start.offset ?? -1;
        const end = child.position?.end.offset ?? -1;
        pieces.push({ at: text.length, start, exact: start >= 0 && source.slice(start, end) === child.value });
        text += child.value;
      });
      found.blocks.push({
        text,
        pointAt(i) {
          const piece = [...pieces].reverse().find((p) => p.at <= i);
          if (!piece || piece.start < 0) return node.position?.start;
          return place.toPoint(piece.exact ? piece.start + (i - piece.at) : piece.start);
        },
      });
      return SKIP;
    });
  readBlocks(tree);
  return found;
}

export function where(point: Point | undefined): string {
  return point ? `${point.line}:${point.column}` : "?";
}

/** The entries without exact repeats (`signatory-duplicate` reports those). */
export function distinct(entries: Entry[]): Entry[] {
  const repeated = new Set(repeats(entries, (entry) => entry.key).map(([entry]) => entry));
  return entries.filter((entry) => !repeated.has(entry));
}

/** Each entry whose key (`keyOf`) an earlier entry has, with the first such entry. */
export function repeats(entries: Entry[], keyOf: (entry: Entry) => string): [entry: Entry, earlier: Entry][] {
  const first = new Map<string, Entry>();
  return entries.flatMap((entry) => {
    const earlier = first.get(keyOf(entry));
    if (!earlier) first.set(keyOf(entry), entry);
    return earlier ? [[entry, earlier] as [Entry, Entry]] : [];
  });
}

/** Spellings of one word in the names of these groups, by the canonical form each maps to. */
const SPELLINGS: Record<string, string> = {
  uyghur: "uighur uigur uygur uyhur uyghurs uighurs",
  turkistan: "turkestan",
  turkistani: "turkestani",
  tibetan: "tibetain tibetano tibetana tibetaine",
  "hong kong": "hongkong",
  "hong kongers": "hongkongers",
  center: "centre",
  organization: "organisation",
  organizations: "organisations",
};
const VARIANTS = new Map(Object.entries(SPELLINGS).flatMap(([canonical, spellings]) => spellings.split(" ").map((word) => [word, canonical])));

/** Words whose presence or absence does not make a different group. */
const SMALL = new Set("of the and for in a an at on to de del da do du des la le les el der die das den und et y e".split(" "));

/** Case, spacing, punctuation and diacritics folded. */
function exactKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Also transliteration variants and small words folded. */
export function likelyKey(entry: Entry): string {
  return entry.key
    .split(" ")
    .flatMap((word) => (VARIANTS.get(word) ?? word).split(" "))
    .filter((word) => !SMALL.has(word))
    .join(" ");
}
