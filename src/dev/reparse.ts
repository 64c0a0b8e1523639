/**
 * `dev` parses a save again only from the first top-level block the edit can touch: the blocks
 * before it are the last parse's, when that is sure to give the tree a whole parse gives.
 *
 * Markdown's blocks are read line by line, so with every line before it unchanged, a block
 * that starts on an unchanged line starts there again and the blocks before it end as before.
 * Only definitions reach back (a call `[^a]` or a link `[x]` is one if its definition exists
 * anywhere), so the blocks before are reused only when they hold no definition and the
 * definitions after them are the same as last time. Anything else is parsed whole.
 */
import type { Definition, FootnoteDefinition, Nodes, Root } from "mdast";
import type { Point } from "unist";
import { visit } from "unist-util-visit";
import { cutTooDeep, parseMarkdown } from "../markdown.ts";

/** A parser for one source's successive saves, remembering the last text and its tree. */
export function reparser(): (markdown: string) => Root {
  let last: { text: string; tree: Root } | undefined;
  return (text) => {
    const tree = (last && reuse(last, text)) ?? parseMarkdown(text);
    // A pristine copy: the letter's passes change the tree they are given.
    last = cutTooDeep(tree) ? undefined : { text, tree: structuredClone(tree) };
    return tree;
  };
}

/** The tree of `text` from the last parse and the rest parsed again, or undefined where that is not sure. */
export function reuse(last: { text: string; tree: Root }, text: string): Root | undefined {
  let first = 0; // the first changed character
  const common = Math.min(text.length, last.text.length);
  while (first < common && text.charCodeAt(first) === last.text.charCodeAt(first)) first++;
  const changedLine = text.lastIndexOf("\n", first - 1) + 1;
  // The last block that starts before the changed line may reach into it: it is parsed again,
  // from a line after a blank one (a table or a setext heading, read by the line after its
  // first, can make the lines before it a paragraph's; after a blank line nothing continues).
  const blocks = last.tree.children;
  let cut = blocks.findIndex((node) => (node.position?.start.offset ?? Infinity) >= changedLine);
  if (cut === -1) cut = blocks.length;
  let from = 0;
  while (--cut >= 1) {
    from = last.text.lastIndexOf("\n", blocks[cut].position!.start.offset! - 1) + 1;
    const before = last.text.lastIndexOf("\n", from - 2) + 1;
    if (/^[^\s]/.test(last.text.slice(from, from + 1)) && last.text.slice(before, from).trim() === "") break;
  }
  if (cut < 1) return undefined;
  const kept = blocks.slice(0, cut);
  if (definitions({ type: "root", children: kept }).length) return undefined;
  // A front matter fence that opens no front matter changes how the whole text after it is read.
  const frontMatter = ["yaml", "toml"].includes(blocks[0].type);
  if (/^(---|\+\+\+)/.test(text) && !frontMatter) return undefined;

  const rest = parseMarkdown(text.slice(from));
  // `---` at the start of the rest would be read as front matter; a cut tree is reported by a whole parse.
  if (cutTooDeep(rest) || rest.children[0]?.type === "yaml" || (rest.children[0]?.type as string) === "toml") return undefined;
  if (definitions(rest).join("\n") !== definitions({ type: "root", children: blocks.slice(cut) }).join("\n")) return undefined;

  const lines = countLines(text, from);
  const seen = new Set<Nodes>();
  const shift = (node: Nodes) => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.position) node.position = { start: moved(node.position.start, lines, from), end: moved(node.position.end, lines, from) };
    // An image's note calls are kept on it, not among its children (src/markdown.ts).
    const calls = (node.data as { noteCalls?: Nodes[] } | undefined)?.noteCalls;
    for (const call of calls ?? []) visit(call, shift);
  };
  visit(rest, shift);
  return { type: "root", children: [...structuredClone(kept), ...rest.children], position: { start: { line: 1, column: 1, offset: 0 }, end: rest.position!.end } };
}

/** The identifiers of every definition in the tree, sorted (where they are does not matter). */
function definitions(tree: Root): string[] {
  const found: string[] = [];
  visit(tree, (node) => {
    if (node.type === "definition" || node.type === "footnoteDefinition") found.push(`${node.type} ${(node as Definition | FootnoteDefinition).identifier}`);
  });
  return found.sort();
}

const countLines = (text: string, end: number) => {
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
};

const moved = (point: Point, lines: number, offset: number): Point => ({ line: point.line + lines, column: point.column, offset: point.offset === undefined ? undefined : point.offset + offset });
