/**
 * Text as a proofreader reads it: the phrasing of one paragraph (or heading, or table cell)
 * joined into one string, with a map back to source positions for messages.
 */
import type { FootnoteDefinition, Nodes, Parent, PhrasingContent, Root } from "mdast";
import type { Point } from "unist";
import type { VFile } from "vfile";
import { location } from "vfile-location";

export interface Block {
  /** The paragraph, heading or table cell. */
  node: Parent;
  /** The note it is in, if any. */
  note?: FootnoteDefinition;
  /** Its text nodes' values joined. */
  text: string;
  /** Where character `i` of `text` stands in the source. */
  pointAt(i: number): Point | undefined;
}

const PHRASING_PARENTS = new Set(["paragraph", "heading", "tableCell"]);
const SKIP = new Set(["inlineCode", "code", "html", "yaml", "toml", "definition"]);

/** Every block of running text in the tree, in document order. */
export function blocks(tree: Root, file: VFile): Block[] {
  const source = String(file.value);
  const place = location(file);
  const found: Block[] = [];
  const visit = (node: Nodes, note: FootnoteDefinition | undefined) => {
    if (PHRASING_PARENTS.has(node.type)) {
      const pieces: { at: number; value: string; start: number; exact: boolean }[] = [];
      let length = 0;
      const collect = (child: Nodes) => {
        if (SKIP.has(child.type)) return;
        if (child.type === "text") {
          const start = child.position?.start.offset ?? -1;
          const end = child.position?.end.offset ?? -1;
          pieces.push({ at: length, value: child.value, start, exact: start >= 0 && source.slice(start, end) === child.value });
          length += child.value.length;
        } else if ("children" in child) {
          for (const grandchild of child.children) collect(grandchild as Nodes);
        }
      };
      for (const child of (node as Parent).children) collect(child as Nodes);
      const text = pieces.map((p) => p.value).join("");
      found.push({
        node: node as Parent,
        note,
        text,
        pointAt(i) {
          const piece = [...pieces].reverse().find((p) => p.at <= i);
          if (!piece || piece.start < 0) return (node as Parent).position?.start;
          return place.toPoint(piece.exact ? piece.start + (i - piece.at) : piece.start);
        },
      });
      return;
    }
    if (SKIP.has(node.type)) return;
    if ("children" in node) {
      const inNote = node.type === "footnoteDefinition" ? node : note;
      for (const child of node.children) visit(child as Nodes, inNote);
    }
  };
  visit(tree, undefined);
  return found;
}

/** Call `enter` for every node under `node` with the note it is in. */
export function walk(
  node: Nodes,
  enter: (node: Nodes, parent: Parent | undefined, note: FootnoteDefinition | undefined) => void,
  parent?: Parent,
  note?: FootnoteDefinition,
) {
  enter(node, parent, note);
  if ("children" in node) {
    const inNote = node.type === "footnoteDefinition" ? node : note;
    for (const child of node.children as (Nodes | PhrasingContent)[]) walk(child as Nodes, enter, node as Parent, inNote);
  }
}

export function where(point: Point | undefined): string {
  return point ? `${point.line}:${point.column}` : "?";
}
