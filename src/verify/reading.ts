/**
 * What a reader of a built document sees of its notes, whatever the format. The readers know file formats and the few
 * conventions a person reading relies on; they import nothing from the compilers or the numbering pass.
 */

export type Format = "html" | "pdf" | "docx";

export const FORMAT_NAMES: Record<Format, string> = { html: "HTML", pdf: "PDF", docx: "DOCX" };

/** One note call, as the reader sees it. */
export interface NoteCall {
  /** The mark printed at the call, as text ("3"; whatever it is, even when not a number). */
  shown: string;
  /** The note the call leads to when followed (undefined: none): its number, and its mark as printed there ("3" at the head of note 3). */
  leadsTo: { number: number; shown: string } | undefined;
}

export interface Reading {
  format: Format;
  /** The note calls in reading order, repeats included. */
  calls: NoteCall[];
  /** Printed note number → the note's text (white space collapsed; see `normalizeNoteText`). */
  notes: Map<number, string>;
  /** The document is set right to left (as the HTML or the DOCX says). */
  rightToLeft?: boolean;
  /** Where the document contradicts itself outside its calls (a list item numbered out of place). */
  problems: { note: number | undefined; reason: string }[];
}

/**
 * The text of a note reduced to what every format gives reliably: NFKC (undoing presentation and full-width forms), less
 * white space, dashes, format characters and Mongolian variation selectors, where line breaks, hyphenation and shaping differ.
 */
export function normalizeNoteText(text: string): string {
  return text.normalize("NFKC").replace(DROPPED, "");
}

const DROPPED = /[\s\p{Pd}\p{Cf}\u2212\u180B-\u180F]/gu;

/** What pdf.js gives for a glyph the PDF maps to no text (NUL) or that it cannot decode (U+FFFD). */
const UNREADABLE = /[\u0000\uFFFD]/u;

/** Characters whose order a PDF does not keep: right-to-left scripts (visual order), combining marks (a vowel sign drawn first), Mongolian. */
const UNORDERED = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Mongolian}\p{M}]/u;

/**
 * Whether two note texts agree: their normalised forms are equal, an `UNREADABLE` glyph standing for any one character, in
 * any order when either has `UNORDERED` characters or `unordered` is set (a right-to-left PDF may give a closing stop first).
 */
export function sameNoteText(a: string, b: string, unordered = false): boolean {
  const x = normalizeNoteText(a);
  const y = normalizeNoteText(b);
  if (x === y) return true;
  const xs = Array.from(x);
  const ys = Array.from(y);
  if (xs.length !== ys.length) return false;
  if (!unordered && !UNORDERED.test(x) && !UNORDERED.test(y)) return xs.every((c, i) => c === ys[i] || UNREADABLE.test(c) || UNREADABLE.test(ys[i]));
  const counts = new Map<string, number>();
  for (const c of xs) counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const c of ys) counts.set(c, (counts.get(c) ?? 0) - 1);
  // Of equal lengths, x has as many characters y lacks as y has that x lacks: each must be an unreadable glyph's counterpart.
  let unmatched = 0;
  let unreadable = 0;
  for (const [c, n] of counts) {
    if (n > 0) unmatched += n;
    if (UNREADABLE.test(c)) unreadable += Math.abs(n);
  }
  return unmatched <= unreadable;
}

/** A note text as a key, the same for texts that `sameNoteText` finds equal (unreadable glyphs apart). */
export function noteTextKey(text: string, unordered = false): string {
  const normal = normalizeNoteText(text);
  return unordered || UNORDERED.test(normal) ? Array.from(normal).sort().join("") : normal;
}

const DROPPED_ONE = new RegExp(DROPPED.source, "u");

/** Text fit for a message: control characters (an escape sequence from a hostile file) and bidi controls (which reorder a terminal's line) become U+FFFD. */
export function printable(text: string): string {
  return text.replace(/[\t\n\r]+/g, " ").replace(NOT_PRINTABLE, "\uFFFD");
}

const NOT_PRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** Collapse runs of white space to one space, trimmed: how a note's text is kept in a reading. */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A short excerpt of `text` around where its normalised form starts to differ from `other`'s, with "…" where it is cut. */
export function excerpt(text: string, other: string | undefined, width = 48): string {
  const nfc = text.normalize("NFC");
  if (nfc.length <= width) return nfc;
  const a = normalizeNoteText(nfc);
  const b = other === undefined ? "" : normalizeNoteText(other);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  // Map the position in the normalised text back to the collapsed text.
  let at = 0;
  for (let kept = 0; kept < common && at < nfc.length; at++) if (!DROPPED_ONE.test(nfc[at])) kept++;
  let start = Math.max(0, at - Math.floor(width / 3));
  let end = Math.min(nfc.length, start + width);
  // Cut between words where there is a space near the cut.
  if (start > 0) {
    const space = nfc.indexOf(" ", start);
    if (space >= 0 && space < Math.min(at, start + 12)) start = space + 1;
  }
  if (end < nfc.length) {
    const space = nfc.lastIndexOf(" ", end);
    if (space > Math.max(at, end - 12)) end = space;
  }
  return `${start > 0 ? "…" : ""}${nfc.slice(start, end).trim()}${end < nfc.length ? "…" : ""}`;
}

/** `values` by `key`, in order; a value whose key is null or undefined is left out. */
export function groupBy<K, V>(values: Iterable<V>, key: (value: V) => K | null | undefined): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const value of values) {
    const k = key(value);
    if (k === null || k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(value);
    else groups.set(k, [value]);
  }
  return groups;
}
