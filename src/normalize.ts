/**
 * Shapes GitHub's Markdown allows but no output can hold, made into ones all three can, once,
 * before notes are numbered (so the numbers stay GitHub's: nothing changes order):
 * - a note call in link text (`[the report[^1]](url)`) moves to just after the link: an HTML
 *   link cannot hold the call's own link, nor a Word hyperlink a footnote reference;
 * - a note call in an image's alt text (`![chart[^1]](c.png)`) follows the image, whose alt text
 *   keeps its words;
 * - a link inside link text (`[a report, <https://example.org/a>](url)`) gives up its own
 *   address and keeps its text, inside the outer link (HTML and Word have no link in a link).
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
