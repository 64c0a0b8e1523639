/**
 * Pagination measured in the page: run by Puppeteer inside Chromium (`page.evaluate(paginate,
 * options)`) after the document is loaded for print and before `page.pdf()`. It lays the
 * document out into explicit page boxes, one `div.bs-page` per sheet, each exactly the size of
 * the @page content area read from the document's own print CSS (templates/print.css, and the
 * per-document `@page{size:…}` rule), so that Chromium's printing puts one box on each sheet and
 * still draws the @page margin boxes (running head, "n / N").
 *
 * How a page is made:
 *
 * 1. Content is taken from what is left of the document (a detached tree) in chunks sized from
 *    what the page still lacks, cut with DOM Ranges (which clone the ancestors a cut goes
 *    through), until the page box overflows: a little more than a page is laid out per page, so
 *    the work is linear in the document.
 * 2. One layout of that page gives every possible break: between blocks, and between the lines
 *    of a paragraph (line boxes from the text's client rects), each with the height of what
 *    would stay on the page, the number of note calls above it and whether CSS discourages it
 *    (`break-after: avoid` on headings, `break-inside: avoid`, `orphans`/`widows`).
 * 3. The page keeps the last allowed break at which the text and the notes of the calls above
 *    it fit together: each note (`li#note-N` of the notes section) whose first call may fall on
 *    the page is moved into the page's foot (`aside.bs-foot`), all measured in one layout, and
 *    those whose calls end up on the next page go back. A note that arrives with a line that does
 *    not fit, when ending the page before that line would leave more than a fifth of it empty (or
 *    nothing on it), is split between lines instead and continues at the top of the next page's
 *    foot, marked "N (cont.)" by templates/print.css.
 * 4. The rest is cut off with a Range and carried to the next page; ids stay on the first part
 *    of a split element, so links keep their targets.
 *
 * A list set in columns (`ul.signatories`) is laid out in the page with `column-fill: auto` and
 * the height left, and breaks between items only (never inside a name); in a right-to-left
 * letter its columns, like the page-foot notes, run from the right. A table breaks between
 * rows, repeating its header, with its column widths frozen.
 *
 * This function is serialised and run in the page: it may use nothing from outside its body.
 */

export interface PaginateOptions {
  /** `footnotes`: each note at the foot of the page of its first call; `endnotes`: the notes section flows at the end. */
  notes: "footnotes" | "endnotes";
  /** Time the steps (result.profile). */
  profile?: boolean;
}

export interface PaginateResult {
  /** Page boxes made: the PDF must have exactly this many pages. */
  pages: number;
  /** For each page, the notes that start at its foot (footnotes only). */
  notesByPage: number[][];
  /** Notes that continue on a following page. */
  continued: number[];
  /** Pages whose content could not be made to fit (a block taller than a page): clipped at the page edge. */
  overflows: number[];
  /** Notes whose call was never placed (must be empty). */
  lost: string[];
  /** Time spent, in ms. */
  ms: number;
  /** Time per step, in ms, when asked for. */
  profile?: Record<string, number>;
  /** The sheet and its margins, in CSS px, as read from the @page rules. */
  geometry: { width: number; height: number; top: number; right: number; bottom: number; left: number };
}

export function paginate(options: PaginateOptions): PaginateResult {
  const started = performance.now();
  const PAGE = "bs-page";
  const BODY = "bs-body";
  const FOOT = "bs-foot";
  const CONT = "bs-cont";
  const FIRST = "bs-first";
  /** Rounding slack in CSS px. */
  const EPS = 0.5;
  /** Below this share of the page left empty, a page ends early rather than split a note. */
  const SPLIT_WASTE = 0.2;
  const footnotes = options.notes === "footnotes";
  const HOLD_ID = "bs-hold-layout";

  // The document was loaded with its layout held (see `holdLayout`): nothing was laid out yet.
  document.getElementById(HOLD_ID)?.remove();

  /* ---------------------------------------------------------------- page geometry from @page */

  const UNITS: Record<string, number> = { px: 1, mm: 96 / 25.4, cm: 96 / 2.54, in: 96, pt: 96 / 72, pc: 16, q: 96 / 101.6 };
  const toPx = (value: string): number | undefined => {
    const m = /^(-?\d*\.?\d+)([a-z]*)$/i.exec(value.trim());
    if (!m) return undefined;
    const unit = UNITS[(m[2] || "px").toLowerCase()];
    return unit === undefined ? undefined : Number(m[1]) * unit;
  };
  const PAPER: Record<string, [number, number]> = {
    a5: [148 * UNITS.mm, 210 * UNITS.mm],
    a4: [210 * UNITS.mm, 297 * UNITS.mm],
    a3: [297 * UNITS.mm, 420 * UNITS.mm],
    b5: [176 * UNITS.mm, 250 * UNITS.mm],
    b4: [250 * UNITS.mm, 353 * UNITS.mm],
    "jis-b5": [182 * UNITS.mm, 257 * UNITS.mm],
    "jis-b4": [257 * UNITS.mm, 364 * UNITS.mm],
    letter: [8.5 * 96, 11 * 96],
    legal: [8.5 * 96, 14 * 96],
    ledger: [11 * 96, 17 * 96],
  };
  let size = "";
  const margin: Record<string, string> = { top: "0", right: "0", bottom: "0", left: "0" };
  const readRules = (rules: CSSRuleList) => {
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSMediaRule) {
        if (matchMedia(rule.media.mediaText).matches) readRules(rule.cssRules);
      } else if (rule instanceof CSSPageRule && rule.selectorText.trim() === "") {
        size = rule.style.getPropertyValue("size") || size;
        for (const side of Object.keys(margin)) margin[side] = rule.style.getPropertyValue(`margin-${side}`) || margin[side];
      }
    }
  };
  for (const sheet of Array.from(document.styleSheets)) {
    if (sheet.disabled || (sheet.media.mediaText && !matchMedia(sheet.media.mediaText).matches)) continue;
    readRules(sheet.cssRules);
  }
  let [pageWidth, pageHeight] = PAPER.letter; // what Chromium prints when no size is given
  const words = size.toLowerCase().split(/\s+/).filter(Boolean);
  const lengths = words.map(toPx).filter((n): n is number => n !== undefined);
  const named = words.find((w) => PAPER[w]);
  if (named) [pageWidth, pageHeight] = PAPER[named];
  else if (lengths.length) [pageWidth, pageHeight] = [lengths[0], lengths[1] ?? lengths[0]];
  if (words.includes("landscape") !== pageWidth > pageHeight && (words.includes("landscape") || words.includes("portrait"))) [pageWidth, pageHeight] = [pageHeight, pageWidth];
  const side = (name: string) => {
    const px = toPx(margin[name]);
    if (px === undefined) throw new Error(`@page margin-${name}: ${margin[name]} is not a length broadside can read (use mm, cm, in, pt or px)`);
    return px;
  };
  // A hair less than the content area: Chromium rounds the sheet to whole points.
  const W = Math.floor(pageWidth - side("left") - side("right") - EPS);
  const H = Math.floor(pageHeight - side("top") - side("bottom") - 1);
  if (!(W > 50 && H > 50)) throw new Error(`The @page content area (${W}×${H} px) is too small to print in`);

  /* ------------------------------------------------------------------------------ the source */

  // Ordered lists keep counting across pages: every item gets its number as `value`.
  for (const ol of Array.from(document.querySelectorAll("ol"))) {
    const items = Array.from(ol.children).filter((c): c is HTMLLIElement => c.tagName === "LI");
    const reversed = ol.hasAttribute("reversed");
    let n = ol.hasAttribute("start") ? (ol as HTMLOListElement).start : reversed ? items.length : 1;
    for (const li of items) {
      if (li.hasAttribute("value")) n = li.value;
      else li.value = n;
      n += reversed ? -1 : 1;
    }
  }

  // Footnotes: the notes leave the notes section and wait in a pool for the page of their first call.
  const pool = new Map<string, HTMLElement>();
  if (footnotes) {
    for (const section of Array.from(document.querySelectorAll("section.notes"))) {
      for (const li of Array.from(section.querySelectorAll(":scope > ol > li[id]"))) pool.set(li.id, li as HTMLElement);
      section.remove();
    }
  }

  // What is left of the document: a detached tree, never laid out.
  const rest = document.createElement("div");
  rest.append(...Array.from(document.body.childNodes));

  /* ----------------------------------------------------------------------------- DOM helpers */

  /** Which original element a clone made by a Range cut stands for. */
  const origin = new WeakMap<Node, Node>();
  const originOf = (node: Node) => origin.get(node) ?? node;
  const isBlankText = (node: Node) => node.nodeType === Node.COMMENT_NODE || (node.nodeType === Node.TEXT_NODE && !/\S/.test((node as Text).data));
  const firstContent = (parent: Node): Node | null => {
    let node = parent.firstChild;
    while (node && isBlankText(node)) node = node.nextSibling;
    return node;
  };
  const lastContent = (parent: Node): Node | null => {
    let node = parent.lastChild;
    while (node && isBlankText(node)) node = node.previousSibling;
    return node;
  };
  const isElement = (node: Node | null): node is HTMLElement => node?.nodeType === Node.ELEMENT_NODE;
  const isBlank = (el: Element) => !el.firstElementChild && !/\S/.test(el.textContent ?? "");
  const indexIn = (node: Node) => Array.prototype.indexOf.call(node.parentNode!.childNodes, node) as number;
  /** Elements from just below `root` down to the element holding `node` (itself, if an element). */
  const chainOf = (node: Node, root: Node): Element[] => {
    const chain: Element[] = [];
    for (let n: Node | null = isElement(node) ? node : node.parentNode; n && n !== root; n = n.parentNode) chain.unshift(n as Element);
    return chain;
  };
  const range = document.createRange();

  /** Leaf blocks: a chunk of the source ends after one of these, never inside. */
  const LEAVES = new Set(["P", "LI", "H1", "H2", "H3", "H4", "H5", "H6", "PRE", "HR", "DT", "DD", "TABLE", "FIGURE", "IMG", "SVG", "svg", "VIDEO", "ADDRESS", "DETAILS"]);

  /** Cut the first `count` leaf blocks (with their ancestors, cloned) off the source. */
  function takeChunk(count: number): DocumentFragment {
    let last: Element | null = null;
    let seen = 0;
    let node: Node | null = rest.firstChild;
    walk: while (node) {
      if (isElement(node)) {
        if (LEAVES.has(node.tagName)) {
          last = node;
          if (++seen >= count) break;
        } else if (node.firstChild) {
          node = node.firstChild;
          continue;
        }
      }
      while (!node.nextSibling) {
        node = node.parentNode;
        if (!node || node === rest) break walk;
      }
      node = node.nextSibling;
    }
    if (seen < count || !last) {
      range.selectNodeContents(rest);
      return range.extractContents();
    }
    const chain = chainOf(last.parentNode!, rest);
    range.setStart(rest, 0);
    range.setEndAfter(last);
    const chunk = range.extractContents();
    // The chunk holds clones of the ancestors the cut went through: the first part of each,
    // so it takes the id; what stays in the source continues the element.
    let clone: Node = chunk;
    for (const source of chain) {
      clone = clone.lastChild!;
      origin.set(clone, originOf(source));
      if (source.id) {
        (clone as Element).id = source.id;
        source.removeAttribute("id");
      }
      source.classList.add(CONT);
    }
    for (let i = chain.length - 1; i >= 0 && isBlank(chain[i]); i--) chain[i].remove();
    return chunk;
  }

  /** Append `source`'s content to `target`, merging the first element into target's last when both are parts of one element. */
  function mergeAppend(target: Node, source: Node) {
    const first = firstContent(source);
    const last = lastContent(target);
    if (isElement(first) && isElement(last) && originOf(first) === originOf(last)) {
      while (source.firstChild !== first) source.firstChild!.remove();
      mergeAppend(last, first);
      if (first.id && !last.id) last.id = first.id;
      first.remove();
    }
    (target as Element).append(...Array.from(source.childNodes));
  }

  interface Point {
    node: Node;
    offset: number;
    /** A word was split: the first part gets a hyphen. */
    hyphen?: boolean;
  }

  const filled = new Set<HTMLElement>(); // multi-column lists set to the page's height
  let columnsSeen = 0; // multi-column lists met while measuring a page

  /** Cut everything after `point` inside `root` off, as a fragment whose clones continue the elements cut. */
  function extractTail(root: Element, point: Point): DocumentFragment {
    const chain = chainOf(point.node, root);
    const widths = new Map<Element, number[]>();
    for (const el of chain) {
      if (el.tagName !== "TABLE") continue;
      // A table cut between rows keeps its columns: fixed layout, with the widths it has now.
      const table = el as HTMLTableElement;
      const row = table.rows[0];
      if (!row) continue;
      const cells = Array.from(row.cells).map((c) => c.getBoundingClientRect().width);
      widths.set(table, cells);
      table.style.width = `${table.getBoundingClientRect().width}px`;
      table.style.tableLayout = "fixed";
      Array.from(row.cells).forEach((cell, i) => (cell.style.width = `${cells[i]}px`));
    }
    range.setStart(point.node, point.offset);
    range.setEnd(root, root.childNodes.length);
    const tail = range.extractContents();
    if (point.hyphen && point.node.nodeType === Node.TEXT_NODE) (point.node as Text).appendData("-");
    let clone: Node = tail;
    for (const source of chain) {
      clone = clone.firstChild!;
      const el = clone as HTMLElement;
      origin.set(el, originOf(source));
      el.removeAttribute("id");
      el.classList.add(CONT);
      el.classList.remove(FIRST);
      if (filled.has(source as HTMLElement)) {
        el.style.removeProperty("height");
        el.style.removeProperty("column-fill");
      }
      const cells = widths.get(source);
      if (cells) {
        const table = el as unknown as HTMLTableElement;
        const head = (source as HTMLTableElement).tHead;
        if (head && !table.tHead) {
          const copy = head.cloneNode(true) as HTMLElement;
          for (const withId of Array.from(copy.querySelectorAll("[id]"))) withId.removeAttribute("id");
          copy.setAttribute("aria-hidden", "true");
          table.insertBefore(copy, table.firstChild);
        }
        const row = table.rows[0];
        if (row) Array.from(row.cells).forEach((cell, i) => cells[i] !== undefined && (cell.style.width = `${cells[i]}px`));
      }
    }
    for (const el of Array.from(tail.querySelectorAll<HTMLElement>("*"))) {
      if (filled.has(el)) {
        el.style.removeProperty("height");
        el.style.removeProperty("column-fill");
        filled.delete(el);
      }
    }
    return tail;
  }

  /** The first block on a page keeps no top margin (a margin at a page break is truncated). */
  function markTop(body: Element) {
    let node = firstContent(body);
    while (isElement(node)) {
      node.classList.add(FIRST);
      node = firstContent(node);
    }
  }

  /* ------------------------------------------------------------------------------ the pages */

  interface Page {
    box: HTMLElement;
    body: HTMLElement;
    foot?: HTMLElement;
    list?: HTMLOListElement;
    top: number;
  }

  function newPage(): Page {
    const box = document.createElement("div");
    box.className = PAGE;
    box.style.width = `${W}px`;
    box.style.height = `${H}px`;
    const body = document.createElement("div");
    body.className = BODY;
    box.append(body);
    document.body.append(box);
    return { box, body, top: 0 };
  }

  function footOf(page: Page): HTMLOListElement {
    if (!page.list) {
      // An <aside>: a tagged PDF marks it as a structure element of its own (Aside), so that a
      // reader tells the page's notes from a list of its body (src/verify/pdf.ts).
      page.foot = document.createElement("aside");
      page.foot.className = FOOT;
      page.list = document.createElement("ol");
      page.foot.append(page.list);
      page.box.append(page.foot);
    }
    return page.list;
  }
  const footHeight = (page: Page) => (page.list?.firstChild ? page.foot!.getBoundingClientRect().height : 0);

  /* ------------------------------------------------------------------------------ measuring */

  interface Candidate {
    /** Bottom of what stays on the page if it breaks here, from the page's top. */
    y: number;
    /** Note calls above the break. */
    calls: number;
    /** 0: allowed; 1: CSS asks to avoid it (used only when no allowed break fits). */
    tier: number;
    forced?: boolean;
    /** Where to cut; undefined for "after everything". */
    point?: () => Point | undefined;
  }

  const styles = new WeakMap<Element, CSSStyleDeclaration>();
  const style = (el: Element) => {
    let s = styles.get(el);
    if (!s) styles.set(el, (s = getComputedStyle(el)));
    return s;
  };
  const INLINE = new Set(["A", "EM", "STRONG", "B", "I", "U", "S", "DEL", "INS", "SUP", "SUB", "SPAN", "CODE", "KBD", "SAMP", "VAR", "ABBR", "CITE", "Q", "SMALL", "MARK", "BR", "WBR", "TIME", "DFN", "BDI", "BDO", "RUBY", "LABEL"]);
  const MONOLITHIC = new Set(["IMG", "SVG", "svg", "VIDEO", "CANVAS", "IFRAME", "OBJECT", "EMBED", "HR", "MATH", "math"]);
  const isBlockLevel = (el: Element) => {
    if (INLINE.has(el.tagName)) return false;
    const d = style(el).display;
    return !d.startsWith("inline") && d !== "none" && d !== "contents" && !d.startsWith("ruby");
  };
  const hidden = (el: Element) => !INLINE.has(el.tagName) && (style(el).display === "none" || style(el).position === "absolute" || style(el).position === "fixed");
  const avoids = (value: string) => value === "avoid" || value === "avoid-page";
  const forces = (value: string) => ["page", "left", "right", "recto", "verso", "always"].includes(value);
  const avoidsAfter = (el: Element): boolean => {
    for (let e: Element | null = el; e; e = lastContent(e) as Element | null) {
      if (!isElement(e)) break;
      if (avoids(style(e).breakAfter)) return true;
    }
    return false;
  };
  const LETTERS = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

  type Kid = { el: HTMLElement } | { run: Node[] };
  function kidsOf(el: Element): Kid[] {
    const kids: Kid[] = [];
    let run: Node[] | undefined;
    for (const node of Array.from(el.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (run) run.push(node);
        else if (/\S/.test((node as Text).data)) kids.push({ run: (run = [node]) });
      } else if (isElement(node)) {
        if (hidden(node)) continue;
        if (isBlockLevel(node)) {
          run = undefined;
          kids.push({ el: node });
        } else if (run) run.push(node);
        else kids.push({ run: (run = [node]) });
      }
    }
    return kids;
  }

  /**
   * Every place the content of `root` may break, top to bottom, up to the first beyond `stopAt`.
   * `calls` are the note calls inside root, in document order.
   */
  function candidatesIn(root: Element, top: number, calls: Element[], stopAt: number, columnsLimit: number): Candidate[] {
    const found: Candidate[] = [];
    let bottom = -Infinity;
    let nextCall = 0;
    const callsBefore = (node: Node) => {
      while (nextCall < calls.length && node.compareDocumentPosition(calls[nextCall]) & Node.DOCUMENT_POSITION_PRECEDING) nextCall++;
      return nextCall;
    };
    const before = (node: Node) => () => ({ node: node.parentNode!, offset: indexIn(node) });
    const rectOf = (kid: Kid) => {
      if ("el" in kid) return kid.el.getBoundingClientRect();
      range.setStartBefore(kid.run[0]);
      range.setEndAfter(kid.run[kid.run.length - 1]);
      return range.getBoundingClientRect();
    };

    /** Lines of inline content (the nodes of `container`), with breaks between them. */
    function lines(nodes: Node[], container: Element, avoid: boolean): boolean {
      const texts: Text[] = [];
      for (const node of nodes) {
        if (node.nodeType === Node.TEXT_NODE) texts.push(node as Text);
        else if (isElement(node)) {
          const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
          for (let t = walker.nextNode(); t; t = walker.nextNode()) texts.push(t as Text);
        }
      }
      // Line boxes from the text on the baseline (superscripts would blur them).
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
      if (boxes.length === 0) return true;
      // Calls inside, by line.
      const first = callsBefore(nodes[0]);
      let inside = first;
      while (inside < calls.length && nodes.some((n) => n === calls[inside] || n.contains(calls[inside]))) inside++;
      const callLine = calls.slice(first, inside).map((call) => {
        const r = call.getBoundingClientRect();
        const middle = (r.top + r.bottom) / 2 - top;
        let best = 0;
        let distance = Infinity;
        boxes.forEach((b, i) => {
          const d = middle < b.top ? b.top - middle : middle > b.bottom ? middle - b.bottom : 0;
          if (d < distance) [best, distance] = [i, d];
        });
        return best;
      });
      nextCall = inside;
      const s = style(container);
      const orphans = Number.parseInt(s.orphans, 10) || 2;
      const widows = Number.parseInt(s.widows, 10) || 2;
      for (let i = 1; i < boxes.length; i++) {
        const tier = avoid || i < orphans || boxes.length - i < widows ? 1 : 0;
        const threshold = (boxes[i - 1].bottom + boxes[i].top) / 2;
        found.push({
          y: Math.max(bottom, boxes[i - 1].bottom),
          calls: first + callLine.filter((l) => l < i).length,
          tier,
          point: () => lineStart(texts, threshold + top, container),
        });
        if (boxes[i].top > stopAt) return false;
      }
      bottom = Math.max(bottom, boxes[boxes.length - 1].bottom);
      return true;
    }

    /** Items of a multi-column list, with breaks between them, filling the columns to the height left. */
    function columns(el: HTMLElement, avoid: boolean): boolean {
      columnsSeen++;
      const box = el.getBoundingClientRect();
      if (box.bottom - top <= columnsLimit) return true; // fits, balanced
      el.style.height = `${Math.max(0, columnsLimit - (box.top - top))}px`;
      el.style.columnFill = "auto";
      filled.add(el);
      // Columns that do not fit run on past the box's end: its right edge, or its left in a right-to-left list.
      const rtl = style(el).direction === "rtl";
      const { left, right } = el.getBoundingClientRect();
      const beyond = (r: DOMRect) => (rtl ? r.right <= left + 1 : r.left >= right - 1);
      const items = kidsOf(el);
      const orphans = Number.parseInt(style(el).orphans, 10) || 2;
      let prefix = bottom;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const node = "el" in item ? item.el : item.run[0];
        const r = rectOf(item);
        if (i > 0) found.push({ y: prefix, calls: callsBefore(node), tier: avoid || i < orphans ? 1 : 0, point: before(node) });
        if (beyond(r)) return false; // in an overflow column: not on this page
        prefix = Math.max(prefix, r.bottom - top);
      }
      bottom = Math.max(bottom, el.getBoundingClientRect().bottom - top);
      return true;
    }

    /** Rows of a table, with breaks between them (not right after the header). */
    function rows(table: HTMLTableElement, avoid: boolean): boolean {
      let previous: HTMLTableRowElement | undefined;
      for (const row of Array.from(table.rows)) {
        const r = row.getBoundingClientRect();
        const section = row.parentElement?.tagName;
        if (previous && section === "TBODY") {
          const afterHead = previous.parentElement?.tagName === "THEAD";
          found.push({ y: Math.max(bottom, previous.getBoundingClientRect().bottom - top), calls: callsBefore(row), tier: avoid || afterHead ? 1 : 0, point: before(row) });
          if (r.top - top > stopAt) return false;
        }
        previous = row;
      }
      bottom = Math.max(bottom, table.getBoundingClientRect().bottom - top);
      return true;
    }

    function visit(el: HTMLElement, avoid: boolean): boolean {
      const s = style(el);
      const inside = avoid || avoids(s.breakInside);
      if (MONOLITHIC.has(el.tagName)) {
        bottom = Math.max(bottom, el.getBoundingClientRect().bottom - top);
        return true;
      }
      if (el.tagName === "TABLE") return rows(el as HTMLTableElement, inside);
      if (s.columnCount !== "auto" || s.columnWidth !== "auto") return columns(el, inside);
      const kids = kidsOf(el);
      if (kids.every((k) => "run" in k)) {
        const ok = lines(Array.from(el.childNodes), el, inside);
        bottom = Math.max(bottom, el.getBoundingClientRect().bottom - top);
        return ok;
      }
      return block(el, kids, inside);
    }

    function block(el: HTMLElement, kids: Kid[], avoid: boolean): boolean {
      for (let i = 0; i < kids.length; i++) {
        const kid = kids[i];
        const node = "el" in kid ? kid.el : kid.run[0];
        if (i > 0) {
          const prev = kids[i - 1];
          const keep = ("el" in prev && avoidsAfter(prev.el)) || ("el" in kid && avoids(style(kid.el).breakBefore));
          const force = ("el" in prev && forces(style(prev.el).breakAfter)) || ("el" in kid && forces(style(kid.el).breakBefore));
          found.push({ y: bottom, calls: callsBefore(node), tier: avoid || keep ? 1 : 0, forced: force, point: before(node) });
        }
        const r = rectOf(kid);
        if (r.top - top > stopAt) return false;
        const ok = "el" in kid ? visit(kid.el, avoid) : lines(kid.run, el, avoid);
        if (!ok) return false;
        bottom = Math.max(bottom, ("el" in kid ? kid.el.getBoundingClientRect() : r).bottom - top);
      }
      return true;
    }

    if (block(root as HTMLElement, kidsOf(root), false)) found.push({ y: bottom, calls: calls.length, tier: 0 });
    return found;
  }

  /** The first character of the line below `threshold` (a client y), as a point to cut at. */
  function lineStart(texts: Text[], threshold: number, container: Element): Point | undefined {
    const starts: number[] = [];
    let total = 0;
    for (const t of texts) {
      starts.push(total);
      total += t.data.length;
    }
    const at = (g: number): [Text, number] => {
      let lo = 0;
      let hi = texts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= g) lo = mid;
        else hi = mid - 1;
      }
      return [texts[lo], g - starts[lo]];
    };
    const middle = (g: number): number | undefined => {
      const [t, o] = at(g);
      if (o >= t.data.length || /\s/.test(t.data[o])) return undefined;
      range.setStart(t, o);
      range.setEnd(t, Math.min(t.data.length, o + 1));
      const r = range.getClientRects()[0];
      return r && (r.width > 0 || r.height > 0) ? (r.top + r.bottom) / 2 : undefined;
    };
    /** Is character g on the line below? (Unmeasurable characters go with the next one.) */
    const below = (g: number): boolean => {
      for (let k = g; k < total; k++) {
        const m = middle(k);
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
    const [text, offset] = at(lo);
    const [prevText, prevOffset] = at(lo - 1);
    const previous = prevText.data[prevOffset];
    const next = text.data[offset];
    if (offset === 0) {
      // Cut before the outermost inline element this text starts, so that no empty copy of it stays behind.
      let node: Node = text;
      while (node.parentNode && node.parentNode !== container && !node.previousSibling) node = node.parentNode;
      return { node: node.parentNode!, offset: indexIn(node) };
    }
    // A word cut in two (no hyphenation dictionary: only overlong words are) gets a hyphen; a URL does not.
    const hyphen = prevText === text && LETTERS.test(previous) && LETTERS.test(next) && !text.parentElement?.closest("a");
    return { node: text, offset, hyphen };
  }

  /* --------------------------------------------------------------------------- making pages */

  const result: PaginateResult = {
    pages: 0,
    notesByPage: [],
    continued: [],
    overflows: [],
    lost: [],
    ms: 0,
    geometry: { width: pageWidth, height: pageHeight, top: side("top"), right: side("right"), bottom: side("bottom"), left: side("left") },
  };
  let carry: DocumentFragment | undefined;
  let carryNote: HTMLElement | undefined;
  /** Leaf blocks in a page's first chunk; later chunks are sized from what the page still lacks. */
  const FIRST_CHUNK = 6;
  const profile: Record<string, number> = {};
  const time = <T>(what: string, run: () => T): T => {
    if (!options.profile) return run();
    const t = performance.now();
    const value = run();
    profile[what] = (profile[what] ?? 0) + performance.now() - t;
    return value;
  };
  const noteOf = (call: Element) => (call.getAttribute("href") ?? "").slice(1);

  function fill(page: Page) {
    let marked = false;
    if (carry) {
      page.body.append(carry);
      carry = undefined;
      markTop(page.body);
      marked = true;
    }
    // Take about what the page still lacks, estimated from the height per block so far: only a
    // little more than a page is ever laid out, and only the overflow is laid out again.
    let taken = 0;
    let size = FIRST_CHUNK;
    while (rest.firstChild) {
      if (marked) {
        const height = time("fill", () => page.body.getBoundingClientRect().height);
        if (height > H) break;
        if (taken > 0 && height > 0) size = Math.max(2, Math.ceil(((taken * (H - height)) / height) * 1.15));
      }
      mergeAppend(page.body, takeChunk(size));
      taken += size;
      if (!marked) markTop(page.body);
      marked = true;
    }
  }

  /** Where to split the note `li` so that the foot, down to the split, is at most `room` px high. */
  function splitNote(page: Page, li: HTMLElement, room: number): Point | undefined {
    const footTop = page.foot!.getBoundingClientRect().top - page.top;
    const padding = Number.parseFloat(style(page.foot!).paddingBottom) || 0;
    let chosen: Candidate | undefined;
    for (const c of candidatesIn(li, page.top, [], Infinity, Infinity)) {
      if (!c.point || c.y - footTop + padding > room + EPS) break;
      if (c.tier === 0) chosen = c;
    }
    return chosen?.point?.();
  }

  function continuation(li: HTMLElement, point: Point): HTMLElement {
    const copy = li.cloneNode(false) as HTMLElement;
    copy.removeAttribute("id");
    copy.classList.add(CONT);
    copy.append(extractTail(li, point));
    markTop(copy);
    return copy;
  }

  const toPool = (li: HTMLElement) => {
    li.remove();
    pool.set(li.id, li);
  };

  /** Decide where the page ends and which notes it carries; cut the rest off for the next page. */
  function layOut(page: Page) {
    page.top = page.box.getBoundingClientRect().top;
    const calls = footnotes ? Array.from(page.body.querySelectorAll("sup.note-call > a[href^='#note-']")) : [];
    const placed: number[] = [];
    result.notesByPage.push(placed);
    const base = footHeight(page); // a note continued from the page before
    if (base > H) {
      // A continued note longer than a whole page: this page is all note.
      const li = page.list!.firstElementChild as HTMLElement;
      const point = splitNote(page, li, H);
      if (point) {
        carryNote = continuation(li, point);
        result.continued.push(Number(li.getAttribute("value")));
      } else result.overflows.push(result.pages);
      range.selectNodeContents(page.body);
      carry = range.extractContents();
      return;
    }
    let columnsLimit = H - base;
    for (let attempt = 0; ; attempt++) {
      columnsSeen = 0;
      const found = time("measure", () => candidatesIn(page.body, page.top, calls, H, columnsLimit));
      // The notes that may come onto this page: those called above the first break where the
      // text alone would not fit. One layout of the foot with all of them gives the height of
      // the foot down to each.
      let reach = calls.length;
      for (const c of found) {
        if (c.y + base > H + EPS) {
          reach = c.calls;
          break;
        }
      }
      const notes: { li: HTMLElement; call: number; height: number }[] = [];
      for (let i = 0; i < reach; i++) {
        const li = pool.get(noteOf(calls[i]));
        if (!li) continue;
        footOf(page).append(li);
        pool.delete(li.id);
        notes.push({ li, call: i, height: 0 });
      }
      if (notes.length) {
        time("notes", () => {
          const footTop = page.foot!.getBoundingClientRect().top;
          const padding = Number.parseFloat(style(page.foot!).paddingBottom) || 0;
          for (const n of notes) n.height = n.li.getBoundingClientRect().bottom - footTop + padding;
        });
      }
      const footFor = (callsAbove: number) => {
        let h = base;
        for (const n of notes) if (n.call < callsAbove) h = n.height;
        return h;
      };

      // The last allowed break at which text and notes fit.
      let best0 = -1;
      let best1 = -1;
      let firstBad = -1;
      let forced = -1;
      for (let k = 0; k < found.length; k++) {
        const c = found[k];
        if (c.y + footFor(c.calls) > H + EPS) {
          firstBad = k;
          break;
        }
        if (c.tier === 0) best0 = k;
        else best1 = k;
        if (c.forced && c.point) {
          forced = k;
          break;
        }
      }
      let k = forced >= 0 ? forced : firstBad < 0 ? found.length - 1 : best0 >= 0 ? best0 : best1;
      // A note that arrives with the line that does not fit, when ending the page before that
      // line would leave much of it empty (or nothing would be on it): the line stays, and the
      // note starts here and continues on the next page.
      let split: { li: HTMLElement; point: Point } | undefined;
      if (firstBad >= 0 && forced < 0) {
        const callsBefore = firstBad > 0 ? found[firstBad - 1].calls : 0;
        const arriving = notes.filter((n) => n.call >= callsBefore && n.call < found[firstBad].calls);
        const used = k >= 0 ? found[k].y + footFor(found[k].calls) : 0;
        if (arriving.length && (k < 0 || H - used > H * SPLIT_WASTE)) {
          const callsThen = found[firstBad].calls;
          let ks = firstBad;
          while (ks < found.length && found[ks].calls === callsThen && found[ks].tier !== 0) ks++;
          if (ks < found.length && found[ks].calls === callsThen && found[ks].y <= H) {
            const li = arriving[arriving.length - 1].li;
            const point = splitNote(page, li, H - found[ks].y);
            if (point) {
              k = ks;
              split = { li, point };
            }
          }
        }
      }
      if (k < 0 && base === 0) {
        k = 0; // not even the first line fits: it goes here anyway, clipped
        result.overflows.push(result.pages);
      }
      const keep = k >= 0 ? found[k].calls : 0;
      for (const n of notes) if (n.call >= keep) toPool(n.li);
      // A list in columns was measured at the height left without these notes: measure again.
      const limit = H - footHeight(page);
      if (!split && attempt < 3 && Math.abs(limit - columnsLimit) > EPS && columnsSeen > 0) {
        for (const n of notes) if (n.call < keep) toPool(n.li);
        for (const el of Array.from(filled)) {
          if (!page.body.contains(el)) continue;
          el.style.removeProperty("height");
          el.style.removeProperty("column-fill");
          filled.delete(el);
        }
        columnsLimit = limit;
        continue;
      }
      for (const n of notes) if (n.call < keep) placed.push(Number(n.li.getAttribute("value")));
      if (split) {
        carryNote = continuation(split.li, split.point);
        result.continued.push(Number(split.li.getAttribute("value")));
      }
      const point = k >= 0 ? found[k].point?.() : { node: page.body, offset: 0 };
      if (point) carry = time("cut", () => extractTail(page.body, point));
      if (k >= 0 && found[k].y + footHeight(page) > H + 1) result.overflows.push(result.pages);
      return;
    }
  }

  for (;;) {
    if (!rest.firstChild && !carry && !carryNote) break;
    const page = newPage();
    fill(page);
    if (carryNote) {
      footOf(page).prepend(carryNote);
      carryNote = undefined;
    }
    layOut(page);
    result.pages++;
    if (!firstContent(page.body) && !page.list?.firstChild) {
      // Nothing could be placed: stop rather than loop for ever.
      page.box.remove();
      result.pages--;
      result.overflows.push(result.pages);
      if (carry) document.body.append(carry);
      carry = undefined;
      carryNote = undefined;
      break;
    }
    if (page.list && !page.list.firstChild) {
      page.foot!.remove();
      page.list = undefined;
    }
    if (result.pages > 100_000) throw new Error("pagination did not end");
  }
  result.lost = Array.from(pool.keys());
  result.ms = performance.now() - started;
  if (options.profile) result.profile = profile;
  return result;
}

/* ------------------------------------------------------------------------------------------ */
/* Node side                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** The part of a Puppeteer page this needs. */
interface EvaluatingPage {
  evaluate<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
  evaluate(expression: string): Promise<unknown>;
}

/**
 * The document to load for pagination: the HTML compiler's, with one rule that keeps its body
 * from being laid out as one long page first (`paginate` removes it before it lays out pages).
 * That first layout would be thrown away, and done twice: once with fallback fonts, once more
 * when the inlined fonts arrive.
 */
export function holdLayout(html: string): string {
  const hold = `<style id="bs-hold-layout">body>*{display:none!important}</style>`;
  const head = html.search(/<\/head>/i);
  return head < 0 ? hold + html : html.slice(0, head) + hold + html.slice(head);
}

/**
 * Lay out the document in `page` (set for print media, loaded with `holdLayout`) into page
 * boxes. Works with the page's own JavaScript off: DevTools evaluation is not page script.
 */
export async function paginatePage(page: EvaluatingPage, options: PaginateOptions): Promise<PaginateResult> {
  // A transform with esbuild's keepNames (the tests') wraps inner functions in `__name(fn, "name")`:
  // the page gets a do-nothing `__name` so that the serialised function runs there.
  await page.evaluate("globalThis.__name ??= (fn) => fn");
  // Measure with the fonts that will print: the HTML inlines only the faces it uses, so all of them.
  await page.evaluate(() => Promise.all(Array.from(document.fonts, (face) => face.load().catch(() => undefined))).then(() => undefined));
  const result = await page.evaluate(paginate, options);
  if (result.lost.length) throw new Error(`broadside's pagination left out ${result.lost.join(", ")} (no call to them was placed on a page): please report this with the source`);
  return result;
}

/**
 * Let Chromium lay the document out into pages itself, as it prints (a vertical edition): takes
 * away the rule `holdLayout` added. No page boxes are made, so no pages are counted (`pages: 0`);
 * the geometry has the @page margins, for the named destinations.
 */
export async function releaseLayout(page: EvaluatingPage): Promise<PaginateResult> {
  await page.evaluate("globalThis.__name ??= (fn) => fn");
  const margins = await page.evaluate(() => {
    document.getElementById("bs-hold-layout")?.remove();
    const mm = 96 / 25.4;
    const found = { top: 0, right: 0, bottom: 0, left: 0 };
    const read = (rules: CSSRuleList) => {
      for (const rule of Array.from(rules)) {
        if (rule instanceof CSSMediaRule && matchMedia(rule.media.mediaText).matches) read(rule.cssRules);
        else if (rule instanceof CSSPageRule && rule.selectorText.trim() === "") {
          for (const side of ["top", "right", "bottom", "left"] as const) {
            const value = /^([\d.]+)mm$/.exec(rule.style.getPropertyValue(`margin-${side}`).trim());
            if (value) found[side] = Number(value[1]) * mm;
          }
        }
      }
    };
    for (const sheet of Array.from(document.styleSheets)) if (!sheet.media.mediaText || matchMedia(sheet.media.mediaText).matches) read(sheet.cssRules);
    return found;
  });
  await page.evaluate(() => Promise.all(Array.from(document.fonts, (face) => face.load().catch(() => undefined))).then(() => undefined));
  return { pages: 0, notesByPage: [], continued: [], overflows: [], lost: [], ms: 0, geometry: { ...margins, width: 0, height: 0 } };
}

/** Pages in a PDF Chromium wrote (no object streams): its /Type /Page objects. */
export function countPdfPages(pdf: Uint8Array): number {
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}
