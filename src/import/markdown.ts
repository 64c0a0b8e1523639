/**
 * Blocks of tokens → Markdown (CommonMark + GFM, as src/letter.ts reads it).
 *
 * Text is escaped so that it stays literal: `\ * _ [ ] < ` ~` everywhere (so `[^3]` typed by
 * a translator is text, not a note call), `&` before an entity, `|` in table cells, and at the
 * start of a line `#`, `>`, `-`, `+`, `=`, `1.`/`1)`. Web addresses in plain text become
 * `<https://…>` autolinks (GFM would link them anyway, and escapes inside them would show).
 *
 * Every inline run is parsed back with the same parser and compared with what was meant
 * (text, bold, italic, strikethrough, code, links, note calls). Where CommonMark cannot
 * express the formatting exactly (emphasis ending in punctuation right before a letter, and
 * the like), the paragraph is written without its bold/italic/strikethrough and the caller
 * is told; if even the plain form does not read back, it is a bug and this throws.
 */
import type { PhrasingContent, Root, RootContent, Table } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import type { Block, ParagraphBlock, TableBlock, TextToken, Token } from "./read.ts";

export interface RenderContext {
  /** The number of a note key ("footnote:3"). */
  numberOf(note: string): number;
  /** A paragraph's formatting could not be written exactly; it was written without it. */
  formattingLost(ordinal: number): void;
}

type Mode = "paragraph" | "heading" | "table";

interface Options {
  mode: Mode;
  /** Note calls as placeholders (for the read-back comparison) instead of `[^n]`. */
  verify: boolean;
  inLink?: boolean;
}

const parser = unified().use(remarkParse).use(remarkGfm);

const CALL_OPEN = "\uE000";
const CALL_CLOSE = "\uE001";

/* ---------------------------------------------------------------------------------------- */
/* Tokens                                                                                    */

const PLAIN = { bold: false, italic: false, strike: false, code: false };

function sameFormat(a: TextToken, b: TextToken) {
  return a.bold === b.bold && a.italic === b.italic && a.strike === b.strike && a.code === b.code && a.link === b.link;
}

/** Clean tokens: no line ends or tabs in text, merged runs, no empty text, breaks only between text, no outer space. */
export function normalizeTokens(tokens: Token[], mode: Mode): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    let t: Token = token;
    if (t.type === "break" && mode !== "paragraph") t = { type: "text", value: " ", ...PLAIN };
    if (t.type === "text") {
      const value = t.value.replace(/[\r\n\t\v\f]/g, " ");
      if (!value) continue;
      const prev = out[out.length - 1];
      if (prev?.type === "text" && sameFormat(prev, t)) {
        out[out.length - 1] = { ...prev, value: prev.value + value };
        continue;
      }
      out.push({ ...t, value });
    } else if (t.type === "break") {
      if (out.length && out[out.length - 1].type !== "break") out.push(t);
    } else {
      out.push(t);
    }
  }
  // Space around breaks and at both ends is not text Markdown keeps.
  const trimEnd = (i: number) => {
    const t = out[i];
    if (t?.type === "text" && !t.code) out[i] = { ...t, value: t.value.replace(/\s+$/, "") };
  };
  const trimStart = (i: number) => {
    const t = out[i];
    if (t?.type === "text" && !t.code) out[i] = { ...t, value: t.value.replace(/^\s+/, "") };
  };
  for (let i = 0; i < out.length; i++) {
    if (out[i].type === "break") {
      trimEnd(i - 1);
      trimStart(i + 1);
    }
  }
  // Whitespace-only runs at the ends carry no marks worth keeping.
  let changed = true;
  while (changed) {
    changed = false;
    trimStart(0);
    trimEnd(out.length - 1);
    const first = out[0];
    const last = out[out.length - 1];
    if (first && ((first.type === "text" && !first.value) || first.type === "break")) {
      out.shift();
      changed = true;
    } else if (last && ((last.type === "text" && !last.value) || last.type === "break")) {
      out.pop();
      changed = true;
    }
  }
  return out.filter((t) => t.type !== "text" || t.value !== "");
}

const ALNUM = /[\p{L}\p{N}]/u;
const PUNCT = /[\p{P}\p{S}]/u;
const KEYS = ["strike", "bold", "italic"] as const;

/**
 * CommonMark only opens `*` before punctuation if whitespace or punctuation comes before it
 * (and closes after punctuation likewise): leave punctuation at the edge of a bold/italic/
 * struck span out of the span when a letter stands right outside it ("a*«b»*c" does not
 * parse; "a«*b*»c" does).
 */
function loosenPunctuation(tokens: Token[]): Token[] {
  // Split text tokens into single characters with marks, adjust, merge again.
  type Char = { ch: string; token: TextToken } | { other: Token };
  const chars: Char[] = [];
  for (const t of tokens) {
    if (t.type === "text" && !t.code) for (const ch of t.value) chars.push({ ch, token: { ...t } });
    else chars.push({ other: t });
  }
  const text = (i: number) => {
    const c = chars[i];
    return c && "ch" in c ? c.ch : undefined;
  };
  for (const key of KEYS) {
    const on = (i: number) => {
      const c = chars[i];
      return !!c && "ch" in c && c.token[key];
    };
    for (let i = 0; i < chars.length; i++) {
      if (!on(i) || on(i - 1)) continue;
      let end = i;
      while (on(end + 1)) end++;
      // Span [i, end].
      const before = text(i - 1);
      if (before !== undefined && ALNUM.test(before)) {
        let k = i;
        while (k <= end && PUNCT.test(text(k) ?? "")) k++;
        if (k > i && k <= end) for (let j = i; j < k; j++) (chars[j] as { token: TextToken }).token[key] = false;
      }
      const after = text(end + 1);
      if (after !== undefined && ALNUM.test(after)) {
        let k = end;
        while (k >= i && on(k) && PUNCT.test(text(k) ?? "")) k--;
        if (k < end && k >= i && on(k)) for (let j = k + 1; j <= end; j++) (chars[j] as { token: TextToken }).token[key] = false;
      }
      i = end;
    }
  }
  const out: Token[] = [];
  for (const c of chars) {
    if ("other" in c) {
      out.push(c.other);
      continue;
    }
    const prev = out[out.length - 1];
    if (prev?.type === "text" && sameFormat(prev, c.token)) out[out.length - 1] = { ...prev, value: prev.value + c.ch };
    else out.push({ ...c.token, value: c.ch });
  }
  return out;
}

/* ---------------------------------------------------------------------------------------- */
/* Inline rendering                                                                          */

type Atom =
  | { kind: "text"; token: TextToken }
  | { kind: "break" }
  | { kind: "call"; note: string }
  | { kind: "link"; url: string; tokens: TextToken[]; marks: Record<(typeof KEYS)[number], boolean> };

function atomsOf(tokens: Token[]): Atom[] {
  const atoms: Atom[] = [];
  for (const t of tokens) {
    if (t.type === "break") atoms.push({ kind: "break" });
    else if (t.type === "call") atoms.push({ kind: "call", note: t.note });
    else if (t.link !== undefined) {
      const prev = atoms[atoms.length - 1];
      if (prev?.kind === "link" && prev.url === t.link) prev.tokens.push(t);
      else atoms.push({ kind: "link", url: t.link, tokens: [t], marks: { strike: false, bold: false, italic: false } });
    } else atoms.push({ kind: "text", token: t });
  }
  // A link's own marks are those all its text shares; they go outside the brackets.
  for (const a of atoms) {
    if (a.kind !== "link") continue;
    for (const key of KEYS) a.marks[key] = a.tokens.every((t) => t[key]);
    a.tokens = a.tokens.map((t) => ({ ...t, link: undefined, strike: t.strike && !a.marks.strike, bold: t.bold && !a.marks.bold, italic: t.italic && !a.marks.italic }));
  }
  return atoms;
}

const DELIMITERS = { strike: "~~", bold: "**", italic: "*" } as const;

function marked(atom: Atom, key: (typeof KEYS)[number]): boolean {
  if (atom.kind === "text") return atom.token[key];
  if (atom.kind === "link") return atom.marks[key];
  return false;
}

function renderAtoms(atoms: Atom[], layer: number, options: Options, ctx: RenderContext): string {
  if (layer === KEYS.length) return atoms.map((a) => leaf(a, options, ctx)).join("");
  const key = KEYS[layer];
  let out = "";
  for (let i = 0; i < atoms.length; ) {
    const on = marked(atoms[i], key);
    let j = i;
    while (j < atoms.length && marked(atoms[j], key) === on) j++;
    const inner = renderAtoms(atoms.slice(i, j), layer + 1, options, ctx);
    out += on ? wrap(inner, DELIMITERS[key]) : inner;
    i = j;
  }
  return out;
}

/** Delimiters around the text, white space left outside them. */
function wrap(inner: string, delimiter: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner)!;
  if (!m[2]) return inner;
  return `${m[1]}${delimiter}${m[2]}${delimiter}${m[3]}`;
}

const AUTOLINKABLE = /^[a-z][a-z0-9+.\-]{1,31}:[^\s<>\x00-\x1f]*$/i;

function leaf(atom: Atom, options: Options, ctx: RenderContext): string {
  switch (atom.kind) {
    case "break":
      return "\\\n";
    case "call": {
      const n = ctx.numberOf(atom.note);
      return options.verify ? `${CALL_OPEN}${n}${CALL_CLOSE}` : `[^${n}]`;
    }
    case "text":
      return atom.token.code ? codeSpan(atom.token.value, options) : escapeText(atom.token.value, options);
    case "link": {
      const text = atom.tokens.map((t) => t.value).join("");
      const plain = atom.tokens.every((t) => !t.code && !t.bold && !t.italic && !t.strike);
      if (plain && text.trim() === atom.url && AUTOLINKABLE.test(atom.url) && !(options.mode === "table" && atom.url.includes("|"))) {
        const m = /^(\s*)[\s\S]*?(\s*)$/.exec(text)!;
        return `${m[1]}<${atom.url}>${m[2]}`;
      }
      const label = renderAtoms(atom.tokens.map((token) => ({ kind: "text", token })), 0, { ...options, inLink: true }, ctx);
      return `[${label}](${destination(atom.url, options)})`;
    }
  }
}

function destination(url: string, options: Options): string {
  let dest = url;
  if (/[\s()<>\\]/.test(url) || url === "") {
    dest = `<${url.replace(/[<>\\\r\n]/g, (c) => encodeURIComponent(c))}>`;
  }
  return options.mode === "table" ? dest.replace(/\|/g, "%7C") : dest;
}

/** Counted in a loop: spreading every run into Math.max overflows the stack on a long text. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}

function codeSpan(value: string, options: Options): string {
  const longest = longestBacktickRun(value);
  const fence = "`".repeat(longest + 1);
  const pad = /^[`\s]|[`\s]$/.test(value) && value.trim() !== "" ? " " : "";
  const body = options.mode === "table" ? value.replace(/\|/g, "\\|") : value;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Escape Markdown-significant characters of literal text. */
export function escapePlain(s: string, mode: Mode = "paragraph"): string {
  let out = s
    .replace(/[\\`*_[\]<~]/g, "\\$&")
    .replace(/&(?=#?[a-z0-9]+;)/gi, "\\&")
    // `\[^1\]` is literal to the parser, but the numbering pass scans the source for `[^…]`.
    .replace(/\\\[\^/g, "\\[\\^");
  if (mode === "table") out = out.replace(/\|/g, "\\|");
  return out;
}

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"|]+/gi;

function escapeText(s: string, options: Options): string {
  if (options.inLink) return escapePlain(s, options.mode);
  let out = "";
  let last = 0;
  for (const match of s.matchAll(URL_IN_TEXT)) {
    let url = match[0];
    // Trailing punctuation is not part of an address; nor is an unbalanced ")".
    for (;;) {
      const trimmed = url.replace(/[.,:;!?'"*_~\]}]+$/, "");
      if (trimmed.endsWith(")") && (trimmed.match(/\(/g)?.length ?? 0) < (trimmed.match(/\)/g)?.length ?? 0)) {
        url = trimmed.slice(0, -1);
        continue;
      }
      url = trimmed;
      break;
    }
    if (url.length < 8) continue;
    out += escapePlain(s.slice(last, match.index), options.mode);
    // www.… is linked by GFM as it stands (escapes would show); http(s) becomes an autolink.
    out += /^www\./i.test(url) ? url : `<${url}>`;
    last = match.index + url.length;
  }
  return out + escapePlain(s.slice(last), options.mode);
}

/** What a line may not start with in a paragraph: block syntax. */
function escapeLineStart(line: string): string {
  if (/^[#>+=\-]/.test(line)) return `\\${line}`;
  const m = /^(\d{1,9})([.)])/.exec(line);
  if (m) return `${m[1]}\\${line.slice(m[1].length)}`;
  return line;
}

function renderTokens(tokens: Token[], options: Options, ctx: RenderContext): string {
  let md = renderAtoms(atomsOf(tokens), 0, options, ctx);
  if (options.mode !== "table") md = md.split("\n").map(escapeLineStart).join("\n");
  if (options.mode === "heading") md = md.replace(/(^|\s)(#+)(\s*)$/, (_, a: string, hashes: string, b: string) => `${a}\\${hashes}${b}`);
  return md;
}

/* ---------------------------------------------------------------------------------------- */
/* Read-back comparison                                                                      */

interface Segment {
  flags: string;
  text: string;
  /** The text ends in a space (asking the text itself would flatten it at every step). */
  space?: boolean;
}

function pushSegment(out: Segment[], flags: string, text: string) {
  // White space carries no formatting: "**a** b" and "**a **b" read the same.
  for (const part of text.split(/(\s+)/)) {
    if (!part) continue;
    const blank = /^\s+$/.test(part);
    const f = blank ? "" : flags;
    const value = blank ? " " : part;
    const prev = out[out.length - 1];
    if (prev && prev.flags === f) {
      if (!(f === "" && blank && prev.space)) prev.text += value;
      prev.space = blank;
    } else out.push({ flags: f, text: value, space: blank });
  }
}

/** The parser percent-encodes link destinations; compare them decoded. */
function sameUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

const flagsOf = (m: { strike?: boolean; bold?: boolean; italic?: boolean; code?: boolean }, link?: string) =>
  `${m.strike ? "s" : ""}${m.bold ? "b" : ""}${m.italic ? "i" : ""}${m.code ? "c" : ""}${link ? `|${sameUrl(link)}` : ""}`;

/** A link that shows its own address is compared as text (autolinks, GFM's www. links). */
function showsAddress(text: string, link: string) {
  const t = sameUrl(text.trim());
  const url = sameUrl(link);
  return t === url || `http://${t}` === url || `https://${t}` === url || `mailto:${t}` === url;
}

function expected(tokens: Token[], ctx: RenderContext): string {
  const out: Segment[] = [];
  const atoms = atomsOf(tokens);
  for (const a of atoms) {
    if (a.kind === "break") out.push({ flags: "\n", text: "" });
    else if (a.kind === "call") pushSegment(out, "", `${CALL_OPEN}${ctx.numberOf(a.note)}${CALL_CLOSE}`);
    else if (a.kind === "text") pushSegment(out, flagsOf(a.token), a.token.value);
    else {
      const text = a.tokens.map((t) => t.value).join("");
      const autolink = showsAddress(text, a.url) && a.tokens.every((t) => !t.code && !t.bold && !t.italic && !t.strike);
      for (const t of a.tokens) pushSegment(out, flagsOf({ ...t, strike: t.strike || a.marks.strike, bold: t.bold || a.marks.bold, italic: t.italic || a.marks.italic }, autolink ? undefined : a.url), t.value);
    }
  }
  return serialize(out);
}

function serialize(segments: Segment[]): string {
  const list = segments.filter((x) => x.flags === "\n" || x.text !== "").map((x) => ({ ...x }));
  // White space at the ends and around hard breaks is not kept by Markdown.
  list.forEach((x, i) => {
    if (x.flags !== "") return;
    if (i === 0 || list[i - 1].flags === "\n") x.text = x.text.trimStart();
    if (i === list.length - 1 || list[i + 1].flags === "\n") x.text = x.text.trimEnd();
  });
  return JSON.stringify(list.filter((x) => x.flags === "\n" || x.text !== "").map((x) => [x.flags, x.text]));
}

function actual(nodes: PhrasingContent[]): string {
  const out: Segment[] = [];
  const walk = (list: PhrasingContent[], m: { strike?: boolean; bold?: boolean; italic?: boolean }, link?: string) => {
    for (const node of list) {
      switch (node.type) {
        case "text":
          pushSegment(out, flagsOf(m, link), node.value);
          break;
        case "inlineCode":
          pushSegment(out, flagsOf({ ...m, code: true }, link), node.value);
          break;
        case "emphasis":
          walk(node.children, { ...m, italic: true }, link);
          break;
        case "strong":
          walk(node.children, { ...m, bold: true }, link);
          break;
        case "delete":
          walk(node.children, { ...m, strike: true }, link);
          break;
        case "break":
          out.push({ flags: "\n", text: "" });
          break;
        case "link": {
          const text = node.children.map((c) => ("value" in c ? c.value : "")).join("");
          const plain = node.children.every((c) => c.type === "text");
          walk(node.children, m, plain && showsAddress(text, node.url) ? link : node.url);
          break;
        }
        case "html":
          pushSegment(out, flagsOf(m, link), node.value);
          break;
        default:
          out.push({ flags: `?${node.type}`, text: "?" });
      }
    }
  };
  walk(nodes, {});
  return serialize(out);
}

function parsedInline(md: string, mode: Mode): PhrasingContent[] | undefined {
  if (mode === "table") {
    const tree = parser.parse(`| x |\n| - |\n| ${md} |\n`) as Root;
    const table = tree.children[0] as Table | undefined;
    if (tree.children.length !== 1 || table?.type !== "table" || table.children.length !== 2) return undefined;
    return table.children[1].children[0]?.children ?? [];
  }
  const tree = parser.parse(mode === "heading" ? `# ${md}` : md) as Root;
  if (tree.children.length !== 1) return undefined;
  const node = tree.children[0] as RootContent;
  if (mode === "heading" ? node.type !== "heading" : node.type !== "paragraph") return undefined;
  return (node as { children: PhrasingContent[] }).children;
}

/** Render, read back, compare; without formatting if need be. */
export function renderInline(raw: Token[], mode: Mode, ordinal: number, ctx: RenderContext): string {
  const tokens = loosenPunctuation(normalizeTokens(raw, mode));
  if (tokens.length === 0) return "";
  const attempt = (list: Token[]) => {
    const probe = renderTokens(list, { mode, verify: true }, ctx);
    const nodes = parsedInline(probe, mode);
    return nodes !== undefined && actual(nodes) === expected(list, ctx);
  };
  if (attempt(tokens)) return renderTokens(tokens, { mode, verify: false }, ctx);
  const plain = normalizeTokens(tokens.map((t) => (t.type === "text" ? { ...t, ...PLAIN } : t)), mode);
  if (attempt(plain)) {
    ctx.formattingLost(ordinal);
    return renderTokens(plain, { mode, verify: false }, ctx);
  }
  const probe = renderTokens(plain, { mode, verify: true }, ctx);
  throw new Error(`broadside import: the Markdown written for paragraph ${ordinal} does not read back as its text\n  wrote: ${JSON.stringify(probe)}\n  meant: ${expected(plain, ctx)}\n  read:  ${actual(parsedInline(probe, mode) ?? [])}`);
}

/* ---------------------------------------------------------------------------------------- */
/* Blocks                                                                                    */

const isParagraph = (b: Block | undefined): b is ParagraphBlock => b?.type === "paragraph";

function rawText(tokens: Token[]): string {
  return tokens.map((t) => (t.type === "text" ? t.value : t.type === "break" ? "\n" : "")).join("");
}

function indent(text: string, by: number): string {
  const pad = " ".repeat(by);
  return text
    .split("\n")
    .map((line, i) => (i === 0 || !line ? line : pad + line))
    .join("\n");
}

/** Body (or note) blocks → Markdown chunks, to be joined by blank lines. */
export function renderBlocks(all: Block[], ctx: RenderContext): string[] {
  // Empty paragraphs are spacing, not content (except code lines and rules).
  const blocks = all.filter((b) => {
    if (!isParagraph(b)) return true;
    if (b.role.kind === "code" || b.role.kind === "rule") return true;
    return normalizeTokens(b.tokens, "paragraph").length > 0;
  });
  const chunks: string[] = [];
  /** The previous chunk was a list with this marker: the next list must use another one, or they would merge. */
  let lastMarker: string | undefined;
  const text = (b: ParagraphBlock, mode: Mode = "paragraph") => renderInline(b.tokens, mode, b.ordinal, ctx);

  for (let i = 0; i < blocks.length; ) {
    const b = blocks[i];
    if (!isParagraph(b)) {
      chunks.push(renderTable(b, ctx));
      lastMarker = undefined;
      i++;
      continue;
    }
    const kind = b.role.kind;
    const run = (accept: (x: ParagraphBlock) => boolean) => {
      let j = i;
      while (j < blocks.length && isParagraph(blocks[j]) && accept(blocks[j] as ParagraphBlock)) j++;
      const group = blocks.slice(i, j) as ParagraphBlock[];
      i = j;
      return group;
    };
    if (kind === "title" || kind === "subtitle") {
      i++;
      continue;
    }
    if (kind === "heading") {
      const md = text(b, "heading");
      if (md) chunks.push(`${"#".repeat(b.role.kind === "heading" ? b.role.depth : 1)} ${md}`);
      lastMarker = undefined;
      i++;
    } else if (kind === "quote") {
      const group = run((x) => x.role.kind === "quote");
      chunks.push(group.map((p) => text(p).split("\n").map((line) => `> ${line}`).join("\n")).join("\n>\n"));
      lastMarker = undefined;
    } else if (kind === "code") {
      const group = run((x) => x.role.kind === "code");
      const code = group.map((p) => rawText(p.tokens).replace(/\s+$/, "")).join("\n");
      const longest = longestBacktickRun(code);
      const fence = "`".repeat(Math.max(3, longest + 1));
      chunks.push(`${fence}\n${code}\n${fence}`);
      lastMarker = undefined;
    } else if (kind === "rule") {
      chunks.push("* * *");
      // Text typed into the rule's paragraph is kept after it.
      const md = text(b);
      if (md) chunks.push(md);
      lastMarker = undefined;
      i++;
    } else if (kind === "signatory") {
      const group = run((x) => x.role.kind === "signatory");
      const marker = lastMarker === "-" ? "*" : "-";
      chunks.push(group.map((p) => `${marker} ${indent(text(p), 2)}`).join("\n"));
      lastMarker = marker;
    } else if (kind === "bullet" || kind === "number") {
      const group = run((x) => x.role.kind === "bullet" || x.role.kind === "number" || x.role.kind === "continue");
      const { md, marker } = renderList(group, lastMarker, text);
      chunks.push(md);
      lastMarker = marker;
    } else {
      // body, and a "continue" paragraph with no list before it
      chunks.push(text(b));
      lastMarker = undefined;
      i++;
    }
  }
  return chunks.filter((c) => c !== "");
}

function renderList(group: ParagraphBlock[], lastMarker: string | undefined, text: (b: ParagraphBlock) => string): { md: string; marker: string } {
  interface Level {
    level: number;
    ordered: boolean;
    indent: number;
    content: number;
    count: number;
  }
  const first = group[0];
  const bullet = lastMarker === "-" ? "*" : "-";
  const delimiter = lastMarker === "." ? ")" : ".";
  const topMarker = first.ordered ? delimiter : bullet;
  const stack: Level[] = [];
  const lines: string[] = [];
  let blank = false;
  for (const p of group) {
    if (p.role.kind === "continue") {
      const top = stack[stack.length - 1];
      const body = text(p);
      if (!top || !body) continue;
      lines.push("");
      lines.push(" ".repeat(top.content) + indent(body, top.content));
      blank = true;
      continue;
    }
    while (stack.length && stack[stack.length - 1].level > p.level) stack.pop();
    if (stack.length && stack[stack.length - 1].level === p.level && stack[stack.length - 1].ordered !== p.ordered) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.level < p.level) {
      top = { level: p.level, ordered: p.ordered, indent: top ? top.content : 0, content: 0, count: 0 };
      stack.push(top);
    }
    top.count++;
    const atTop = stack.length === 1;
    const marker = p.ordered ? `${top.count}${atTop ? delimiter : "."}` : atTop ? bullet : "-";
    top.content = top.indent + marker.length + 1;
    if (blank) lines.push("");
    lines.push(`${" ".repeat(top.indent)}${marker} ${indent(text(p), top.content)}`);
  }
  return { md: lines.join("\n"), marker: topMarker };
}

function renderTable(table: TableBlock, ctx: RenderContext): string {
  const rows = table.rows.filter((r) => r.length > 0);
  if (rows.length === 0) return "";
  const columns = rows.reduce((n, r) => Math.max(n, r.length), 0);
  const line = (cells: string[]) => `| ${Array.from({ length: columns }, (_, i) => cells[i] ?? "").join(" | ")} |`;
  const render = (row: Token[][]) => row.map((cell) => renderInline(cell, "table", table.ordinal, ctx));
  return [line(render(rows[0])), line(Array.from({ length: columns }, () => "---")), ...rows.slice(1).map((r) => line(render(r)))].join("\n");
}

/** `[^n]: …` definitions, one per note, continuation lines indented four spaces. */
export function renderNotes(order: string[], notes: Map<string, Block[]>, contextOf: (key: string) => RenderContext): string[] {
  return order.map((key) => {
    const ctx = contextOf(key);
    const n = ctx.numberOf(key);
    const body = renderBlocks(notes.get(key) ?? [], ctx).join("\n\n");
    if (!body) return `[^${n}]:`;
    return `[^${n}]: ${body
      .split("\n")
      .map((line, i) => (i === 0 || !line ? line : `    ${line}`))
      .join("\n")}`;
  });
}
