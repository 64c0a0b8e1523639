/**
 * The Markdown parser every source goes through: remark with GFM and YAML front matter (TOML is
 * recognised only to be refused), made linear-time (parse-speed.ts), and with a depth guard. `letter.ts` parses a source with it.
 */
import type { Nodes, Root } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { type Processor, unified } from "unified";
import "./parse-speed.ts"; // makes micromark linear-time, before anything is parsed

/** How deep the Markdown tree may be (a list in a quote in a list… counts every level). */
export const MAX_DEPTH = 100;

/** Where a tree was cut because it nests deeper than {@link MAX_DEPTH}. */
const tooDeep = new WeakMap<Root, Pick<Nodes, "type" | "position">>();

/** The first place where `tree` was cut for nesting deeper than {@link MAX_DEPTH}, if any. */
export const cutTooDeep = (tree: Root) => tooDeep.get(tree);


/**
 * A remark plugin, used before remark-gfm: right after parsing, and before any other transform
 * walks the tree recursively, cut every subtree deeper than {@link MAX_DEPTH} levels (iteratively)
 * and remember where, so that a source nested thousands of levels deep is an error, not a crash.
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

const processor = unified().use(remarkDepthGuard).use(remarkParse).use(remarkFrontmatter, ["yaml", "toml"]).use(remarkGfm);

/** Parse Markdown into mdast (parse only: no transformer runs). */
export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}
