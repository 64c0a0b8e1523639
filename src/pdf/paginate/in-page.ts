/**
 * Pagination in the page before Chromium prints (the browser script `broadsidePaginate`): each page box (./page.ts) is filled from the
 * source (./source.ts) a little more than a page at a time (linear work); ./breaks.ts and ./decide.ts say where it ends.
 */
import { breaksIn } from "./breaks.ts";
import { decidePageEnd, fitNotes, type FootNote, type PageEnd } from "./decide.ts";
import { EPS, firstContent, type Flow, isElement, markTop, newFlow, type Point, unfill } from "./dom.ts";
import { type PageGeometry, readPageGeometry } from "./geometry.ts";
import { continuation, footHeight, footTo, newPage, type Page } from "./page.ts";
import { extractTail, mergeAppend, type Source, takeChunk, takeSource } from "./source.ts";

export interface PaginateOptions {
  /** `footnotes`: each note at the foot of the page of its first call; `endnotes`: the notes section flows at the end. */
  notes: "footnotes" | "endnotes";
}

export interface PaginateResult {
  /** Page boxes made: the PDF must have exactly this many pages. */
  pages: number;
  /** The sheet and its margins, in CSS px, as read from the @page rules. */
  geometry: PageGeometry;
}

/**
 * What a page hands on to the next: the text that did not fit, the rest of a note split at its foot and notes called on it that start
 * overleaf; or what the page would cut off at its foot (a block or note taller than a page, with no place to break).
 */
export type Overleaf = { text?: DocumentFragment; notes: HTMLElement[]; clipped?: Element };

/** One run: the source, the content area's height, and how many chunks were taken from the source. */
interface Run extends Source {
  flow: Flow;
  height: number;
  taken: number;
}

/** What a page that made no progress throws, followed by a {@link Stuck} as JSON: the Node side (./index.ts) reads it. */
export const STUCK = "broadside-pagination-stuck:";
/**
 * Where pagination stopped making progress, or would cut something off (`clipped`): the page, the id of the first note call, or the
 * number of the first note, left for it (or cut off), and its first words.
 */
export interface Stuck {
  page: number;
  call?: string;
  note?: number;
  text: string;
  clipped?: boolean;
}

/** Every font face loaded, then the body let out of the rule `holdLayout` (./index.ts) added: it is laid out once, with the fonts that will print. */
export async function release(): Promise<PageGeometry> {
  await Promise.all(Array.from(document.fonts, (face) => face.load().catch(() => undefined)));
  document.getElementById("bs-hold-layout")?.remove();
  return readPageGeometry();
}

export async function paginate(options: PaginateOptions): Promise<PaginateResult> {
  const geometry = await release();
  // A hair less than the content area: Chromium rounds the sheet to whole points.
  const width = Math.floor(geometry.width - geometry.left - geometry.right - EPS);
  const height = Math.floor(geometry.height - geometry.top - geometry.bottom - 1);
  if (!(width > 50 && height > 50)) throw new Error(`The @page content area (${width}×${height} px) is too small to print in`);
  document.documentElement.style.setProperty("--bs-area-height", `${height}px`); // images are scaled to it (templates/print.css)
  let pages = 0;
  const run: Run = { ...takeSource(options.notes === "footnotes"), flow: newFlow(), height, taken: 0 };
  const progress = new Progress();
  let overleaf: Overleaf = { notes: [] };
  while (run.rest.firstChild || overleaf.text || overleaf.notes.length) {
    const page = newPage(width, height);
    fill(run, page, overleaf.text);
    page.list.prepend(...overleaf.notes);
    overleaf = layOut(run, page);
    if (overleaf.clipped) throw new Error(STUCK + JSON.stringify({ ...stuckAt(pages + 1, overleaf.clipped, []), clipped: true }));
    if (!firstContent(page.body) && !page.list.firstChild) {
      // Nothing could be placed: stop rather than loop for ever.
      page.box.remove();
      if (overleaf.text) document.body.append(overleaf.text);
      break;
    }
    if (!page.list.firstChild) page.foot.remove();
    progress.check(`${run.taken} ${run.pool.size}`, overleaf, ++pages);
  }
  const lost = Array.from(run.pool.keys()).join(", ");
  if (lost) throw new Error(`broadside's pagination left out ${lost} (no call to them was placed on a page): please report this with the source`);
  return { pages, geometry };
}

/**
 * The bound on the work: the source and the pool only shrink, and between two takes from them what a page hands on may never come
 * back (the same state makes the same page again) and such pages are no more than its characters and elements; else it stops.
 */
export class Progress {
  #taken = "";
  #seen = new Set<string>();
  #left = 0;

  /** After page `page`: `taken` changes whenever the page took from the source or the pool, `overleaf` is what it hands on. */
  check(taken: string, overleaf: Overleaf, page: number) {
    const parts: Node[] = overleaf.text ? [overleaf.text, ...overleaf.notes] : overleaf.notes;
    if (taken !== this.#taken) {
      [this.#taken, this.#left] = [taken, parts.reduce((n, part) => n + (part.textContent?.length ?? 0) + elements(part), 2)];
      this.#seen.clear();
    }
    const state = parts.map((part) => new XMLSerializer().serializeToString(part)).join("\n");
    if (this.#seen.has(state) || --this.#left < 0) throw new Error(STUCK + JSON.stringify(stuckAt(page, overleaf.text, overleaf.notes)));
    this.#seen.add(state);
  }
}

const elements = (node: Node) => (isElement(node) ? 1 : 0) + (node as Element | DocumentFragment).querySelectorAll("*").length;

/** Where a page stops: the first note call `block` holds, else the note (the first of `notes`, or `block` itself), and its first words. */
function stuckAt(page: number, block: DocumentFragment | Element | undefined, notes: Element[]): Stuck {
  const call = block?.querySelector("sup.note-call > a[id]")?.id;
  const note = Number((notes[0] ?? (isElement(block ?? null) ? block : undefined))?.getAttribute("data-note")) || undefined;
  const text = (block ?? notes[0])?.textContent ?? "";
  return { page, call, note: call ? undefined : note, text: text.replace(/\s+/g, " ").trim().slice(0, 60) };
}

/** Leaf blocks in a page's first chunk; later chunks are sized from what the page still lacks. */
const FIRST_CHUNK = 6;

/** Fill the page's body until it overflows: what the page before carried over, then chunks of the source. */
function fill(run: Run, page: Page, carried: DocumentFragment | undefined) {
  if (carried) page.body.append(carried);
  else if (run.rest.firstChild) {
    mergeAppend(run.flow, page.body, takeChunk(run.flow, run.rest, FIRST_CHUNK));
    run.taken++;
  }
  markTop(page.body);
  // Take about what the page still lacks, estimated from the height per block so far: only a
  // little more than a page is ever laid out, and only the overflow is laid out again.
  let taken = carried ? 0 : FIRST_CHUNK;
  let size = FIRST_CHUNK;
  while (run.rest.firstChild) {
    const height = page.body.getBoundingClientRect().height;
    if (height > run.height) break;
    if (taken > 0 && height > 0) size = Math.max(2, Math.ceil(((taken * (run.height - height)) / height) * 1.15));
    mergeAppend(run.flow, page.body, takeChunk(run.flow, run.rest, size));
    run.taken++;
    taken += size;
  }
}

/** Where to split the note `li` so that the foot, down to the split, is at most `room` px high. */
function splitNote(run: Run, page: Page, li: HTMLElement, room: number): Point | undefined {
  const down = footTo(page);
  let chosen: (() => Point | undefined) | undefined;
  for (const b of breaksIn(run.flow, li, page.top, [], Infinity, Infinity).breaks) {
    if (!b.point || down(b.y + page.top) > room + EPS) break;
    if (!b.avoided) chosen = b.point;
  }
  return chosen?.();
}

/** Move the pool's notes of the first `reach` calls into the page's foot, and measure the foot down to each. */
function notesToFoot(run: Run, page: Page, calls: Element[], reach: number): FootNote[] {
  const notes: FootNote[] = [];
  for (let i = 0; i < reach; i++) {
    const li = run.pool.get((calls[i].getAttribute("href") ?? "").slice(1));
    if (!li) continue;
    page.list.append(li);
    run.pool.delete(li.id);
    notes.push({ li, call: i, height: 0 });
  }
  const down = footTo(page);
  for (const n of notes) n.height = down(n.li.getBoundingClientRect().bottom);
  return notes;
}

const toPool = (run: Run, li: HTMLElement) => {
  li.remove();
  run.pool.set(li.id, li);
};
/** Notes handed on from the page before that are longer than this whole page: the page is all note. */
function allNote(run: Run, page: Page): Overleaf {
  const down = footTo(page);
  const carried = Array.from(page.list.children as HTMLCollectionOf<HTMLElement>, (li) => ({ li, height: down(li.getBoundingClientRect().bottom) }));
  const fit = fitNotes(carried, run.height, { splitNote: (li, room) => splitNote(run, page, li, room) }, false);
  if (!fit) return { notes: [], clipped: carried[0].li }; // the first one cannot be split
  const notes = overleafNotes(run, fit);
  run.flow.range.selectNodeContents(page.body);
  return { notes, text: run.flow.range.extractContents() };
}

/** The notes a page hands on: the rest of the one split at its foot, then those that start overleaf (taken off this page). */
function overleafNotes(run: Run, { continues, moved }: Pick<PageEnd, "continues" | "moved">): HTMLElement[] {
  for (const li of moved) li.remove();
  return continues ? [continuation(run.flow, continues.note, continues.at), ...moved] : moved;
}

/** Decide where the page ends and which notes it carries; cut the rest off for the next page. */
function layOut(run: Run, page: Page): Overleaf {
  const H = run.height;
  page.top = page.box.getBoundingClientRect().top;
  // Calls count while notes wait for their page (never with endnotes).
  const calls = run.pool.size ? Array.from(page.body.querySelectorAll("sup.note-call > a[href^='#note-']")) : [];
  const base = footHeight(page); // a note continued from the page before
  if (base > H) return allNote(run, page);
  let columnsLimit = H - base;
  for (let attempt = 0; ; attempt++) {
    const { breaks, columnLists } = breaksIn(run.flow, page.body, page.top, calls, H, columnsLimit);
    // The notes that may come onto this page: those called above the first break where the text
    // alone would not fit. One layout of the foot with all of them gives its height down to each.
    const tooLong = breaks.find((b) => b.y + base > H + EPS);
    const notes = notesToFoot(run, page, calls, tooLong ? tooLong.calls : calls.length);
    const end: PageEnd = decidePageEnd(breaks, notes, { height: H, base, splitNote: (li, room) => splitNote(run, page, li, room) });
    for (const n of notes) if (n.call >= end.calls) toPool(run, n.li);
    // A list in columns was measured at the height left without these notes: measure again.
    const limit = H - footHeight(page);
    if (!end.continues && !end.moved.length && attempt < 3 && Math.abs(limit - columnsLimit) > EPS && columnLists > 0) {
      for (const n of notes) if (n.call < end.calls) toPool(run, n.li);
      for (const el of Array.from(run.flow.filled)) if (page.body.contains(el)) unfill(run.flow, el);
      columnsLimit = limit;
      continue;
    }
    const notesOverleaf = overleafNotes(run, end);
    const point = end.at >= 0 ? breaks[end.at].point?.() : { node: page.body, offset: 0 };
    const text = point && extractTail(run.flow, page.body, point);
    return { text, notes: notesOverleaf, clipped: end.clipped ? page.body : undefined };
  }
}
