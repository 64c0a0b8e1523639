/**
 * The document as a source of content: a detached tree, never laid out, from which each page takes chunks cut with DOM Ranges
 * (which clone the ancestors a cut goes through), and to which the rest of an overfull page goes back as a fragment.
 */
import { CLASS, chainOf, firstContent, type Flow, isBlank, isElement, lastContent, MONOLITHIC, originOf, type Point, unfill } from "./dom.ts";

export interface Source {
  /** What is left of the document. */
  rest: HTMLElement;
  /** Footnotes waiting for the page of their first call, by id (`note-N`). */
  pool: Map<string, HTMLElement>;
}

/** Take the document's body away as the source; with footnotes, its notes wait in the pool. */
export function takeSource(footnotes: boolean): Source {
  // Ordered lists keep counting across pages: every item gets its number as `value`.
  for (const ol of Array.from(document.querySelectorAll("ol"))) {
    const items = Array.from(ol.children).filter((c): c is HTMLLIElement => c.tagName === "LI");
    const reversed = ol.hasAttribute("reversed");
    let n = ol.hasAttribute("start") ? ol.start : reversed ? items.length : 1;
    for (const li of items) {
      if (li.hasAttribute("value")) n = li.value;
      else li.value = n;
      n += reversed ? -1 : 1;
    }
  }
  const pool = new Map<string, HTMLElement>();
  if (footnotes) {
    for (const section of Array.from(document.querySelectorAll("section.notes"))) {
      for (const li of Array.from(section.querySelectorAll<HTMLElement>(":scope > ol > li[id]"))) pool.set(li.id, li);
      section.remove();
    }
  }
  const rest = document.createElement("div");
  rest.append(...Array.from(document.body.childNodes));
  return { rest, pool };
}

/** Leaf blocks: a chunk of the source ends after one of these, never inside. */
const LEAVES = new Set([...MONOLITHIC, "P", "LI", "H1", "H2", "H3", "H4", "H5", "H6", "PRE", "DT", "DD", "TABLE", "FIGURE", "ADDRESS", "DETAILS"]);

/** The `count`th leaf block of `rest`, or undefined when it has fewer. */
function nthLeaf(rest: HTMLElement, count: number): Element | undefined {
  const walker = document.createTreeWalker(rest, NodeFilter.SHOW_ELEMENT);
  let seen = 0;
  for (let node = walker.nextNode() as Element | null; node;) {
    if (!LEAVES.has(node.tagName)) node = walker.nextNode() as Element | null;
    else if (++seen >= count) return node;
    else {
      // On past the leaf's own content.
      while (!walker.nextSibling()) if (!walker.parentNode()) return undefined;
      node = walker.currentNode as Element;
    }
  }
  return undefined;
}

/** Cut the first `count` leaf blocks (with their ancestors, cloned) off the source. */
export function takeChunk(flow: Flow, rest: HTMLElement, count: number): DocumentFragment {
  const last = nthLeaf(rest, count);
  if (!last) {
    flow.range.selectNodeContents(rest);
    return flow.range.extractContents();
  }
  const chain = chainOf(last.parentNode!, rest);
  flow.range.setStart(rest, 0);
  flow.range.setEndAfter(last);
  const chunk = flow.range.extractContents();
  // The chunk holds clones of the ancestors the cut went through: the first part of each,
  // so it takes the id; what stays in the source continues the element.
  let clone: Node = chunk;
  for (const source of chain) {
    clone = clone.lastChild!;
    flow.origin.set(clone, originOf(flow, source));
    if (source.id) {
      (clone as Element).id = source.id;
      source.removeAttribute("id");
    }
    source.classList.add(CLASS.continued);
  }
  for (let i = chain.length - 1; i >= 0 && isBlank(chain[i]); i--) chain[i].remove();
  return chunk;
}

/** Append `source`'s content to `target`, merging the first element into target's last when both are parts of one element. */
export function mergeAppend(flow: Flow, target: Node, source: Node) {
  const first = firstContent(source);
  const last = lastContent(target);
  if (isElement(first) && isElement(last) && originOf(flow, first) === originOf(flow, last)) {
    while (source.firstChild !== first) source.firstChild!.remove();
    mergeAppend(flow, last, first);
    if (first.id && !last.id) last.id = first.id;
    first.remove();
  }
  (target as Element).append(...Array.from(source.childNodes));
}

/** A table cut between rows keeps its columns: fixed layout, with the widths it has now. */
function freezeColumns(table: HTMLTableElement): number[] | undefined {
  const row = table.rows[0];
  if (!row) return undefined;
  const cells = Array.from(row.cells).map((c) => c.getBoundingClientRect().width);
  table.style.width = `${table.getBoundingClientRect().width}px`;
  table.style.tableLayout = "fixed";
  Array.from(row.cells).forEach((cell, i) => (cell.style.width = `${cells[i]}px`));
  return cells;
}

/** The continued part of a table: the header again (hidden from readers), the same column widths. */
function continueTable(table: HTMLTableElement, source: HTMLTableElement, cells: number[]) {
  const head = source.tHead;
  if (head && !table.tHead) {
    const copy = head.cloneNode(true) as HTMLElement;
    for (const withId of Array.from(copy.querySelectorAll("[id]"))) withId.removeAttribute("id");
    copy.setAttribute("aria-hidden", "true");
    table.insertBefore(copy, table.firstChild);
  }
  const row = table.rows[0];
  if (row) Array.from(row.cells).forEach((cell, i) => cells[i] !== undefined && (cell.style.width = `${cells[i]}px`));
}

/** A row cut inside: the cells that stayed keep their columns overleaf as empty cells (all of them when the cut is between cells). */
function keepColumns(chain: Element[], source: HTMLTableRowElement, row: HTMLElement) {
  const stayed = Array.from(source.cells);
  const through = chain.includes(stayed[stayed.length - 1]);
  for (const cell of stayed.slice(0, through ? -1 : undefined).reverse()) {
    const empty = cell.cloneNode(false) as HTMLElement;
    empty.removeAttribute("id");
    row.prepend(empty);
  }
}

/** Cut everything after `point` inside `root` off, as a fragment whose clones continue the elements cut. */
export function extractTail(flow: Flow, root: Element, point: Point): DocumentFragment {
  const chain = chainOf(point.node, root);
  const widths = new Map(chain.filter((el) => el.tagName === "TABLE").map((table) => [table, freezeColumns(table as HTMLTableElement)]));
  flow.range.setStart(point.node, point.offset);
  flow.range.setEnd(root, root.childNodes.length);
  const tail = flow.range.extractContents();
  if (point.hyphen && point.node.nodeType === Node.TEXT_NODE) (point.node as Text).appendData("-");
  let clone: Node = tail;
  const cut: [Element, HTMLElement][] = [];
  for (const source of chain) {
    clone = clone.firstChild!;
    const el = clone as HTMLElement;
    flow.origin.set(el, originOf(flow, source));
    el.removeAttribute("id");
    el.classList.add(CLASS.continued);
    el.classList.remove(CLASS.first);
    if (flow.filled.has(source as HTMLElement)) unfill(flow, el);
    if (source.tagName === "TABLE" || source.tagName === "TR") cut.push([source, el]);
  }
  // After the descent, which these change: a table continued gets its header again, a row cut inside its columns.
  for (const [source, el] of cut) {
    const cells = widths.get(source);
    if (cells) continueTable(el as HTMLTableElement, source as HTMLTableElement, cells);
    if (source.tagName === "TR") keepColumns(chain, source as HTMLTableRowElement, el);
  }
  for (const el of Array.from(tail.querySelectorAll<HTMLElement>("*"))) if (flow.filled.has(el)) unfill(flow, el);
  return tail;
}
