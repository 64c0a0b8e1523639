/**
 * Reading a built HTML page back, as a browser shows it. Calls: the links in `sup.note-call` outside
 * the notes, showing their text, leading to the notes-list item their `href` names (or holding it).
 * Notes: the items of the top-level lists of `section.notes`, numbered as a browser prints them
 * (`value`, else `start` and place, `reversed` counting down; a number out of place is reported),
 * their text less the back links, whose arrow and occurrence number no other format has.
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import { matches, selectAll } from "hast-util-select";
import { visit } from "unist-util-visit";
import { collapseSpace, type NoteCall, type Reading } from "./reading.ts";

type Node = Root | RootContent | ElementContent;

const isElement = (node: Node, tag?: string): node is Element => node.type === "element" && (tag === undefined || node.tagName === tag);

/** Elements whose content a browser does not show as text. */
const NOT_TEXT = new Set(["script", "style", "template", "svg", "math", "head", "noscript"]);
/** Elements that end a line of text: a space separates their text from what follows. */
const BLOCKS = new Set("p div li ol ul br blockquote pre table tr td th h1 h2 h3 h4 h5 h6 section dd dt figure figcaption".split(" "));

/** The text a browser shows for a node, `skip` left out. */
function textOf(node: Node, skip: (el: Element) => boolean = () => false): string {
  if (node.type === "text") return node.value;
  if (node.type !== "element" && node.type !== "root") return "";
  if (node.type === "element" && (NOT_TEXT.has(node.tagName) || node.properties.hidden === true || skip(node))) return "";
  const inner = node.children.map((child) => textOf(child, skip)).join("");
  return node.type === "element" && BLOCKS.has(node.tagName) ? ` ${inner} ` : inner;
}

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
  const parents = new Map<Element, Element>();
  visit(tree, "element", (el, _, parent) => {
    if (parent?.type === "element") parents.set(el, parent);
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

  // The notes, as a browser numbers them.
  const notes = new Map<number, string>();
  const itemNumber = new Map<Element, number>();
  for (const section of sections) {
    for (const ol of topLevelLists(section)) {
      const lis = ol.children.filter((child): child is Element => isElement(child, "li"));
      const reversed = ol.properties.reversed === true;
      let next = integer(ol.properties.start) ?? (reversed ? lis.length : 1);
      for (const li of lis) {
        const number = integer(li.properties.value) ?? next;
        next = reversed ? number - 1 : number + 1;
        const place = itemNumber.size + 1;
        itemNumber.set(li, number);
        if (number !== place) problems.push({ note: number, reason: `the HTML prints note ${number} in place ${place} of the notes list` });
        if (notes.has(number)) problems.push({ note: number, reason: `the HTML prints two notes numbered ${number}` });
        else notes.set(number, collapseSpace(textOf(li, isBackLink)));
      }
    }
  }

  // The calls, and where each leads.
  const noteAt = (el: Element | undefined): number | undefined => {
    for (let at = el; at; at = parents.get(at)) if (itemNumber.has(at)) return itemNumber.get(at);
    return undefined;
  };
  const calls: NoteCall[] = callLinks.map((a) => {
    const shown = collapseSpace(textOf(a));
    const href = String(a.properties.href ?? "");
    const number = href.startsWith("#") ? noteAt(byId.get(safeDecode(href.slice(1)))) : undefined;
    return { shown, leadsTo: number === undefined ? undefined : { number, shown: String(number) } };
  });
  const root = tree.children.find((node): node is Element => isElement(node) && node.tagName === "html");
  return { format: "html", calls, notes, problems, rightToLeft: root?.properties.dir === "rtl" };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
