/**
 * The break decision: the page ends at the last allowed break where the text and the notes called above it fit; when that leaves more
 * than a fifth of it empty, the line that does not fit stays instead, and the first of its notes that does not fit is split overleaf.
 */
import type { Break } from "./breaks.ts";
import { EPS, type Point } from "./dom.ts";

/** Below this share of the page left empty, a page ends early rather than split a note. */
const SPLIT_WASTE = 0.2;

/** A note laid out in the page's foot while the decision is made. */
export interface FootNote {
  li: HTMLElement;
  /** Index of its first call among the page's calls. */
  call: number;
  /** Height of the foot down to this note's end. */
  height: number;
}

/** Where a page ends. */
export interface PageEnd {
  /** Index of the break the page ends at; -1 when none fits (the page keeps nothing of the text). */
  at: number;
  /** How many of the page's note calls stay on it: their notes stay at its foot, the others go back. */
  calls: number;
  /** A note that starts at this page's foot and continues on the next page, and where it is cut. */
  continues?: { note: HTMLElement; at: Point };
  /** Notes called on this page that start overleaf, after the one continued: they came with the same line and found no room. */
  moved: HTMLElement[];
  /** What stays is taller than the page, which would cut it off. */
  clipped?: boolean;
}

export interface PageRoom {
  /** The content area's height. */
  height: number;
  /** The foot's height before any note of this page (a note continued from the page before). */
  base: number;
  /** Where to split a note so that the foot, down to the split, is at most `room` high. */
  splitNote(li: HTMLElement, room: number): Point | undefined;
}

export function decidePageEnd(breaks: Break[], notes: FootNote[], page: PageRoom): PageEnd {
  const H = page.height;
  // The notes are in their calls' order: the foot down to the last one called above.
  const footFor = (callsAbove: number) => notes.filter((n) => n.call < callsAbove).pop()?.height ?? page.base;
  // The last break of each kind: allowed, avoided, kept shut (the last resort).
  const last = [-1, -1, -1];
  let firstTooLong = -1;
  let forced = -1;
  for (let i = 0; i < breaks.length; i++) {
    const b = breaks[i];
    if (b.y + footFor(b.calls) > H + EPS) {
      firstTooLong = i;
      break;
    }
    if (b.bare) continue;
    last[b.kept ? 2 : b.avoided ? 1 : 0] = i;
    if (b.forced && b.point) {
      forced = i;
      break;
    }
  }
  // Everything fits when no break is too long and the last one is the end; a last break with a place to cut is the last before what
  // starts below the page (the walk stopped there), and CSS's wishes hold there as anywhere.
  const fits = firstTooLong < 0 && !breaks[breaks.length - 1]?.point;
  let at = forced >= 0 ? forced : fits ? breaks.length - 1 : (last.find((i) => i >= 0) ?? -1);
  let overleaf: Overleaf = { moved: [] };
  if (firstTooLong >= 0 && forced < 0) {
    const used = at >= 0 ? breaks[at].y + footFor(breaks[at].calls) : 0;
    if (at < 0 || H - used > H * SPLIT_WASTE) {
      const split = splitArrivingNote(breaks, notes, firstTooLong, page);
      if (split) [at, overleaf] = [split.at, split];
    }
  }
  if (at < 0 && page.base === 0 && breaks.length) {
    // Not even the first line (or row) fits with its notes, and no note of the page before is at the foot: it goes here anyway
    // (unless it is taller than the page), and its notes fill the foot and go on overleaf: the text must move on.
    const first = breaks.findIndex((b) => !b.bare);
    at = first < 0 ? 0 : first;
    overleaf = { ...fitNotes(arriving(notes, 0, breaks[at].calls), H - breaks[at].y, page, true)!, clipped: breaks[at].y > H + EPS };
  }
  return { at, calls: at >= 0 ? breaks[at].calls : 0, ...overleaf };
}

type Overleaf = Pick<PageEnd, "continues" | "moved" | "clipped">;

const arriving = (notes: FootNote[], from: number, to: number) => notes.filter((n) => n.call >= from && n.call < to);

/**
 * The line that does not fit stays, with the notes that arrive with it: the page ends at the first allowed break after that line
 * (with no more calls above it), and the notes are fitted above it.
 */
function splitArrivingNote(breaks: Break[], notes: FootNote[], firstTooLong: number, page: PageRoom): (Overleaf & { at: number }) | undefined {
  const callsThen = breaks[firstTooLong].calls;
  const coming = arriving(notes, firstTooLong > 0 ? breaks[firstTooLong - 1].calls : 0, callsThen);
  if (!coming.length) return undefined;
  let end = firstTooLong;
  while (end < breaks.length && breaks[end].calls === callsThen && breaks[end].avoided) end++;
  if (end >= breaks.length || breaks[end].calls !== callsThen || breaks[end].y > page.height) return undefined;
  const fitted = fitNotes(coming, page.height - breaks[end].y, page, false);
  return fitted && { at: end, ...fitted };
}

/**
 * Notes in the foot's order fitted into `room`: the first reaching below it is split there, those after it start overleaf. One that
 * cannot be split starts overleaf too (`whole`), unless it is the first: then there is no fit (undefined).
 */
export function fitNotes(notes: Pick<FootNote, "li" | "height">[], room: number, page: Pick<PageRoom, "splitNote">, whole: boolean): Overleaf | undefined {
  const first = notes.findIndex((n) => n.height > room + EPS);
  if (first < 0) return { moved: [] };
  const at = page.splitNote(notes[first].li, room);
  if (!at && first === 0 && !whole) return undefined;
  return { continues: at && { note: notes[first].li, at }, moved: notes.slice(at ? first + 1 : first).map((n) => n.li) };
}
