/**
 * What broadside adds to remark's parsing (src/letter.ts puts it in its chain): micromark's edits in linear time, a depth
 * guard, note calls kept in an image's alt text, and shapes GitHub allows but no output can hold made into ones all can.
 */
import type { FootnoteReference, Image, ImageReference, Nodes, PhrasingContent as Phrasing, Root } from "mdast";
import type { CompileContext, Token } from "mdast-util-from-markdown";
import { EditMap } from "micromark-util-edit-map";
import type { Processor } from "unified";
import { visit } from "unist-util-visit";

/** How deep the Markdown tree may be (a list in a quote in a list… counts every level). */
export const MAX_DEPTH = 100;

/** Where a tree was cut because it nests deeper than {@link MAX_DEPTH}. */
const tooDeep = new WeakMap<Root, Pick<Nodes, "type" | "position">>();

/** The first place where `tree` was cut for nesting deeper than {@link MAX_DEPTH}, if any. */
export const cutTooDeep = (tree: Root) => tooDeep.get(tree);

/**
 * A remark plugin: right after parsing, before any transform walks the tree recursively, cut every subtree deeper than
 * {@link MAX_DEPTH} levels and remember where, so that a source nested thousands of levels deep is an error, not a crash.
 */
export function remarkDepthGuard(this: Processor) {
  const data = this.data() as { fromMarkdownExtensions?: unknown[] };
  (data.fromMarkdownExtensions ??= []).push({
    transforms: [
      (tree: Root) => {
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
      },
    ],
  });
}

declare module "mdast" {
  interface ImageData {
    /** Note calls written in the alt text (`![a[^1]](x.png)`): GitHub numbers them; the tree keeps them here. */
    noteCalls?: FootnoteReference[];
  }
  interface ImageReferenceData {
    noteCalls?: FootnoteReference[];
  }
}

/** A remark plugin: the parser's own label handler, but keeping the note calls of an image's alt text on the image (for normalize.ts). */
export function remarkImageNoteCalls(this: Processor) {
  const data = this.data() as { fromMarkdownExtensions?: unknown[] };
  (data.fromMarkdownExtensions ??= []).push({
    exit: {
      label(this: CompileContext, _token: Token) {
        const fragment = this.stack[this.stack.length - 1] as unknown as { children: Nodes[] };
        const labelled = this.stack[this.stack.length - 2] as unknown as Nodes;
        const calls: FootnoteReference[] = [];
        const collect = (node: Nodes) => {
          if (node.type === "footnoteReference") calls.push(node);
          else if ("children" in node) node.children.forEach((child) => collect(child as Nodes));
          if (node.type === "image" || node.type === "imageReference") calls.push(...(node.data?.noteCalls ?? []));
        };
        // Only an image's label is walked (a link keeps its children), so nested links cost no more.
        if (labelled.type !== "link") fragment.children.forEach(collect);
        const value = this.resume();
        const node = this.stack[this.stack.length - 1] as unknown as Nodes;
        this.data.inReference = true;
        if (node.type === "link") node.children = fragment.children as typeof node.children;
        else if (node.type === "image" || node.type === "imageReference") {
          node.alt = value;
          if (calls.length) node.data = { ...node.data, noteCalls: calls };
        }
      },
    },
  });
}

const patched = Symbol.for("broadside.editMapConsume");

/**
 * micromark's `EditMap#consume` copies all its events for each batch of edits (one per block closing in a quote or list),
 * so many short quotes took quadratic time; this plugin gives it a `consume` that rebuilds from the first edit on only.
 */
export function makeMicromarkLinear(): void {
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

/** An image's note calls (`![a[^1]](x.png)`), taken off it. */
function takeCalls(image: Image | ImageReference): FootnoteReference[] {
  const calls = image.data?.noteCalls ?? [];
  delete image.data?.noteCalls;
  return calls;
}

/** The children of a link, without links in them (their text kept) and without note calls, its images' too (into `calls`). */
function unlink(children: Phrasing[], calls: FootnoteReference[]): Phrasing[] {
  return children.flatMap((child): Phrasing[] => {
    if (child.type === "footnoteReference") {
      calls.push(child);
      return [];
    }
    if (child.type === "link" || child.type === "linkReference") return unlink(child.children, calls);
    if (child.type === "image" || child.type === "imageReference") calls.push(...takeCalls(child));
    if ("children" in child) (child as { children: Phrasing[] }).children = unlink(child.children as Phrasing[], calls);
    return [child];
  });
}

/**
 * Before notes are numbered (no order changes): a note call in link text or alt text moves to just after the link or
 * image; a link in link text keeps only its text.
 */
export function normalizeTree(tree: Root) {
  visit(tree, (node, index, parent) => {
    const calls: FootnoteReference[] = [];
    if (node.type === "image" || node.type === "imageReference") calls.push(...takeCalls(node));
    else if (node.type === "link" || node.type === "linkReference") node.children = unlink(node.children, calls);
    if (calls.length) (parent!.children as Nodes[]).splice(index! + 1, 0, ...calls);
  });
}
