/**
 * Blocks of tokens → mdast → Markdown, written by mdast-util-to-markdown with GFM, which escapes
 * what would otherwise be syntax (`[^3]` typed by a translator stays text, not a note call).
 *
 * Every inline run is written, read back with the same parser and compared with what was meant.
 * Where CommonMark cannot express its formatting, or only with character references a translator
 * could not read, it is written without bold/italic/strikethrough and the caller is told; if even
 * the plain form does not read back, it is a bug and this throws.
 */
import type { BlockContent, Heading, List, ListItem, Paragraph, PhrasingContent, Root, RootContent, Table, TableCell } from "mdast";
import { gfmToMarkdown } from "mdast-util-gfm";
import { type Options as ToMarkdownOptions, toMarkdown } from "mdast-util-to-markdown";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import type { VFile } from "vfile";
import { warn } from "../messages.ts";
import type { ParagraphRole } from "./styles.ts";
import { type Block, MARK_OF, type Marks, type ParagraphBlock, PLAIN, rawText, sameFormat, type TableBlock, type TextToken, type Token } from "./read.ts";
import { trimTrailing } from "../text.ts";
import { stripForbiddenCharacters } from "../safety.ts";

export interface RenderContext {
  /** The number of a note key ("footnote:3"). */
  numberOf(note: string): number;
  /** A paragraph's formatting could not be written exactly; it was written without it. */
  formattingLost(ordinal: number): void;
}

/** The warning for a paragraph (or unit) written without its formatting. */
export function warnFormattingLost(file: VFile, where: string, place: { line: number; column: number } | undefined) {
  warn(file, `${where}: its bold, italic or strikethrough cannot be written in Markdown as it is; it is imported without them`, place, "import-formatting");
}

type Mode = "paragraph" | "heading" | "table";

const parser = unified().use(remarkParse).use(remarkGfm);

/**
 * Readable and diff-friendly: `-` bullets (`*` for a list right after another), `* * *` rules, tables unpadded.
 * A colon right after a call is escaped: `[^2]:` at a paragraph's start would read back as a note's definition.
 */
const WRITE: ToMarkdownOptions = {
  bullet: "-",
  ruleSpaces: true,
  extensions: [gfmToMarkdown({ tablePipeAlign: false })],
  unsafe: [{ character: ":", before: "\\]", inConstruct: "phrasing" }],
};

const write = (node: Root | RootContent) => trimTrailing(toMarkdown(node, WRITE), /\n/);

// Tokens

const SPACE: TextToken = { type: "text", value: " ", ...PLAIN };

/** Adds a token to `out`, text joined to the text before it when they share their format. */
function push(out: Token[], t: Token) {
  const prev = out[out.length - 1];
  if (prev?.type === "text" && t.type === "text" && sameFormat(prev, t)) out[out.length - 1] = { ...prev, value: prev.value + t.value };
  else out.push(t);
}

/** Clean tokens: no line ends or tabs in text, merged runs, no empty text, breaks only between text, no outer space. */
function normalizeTokens(tokens: Token[], mode: Mode): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const t = token.type === "break" && mode !== "paragraph" ? SPACE : token;
    const prev = out[out.length - 1];
    if (t.type === "text") {
      // Characters XML cannot hold (a stranger's `&#0;` or `<w:sym w:char="0"/>`) are no text: the build leaves them out too.
      const value = stripForbiddenCharacters(t.value.replace(/[\r\n\t\v\f]/g, " "));
      const link = t.link === undefined ? undefined : stripForbiddenCharacters(t.link);
      if (value) push(out, { ...t, value, link });
    } else if (t.type !== "break" || (prev && prev.type !== "break")) out.push(t);
  }
  // Space around breaks and at both ends is not text Markdown keeps.
  const trim = (i: number, end: "start" | "end") => {
    const t = out[i];
    if (t?.type === "text" && !t.code) out[i] = { ...t, value: end === "start" ? t.value.trimStart() : t.value.trimEnd() };
  };
  for (let i = 0; i < out.length; i++) {
    if (out[i].type === "break") {
      trim(i - 1, "end");
      trim(i + 1, "start");
    }
  }
  // Whitespace-only runs at the ends carry no marks worth keeping.
  const blank = (t: Token | undefined) => t && (t.type === "break" || (t.type === "text" && !t.value));
  for (;;) {
    trim(0, "start");
    trim(out.length - 1, "end");
    if (blank(out[0])) out.shift();
    else if (blank(out[out.length - 1])) out.pop();
    else break;
  }
  return out.filter((t) => t.type !== "text" || t.value !== "");
}

const ALNUM = /[\p{L}\p{N}]/u;
const PUNCT = /[\p{P}\p{S}]/u;
/** Strikethrough outermost, then bold, then italic. */
const LAYERS = Object.entries(MARK_OF) as [keyof typeof MARK_OF, Mark][];
const KEYS = LAYERS.map(([, key]) => key);
type Mark = (typeof MARK_OF)[keyof typeof MARK_OF];

/**
 * CommonMark opens `*` before punctuation only after white space or punctuation (and closes likewise):
 * punctuation at a span's edge goes outside it when a letter stands there ("a*«b»*c" → "a«*b*»c").
 */
function loosenPunctuation(tokens: Token[]): Token[] {
  // Plain text split into tokens of one character each, adjusted, merged again.
  const chars = tokens.flatMap((t) => (t.type === "text" && !t.code ? [...t.value].map((value): Token => ({ ...t, value })) : [t]));
  const text = (i: number) => {
    const c = chars[i];
    return c?.type === "text" && !c.code ? c.value : undefined;
  };
  const unmark = (from: number, to: number, key: Mark) => {
    for (let j = from; j <= to; j++) (chars[j] as TextToken)[key] = false;
  };
  for (const key of KEYS) {
    const on = (i: number) => text(i) !== undefined && (chars[i] as TextToken)[key];
    for (let i = 0; i < chars.length; i++) {
      if (!on(i) || on(i - 1)) continue;
      let end = i;
      while (on(end + 1)) end++;
      // The span is [i, end]; punctuation at its edges goes out if a letter stands outside, and something is left in.
      let k = i;
      if (ALNUM.test(text(i - 1) ?? "")) while (k <= end && PUNCT.test(text(k)!)) k++;
      if (k <= end) unmark(i, k - 1, key);
      k = end;
      if (ALNUM.test(text(end + 1) ?? "")) while (k >= i && PUNCT.test(text(k)!)) k--;
      if (k >= i) unmark(k + 1, end, key);
      i = end;
    }
  }
  const out: Token[] = [];
  for (const c of chars) push(out, c);
  return out;
}

/** A token, or a link's text with its own marks (those all its text shares), which go outside the brackets. */
type Atom = Token | ({ type: "link"; url: string; tokens: TextToken[] } & Omit<Marks, "code">);

function atomsOf(tokens: Token[]): Atom[] {
  const atoms: Atom[] = [];
  for (const t of tokens) {
    const prev = atoms[atoms.length - 1];
    if (t.type !== "text" || t.link === undefined) atoms.push(t);
    else if (prev?.type === "link" && prev.url === t.link) prev.tokens.push(t);
    else atoms.push({ type: "link", url: t.link, tokens: [t], strike: false, bold: false, italic: false });
  }
  for (const a of atoms) {
    if (a.type !== "link") continue;
    for (const key of KEYS) a[key] = a.tokens.every((t) => t[key]);
    a.tokens = a.tokens.map((t) => ({ ...t, link: undefined, ...Object.fromEntries(KEYS.map((key) => [key, t[key] && !a[key]])) }));
  }
  return atoms;
}

// Tokens → phrasing content

const marked = (atom: Atom, key: Mark) => (atom.type === "text" || atom.type === "link") && atom[key];

/** A span of formatting around its content, white space at its ends left outside it (Markdown would not open or close it there). */
function wrap(type: keyof typeof MARK_OF, children: PhrasingContent[]): PhrasingContent[] {
  const text = (value: string): PhrasingContent[] => (value ? [{ type: "text", value }] : []);
  const first = children[0];
  const lead = first?.type === "text" ? first.value.slice(0, first.value.length - first.value.trimStart().length) : "";
  if (first?.type === "text" && lead) children = [...text(first.value.slice(lead.length)), ...children.slice(1)];
  const last = children[children.length - 1];
  const trail = last?.type === "text" ? last.value.slice(last.value.trimEnd().length) : "";
  if (last?.type === "text" && trail) children = [...children.slice(0, -1), ...text(last.value.slice(0, -trail.length))];
  return [...text(lead), ...(children.length ? [{ type, children } as PhrasingContent] : []), ...text(trail)];
}

/** Each layer a span over the atoms that share its mark. */
function layered(atoms: Atom[], layer: number, addresses: boolean, ctx: RenderContext): PhrasingContent[] {
  if (layer === LAYERS.length) return atoms.flatMap((a) => leaf(a, addresses, ctx));
  const [type, key] = LAYERS[layer];
  const out: PhrasingContent[] = [];
  for (let i = 0; i < atoms.length;) {
    const on = marked(atoms[i], key);
    let j = i;
    while (j < atoms.length && marked(atoms[j], key) === on) j++;
    const inner = layered(atoms.slice(i, j), layer + 1, addresses, ctx);
    out.push(...(on ? wrap(type, inner) : inner));
    i = j;
  }
  return out;
}

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"|]+/gi;

/**
 * Web addresses in plain text as links that show their address (`<https://…>`): GFM would link them
 * anyway, and escapes inside them would show. A `www.` address stays raw, which GFM links as it is.
 */
function withAddresses(value: string): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  let last = 0;
  for (const match of value.matchAll(URL_IN_TEXT)) {
    // Trailing punctuation is not part of an address; nor is an unbalanced ")".
    const trim = (url: string) => trimTrailing(url, /[.,:;!?'"*_~\]}]/);
    let url = trim(match[0]);
    while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = trim(url.slice(0, -1));
    if (url.length < 8) continue;
    if (match.index > last) out.push({ type: "text", value: value.slice(last, match.index) });
    out.push(/^www\./i.test(url) ? { type: "html", value: url } : { type: "link", url, children: [{ type: "text", value: url }] });
    last = match.index + url.length;
  }
  if (last < value.length) out.push({ type: "text", value: value.slice(last) });
  return out;
}

/** A piece of a paragraph; with `addresses`, web addresses in its plain text become links. */
function leaf(atom: Atom, addresses: boolean, ctx: RenderContext): PhrasingContent[] {
  switch (atom.type) {
    case "break":
      return [{ type: "break" }];
    case "call": {
      const n = String(ctx.numberOf(atom.note));
      return [{ type: "footnoteReference", identifier: n, label: n }];
    }
    case "text":
      if (atom.code) return [{ type: "inlineCode", value: atom.value }];
      return addresses ? withAddresses(atom.value) : [{ type: "text", value: atom.value }];
    case "link":
      return [{ type: "link", url: atom.url, children: layered(atom.tokens, 0, false, ctx) }];
  }
}

// Read-back comparison

/** The parser percent-encodes link destinations; compare them decoded. */
function sameUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** A link that shows its own address is compared as text (autolinks, GFM's www. links). */
function showsAddress(text: string, link: string) {
  const t = sameUrl(text.trim());
  const url = sameUrl(link);
  return t === url || `http://${t}` === url || `https://${t}` === url || `mailto:${t}` === url;
}

/**
 * What a reader gets from phrasing content, as tokens: white space unformatted, one space, none at
 * the ends or around breaks; undefined if it holds something no token stands for.
 */
function reading(nodes: PhrasingContent[]): Token[] | undefined {
  const out: Token[] = [];
  // The last token ends in white space (asking its text would flatten it at every step).
  let space = false;
  const walk = (list: PhrasingContent[], marks: Marks, link?: string): boolean =>
    list.every((node) => {
      switch (node.type) {
        case "text":
        case "html":
        case "inlineCode":
          // White space carries no formatting: "**a** b" and "**a **b" read the same.
          for (const part of node.value.split(/(\s+)/)) {
            if (/^\s/.test(part) && !space) push(out, SPACE);
            else if (part && !/^\s/.test(part)) push(out, { type: "text", value: part, ...marks, code: node.type === "inlineCode", link });
            if (part) space = /^\s/.test(part);
          }
          return true;
        case "emphasis":
        case "strong":
        case "delete":
          return walk(node.children, { ...marks, [MARK_OF[node.type]]: true }, link);
        case "break":
        case "footnoteReference":
          out.push(node.type === "break" ? { type: "break" } : { type: "call", note: node.identifier });
          space = false;
          return true;
        case "link": {
          const text = node.children.map((c) => ("value" in c ? c.value : "")).join("");
          const plain = node.children.every((c) => c.type === "text");
          return walk(node.children, marks, plain && showsAddress(text, node.url) ? link : sameUrl(node.url) || undefined);
        }
        default:
          return false;
      }
    });
  if (!walk(nodes, PLAIN)) return undefined;
  // White space at the ends and around hard breaks is not kept by Markdown.
  const trimmed = out.map((t, i) => {
    if (t.type !== "text" || !sameFormat(t, SPACE)) return t;
    let value = t.value;
    if (i === 0 || out[i - 1].type === "break") value = value.trimStart();
    if (i === out.length - 1 || out[i + 1].type === "break") value = value.trimEnd();
    return { ...t, value };
  });
  return trimmed.filter((t) => t.type !== "text" || t.value !== "");
}

const shown = (nodes: PhrasingContent[] | undefined) => JSON.stringify(nodes && reading(nodes)) ?? "?";

/** Phrasing content in the block it stands in, as a one-block document. */
function container(children: PhrasingContent[], mode: Mode): RootContent {
  if (mode === "heading") return { type: "heading", depth: 1, children };
  if (mode === "paragraph") return { type: "paragraph", children };
  return {
    type: "table",
    children: [
      { type: "tableRow", children: [{ type: "tableCell", children: [{ type: "text", value: "x" }] }] },
      { type: "tableRow", children: [{ type: "tableCell", children }] },
    ],
  };
}

/** The phrasing content of what `markdown` (a one-block document) reads as, or undefined if it reads as something else. */
function readBack(markdown: string, mode: Mode, calls: string[]): PhrasingContent[] | undefined {
  // The calls' definitions, so that they read as calls.
  const tree = parser.parse([markdown, ...calls.map((n) => `[^${n}]: x`)].join("\n\n")) as Root;
  const blocks = tree.children.filter((node) => node.type !== "footnoteDefinition");
  const node = blocks[0];
  if (blocks.length !== 1 || node.type !== (mode === "table" ? "table" : mode)) return undefined;
  if (node.type === "table") return node.children.length === 2 && node.children[1].children.length === 1 ? node.children[1].children[0].children : undefined;
  return (node as Paragraph | Heading).children;
}

/** Written and read back the same, with no character reference standing in for a letter or space next to formatting. */
function readsBack(children: PhrasingContent[], mode: Mode, strict: boolean): boolean {
  const markdown = write(container(children, mode));
  const calls = reading(children)!.flatMap((t) => (t.type === "call" ? [t.note] : []));
  const read = readBack(markdown, mode, calls);
  if (!read || shown(read) !== shown(children)) return false;
  return !strict || !/(?<!\\)&#x[\da-f]+;/i.test(markdown);
}

/**
 * A paragraph's tokens as phrasing content that reads back as they mean: web addresses as links if
 * they read back so (else as text, which the writer keeps from linking), without formatting if need be.
 */
function phrasing(raw: Token[], mode: Mode, ordinal: number, ctx: RenderContext): PhrasingContent[] {
  const tokens = loosenPunctuation(normalizeTokens(raw, mode));
  if (tokens.length === 0) return [];
  const unmarked = tokens.map((t) => (t.type === "text" ? { ...t, ...PLAIN } : t));
  const plainTokens = normalizeTokens(unmarked, mode);
  for (const [list, addresses, lost] of [
    [tokens, true, false],
    [tokens, false, false],
    [plainTokens, true, true],
    [plainTokens, false, true],
  ] as const) {
    const children = layered(atomsOf(list), 0, addresses, ctx);
    if (!readsBack(children, mode, !lost)) continue;
    if (lost) ctx.formattingLost(ordinal);
    return children;
  }
  const plain = layered(atomsOf(plainTokens), 0, false, ctx);
  const wrote = write(container(plain, mode));
  throw new Error(
    `broadside import: the Markdown written for paragraph ${ordinal} does not read back as its text\n  wrote: ${JSON.stringify(wrote)}\n  meant: ${shown(plain)}\n  read:  ${shown(readBack(wrote, mode, []))}`,
  );
}

/** One paragraph's (heading's, table cell's) Markdown on its own. */
export function renderInline(raw: Token[], mode: Mode, ordinal: number, ctx: RenderContext): string {
  const children = phrasing(raw, mode, ordinal, ctx);
  if (children.length === 0) return "";
  const markdown = write(container(children, mode));
  return mode === "heading" ? markdown.replace(/^# /, "") : mode === "table" ? markdown.split("\n")[2].replace(/^\| | \|$/g, "") : markdown;
}

// Blocks

const isParagraph = (b: Block | undefined): b is ParagraphBlock => b?.type === "paragraph";

/** The roles of the paragraphs that join one of these in a single Markdown block. */
const RUNS: Partial<Record<ParagraphRole["kind"], ParagraphRole["kind"][]>> = {
  quote: ["quote"],
  code: ["code"],
  signatory: ["signatory"],
  bullet: ["bullet", "number", "continue"],
  number: ["bullet", "number", "continue"],
};

/** Body (or note) blocks → mdast block content. */
function blockNodes(all: Block[], ctx: RenderContext): BlockContent[] {
  // Empty paragraphs are spacing, not content (except code lines and rules).
  const blocks = all.filter((b) => !isParagraph(b) || b.role.kind === "code" || b.role.kind === "rule" || normalizeTokens(b.tokens, "paragraph").length > 0);
  const runs: Block[][] = [];
  for (const b of blocks) {
    const run = runs[runs.length - 1];
    if (isParagraph(b) && isParagraph(run?.[0]) && RUNS[run[0].role.kind]?.includes(b.role.kind)) run.push(b);
    else runs.push([b]);
  }
  return runs.flatMap((run) => (isParagraph(run[0]) ? blockNode(run as ParagraphBlock[], ctx) : table(run[0], ctx)));
}

/** A run of paragraphs (one, or those {@link RUNS} joins) → mdast block content. */
function blockNode(run: ParagraphBlock[], ctx: RenderContext): BlockContent[] {
  const paragraph = (b: ParagraphBlock): Paragraph[] => {
    const children = phrasing(b.tokens, "paragraph", b.ordinal, ctx);
    return children.length ? [{ type: "paragraph", children }] : [];
  };
  const [b] = run;
  switch (b.role.kind) {
    case "title":
    case "subtitle":
      return []; // front matter
    case "heading": {
      const children = phrasing(b.tokens, "heading", b.ordinal, ctx);
      return children.length ? [{ type: "heading", depth: b.role.depth as Heading["depth"], children }] : [];
    }
    case "quote":
      return [{ type: "blockquote", children: run.flatMap(paragraph) }];
    case "code":
      return [{ type: "code", value: run.map((p) => rawText(p.tokens).trimEnd()).join("\n") }];
    case "rule":
      // Text typed into the rule's paragraph is kept after it.
      return [{ type: "thematicBreak" }, ...paragraph(b)];
    case "signatory":
      return [
        { type: "list", ordered: false, spread: false, children: run.map((p): ListItem => ({ type: "listItem", spread: false, children: paragraph(p) })) },
      ];
    case "bullet":
    case "number":
      return lists(run, paragraph);
    default:
      // body, and a "continue" paragraph with no list before it
      return paragraph(b);
  }
}

/**
 * List paragraphs → lists nested by level; a "continue" paragraph joins the item before it, and
 * from there on the lists are loose (items apart by blank lines), as Markdown would read them.
 */
function lists(group: ParagraphBlock[], paragraph: (b: ParagraphBlock) => Paragraph[]): List[] {
  const top: List[] = [];
  const stack: { level: number; list: List }[] = [];
  let loose = false;
  for (const p of group) {
    const open = stack[stack.length - 1];
    if (p.role.kind === "continue") {
      const item = open?.list.children[open.list.children.length - 1];
      const more = paragraph(p);
      if (!item || !more.length) continue;
      item.children.push(...more);
      item.spread = loose = true;
      for (const { list } of stack) list.spread = true;
      continue;
    }
    while (stack.length && stack[stack.length - 1].level > p.level) stack.pop();
    if (stack.length && stack[stack.length - 1].level === p.level && stack[stack.length - 1].list.ordered !== (p.role.kind === "number")) stack.pop();
    let current = stack[stack.length - 1];
    if (!current || current.level < p.level) {
      const list: List = { type: "list", ordered: p.role.kind === "number", spread: loose, children: [] };
      const parent = current?.list.children[current.list.children.length - 1];
      if (parent) parent.children.push(list);
      else top.push(list);
      current = { level: p.level, list };
      stack.push(current);
    }
    current.list.children.push({ type: "listItem", spread: false, children: paragraph(p) });
  }
  return top;
}

function table(block: TableBlock, ctx: RenderContext): Table[] {
  const rows = block.rows.filter((r) => r.length > 0);
  if (rows.length === 0) return [];
  const columns = rows.reduce((n, r) => Math.max(n, r.length), 0);
  const cell = (tokens: Token[] | undefined): TableCell => ({ type: "tableCell", children: tokens ? phrasing(tokens, "table", block.ordinal, ctx) : [] });
  return [{ type: "table", children: rows.map((row) => ({ type: "tableRow", children: Array.from({ length: columns }, (_, i) => cell(row[i])) })) }];
}

/** The body's blocks, then note n's (notes[n - 1]) as `[^n]: …`: the Markdown after the front matter. `contextOf(n)` is note n's, `contextOf()` the body's. */
export function renderDocument(body: Block[], notes: Block[][], contextOf: (note?: number) => RenderContext): string {
  const children: RootContent[] = blockNodes(body, contextOf());
  notes.forEach((blocks, i) => {
    const n = String(i + 1);
    children.push({ type: "footnoteDefinition", identifier: n, label: n, children: blockNodes(blocks, contextOf(i + 1)) });
  });
  return write({ type: "root", children });
}
