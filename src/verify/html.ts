/**
 * Reading a built HTML page back, as a browser shows it. Calls: the links in `sup.note-call` outside the notes, leading to
 * the notes-list item their `href` names or holds. Notes: the items of `section.notes`'s top-level lists, numbered as a
 * browser prints them (`value`, `start`, `reversed`), less the back links, whose arrow and number no other format has.
 */
import type { Element, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import { matches, selectAll } from "hast-util-select";
import { toText } from "hast-util-to-text";
import { visit } from "unist-util-visit";
import { collapseSpace, type NoteCall, type Reading } from "./reading.ts";

const isElement = (node: RootContent, tag?: string): node is Element => node.type === "element" && (tag === undefined || node.tagName === tag);

/** The text a browser shows for an element (none when it is hidden), white space collapsed. */
const textOf = (el: Element) => (el.properties.hidden === true ? "" : collapseSpace(toText(el)));

function integer(value: unknown): number | undefined {
  const text = String(value ?? "").trim();
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** The `ol` lists of a notes section that are not nested inside a note. */
function topLevelLists(node: Element): Element[] {
  return node.children.flatMap((child) => {
    if (!isElement(child) || child.tagName === "li") return [];
    return child.tagName === "ol" ? [child] : topLevelLists(child);
  });
}

export function readHtmlText(html: string): Reading {
  const tree = fromHtml(html);
  const problems: Reading["problems"] = [];

  // Ids of everything, so that a link can be followed, and the call links.
  const byId = new Map<string, Element>();
  visit(tree, "element", (el) => {
    const id = el.properties.id;
    if (id !== undefined && id !== null && !byId.has(String(id))) byId.set(String(id), el);
  });
  const inNotes = new Set(selectAll("section.notes section.notes, section.notes a", tree));
  const sections = selectAll("section.notes", tree).filter((section) => !inNotes.has(section));
  const callLinks = selectAll("sup.note-call a", tree).filter((a) => !inNotes.has(a));

  const callIds = new Set(callLinks.map((a) => String(a.properties.id ?? "")).filter(Boolean));
  const isBackLink = (el: Element) => {
    if (el.tagName !== "a") return false;
    const href = String(el.properties.href ?? "");
    return matches("[role~=doc-backlink]", el) || (href.startsWith("#") && callIds.has(safeDecode(href.slice(1))));
  };

  // The notes, as a browser numbers them, and the note each element of theirs is in.
  const notes = new Map<number, string>();
  const noteOf = new Map<Element, number>();
  let place = 0;
  for (const section of sections) {
    for (const ol of topLevelLists(section)) {
      const lis = ol.children.filter((child): child is Element => isElement(child, "li"));
      const reversed = ol.properties.reversed === true;
      let next = integer(ol.properties.start) ?? (reversed ? lis.length : 1);
      for (const li of lis) {
        const number = integer(li.properties.value) ?? next;
        next = reversed ? number - 1 : number + 1;
        place++;
        if (number !== place) problems.push({ note: number, reason: `the HTML prints note ${number} in place ${place} of the notes list` });
        visit(li, "element", (el) => void noteOf.set(el, number));
        // Back links are left out of the note's text.
        visit(li, "element", (el, index, parent) => {
          if (!isBackLink(el) || !parent || index === undefined) return;
          parent.children.splice(index, 1);
          return index;
        });
        if (notes.has(number)) problems.push({ note: number, reason: `the HTML prints two notes numbered ${number}` });
        else notes.set(number, textOf(li));
      }
    }
  }

  // The calls, and where each leads.
  const calls: NoteCall[] = callLinks.map((a) => {
    const shown = textOf(a);
    const href = String(a.properties.href ?? "");
    const target = href.startsWith("#") ? byId.get(safeDecode(href.slice(1))) : undefined;
    const number = target && noteOf.get(target);
    return { shown, leadsTo: number === undefined ? undefined : { number, shown: String(number) } };
  });
  const root = tree.children.find((node): node is Element => isElement(node, "html"));
  return { format: "html", calls, notes, problems, rightToLeft: root?.properties.dir === "rtl" };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
