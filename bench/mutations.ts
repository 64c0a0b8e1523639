/**
 * Mutations of built documents, after printing, for the proof's corpus (bench/corpus.ts):
 * each changes what one format shows of one note or call, as damage or tampering would, and the
 * proof must report it with a message that names the note and the format.
 *
 * - HTML: a word of a note dropped, a letter of a note changed, a digit of a call changed, a
 *   call's link text lost (the files' text edited).
 * - DOCX: a word of a note dropped (word/footnotes.xml or word/endnotes.xml edited).
 * - PDF: a letter of the notes read as another (its ToUnicode entries and the /ActualText that
 *   carries it rewritten, the file uncompressed by qpdf and kept the same length); a note's
 *   place moved to the same height of another page (its named destination, which the calls
 *   lead to, given another page; the file mended with qpdf's fix-qdf).
 * - Packets: a page dropped (pdf-lib), the contents' page numbers wrong.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import type { Format } from "../src/verify/reading.ts";

export type MutationKind =
  "html-word-dropped" | "html-letter-changed" | "html-call-digit" | "html-link-text-lost" | "docx-word-dropped" | "pdf-letter-changed" | "pdf-note-moved";

export const LETTER_MUTATIONS: MutationKind[] = [
  "html-word-dropped",
  "html-letter-changed",
  "html-call-digit",
  "html-link-text-lost",
  "docx-word-dropped",
  "pdf-letter-changed",
  "pdf-note-moved",
];

export const MUTATED_FORMAT: Record<MutationKind, Format> = {
  "html-word-dropped": "html",
  "html-letter-changed": "html",
  "html-call-digit": "html",
  "html-link-text-lost": "html",
  "docx-word-dropped": "docx",
  "pdf-letter-changed": "pdf",
  "pdf-note-moved": "pdf",
};

const LETTER = /\p{L}/u;

/** Another letter than `c`, of no script that could be confused with it. */
const other = (c: string) => (c === "Q" ? "Z" : "Q");

/** A note's list item in the HTML: `<li id="note-N" …>…</li>` (notes hold no list item of their own at the top level). */
function noteItem(html: string, n: number): [start: number, end: number] | undefined {
  const start = html.indexOf(`<li id="note-${n}"`);
  if (start < 0) return undefined;
  let depth = 0;
  const tag = /<(\/?)li\b[^>]*>/g;
  tag.lastIndex = start;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return [start, m.index + m[0].length];
  }
  return undefined;
}

/** The first text node (between tags) of `html[from, to)` that has a letter, and where it is. */
function textNode(html: string, from: number, to: number): [start: number, text: string] | undefined {
  const text = />([^<]+)</g;
  text.lastIndex = from;
  for (let m = text.exec(html); m && m.index < to; m = text.exec(html)) if (LETTER.test(m[1])) return [m.index + 1, m[1]];
  return undefined;
}

/** Drop the first word of a text (Chinese, Japanese, Tibetan: its first two letters). */
function dropWord(text: string): string {
  const word = /[\p{L}\p{M}]{2,}/u.exec(text);
  if (!word) return text.replace(LETTER, "");
  const cut = /\s/.test(text) ? word[0] : Array.from(word[0]).slice(0, 2).join("");
  return text.slice(0, word.index) + text.slice(word.index + cut.length);
}

/**
 * Apply `kind` to the built files of a letter, for note `n`. Returns false when the letter has
 * nothing the mutation could change (then the files are left as they were).
 */
export function mutateLetter(kind: MutationKind, files: Record<Format, string>, n: number, variant = 0): boolean {
  if (kind.startsWith("html-")) {
    const html = readFileSync(files.html, "utf8");
    let changed = html;
    if (kind === "html-word-dropped" || kind === "html-letter-changed") {
      const item = noteItem(html, n);
      const node = item && textNode(html, item[0], item[1]);
      if (!node) return false;
      const [at, text] = node;
      const letter = LETTER.exec(text)!;
      const edited =
        kind === "html-word-dropped" ? dropWord(text) : text.slice(0, letter.index) + other(letter[0]) + text.slice(letter.index + letter[0].length);
      changed = html.slice(0, at) + edited + html.slice(at + text.length);
    } else {
      // The first call of note n: its link's text is the number.
      const call = new RegExp(`(<a href="#note-${n}"[^>]*>)(\\d+)(</a>)`).exec(html);
      if (!call) return false;
      const shown = kind === "html-call-digit" ? call[2].slice(0, -1) + String((Number(call[2].slice(-1)) + 1) % 10) : "";
      changed = html.slice(0, call.index) + call[1] + shown + call[3] + html.slice(call.index + call[0].length);
    }
    if (changed === html) return false;
    writeFileSync(files.html, changed);
    return true;
  }
  if (kind === "docx-word-dropped") {
    const zip = unzipSync(readFileSync(files.docx));
    const part = ["word/footnotes.xml", "word/endnotes.xml"].find((p) => zip[p] && /<w:t[ >][^<]*\p{L}{2}/u.test(strFromU8(zip[p])));
    if (!part) return false;
    const xml = strFromU8(zip[part]);
    const t = /(<w:t(?: [^>]*)?>)([^<]*\p{L}{2}[^<]*)(<\/w:t>)/u.exec(xml)!;
    zip[part] = strToU8(xml.slice(0, t.index) + t[1] + dropWord(t[2]) + t[3] + xml.slice(t.index + t[0].length));
    writeFileSync(files.docx, zipSync(zip));
    return true;
  }
  if (kind === "pdf-note-moved") return movePdfNote(files.pdf, n);
  return mutatePdfLetter(files.pdf, files.html, n, variant);
}

/** Give note `n`'s named destination another page (the next, or the one before on the last page). */
function movePdfNote(pdf: string, n: number): boolean {
  const qdf = `${pdf}.qdf`;
  if (spawnSync("qpdf", ["--qdf", "--object-streams=disable", pdf, qdf]).status !== 0) return false;
  const text = readFileSync(qdf).toString("latin1");
  rmSync(qdf, { force: true });
  const pages = [...text.matchAll(/%% Page \d+\n(?:%%[^\n]*\n)*(\d+) 0 obj/g)].map((m) => m[1]);
  const dest = new RegExp(`(/note-${n}\\s*\\[\\s*)(\\d+)( 0 R)`).exec(text);
  if (!dest || pages.length < 2) return false;
  const at = pages.indexOf(dest[2]);
  if (at < 0) return false;
  const other = pages[at + 1] ?? pages[at - 1];
  const changed = text.slice(0, dest.index) + dest[1] + other + dest[3] + text.slice(dest.index + dest[0].length);
  const fixed = spawnSync("fix-qdf", [], { input: Buffer.from(changed, "latin1"), maxBuffer: 1 << 30 });
  if (fixed.status !== 0) return false;
  writeFileSync(pdf, fixed.stdout);
  return true;
}

/**
 * Make the PDF read one letter of note `n` as another: every ToUnicode entry of one glyph
 * (bfchar) and every /ActualText that gives it is rewritten, in the file uncompressed by qpdf
 * (edited in place, so the offsets stay valid). The letter is the `variant`-th of the note's
 * letters that the file maps so: the glyph changed may be one the note does not use (another
 * face's), so the caller tries the next variant until the note reads otherwise.
 */
function mutatePdfLetter(pdf: string, html: string, n: number, variant: number): boolean {
  const source = readFileSync(html, "utf8");
  const item = noteItem(source, n);
  if (!item) return false;
  const letters = new Set(
    Array.from(
      source
        .slice(item[0], item[1])
        .replace(/<[^>]*>/g, "")
        .normalize("NFC"),
    ).filter((c) => LETTER.test(c) && c.length === 1),
  );
  const qdf = `${pdf}.qdf`;
  if (spawnSync("qpdf", ["--qdf", "--object-streams=disable", pdf, qdf]).status !== 0) return false;
  const bytes = readFileSync(qdf).toString("latin1");
  rmSync(qdf, { force: true });
  for (const c of letters) {
    const hex = c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    const to = other(c).charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    // A bfchar line of a ToUnicode map: one glyph, one character.
    let changed = bytes.replace(new RegExp(`^(<[0-9A-Fa-f]{4}>\\s*)<${hex}>(?=\\s*$)`, "gim"), `$1<${to}>`);
    changed = changed.replace(/\/ActualText\s*<([0-9A-Fa-f\s]*)>/g, (all, body: string) => {
      const digits = body.replace(/\s/g, "");
      if (digits.length !== body.length) return all;
      let out = "";
      for (let i = 0; i < digits.length; i += 4) out += digits.slice(i, i + 4).toUpperCase() === hex ? to : digits.slice(i, i + 4);
      return all.replace(body, out);
    });
    if (changed !== bytes && variant-- === 0) {
      writeFileSync(pdf, Buffer.from(changed, "latin1"));
      return true;
    }
  }
  return false;
}
