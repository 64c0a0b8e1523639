/**
 * The remark plugins broadside adds to the parser (src/letter.ts puts them in its chain): a depth
 * guard, and note calls kept in an image's alt text.
 */
import type { FootnoteReference, Nodes, Root } from "mdast";
import type { CompileContext, Token } from "mdast-util-from-markdown";
import type { Processor } from "unified";

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
