/**
 * Pagination in the page before Chromium prints (the browser script `broadsidePaginate`). Each page box (./page.ts) is filled from the
 * source (./source.ts) until it overflows, a little more than a page at a time, so the work is linear. One layout gives every place
 * the page may end (./breaks.ts), one more the notes called above them; ./decide.ts picks the end, and the rest goes overleaf.
 */
import { breaksIn } from "./breaks.ts";
import { decidePageEnd, type FootNote, type PageEnd } from "./decide.ts";
import { EPS, firstContent, type Flow, markTop, newFlow, type Point, unfill } from "./dom.ts";
import { type PageGeometry, readPageGeometry } from "./geometry.ts";
import { continuation, footEdges, footHeight, newPage, type Page } from "./page.ts";
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

/** What a page hands on to the next: the text that did not fit, the rest of a note split at its foot. */
type Overleaf = { text?: DocumentFragment; note?: HTMLElement };

/** One run: the source and the content area's height. */
interface Run extends Source {
  flow: Flow;
  height: number;
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
  let pages = 0;
  const run: Run = { ...takeSource(options.notes === "footnotes"), flow: newFlow(), height };
  let overleaf: Overleaf = {};
  while (run.rest.firstChild || overleaf.text || overleaf.note) {
    const page = newPage(width, height);
    fill(run, page, overleaf.text);
    if (overleaf.note) page.list.prepend(overleaf.note);
    overleaf = layOut(run, page);
    if (!firstContent(page.body) && !page.list.firstChild) {
      // Nothing could be placed: stop rather than loop for ever.
      page.box.remove();
      if (overleaf.text) document.body.append(overleaf.text);
      break;
    }
    if (!page.list.firstChild) page.foot.remove();
    if (++pages > 100_000) throw new Error("pagination did not end");
  }
  const lost = Array.from(run.pool.keys()).join(", ");
  if (lost) throw new Error(`broadside's pagination left out ${lost} (no call to them was placed on a page): please report this with the source`);
  return { pages, geometry };
}

/** Leaf blocks in a page's first chunk; later chunks are sized from what the page still lacks. */
const FIRST_CHUNK = 6;

/** Fill the page's body until it overflows: what the page before carried over, then chunks of the source. */
function fill(run: Run, page: Page, carried: DocumentFragment | undefined) {
  if (carried) page.body.append(carried);
  else if (run.rest.firstChild) mergeAppend(run.flow, page.body, takeChunk(run.flow, run.rest, FIRST_CHUNK));
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
    taken += size;
  }
}

/** Where to split the note `li` so that the foot, down to the split, is at most `room` px high. */
function splitNote(run: Run, page: Page, li: HTMLElement, room: number): Point | undefined {
  const foot = footEdges(page);
  const footTop = foot.top - page.top;
  let chosen: (() => Point | undefined) | undefined;
  for (const b of breaksIn(run.flow, li, page.top, [], Infinity, Infinity).breaks) {
    if (!b.point || b.y - footTop + foot.padding > room + EPS) break;
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
  const foot = notes.length ? footEdges(page) : undefined;
  for (const n of notes) n.height = n.li.getBoundingClientRect().bottom - foot!.top + foot!.padding;
  return notes;
}

const toPool = (run: Run, li: HTMLElement) => {
  li.remove();
  run.pool.set(li.id, li);
};
/** A note continued from the page before that is longer than this whole page: the page is all note. */
function allNote(run: Run, page: Page): Overleaf {
  const li = page.list.firstElementChild as HTMLElement;
  const point = splitNote(run, page, li, run.height);
  const note = point && continuation(run.flow, li, point);
  run.flow.range.selectNodeContents(page.body);
  return { note, text: run.flow.range.extractContents() };
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
    if (!end.continues && attempt < 3 && Math.abs(limit - columnsLimit) > EPS && columnLists > 0) {
      for (const n of notes) if (n.call < end.calls) toPool(run, n.li);
      for (const el of Array.from(run.flow.filled)) if (page.body.contains(el)) unfill(run.flow, el);
      columnsLimit = limit;
      continue;
    }
    const note = end.continues && continuation(run.flow, end.continues.note, end.continues.at);
    const point = end.at >= 0 ? breaks[end.at].point?.() : { node: page.body, offset: 0 };
    const text = point && extractTail(run.flow, page.body, point);
    return { text, note };
  }
}
