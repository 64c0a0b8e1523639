/**
 * The break decision: the page ends at the last allowed break where the text and the notes called above it fit; when that leaves more
 * than a fifth of it empty, the note arriving with the first line that does not fit is split instead, to continue overleaf.
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
  const footFor = (callsAbove: number) => {
    let h = page.base;
    for (const n of notes) if (n.call < callsAbove) h = n.height;
    return h;
  };
  let lastAllowed = -1;
  let lastAvoided = -1;
  let firstTooLong = -1;
  let forced = -1;
  for (let i = 0; i < breaks.length; i++) {
    const b = breaks[i];
    if (b.y + footFor(b.calls) > H + EPS) {
      firstTooLong = i;
      break;
    }
    if (b.avoided) lastAvoided = i;
    else lastAllowed = i;
    if (b.forced && b.point) {
      forced = i;
      break;
    }
  }
  let at = forced >= 0 ? forced : firstTooLong < 0 ? breaks.length - 1 : lastAllowed >= 0 ? lastAllowed : lastAvoided;
  let continues: PageEnd["continues"];
  if (firstTooLong >= 0 && forced < 0) {
    const used = at >= 0 ? breaks[at].y + footFor(breaks[at].calls) : 0;
    if (at < 0 || H - used > H * SPLIT_WASTE) {
      const split = splitArrivingNote(breaks, notes, firstTooLong, page);
      if (split) [at, continues] = [split.at, split.continues];
    }
  }
  // Not even the first line fits, and there is no note on the page: it goes here anyway, clipped.
  if (at < 0 && page.base === 0) at = 0;
  return { at, calls: at >= 0 ? breaks[at].calls : 0, continues };
}

/**
 * The line that does not fit stays, with the note that arrives with it: the page ends at the first allowed break after that line
 * (with no more calls above it), and the note is split to fit above it.
 */
function splitArrivingNote(breaks: Break[], notes: FootNote[], firstTooLong: number, page: PageRoom): Pick<PageEnd, "at" | "continues"> | undefined {
  const callsBefore = firstTooLong > 0 ? breaks[firstTooLong - 1].calls : 0;
  const callsThen = breaks[firstTooLong].calls;
  const arriving = notes.filter((n) => n.call >= callsBefore && n.call < callsThen);
  if (!arriving.length) return undefined;
  let end = firstTooLong;
  while (end < breaks.length && breaks[end].calls === callsThen && breaks[end].avoided) end++;
  if (end >= breaks.length || breaks[end].calls !== callsThen || breaks[end].y > page.height) return undefined;
  const note = arriving[arriving.length - 1].li;
  const at = page.splitNote(note, page.height - breaks[end].y);
  return at && { at: end, continues: { note, at } };
}
