/**
 * What broadside adds to remark's parsing (src/letter.ts puts it first in its chain): micromark's edits in linear time, a
 * depth guard, and note calls in link text or alt text moved to just after the link or image, as every output needs them.
 */
import type { FootnoteReference, Image, Link, Nodes, PhrasingContent as Phrasing, Root } from "mdast";
import type { CompileContext } from "mdast-util-from-markdown";
import { EditMap } from "micromark-util-edit-map";
import type { Processor } from "unified";

/** How deep the Markdown tree may be (a list in a quote in a list… counts every level). */
export const MAX_DEPTH = 100;

/** Where a tree was cut because it nests deeper than {@link MAX_DEPTH}. */
const tooDeep = new WeakMap<Root, Pick<Nodes, "type" | "position">>();

/** The first place where `tree` was cut for nesting deeper than {@link MAX_DEPTH}, if any. */
export const cutTooDeep = (tree: Root) => tooDeep.get(tree);

/** A remark plugin, before remark-gfm: broadside's parsing (micromark made linear, the depth guard, note calls taken out of labels). */
export function remarkBroadsideParsing(this: Processor) {
  makeMicromarkLinear();
  const data = this.data() as { fromMarkdownExtensions?: unknown[] };
  (data.fromMarkdownExtensions ??= []).push({ transforms: [guardDepth], exit: { label: exitLabel } });
}

/**
 * Right after parsing, before any transform walks the tree recursively, cut every subtree deeper than {@link MAX_DEPTH}
 * levels and remember where, so that a source nested thousands of levels deep is an error, not a crash.
 */
function guardDepth(tree: Root) {
  const stack: [Nodes, number][] = [[tree, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!("children" in node)) continue;
    if (depth >= MAX_DEPTH) {
      if (!tooDeep.has(tree)) tooDeep.set(tree, node);
      (node as { children: Nodes[] }).children = [];
      continue;
    }
    for (const child of node.children) stack.push([child as Nodes, depth + 1]);
  }
}

/**
 * The parser's own label handler, but a note call in link text or alt text (GitHub numbers both) moves to just after
 * the link or image, and a link in link text keeps only its text: no output can hold either where it was written.
 */
function exitLabel(this: CompileContext) {
  const fragment = this.stack[this.stack.length - 1] as unknown as { children: Phrasing[] };
  const calls: FootnoteReference[] = [];
  const children = unlink(fragment.children, calls);
  const alt = this.resume();
  const node = this.stack[this.stack.length - 1] as unknown as Link | Image;
  this.data.inReference = true;
  if (node.type === "link") node.children = children;
  else node.alt = alt;
  // The link or image is its parent's last child while its label is read.
  (this.stack[this.stack.length - 2] as unknown as { children: Phrasing[] }).children.push(...calls);
}

/** The children of a label, without links in them (their text kept) and without note calls (into `calls`). */
function unlink(children: Phrasing[], calls: FootnoteReference[]): Phrasing[] {
  return children.flatMap((child): Phrasing[] => {
    if (child.type === "footnoteReference") {
      calls.push(child);
      return [];
    }
    if (child.type === "link" || child.type === "linkReference") return unlink(child.children, calls);
    if ("children" in child) (child as { children: Phrasing[] }).children = unlink(child.children as Phrasing[], calls);
    return [child];
  });
}

const patched = Symbol.for("broadside.editMapConsume");

/**
 * micromark's `EditMap#consume` copies all its events for each batch of edits (one per block closing in a quote or list),
 * so many short quotes took quadratic time; this gives it a `consume` that rebuilds from the first edit on only.
 */
function makeMicromarkLinear(): void {
  type Change = [at: number, remove: number, add: unknown[]];
  const proto = EditMap.prototype as unknown as Record<symbol, boolean> & { consume(events: unknown[]): void };
  if (proto[patched]) return;
  proto[patched] = true;
  proto.consume = function consume(this: { map: Change[]; index?: Map<number, Change> }, events: unknown[]): void {
    const map = this.map;
    if (map.length === 0) return;
    map.sort((a, b) => a[0] - b[0]);
    const start = map[0][0];
    const tail = events.slice(start);
    events.length = start;
    let cursor = start;
    for (const [at, remove, add] of map) {
      for (let i = cursor; i < at; i++) events.push(tail[i - start]);
      for (const event of add) events.push(event);
      cursor = Math.max(cursor, at + remove);
    }
    for (let i = cursor - start; i < tail.length; i++) events.push(tail[i]);
    map.length = 0;
    this.index?.clear();
  };
}
