/**
 * Parsing a source in parts, for `npm run dev` and for `build` (with src/parse-cache.ts): after
 * a save, only the parts whose text changed are parsed again, and the others are taken from the
 * last parse. The parts join into the tree a
 * parse of the whole gives, positions included. (The letter parses in ~18–25 ms warm, most of
 * `dev`'s save → preview; an edit to one paragraph parses about a tenth of it.)
 *
 * Where a part may start: a line at the left margin after a blank line, that opens no list item
 * or quote (it starts with none of `-+*>`, a digit or white space), outside fenced code and
 * front matter. After a blank line, such a line continues no list, list item, quote or footnote
 * (they need their marker or an indent, and the blank line ended any paragraph that could have
 * taken it lazily); only fenced code and raw-HTML blocks that run to an end marker (`<pre>`,
 * `<!--` …) could still hold it. Parts are at least {@link MIN_PART} characters long.
 *
 * The first parse (and any parse the parts cannot give) parses the whole, and keeps the
 * top-level nodes that start in each part as that part's tree, if no node runs from one part
 * into the next. A part parsed alone later must parse as it does inside the whole; three things
 * see to it, each checked (when a check fails, the whole is parsed):
 *
 * - What is open at a part's end. A sentinel, an empty heading (`#`), is parsed after each part
 *   but the last: it comes out as a heading of its own only if nothing was left open, as the
 *   next part's first line does in the whole.
 * - Definitions. `[text][label]`, `[label]` and a note call `[^label]` are links only where the
 *   label is defined somewhere in the document, before or after. Every part is given the labels
 *   the source defined at the last parse, as definition lines after it (before the last, which
 *   must end where the source ends), taken out of its tree again; the parts together must then
 *   define exactly those labels.
 * - Front matter: only the first part can hold it, and it must have come out as front matter.
 *
 * A part is kept serialised (`v8.serialize`), with the place its positions were taken at, and
 * moved to where it stands in the source when it is used (columns do not change: a part starts
 * at the start of a line). Each use deserialises a fresh copy, which is half of a copy made from
 * objects (for the letter ×50, ~0.1 s of a join), and `build` writes the same bytes to disk
 * (src/parse-cache.ts).
 */
import { deserialize, serialize } from "node:v8";
import type { Nodes, Root, RootContent } from "mdast";
import { normalizeIdentifier } from "micromark-util-normalize-identifier";
import { cutTooDeep, noteCutTooDeep, parseMarkdown } from "./markdown.ts";

/** Parts are at least this long: each costs a parser's start and the definitions given to it. */
export const MIN_PART = 1024;

/** A part of a source, and where it stands in it. */
export interface Part {
  text: string;
  /** The number of its first line in the source (from 1), and the offset of its first character. */
  line: number;
  offset: number;
  /** The first part starts where the source starts (it may hold front matter); the last ends where it ends. */
  first: boolean;
  last: boolean;
}

/** The labels a source defines, as mdast identifiers: of links, and of notes (without `^`). */
export interface Labels {
  links: string[];
  notes: string[];
}

/** A part parsed, in its own positions, and what it defines. */
export interface ParsedPart {
  tree: Root;
  /** Where the depth guard cut the part's tree, if it did. */
  deep?: Pick<Nodes, "type" | "position">;
  /** Identifiers (as in mdast) of the link and note definitions in the part. */
  links: string[];
  notes: string[];
}

/**
 * A part as kept from one parse to the next: its {@link ParsedPart}'s tree (and depth guard's cut)
 * serialised, with positions as they were with the part's first character at `line` and
 * `offset`, and what it defines.
 */
export interface KeptPart {
  bytes: Uint8Array;
  line: number;
  offset: number;
  links: string[];
  notes: string[];
}

const keep = (parsed: ParsedPart, line: number, offset: number): KeptPart => ({ bytes: serialize({ tree: parsed.tree, deep: parsed.deep }), line, offset, links: parsed.links, notes: parsed.notes });

/** A fresh copy of a kept part's tree, or undefined if its bytes do not read (a damaged cache file). */
function unpack(kept: KeptPart): ParsedPart | undefined {
  try {
    const { tree, deep } = deserialize(kept.bytes) as Pick<ParsedPart, "tree" | "deep">;
    return tree?.type === "root" && Array.isArray(tree.children) ? { tree, deep, links: kept.links, notes: kept.notes } : undefined;
  } catch {
    return undefined;
  }
}

const FRONT_MATTER = /^---[ \t]*\n[\s\S]*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
/** A line that can start a part (after a blank line): see above. */
const STARTS_PART = /^[^\s\-+*>0-9]/;

/** Cut `source` into parts where a part may start (see above), each at least `minLength` long. */
export function cutSource(source: string, minLength = MIN_PART): Part[] {
  const front = FRONT_MATTER.exec(source);
  const parts: Part[] = [];
  let partLine = 1;
  let partStart = 0;
  let fence: string | undefined;
  let blank = false;
  let line = 0;
  for (let start = 0; start < source.length; ) {
    line++;
    let end = source.indexOf("\n", start);
    if (end === -1) end = source.length;
    const text = source.slice(start, end);
    const fenced = FENCE.exec(text);
    if (fence !== undefined) {
      if (fenced && fenced[1][0] === fence[0] && fenced[1].length >= fence.length && !fenced[2].trim()) fence = undefined;
    } else if (fenced && !(fenced[1][0] === "`" && fenced[2].includes("`"))) {
      fence = fenced[1];
    } else if (blank && start - partStart >= minLength && STARTS_PART.test(text) && (!front || start >= front[0].length)) {
      parts.push({ text: source.slice(partStart, start), line: partLine, offset: partStart, first: partStart === 0, last: false });
      partStart = start;
      partLine = line;
    }
    blank = !text.trim();
    start = end + 1;
  }
  parts.push({ text: source.slice(partStart), line: partLine, offset: partStart, first: partStart === 0, last: true });
  return parts;
}

/** The identifier mdast gives a label (micromark compares labels so normalised). */
const identifier = (label: string) => normalizeIdentifier(label).toLowerCase();

/**
 * The labels (as identifiers) that `text` could refer to, so that a part is given only those of
 * the source's (parsing a definition line costs as much as ~15 characters of text: given the
 * letter ×50's 500 notes, a part of 3 K characters took 0.1 s to parse). A label, and so a
 * reference that a definition can resolve, is a run from a `[` to the next `]` with no bracket
 * left unescaped between them. Every such run is taken, normalised as micromark does, also
 * without a leading `^` (a note call); a bracket after a backslash may be escaped or not (`\\]`),
 * so it both ends a run and lets it go on. `undefined` (give every label) when a run reaches the
 * end of a line: a label over two lines of a quote holds the line's `>` in the text, not in the
 * label.
 */
function referable(text: string): Set<string> | undefined {
  const found = new Set<string>();
  for (let from = text.indexOf("["); from !== -1; from = text.indexOf("[", from + 1)) {
    for (let at = from + 1; at < text.length && at - from <= 1000; at++) {
      const char = text[at];
      if (char === "\n") return undefined;
      if (char !== "[" && char !== "]") continue;
      const escaped = text[at - 1] === "\\";
      if (char === "]") {
        const label = text.slice(from + 1, at);
        found.add(identifier(label));
        if (label.startsWith("^")) found.add(identifier(label.slice(1)));
      }
      if (!escaped) break;
    }
  }
  return found;
}

/** The empty heading parsed after a part: it comes out as a heading only if nothing is open. */
const SENTINEL = "#\n\n";

/**
 * Parse one part of several, with `labels` defined (see above), in its own positions.
 * `undefined` when it would not parse as it does inside the whole: something was left open at
 * its end, or its definitions were not read as given.
 */
function parsePart(part: Part, all: Labels): ParsedPart | undefined {
  const refs = referable(part.text);
  const labels = refs ? { links: all.links.filter((l) => refs.has(l)), notes: all.notes.filter((n) => refs.has(n)) } : all;
  const definitions = labels.links.map((l) => `[${l}]: x\n\n`).join("") + labels.notes.map((n) => `[^${n}]: x\n\n`).join("");
  const extra = part.last ? definitions + SENTINEL : SENTINEL + definitions;
  const text = part.last ? extra + part.text : part.text + extra;
  const tree = parseMarkdown(text);
  const count = labels.links.length + labels.notes.length + 1;
  if (tree.children.length < count) return undefined;
  const added = part.last ? tree.children.splice(0, count) : tree.children.splice(tree.children.length - count, count);
  // What was added must have come out as given, within what was added, and nothing of the part
  // may reach into it.
  const [from, to] = part.last ? [0, extra.length] : [part.text.length, text.length];
  const expected = [...(part.last ? [] : ["#"]), ...labels.links.map((l) => `definition ${identifier(l)}`), ...labels.notes.map((n) => `footnoteDefinition ${identifier(n)}`), ...(part.last ? ["#"] : [])];
  for (const [i, node] of added.entries()) {
    const got = node.type === "heading" ? (node.depth === 1 && node.children.length === 0 ? "#" : "heading") : node.type === "definition" || node.type === "footnoteDefinition" ? `${node.type} ${node.identifier}` : node.type;
    if (got !== expected[i] || !within(node, from, to)) return undefined;
  }
  const [start, end] = part.last ? [extra.length, text.length] : [0, part.text.length];
  if (tree.children.some((node) => !within(node, start, end))) return undefined;
  // A part after the first starts with its first line; front matter can only be in the first part.
  const first = tree.children[0];
  if (!part.first && first?.position?.start.offset !== start) return undefined;
  if (part.first && FRONT_MATTER.test(part.text) && first?.type !== "yaml") return undefined;

  const links: string[] = [];
  const notes: string[] = [];
  walk(tree.children, (node) => {
    if (node.type === "definition") links.push(node.identifier);
    else if (node.type === "footnoteDefinition") notes.push(node.identifier);
  });
  const root: Root = { type: "root", children: tree.children, position: tree.position && { start: { line: 1, column: 1, offset: 0 }, end: { ...tree.position.end } } };
  const parsed = { tree: root, deep: cutTooDeep(tree), links, notes };
  // In the part's own positions: the definitions added before the last part are left out.
  if (part.last) move(parsed, -countLines(extra), -extra.length);
  return parsed;
}

const within = (node: RootContent, from: number, to: number) => (node.position?.start.offset ?? -1) >= from && (node.position?.end.offset ?? Infinity) <= to;
const countLines = (text: string) => text.split("\n").length - 1;

function walk(nodes: RootContent[], visit: (node: Nodes) => void) {
  const stack: Nodes[] = [...nodes];
  while (stack.length) {
    const node = stack.pop()!;
    visit(node);
    if ("children" in node) for (const child of node.children) stack.push(child);
  }
}

/** Move a parsed part's positions (its nodes', its root's end) by `lines` and `offset`. */
function move(parsed: ParsedPart, lines: number, offset: number) {
  const moved = new Set<object>();
  const shift = (point: { line: number; offset?: number } | undefined) => {
    if (!point || moved.has(point)) return;
    moved.add(point);
    point.line += lines;
    if (point.offset !== undefined) point.offset += offset;
  };
  walk(parsed.tree.children, (node) => {
    shift(node.position?.start);
    shift(node.position?.end);
  });
  // `deep` is a node of the tree (the same object, in a structured clone too): moved with it.
  shift(parsed.tree.position?.end);
}

/**
 * The whole tree from its parts, in order, each moved from where its positions were taken
 * (`from`) to where it stands in the source. Each part object is used once: it becomes the tree's.
 */
function joinParts(placed: ParsedPart[], from: { line: number; offset: number }[], parts: Part[]): Root {
  placed.forEach((p, i) => move(p, parts[i].line - from[i].line, parts[i].offset - from[i].offset));
  const last = placed[placed.length - 1].tree.position;
  const tree: Root = { type: "root", children: placed.flatMap((p) => p.tree.children), position: last && { start: { line: 1, column: 1, offset: 0 }, end: last.end } };
  const deep = placed.find((p) => p.deep)?.deep;
  if (deep) noteCutTooDeep(tree, deep);
  return tree;
}

/**
 * Parsed parts of the last parse, by their place and text, kept from one parse to the next, and
 * the labels the source defined then: every part kept was parsed with those labels defined.
 */
export class PartCache {
  parts = new Map<string, KeptPart>();
  /** The labels the source defined at the last parse (as mdast identifiers). */
  labels: Labels | undefined;
}

const keyOf = (part: Part) => `${part.first ? "first" : ""} ${part.last ? "last" : ""}\0${part.text}`;

/**
 * The tree of `source`: its parts whose text did not change since the last parse are taken from
 * `cache`, the others parsed (see {@link parseParts}); else, and the first time, the whole is
 * parsed, and its tree cut into the parts kept for the next parse.
 */
export function parseInParts(source: string, cache: PartCache, minLength = MIN_PART): Root {
  const parts = cutSource(source, minLength);
  const joined = parseParts(parts, cache);
  if (joined) return joined;
  const tree = parseMarkdown(source);
  keepParts(tree, parts, cache);
  return tree;
}

/**
 * The tree of a source cut into `parts`, from `cache` and parsing the parts not in it, each with
 * the labels the source defined last time. `undefined` when that is not the source's labels any
 * more (a save added or removed a definition; whether a block is a definition does not depend on
 * which labels are defined, as blocks are found before any text is read for links, so the parts
 * find the source's definitions even when given last time's), when a part would not parse as in
 * the whole (see above), or when nothing was kept.
 */
export function parseParts(parts: Part[], cache: PartCache): Root | undefined {
  const labels = cache.labels;
  if (!labels || parts.length < 2) return undefined;
  const kept = new Map<string, KeptPart>();
  const used: KeptPart[] = [];
  /** Parts parsed now, each used as it is the first time (kept serialised for the next parse). */
  const fresh = new Map<KeptPart, ParsedPart>();
  for (const part of parts) {
    const key = keyOf(part);
    let one = cache.parts.get(key) ?? kept.get(key);
    if (!one) {
      const parsed = parsePart(part, labels);
      if (!parsed) return undefined;
      one = keep(parsed, 1, 0);
      fresh.set(one, parsed);
    }
    kept.set(key, one);
    used.push(one);
  }
  const same = (given: string[], found: string[]) => {
    const defined = new Set(found);
    return given.length === defined.size && given.every((label) => defined.has(label));
  };
  if (!same(labels.links, used.flatMap((p) => p.links)) || !same(labels.notes, used.flatMap((p) => p.notes))) return undefined;
  const placed: ParsedPart[] = [];
  for (const one of used) {
    const parsed = fresh.get(one) ?? unpack(one);
    if (!parsed) return undefined;
    fresh.delete(one);
    placed.push(parsed);
  }
  cache.parts = kept;
  return joinParts(placed, used, parts);
}

/**
 * Cut a parse of the whole into its parts, for the next parse: a part is the top-level nodes
 * that start in it, copied, in its own positions. Nothing is kept when a node runs from one part
 * into the next (the cut was not clean: the next parse parses the whole again) or the tree was
 * cut for being too deep.
 */
function keepParts(tree: Root, parts: Part[], cache: PartCache) {
  cache.parts = new Map();
  cache.labels = undefined;
  if (cutTooDeep(tree)) return;
  const links = new Set<string>();
  const notes = new Set<string>();
  const byPart: RootContent[][] = parts.map(() => []);
  let k = 0;
  for (const node of tree.children) {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return;
    while (k + 1 < parts.length && start >= parts[k + 1].offset) k++;
    if (k + 1 < parts.length && end > parts[k + 1].offset) return;
    byPart[k].push(node);
  }
  const kept = parts.map((part, i) => {
    // In the whole's positions: serialising copies the nodes, and the whole's tree is left as it is.
    const parsed: ParsedPart = { tree: { type: "root", children: byPart[i] }, links: [], notes: [] };
    walk(parsed.tree.children, (node) => {
      if (node.type === "definition") parsed.links.push(node.identifier);
      else if (node.type === "footnoteDefinition") parsed.notes.push(node.identifier);
    });
    parsed.links.forEach((label) => links.add(label));
    parsed.notes.forEach((label) => notes.add(label));
    if (part.last && tree.position) parsed.tree.position = { start: { line: 1, column: 1, offset: 0 }, end: tree.position.end };
    return keep(parsed, part.line, part.offset);
  });
  const labels: Labels = { links: [...links].sort(), notes: [...notes].sort() };
  parts.forEach((part, i) => cache.parts.set(keyOf(part), kept[i]));
  cache.labels = labels;
}
