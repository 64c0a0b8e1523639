/**
 * Every place a page may end, from one layout of the page: between blocks, lines, items of a list in
 * columns and rows of a table, each with the height above it, its note calls and whether CSS avoids it.
 */
import { type Flow, indexIn, isBlank, isElement, lastContent, MONOLITHIC, type Point, style } from "./dom.ts";

/** A place where the page may end. */
export interface Break {
  /** Bottom of what stays on the page if it ends here, from the page's top. */
  y: number;
  /** Note calls above the break. */
  calls: number;
  /** CSS asks to avoid it: taken only when no other break fits. */
  avoided: boolean;
  /** Avoided because CSS keeps the blocks on either side together (break-before or -after): taken after every other avoided break. */
  kept?: boolean;
  /** CSS asks for a page break here. */
  forced?: boolean;
  /** Only a table's header is above it: a page ending here would keep nothing of the text (its header is repeated overleaf). */
  bare?: boolean;
  /** Where to cut; undefined for "after everything". */
  point?: () => Point | undefined;
}

function isBlockLevel(el: Element) {
  const d = style(el).display;
  return !d.startsWith("inline") && d !== "none" && d !== "contents" && !d.startsWith("ruby");
}
const hidden = (el: Element) => style(el).display === "none" || style(el).position === "absolute" || style(el).position === "fixed";
/** An empty block of no height (the notes' place when they go to the feet): no page ends before it, and it adds no margin. */
const empty = (el: Element) => isBlank(el) && !MONOLITHIC.has(el.tagName) && el.getBoundingClientRect().height === 0;
const avoids = (value: string) => value === "avoid" || value === "avoid-page";
const forces = (value: string) => ["page", "left", "right", "recto", "verso", "always"].includes(value);
/** `el`, or the last block at its end, asks to avoid a break after it. */
const avoidsAfter = (el: Node | null): boolean => isElement(el) && (avoids(style(el).breakAfter) || avoidsAfter(lastContent(el)));

/** A child to measure: a block element, or a run of inline content. */
type Kid = { el: HTMLElement } | { run: Node[] };
function kidsOf(el: Element): Kid[] {
  const kids: Kid[] = [];
  let run: Node[] | undefined;
  for (const node of Array.from(el.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (run) run.push(node);
      else if (/\S/.test((node as Text).data)) kids.push({ run: (run = [node]) });
    } else if (isElement(node)) {
      if (hidden(node) || empty(node)) continue;
      if (isBlockLevel(node)) {
        run = undefined;
        kids.push({ el: node });
      } else if (run) run.push(node);
      else kids.push({ run: (run = [node]) });
    }
  }
  return kids;
}
const nodeOf = (kid: Kid) => ("el" in kid ? kid.el : kid.run[0]);

/** Text nodes of `nodes`, in order. */
function textsOf(nodes: Node[]): Text[] {
  return nodes.flatMap((node) => {
    const texts = node.nodeType === Node.TEXT_NODE ? [node as Text] : [];
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) texts.push(text as Text);
    return texts;
  });
}

/** Line boxes, from the text on the baseline (superscripts would blur them), from `top`. */
function lineBoxes(range: Range, texts: Text[], top: number): { top: number; bottom: number }[] {
  const rects: { top: number; bottom: number }[] = [];
  for (const text of texts) {
    if (!/\S/.test(text.data)) continue;
    const tag = text.parentElement?.tagName;
    if (tag === "SUP" || tag === "SUB") continue;
    range.selectNodeContents(text);
    for (const r of Array.from(range.getClientRects())) if (r.height > 0) rects.push({ top: r.top - top, bottom: r.bottom - top });
  }
  rects.sort((a, b) => a.top - b.top);
  const boxes: { top: number; bottom: number }[] = [];
  for (const r of rects) {
    const line = boxes[boxes.length - 1];
    if (line && r.top < line.bottom - 0.5 * Math.min(r.bottom - r.top, line.bottom - line.top)) {
      line.top = Math.min(line.top, r.top);
      line.bottom = Math.max(line.bottom, r.bottom);
    } else boxes.push({ ...r });
  }
  return boxes;
}

/**
 * Every place `root` may break, top to bottom, up to the first beyond `stopAt`; `calls`: its note calls
 * in order. Lists in columns are filled to `columnsLimit`, and counted (they depend on it).
 */
export function breaksIn(
  flow: Flow,
  root: Element,
  top: number,
  calls: Element[],
  stopAt: number,
  columnsLimit: number,
): { breaks: Break[]; columnLists: number } {
  const finder = new BreakFinder(flow, top, calls, stopAt, columnsLimit);
  if (finder.block(root as HTMLElement, kidsOf(root), false)) finder.breaks.push({ y: finder.bottom, calls: calls.length, avoided: false });
  return { breaks: finder.breaks, columnLists: finder.columnLists };
}

/** The walk of `breaksIn`: each method returns false once past `stopAt` (the walk ends). */
class BreakFinder {
  breaks: Break[] = [];
  /** Bottom of what was walked so far, from the page's top. */
  bottom = -Infinity;
  columnLists = 0;
  #nextCall = 0;
  constructor(
    readonly flow: Flow,
    readonly top: number,
    readonly calls: Element[],
    readonly stopAt: number,
    readonly columnsLimit: number,
  ) {}

  callsBefore(node: Node): number {
    while (this.#nextCall < this.calls.length && node.compareDocumentPosition(this.calls[this.#nextCall]) & Node.DOCUMENT_POSITION_PRECEDING) this.#nextCall++;
    return this.#nextCall;
  }

  /** A break before `node`, what stays above it ending at `y`. */
  breakBefore(node: Node, y: number, avoided: boolean, forced?: boolean, bare?: boolean, kept?: boolean) {
    this.breaks.push({ y, calls: this.callsBefore(node), avoided, kept, forced, bare, point: () => ({ node: node.parentNode!, offset: indexIn(node) }) });
  }

  rectOf(kid: Kid): DOMRect {
    if ("el" in kid) return kid.el.getBoundingClientRect();
    this.flow.range.setStartBefore(kid.run[0]);
    this.flow.range.setEndAfter(kid.run[kid.run.length - 1]);
    return this.flow.range.getBoundingClientRect();
  }

  /** Lines of inline content (the nodes of `container`), with breaks between them. */
  lines(nodes: Node[], container: Element, avoid: boolean): boolean {
    const { calls, top, flow } = this;
    const texts = textsOf(nodes);
    const boxes = lineBoxes(flow.range, texts, top);
    if (boxes.length === 0) return true;
    const first = this.callsBefore(nodes[0]);
    let inside = first;
    while (inside < calls.length && nodes.some((n) => n === calls[inside] || n.contains(calls[inside]))) inside++;
    // A call is above a break when its middle is: a superscript stays inside its line.
    const middles = calls
      .slice(first, inside)
      .map((call) => call.getBoundingClientRect())
      .map((r) => (r.top + r.bottom) / 2);
    this.#nextCall = inside;
    const s = style(container);
    const orphans = Number.parseInt(s.orphans, 10) || 2;
    const widows = Number.parseInt(s.widows, 10) || 2;
    for (let i = 1; i < boxes.length; i++) {
      const threshold = (boxes[i - 1].bottom + boxes[i].top) / 2;
      this.breaks.push({
        y: Math.max(this.bottom, boxes[i - 1].bottom),
        calls: first + middles.filter((middle) => middle < threshold + top).length,
        avoided: avoid || i < orphans || boxes.length - i < widows,
        point: () => lineStart(flow.range, texts, threshold + top, container),
      });
      if (boxes[i].top > this.stopAt) return false;
    }
    this.bottom = Math.max(this.bottom, boxes[boxes.length - 1].bottom);
    return true;
  }

  /** Items of a list in columns, with breaks between them, filling the columns to the height left. */
  columns(el: HTMLElement, avoid: boolean): boolean {
    const { top, columnsLimit } = this;
    this.columnLists++;
    const box = el.getBoundingClientRect();
    if (box.bottom - top <= columnsLimit) return true; // fits, balanced
    el.style.height = `${Math.max(0, columnsLimit - (box.top - top))}px`;
    el.style.columnFill = "auto";
    this.flow.filled.add(el);
    // Columns that do not fit run on past the box's end: its right edge, or its left in a right-to-left list.
    const rtl = style(el).direction === "rtl";
    const { left, right } = el.getBoundingClientRect();
    const beyond = (r: DOMRect) => (rtl ? r.right <= left + 1 : r.left >= right - 1);
    const items = kidsOf(el);
    const orphans = Number.parseInt(style(el).orphans, 10) || 2;
    let prefix = this.bottom;
    for (let i = 0; i < items.length; i++) {
      const node = nodeOf(items[i]);
      const r = this.rectOf(items[i]);
      if (i > 0) this.breakBefore(node, prefix, avoid || i < orphans);
      if (beyond(r)) return false; // in an overflow column: not on this page
      prefix = Math.max(prefix, r.bottom - top);
    }
    this.bottom = Math.max(this.bottom, el.getBoundingClientRect().bottom - top);
    return true;
  }

  /** Rows of a table, with breaks between them (not right after the header). */
  rows(table: HTMLTableElement, avoid: boolean): boolean {
    const atTop = this.bottom === -Infinity; // nothing above the table on this page
    let previous: HTMLTableRowElement | undefined;
    for (const row of Array.from(table.rows)) {
      const r = row.getBoundingClientRect();
      if (previous && row.parentElement?.tagName === "TBODY") {
        const afterHead = previous.parentElement?.tagName === "THEAD";
        this.bottom = Math.max(this.bottom, previous.getBoundingClientRect().bottom - this.top);
        this.breakBefore(row, this.bottom, avoid || afterHead, false, atTop && afterHead);
        if (r.top - this.top > this.stopAt) return false;
      }
      // Cut inside only when it cannot move whole to the next page, unless it is taller than a page anyway.
      if (r.bottom - this.top > this.stopAt && row.parentElement?.tagName === "TBODY" && !this.cells(row, avoid || r.height <= this.stopAt)) return false;
      previous = row;
    }
    this.bottom = Math.max(this.bottom, table.getBoundingClientRect().bottom - this.top);
    return true;
  }

  /**
   * A row reaching past the page: breaks between the lines of its cells, the cells before the one cut staying whole and
   * those after it going overleaf.
   */
  cells(row: HTMLTableRowElement, avoid: boolean): boolean {
    // No break before a cell while the cells before it are empty (as overleaf of a cut, before the cell cut): the page would keep
    // nothing of the row and hand the same row on again.
    let holds = false;
    for (const cell of Array.from(row.cells)) {
      const kids = kidsOf(cell);
      if (holds) this.breakBefore(cell, this.bottom, avoid);
      holds ||= kids.length > 0;
      // A cell's box reaches the row's bottom: what follows it on the page is its content's bottom.
      if (!(kids.every((k) => "run" in k) ? this.lines(Array.from(cell.childNodes), cell, avoid) : this.block(cell, kids, avoid))) return false;
    }
    return true;
  }

  visit(el: HTMLElement, avoid: boolean): boolean {
    const s = style(el);
    const inside = avoid || avoids(s.breakInside);
    if (MONOLITHIC.has(el.tagName)) {
      this.bottom = Math.max(this.bottom, el.getBoundingClientRect().bottom - this.top);
      return true;
    }
    if (el.tagName === "TABLE") return this.rows(el as HTMLTableElement, inside);
    if (s.columnCount !== "auto" || s.columnWidth !== "auto") return this.columns(el, inside);
    const kids = kidsOf(el);
    if (kids.every((k) => "run" in k)) {
      const ok = this.lines(Array.from(el.childNodes), el, inside);
      this.bottom = Math.max(this.bottom, el.getBoundingClientRect().bottom - this.top);
      return ok;
    }
    return this.block(el, kids, inside);
  }

  /** The children of a block, with breaks between them. */
  block(el: HTMLElement, kids: Kid[], avoid: boolean): boolean {
    for (let i = 0; i < kids.length; i++) {
      const kid = kids[i];
      const node = nodeOf(kid);
      if (i > 0) {
        const prev = kids[i - 1];
        const keep = ("el" in prev && avoidsAfter(prev.el)) || ("el" in kid && avoids(style(kid.el).breakBefore));
        const forced = ("el" in prev && forces(style(prev.el).breakAfter)) || ("el" in kid && forces(style(kid.el).breakBefore));
        this.breakBefore(node, this.bottom, avoid || keep, forced, false, keep);
      }
      const r = this.rectOf(kid);
      if (r.top - this.top > this.stopAt) return false;
      const ok = "el" in kid ? this.visit(kid.el, avoid) : this.lines(kid.run, el, avoid);
      if (!ok) return false;
      this.bottom = Math.max(this.bottom, ("el" in kid ? kid.el.getBoundingClientRect() : r).bottom - this.top);
    }
    return true;
  }
}

const LETTERS = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** The first character of the line below `threshold` (a client y) in `texts`, as a point to cut at. */
function lineStart(range: Range, texts: Text[], threshold: number, container: Element): Point | undefined {
  /** Each character of the texts taken as one string: its text node and offset. */
  const chars = texts.flatMap((text) => Array.from({ length: text.data.length }, (_, offset) => [text, offset] as const));
  const total = chars.length;
  const middle = (g: number): number | undefined => {
    const [t, o] = chars[g];
    if (/\s/.test(t.data[o])) return undefined;
    range.setStart(t, o);
    range.setEnd(t, o + 1);
    const r = range.getClientRects()[0];
    return r && (r.width > 0 || r.height > 0) ? (r.top + r.bottom) / 2 : undefined;
  };
  /** Is character g on the line below? (Unmeasurable characters go with the next one.) */
  const below = (g: number): boolean => {
    for (let next = g; next < total; next++) {
      const m = middle(next);
      if (m !== undefined) return m > threshold;
    }
    return true;
  };
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (below(mid)) hi = mid;
    else lo = mid + 1;
  }
  while (lo < total && middle(lo) === undefined) lo++; // start at a character, not at the space before it
  if (lo <= 0 || lo >= total) return undefined;
  const [text, offset] = chars[lo];
  const [prevText, prevOffset] = chars[lo - 1];
  if (offset === 0) {
    // Cut before the outermost inline element this text starts, so that no empty copy of it stays behind.
    let node: Node = text;
    while (node.parentNode && node.parentNode !== container && !node.previousSibling) node = node.parentNode;
    return { node: node.parentNode!, offset: indexIn(node) };
  }
  // A word cut in two (no hyphenation dictionary: only overlong words are) gets a hyphen; a URL does not.
  const hyphen = prevText === text && LETTERS.test(prevText.data[prevOffset]) && LETTERS.test(text.data[offset]) && !text.parentElement?.closest("a");
  return { node: text, offset, hyphen };
}
