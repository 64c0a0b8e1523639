/**
 * Shapes GitHub allows but no output can hold, made into ones all three can before notes are numbered (no order changes):
 * a note call in link text or alt text moves to just after the link or image; a link in link text keeps only its text.
 */
import type { FootnoteReference, Link, LinkReference, Nodes, PhrasingContent as Phrasing, Root } from "mdast";

/** The children of a link, without links in them (their text kept) and without note calls (returned). */
function unlink(children: Phrasing[], calls: FootnoteReference[]): Phrasing[] {
  return children.flatMap((child): Phrasing[] => {
    if (child.type === "footnoteReference") {
      calls.push(child);
      return [];
    }
    if (child.type === "link" || child.type === "linkReference") return unlink(child.children, calls);
    if ("children" in child) {
      (child as { children: Phrasing[] }).children = unlink(child.children as Phrasing[], calls);
    }
    return [child];
  });
}

/** Rewrite a list of phrasing (or block) children in place; returns the new list. */
function place(children: Nodes[]): Nodes[] {
  return children.flatMap((child): Nodes[] => {
    if ("children" in child) (child as { children: Nodes[] }).children = place(child.children as Nodes[]);
    if (child.type === "image" || child.type === "imageReference") {
      const calls = child.data?.noteCalls ?? [];
      if (calls.length) delete child.data!.noteCalls;
      return [child, ...calls];
    }
    if (child.type === "link" || child.type === "linkReference") {
      const calls: FootnoteReference[] = [];
      (child as Link | LinkReference).children = unlink(child.children, calls);
      return [child, ...calls];
    }
    return [child];
  });
}

export function normalizeTree(tree: Root) {
  tree.children = place(tree.children as Nodes[]) as Root["children"];
}
