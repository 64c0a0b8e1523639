/**
 * Independent readers of broadside's built documents.
 *
 * Each reader looks at one built file the way a reader of that format would, and reports
 * what it sees as a `Reading`:
 *
 * - `calls`: the note-call numbers in body order, repeats included;
 * - `notes`: displayed note number → note text, normalised with `normalizeNoteText`.
 *
 * Nothing here imports from src/ but the OOXML rules (src/ooxml, one place for the proof, the
 * import and these tests): the readers know the file formats (HTML, PDF, OOXML) and the few
 * conventions a human reader would rely on (a superscript number calls a note, the
 * notes come after a heading, Word numbers footnotes in order of reference), not how the
 * compilers produce them. Where a reader finds the document contradicting itself (a list
 * item whose `value` is not its ordinal, a NOTEREF field showing a stale number, a PDF link
 * labelled 2 that jumps to note 3) it throws instead of guessing.
 *
 * Tools used: poppler (`pdftotext`, `pdftohtml`), `qpdf`, LibreOffice (`soffice`).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Element, ElementContent, Root } from "hast";
import { fromHtml } from "hast-util-from-html";
import { selectAll } from "hast-util-select";
import { toText } from "hast-util-to-text";
import { readNotes, splitNoteKey } from "../src/ooxml/notes.ts";
import { DocxPackage, descendants, parseXml as parseOoxml } from "../src/ooxml/package.ts";
import { libreOfficeEnv } from "./libreoffice.ts";

export interface Reading {
  /** Note-call numbers in body order, repeats included. */
  calls: number[];
  /** Displayed note number → normalised note text. */
  notes: Map<number, string>;
}

/**
 * The text of a note, reduced to what every output must agree on:
 *
 * - Unicode NFC;
 * - back-link arrows written as text dropped (`↑`, `↑2`, `↩`): Word footnotes have none. (The
 *   HTML and PDF readers also drop back links as links, see `withoutBackLinks` and `readPdf`,
 *   since the arrows are now drawn as SVG with a subscript number.)
 * - ALL white space removed (also zero-width spaces and BOM): line wrapping, paragraph breaks
 *   and a PDF's spacing must not make texts differ;
 * - ALL hyphen and dash characters removed (Unicode Pd, soft hyphen, minus sign): outputs
 *   break long URLs at different hyphens, and pdftotext's plain text joins a line that ends in
 *   a hyphen with the next one and drops the hyphen, inside URLs too ("documents-dds-" +
 *   "ny.un.org" → "documents-ddsny.un.org"); without hyphens they all read the same.
 *
 * The price: texts that differ only in spacing or dashes compare equal. Words, letters,
 * digits and all other punctuation still have to match.
 */
export function normalizeNoteText(s: string): string {
  return s
    .normalize("NFC")
    .replace(/[↑↩]\uFE0E?\d*/gu, "")
    .replace(/[\s\u200B-\u200D\u2060\uFEFF]/gu, "")
    .replace(/[\p{Pd}\u00AD\u2212]/gu, "");
}

/* ------------------------------------------------------------------------------------------ */
/* Shared helpers                                                                              */
/* ------------------------------------------------------------------------------------------ */

function run(command: string, args: string[], options: { timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: options.timeout ?? 60_000, env: options.env ?? process.env },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
        else done(stdout);
      },
    );
  });
}

function addTo(notes: Map<number, string>, number: number, text: string, where: string) {
  if (notes.has(number)) throw new Error(`${where}: note ${number} appears twice`);
  notes.set(number, normalizeNoteText(text));
}

const collapse = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim();

/** Plain text of a PDF in pdftotext's default reading order, pages separated by \f. */
export function pdfText(path: string): Promise<string> {
  return run("pdftotext", ["-enc", "UTF-8", path, "-"]);
}

/* ------------------------------------------------------------------------------------------ */
/* HTML                                                                                        */
/* ------------------------------------------------------------------------------------------ */

function isElement(node: ElementContent | Root["children"][number], tag?: string): node is Element {
  return node.type === "element" && (tag === undefined || node.tagName === tag);
}

/** The `ol` lists that make up a notes section: not lists nested inside a note. */
function topLevelLists(node: Element): Element[] {
  const found: Element[] = [];
  for (const child of node.children) {
    if (!isElement(child)) continue;
    if (child.tagName === "ol") found.push(child);
    else if (child.tagName !== "li") found.push(...topLevelLists(child));
  }
  return found;
}

/**
 * A copy of a note without its back links: links with the DPUB-ARIA role `doc-backlink`, or
 * whose `href` is `#id` of one of the calls. They are navigation, not note text: they show an
 * arrow (an SVG now, a "↑" glyph before) and, for a note called several times, a subscript
 * occurrence number ("1 2 3") that no other output prints.
 */
function withoutBackLinks(node: Element, callIds: Set<string>): Element {
  const kept = node.children.flatMap((child): ElementContent[] => {
    if (!isElement(child)) return [child];
    if (child.tagName === "a") {
      const href = String(child.properties.href ?? "");
      const role = String(child.properties.role ?? "");
      if (role.split(/\s+/).includes("doc-backlink") || (href.startsWith("#") && callIds.has(decodeURIComponent(href.slice(1))))) return [];
    }
    return [withoutBackLinks(child, callIds)];
  });
  return { ...node, children: kept };
}

/**
 * HTML: calls are the `sup.note-call a` links of the body (not those inside the notes
 * section), read by their text; notes are the items of `section.notes ol`, numbered by their
 * `value` attribute, which must equal the ordinal the list would show anyway (position + 1),
 * with the text of the item minus its back links (see `withoutBackLinks`).
 */
export async function readHtml(path: string): Promise<Reading> {
  const tree = fromHtml(await readFile(path, "utf8"));
  const body = selectAll("body", tree)[0];
  if (!body) throw new Error(`${path}: no <body>`);
  const sections = selectAll("section.notes", body);
  const inNotes = new Set<Element>(sections.flatMap((section) => selectAll("*", section)));

  const callLinks = selectAll("sup.note-call a", body).filter((a) => !inNotes.has(a));
  const callIds = new Set(callLinks.map((a) => String(a.properties.id ?? "")).filter(Boolean));
  const calls = callLinks.map((a) => {
    const text = toText(a).trim();
    if (!/^\d+$/.test(text)) throw new Error(`${path}: a note call shows "${text}", not a number`);
    return Number(text);
  });

  const notes = new Map<number, string>();
  for (const section of sections) {
    for (const ol of topLevelLists(section)) {
      if (ol.properties.reversed) throw new Error(`${path}: reversed notes list`);
      const items = ol.children.filter((child): child is Element => isElement(child, "li"));
      items.forEach((li, index) => {
        const value = li.properties.value;
        if (value === undefined || value === null || !/^\d+$/.test(String(value))) {
          throw new Error(`${path}: note item ${index + 1} has no numeric value attribute`);
        }
        const number = Number(value);
        if (number !== index + 1) {
          throw new Error(`${path}: note item ${index + 1} has value="${number}": the number shown would depend on the value attribute being honoured`);
        }
        addTo(notes, number, toText(withoutBackLinks(li, callIds)), path);
      });
    }
  }
  return { calls, notes };
}

/* ------------------------------------------------------------------------------------------ */
/* PDF printed by Chromium                                                                     */
/* ------------------------------------------------------------------------------------------ */

interface Word {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

interface BboxPage {
  width: number;
  height: number;
  words: Word[];
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower] ?? "";
  });
}

/** Word boxes from `pdftotext -bbox`: top-left origin, points, relative to the crop box. */
async function pdfWords(path: string): Promise<BboxPage[]> {
  const html = await run("pdftotext", ["-bbox", "-enc", "UTF-8", path, "-"]);
  const pages: BboxPage[] = [];
  for (const page of html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)) {
    const words: Word[] = [];
    for (const w of page[3].matchAll(/<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([\s\S]*?)<\/word>/g)) {
      words.push({ xMin: Number(w[1]), yMin: Number(w[2]), xMax: Number(w[3]), yMax: Number(w[4]), text: decodeEntities(w[5]) });
    }
    pages.push({ width: Number(page[1]), height: Number(page[2]), words });
  }
  return pages;
}

/** Same line if the vertical extents overlap by at least half the smaller height. */
function sameLine(a: { top: number; bottom: number }, b: { top: number; bottom: number }): boolean {
  const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return overlap >= 0.5 * Math.min(a.bottom - a.top, b.bottom - b.top);
}

/** Reading order on one page: by line, then left to right. */
function byLineThenLeft(a: { top: number; bottom: number; left: number }, b: { top: number; bottom: number; left: number }): number {
  if (sameLine(a, b)) return a.left - b.left;
  return a.top - b.top;
}

/* qpdf --json=2: objects as "obj:N G R" → { value } or { stream: { dict } }; names are "/x",
 * text strings "u:…", binary strings "b:<hex>", references "N G R". */
type Pdfish = null | boolean | number | string | Pdfish[] | { [key: string]: Pdfish };
type PdfDict = { [key: string]: Pdfish };

interface QpdfJson {
  pages: { object: string }[];
  qpdf: [unknown, Record<string, { value?: Pdfish; stream?: { dict: Pdfish } }>];
}

class PdfObjects {
  constructor(private readonly objects: QpdfJson["qpdf"][1]) {}

  get(value: Pdfish | undefined): Pdfish | undefined {
    for (let i = 0; i < 32 && typeof value === "string" && /^\d+ \d+ R$/.test(value); i++) {
      const object = this.objects[`obj:${value}`];
      value = object?.value ?? object?.stream?.dict ?? null;
    }
    return value;
  }

  dict(value: Pdfish | undefined): PdfDict | undefined {
    const v = this.get(value);
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  }

  array(value: Pdfish | undefined): Pdfish[] | undefined {
    const v = this.get(value);
    return Array.isArray(v) ? v : undefined;
  }

  trailer(): PdfDict {
    const trailer = this.objects.trailer?.value;
    if (!trailer || typeof trailer !== "object" || Array.isArray(trailer)) throw new Error("qpdf JSON has no trailer");
    return trailer;
  }
}

/** A PDF string or name as plain text. */
function pdfString(value: Pdfish | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  if (value.startsWith("u:")) return value.slice(2);
  if (value.startsWith("b:")) return Buffer.from(value.slice(2), "hex").toString("latin1");
  return value;
}

interface Destination {
  page: number;
  /** PDF user-space coordinates (bottom-left origin), when the destination gives them. */
  left: number | null;
  top: number | null;
}

class PdfStructure {
  readonly objects: PdfObjects;
  readonly pageIndex = new Map<string, number>();
  private readonly namedDests = new Map<string, Pdfish>();
  private readonly stringDests = new Map<string, Pdfish>();

  constructor(json: QpdfJson) {
    this.objects = new PdfObjects(json.qpdf[1]);
    json.pages.forEach((page, index) => this.pageIndex.set(page.object, index));
    const catalog = this.objects.dict(this.objects.trailer()["/Root"]);
    // Old-style named destinations: /Dests dictionary, keyed by name.
    const dests = this.objects.dict(catalog?.["/Dests"]);
    for (const [name, dest] of Object.entries(dests ?? {})) this.namedDests.set(name, dest);
    // New-style: the /Dests name tree under /Names, keyed by string.
    const tree = this.objects.dict(this.objects.dict(catalog?.["/Names"])?.["/Dests"]);
    if (tree) this.walkNameTree(tree, 0);
  }

  private walkNameTree(node: PdfDict, depth: number) {
    if (depth > 64) throw new Error("PDF name tree too deep");
    const names = this.objects.array(node["/Names"]) ?? [];
    for (let i = 0; i + 1 < names.length; i += 2) {
      const key = pdfString(names[i]);
      if (key !== undefined) this.stringDests.set(key, names[i + 1]);
    }
    for (const kid of this.objects.array(node["/Kids"]) ?? []) {
      const dict = this.objects.dict(kid);
      if (dict) this.walkNameTree(dict, depth + 1);
    }
  }

  /** Resolve an annotation's /Dest (or GoTo action's /D) to a page and position. */
  destination(raw: Pdfish | undefined): Destination | undefined {
    let dest = this.objects.get(raw);
    if (typeof dest === "string" && dest.startsWith("/")) dest = this.objects.get(this.namedDests.get(dest));
    else if (typeof dest === "string") dest = this.objects.get(this.stringDests.get(pdfString(dest) ?? ""));
    if (dest && typeof dest === "object" && !Array.isArray(dest)) dest = this.objects.get(dest["/D"]);
    if (!Array.isArray(dest) || typeof dest[0] !== "string") return undefined;
    const page = this.pageIndex.get(dest[0]);
    if (page === undefined) return undefined;
    const num = (v: Pdfish | undefined) => (typeof v === "number" ? v : null);
    switch (dest[1]) {
      case "/XYZ":
        return { page, left: num(dest[2]), top: num(dest[3]) };
      case "/FitH":
      case "/FitBH":
        return { page, left: null, top: num(dest[2]) };
      case "/FitR":
        return { page, left: num(dest[2]), top: num(dest[5]) };
      default:
        return { page, left: null, top: null };
    }
  }

  /** The page's visible box, following inheritance through /Parent. */
  box(pageObject: string): number[] {
    let node = this.objects.dict(pageObject);
    for (let i = 0; node && i < 64; i++) {
      const box = this.objects.array(node["/CropBox"]) ?? this.objects.array(node["/MediaBox"]);
      if (box && box.every((n) => typeof n === "number")) return box as number[];
      node = this.objects.dict(node["/Parent"]);
    }
    throw new Error(`page ${pageObject} has no MediaBox`);
  }
}

/** Find the notes heading in the word boxes: the last line on which the heading's words, and nothing else, appear. */
function findHeading(pages: BboxPage[], heading: string): { page: number; top: number; bottom: number } | undefined {
  const tokens = collapse(heading).split(" ");
  let found: { page: number; top: number; bottom: number } | undefined;
  pages.forEach((page, p) => {
    const words = page.words;
    for (let i = 0; i + tokens.length <= words.length; i++) {
      const run = words.slice(i, i + tokens.length);
      if (!run.every((w, k) => collapse(w.text) === tokens[k])) continue;
      const line = { top: run[0].yMin, bottom: run[0].yMax };
      if (!run.every((w) => sameLine(line, { top: w.yMin, bottom: w.yMax }))) continue;
      const others = words.filter((w, k) => (k < i || k >= i + tokens.length) && sameLine(line, { top: w.yMin, bottom: w.yMax }));
      if (others.length === 0) found = { page: p, top: Math.min(...run.map((w) => w.yMin)), bottom: Math.max(...run.map((w) => w.yMax)) };
    }
  });
  return found;
}

const PAGE_COUNTER = /^(page\s*)?\d+\s*(\/|of)\s*\d+$/i;

/** A line of text on a page, for page-furniture detection. */
interface FurnitureLine {
  top: number;
  text: string;
}

/**
 * Page furniture: the first or last line of a page that is a page counter ("3 / 5") or that
 * recurs, digits masked, as the first or last line of another page at the same height (a
 * running head or foot). Returns a predicate over (page, line).
 */
function furniture<L extends FurnitureLine>(pages: L[][]): (page: number, line: L) => boolean {
  const mask = (line: L) => collapse(line.text).replace(/\d+/g, "#");
  const edges = pages.map((lines) => [lines[0], lines[lines.length - 1]].filter((l): l is L => l !== undefined));
  return (p, line) => {
    if (!edges[p].includes(line)) return false;
    if (PAGE_COUNTER.test(collapse(line.text))) return true;
    return edges.some((others, q) => q !== p && others.some((o) => mask(o) === mask(line) && Math.abs(o.top - line.top) <= 2));
  };
}

interface WordLine extends FurnitureLine {
  bottom: number;
  words: Word[];
}

/** Words grouped into lines, top to bottom, each left to right. */
function wordLines(words: Word[]): WordLine[] {
  const lines: WordLine[] = [];
  for (const w of [...words].sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin)) {
    const box = { top: w.yMin, bottom: w.yMax };
    const line = lines.slice(-3).find((l) => sameLine(l, box));
    if (line) {
      line.words.push(w);
      line.top = Math.min(line.top, w.yMin);
      line.bottom = Math.max(line.bottom, w.yMax);
    } else {
      lines.push({ ...box, words: [w], text: "" });
    }
  }
  for (const line of lines) {
    line.words.sort((a, b) => a.xMin - b.xMin);
    line.text = line.words.map((w) => w.text).join(" ");
  }
  return lines.sort((a, b) => a.top - b.top);
}

export interface PdfOptions {
  /** The notes heading as printed (the front matter's `notes-heading`); read for endnotes only. */
  notesHeading: string;
  /** Where the notes are printed: at the foot of each page (the default), or after the notes heading. */
  notes?: "footnotes" | "endnotes";
}

/** A PDF reading, with where each call and each note is printed. */
export interface PdfReading extends Reading {
  /** Page (1-based) of each call, in the order of `calls`. */
  callPages: number[];
  /** Pages (1-based) each note's text is printed on, in order: one, or more when it continues. */
  notePages: Map<number, number[]>;
  /** For each page, where its notes begin (pt from the top), or Infinity: the text is above. */
  noteTops: number[];
}

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const centreIn = (w: Word, r: Rect) => {
  const cx = (w.xMin + w.xMax) / 2;
  const cy = (w.yMin + w.yMax) / 2;
  return cx >= r.left - 1 && cx <= r.right + 1 && cy >= r.top - 1 && cy <= r.bottom + 1;
};

/** An internal link: where it is, and where it leads. */
interface PdfLink {
  page: number;
  rect: Rect;
  dest: Destination;
}

interface PdfCall {
  number: number;
  page: number;
  top: number;
  bottom: number;
  left: number;
  dest: Destination;
}

/** A printed note: its number, its lines of text, the pages they are on. */
interface PdfEntry {
  number: number;
  text: string[];
  pages: number[];
}

/**
 * PDF printed by Chromium. Word boxes from `pdftotext -bbox`, link annotations and
 * destinations from `qpdf --json`.
 *
 * Notes at the foot of the page (the default, `options.notes` "footnotes"): on each page the
 * notes follow the text, in a smaller type, each starting with its number "N." in the margin.
 * The foot of a page starts at the first line that either
 *
 * - begins with "N.", N being the next note number expected (1, 2, …), AND is where an
 *   internal link of the document leads (a note call's destination: its page, and a height
 *   within that line). A line of the text that happens to begin with "3." is not a note unless
 *   a link leads there; or
 * - begins with "N (cont.)", N being the last note read: the rest of a note that did not fit
 *   on the page before. Its text is added to note N; the marker is not text.
 *
 * From there to the foot of the page (less furniture) every line belongs to a note: a line
 * beginning with the next expected "N." where a link leads starts the next one, any other line
 * continues the current one. Calls are the internal links above the foot (anywhere on a page without one)
 * whose rectangle holds exactly one word, made of digits; back links are the internal links
 * in the foot, and the words under them (a vector arrow and, for a note called several times,
 * a subscript occurrence number) are not note text.
 *
 * Notes at the end (`options.notes` "endnotes"): the notes heading is the last line that reads
 * exactly `notesHeading`; the body is what comes before it, the notes area what comes after.
 * Calls are the internal links in the body that lead to a page at or after the heading's page
 * and whose rectangle contains a word made only of digits (a link into the notes showing
 * anything else makes the reader throw). Notes are the lines of the notes area, less furniture
 * and less the words under back links (internal links there leading to a place before the first
 * note), cut into entries at lines whose first word is "N." with N the next number expected
 * (a wrapped line that happens to start with "24." inside note 6 does not start a note).
 *
 * In both: calls are ordered by page, line, then left to right, and where each call leads is
 * checked: the distinct destinations of all calls, ranked by (page, height on page), must be
 * the printed notes in order — the k-th destination the k-th note, whose printed number must be
 * the number on the link — so a link labelled 2 that jumps to note 3 throws. (Ranking, not
 * coordinates, so that this also reads PDFs whose destinations leave the page margins out, as
 * Chromium's own do.) For notes at the foot, each destination must also be on the page where
 * its note starts.
 */
export async function readPdf(path: string, options: PdfOptions): Promise<PdfReading> {
  const [pages, json] = await Promise.all([
    pdfWords(path),
    run("qpdf", ["--json=2", "--json-key=qpdf", "--json-key=pages", path]).then((s) => JSON.parse(s) as QpdfJson),
  ]);
  const pdf = new PdfStructure(json);
  if (json.pages.length !== pages.length) throw new Error(`${path}: qpdf sees ${json.pages.length} pages, pdftotext ${pages.length}`);

  // All internal links.
  const links: PdfLink[] = [];
  json.pages.forEach((page, p) => {
    const box = pdf.box(page.object);
    for (const ref of pdf.objects.array(pdf.objects.dict(page.object)?.["/Annots"]) ?? []) {
      const annot = pdf.objects.dict(ref);
      if (!annot || annot["/Subtype"] !== "/Link") continue;
      const action = pdf.objects.dict(annot["/A"]);
      const raw = annot["/Dest"] ?? (action?.["/S"] === "/GoTo" ? action["/D"] : undefined);
      if (raw === undefined) continue; // external (URI) or other action
      const dest = pdf.destination(raw);
      if (!dest) throw new Error(`${path}: page ${p + 1} has an internal link with an unresolvable destination`);
      const [x0, y0, x1, y1] = (pdf.objects.array(annot["/Rect"]) ?? []) as number[];
      const rect = { left: Math.min(x0, x1) - box[0], right: Math.max(x0, x1) - box[0], top: box[3] - Math.max(y0, y1), bottom: box[3] - Math.min(y0, y1) };
      links.push({ page: p, rect, dest });
    }
  });
  const callIn = (link: PdfLink): PdfCall => {
    const inside = pages[link.page].words.filter((w) => centreIn(w, link.rect));
    const digits = inside.filter((w) => /^\d+$/.test(w.text));
    if (digits.length !== 1) {
      throw new Error(`${path}: a link on page ${link.page + 1} into the notes shows "${inside.map((w) => w.text).join(" ")}", not one number`);
    }
    const w = digits[0];
    return { number: Number(w.text), page: link.page, top: w.yMin, bottom: w.yMax, left: w.xMin, dest: link.dest };
  };

  const read = options.notes === "endnotes" ? readEndnotes : readFootnotes;
  const { calls, entries, noteTops } = read(path, pages, links, pdf, options, callIn);
  calls.sort((a, b) => a.page - b.page || byLineThenLeft(a, b));
  const notes = new Map<number, string>();
  for (const entry of entries) addTo(notes, entry.number, entry.text.join("\n"), path);

  // Where the calls lead: the k-th target must be the k-th printed note, with the call's number.
  const key = (d: Destination) => `${d.page} ${d.top} ${d.left}`;
  const targets = [...new Map(calls.map((c) => [key(c.dest), c.dest])).values()].sort(earlier);
  if (targets.length !== entries.length) {
    throw new Error(`${path}: the note calls lead to ${targets.length} places, but ${entries.length} notes are printed`);
  }
  const rank = new Map(targets.map((d, k) => [key(d), k]));
  for (const call of calls) {
    const target = entries[rank.get(key(call.dest))!];
    if (target.number !== call.number) {
      throw new Error(`${path}: the call labelled ${call.number} on page ${call.page + 1} leads to note ${target.number}`);
    }
    if (options.notes !== "endnotes" && call.dest.page + 1 !== target.pages[0]) {
      throw new Error(
        `${path}: the call labelled ${call.number} on page ${call.page + 1} leads to page ${call.dest.page + 1}, but note ${target.number} starts on page ${target.pages[0]}`,
      );
    }
  }
  return {
    calls: calls.map((c) => c.number),
    notes,
    callPages: calls.map((c) => c.page + 1),
    notePages: new Map(entries.map((e) => [e.number, e.pages])),
    noteTops,
  };
}

/** Destinations in reading order: by page, then height (y grows upwards), then left to right. */
const earlier = (a: Destination, b: Destination) =>
  a.page - b.page || (b.top ?? Number.MAX_VALUE) - (a.top ?? Number.MAX_VALUE) || (a.left ?? 0) - (b.left ?? 0);

type NotesReader = (
  path: string,
  pages: BboxPage[],
  links: PdfLink[],
  pdf: PdfStructure,
  options: PdfOptions,
  callIn: (link: PdfLink) => PdfCall,
) => { calls: PdfCall[]; entries: PdfEntry[]; noteTops: number[] };

const readEndnotes: NotesReader = (path, pages, links, _pdf, options, callIn) => {
  const heading = findHeading(pages, options.notesHeading);
  if (!heading) throw new Error(`${path}: no line reading "${options.notesHeading}" (the notes heading)`);
  const inNotesArea = (page: number, y: number) => page > heading.page || (page === heading.page && y > heading.bottom);
  const calls = links.filter((l) => !inNotesArea(l.page, (l.rect.top + l.rect.bottom) / 2) && l.dest.page >= heading.page).map(callIn);
  const targets = calls.map((c) => c.dest).sort(earlier);
  const backLinks = links.filter((l) => inNotesArea(l.page, (l.rect.top + l.rect.bottom) / 2) && targets.length > 0 && earlier(l.dest, targets[0]) < 0);
  const lines = pages.map((page, p) => wordLines(page.words.filter((w) => !backLinks.some((l) => l.page === p && centreIn(w, l.rect)))));
  const isFurniture = furniture(lines);
  const entries: PdfEntry[] = [];
  lines.forEach((pageLines, p) => {
    for (const line of pageLines) {
      if (!inNotesArea(p, (line.top + line.bottom) / 2) || isFurniture(p, line)) continue;
      const marker = /^(\d+)\.$/.exec(line.words[0].text);
      if (marker && Number(marker[1]) === entries.length + 1)
        entries.push({
          number: Number(marker[1]),
          text: [
            line.words
              .slice(1)
              .map((w) => w.text)
              .join(" "),
          ],
          pages: [p + 1],
        });
      else if (entries.length) {
        const entry = entries[entries.length - 1];
        entry.text.push(line.text);
        if (entry.pages[entry.pages.length - 1] !== p + 1) entry.pages.push(p + 1);
      } else throw new Error(`${path}: the notes area does not start with "1.": "${line.text}"`);
    }
  });
  const noteTops = pages.map((_, p) => (p < heading.page ? Infinity : p === heading.page ? heading.top : 0));
  return { calls, entries, noteTops };
};

const readFootnotes: NotesReader = (path, pages, links, _pdf, _options, callIn) => {
  const all = pages.map((page) => wordLines(page.words));
  const isFurniture = furniture(all);
  const lines = all.map((pageLines, p) => pageLines.filter((line) => !isFurniture(p, line)));
  const marker = (line: WordLine) => {
    const m = /^(\d+)\.$/.exec(line.words[0]?.text ?? "");
    return m ? Number(m[1]) : undefined;
  };
  const continues = (line: WordLine, n: number | undefined) => n !== undefined && line.words[0]?.text === String(n) && line.words[1]?.text === "(cont.)";
  /** Is there a link whose destination is this line (on page p)? */
  const linkedTo = (p: number, line: WordLine) =>
    links.some((l) => {
      if (l.dest.page !== p || l.dest.top === null) return false;
      const y = pages[p].height - l.dest.top; // top-left origin, as the words
      return y >= line.top - 0.8 * (line.bottom - line.top) && y <= line.bottom;
    });

  const entries: PdfEntry[] = [];
  const calls: PdfCall[] = [];
  const noteTops: number[] = [];
  let expected = 1;
  lines.forEach((pageLines, p) => {
    const current = entries[entries.length - 1]?.number;
    const start = pageLines.findIndex((line) => continues(line, current) || (marker(line) === expected && linkedTo(p, line)));
    const footTop = start < 0 ? Infinity : pageLines[start].top;
    noteTops.push(footTop);
    const inFoot = (l: PdfLink) => (l.rect.top + l.rect.bottom) / 2 >= footTop - 1;
    const here = links.filter((l) => l.page === p);
    for (const link of here) {
      if (inFoot(link)) continue;
      const inside = pages[p].words.filter((w) => centreIn(w, link.rect));
      if (inside.length === 1 && /^\d+$/.test(inside[0].text)) calls.push(callIn(link));
    }
    if (start < 0) return;
    const backLinks = here.filter(inFoot);
    for (const line of pageLines.slice(start)) {
      const words = line.words.filter((w) => !backLinks.some((l) => centreIn(w, l.rect)));
      if (words.length === 0) continue;
      const kept = { ...line, words, text: words.map((w) => w.text).join(" ") };
      if (marker(kept) === expected && linkedTo(p, line)) {
        entries.push({
          number: expected,
          text: [
            words
              .slice(1)
              .map((w) => w.text)
              .join(" "),
          ],
          pages: [p + 1],
        });
        expected++;
        continue;
      }
      const entry = entries[entries.length - 1];
      if (!entry) throw new Error(`${path}: the foot of page ${p + 1} does not start with a note number: "${kept.text}"`);
      if (continues(kept, entry.number) && entry.pages[entry.pages.length - 1] !== p + 1) {
        entry.pages.push(p + 1);
        entry.text.push(
          words
            .slice(2)
            .map((w) => w.text)
            .join(" "),
        );
      } else entry.text.push(kept.text);
    }
  });
  return { calls, entries, noteTops };
};

/* ------------------------------------------------------------------------------------------ */
/* DOCX                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/** Parse XML (pdftohtml's, a .docx part's) with the parser src/ooxml uses; throws on malformed XML. */
export function parseXml(text: string, where: string) {
  return parseOoxml(text, (message) => new Error(`${where}: ${message}`));
}

/** All the text in a .docx's XML parts (w:t runs), for "does this text appear anywhere" checks. */
export async function docxText(path: string): Promise<string> {
  const pkg = DocxPackage.open(await readFile(path));
  const texts: string[] = [];
  for (const name of Object.keys(pkg.parts)) {
    if (name.endsWith(".xml")) texts.push(...descendants(pkg.xml(name)!, "w", "t").map((t) => t.textContent ?? ""));
  }
  return texts.join("\n");
}

/**
 * Word .docx, by the note rules of src/ooxml/notes.ts: footnote calls as the numbers Word
 * prints (decimal only), and each NOTEREF field's cached result, what Word and LibreOffice
 * show until fields are updated, must be the number of the footnote it leads to, or the
 * reader throws.
 */
export async function readDocx(path: string): Promise<Reading> {
  return readDocxBytes(await readFile(path), path);
}

export function readDocxBytes(bytes: Uint8Array, where = "docx"): Reading {
  const { calls, order, numbering, text } = readNotes(DocxPackage.open(bytes));
  const { start, format } = numbering.footnote;
  if (format !== "decimal") throw new Error(`${where}: footnotes numbered as ${format}: this reader reads decimal numbers only`);
  const number = (key: string) => order.footnote.indexOf(splitNoteKey(key).id) + start;
  const numbers: number[] = [];
  for (const call of calls) {
    if (call.note && !call.note.startsWith("footnote:")) continue;
    if (!call.field) {
      numbers.push(number(call.note!));
      continue;
    }
    const { bookmark, shown } = call.field;
    if (!call.note) throw new Error(`${where}: NOTEREF ${bookmark} names a bookmark with no footnote reference in it`);
    if (shown !== String(number(call.note)))
      throw new Error(`${where}: NOTEREF ${bookmark} shows cached result "${shown}", but its footnote is number ${number(call.note)}`);
    numbers.push(number(call.note));
  }
  const notes = new Map<number, string>();
  for (const [key, note] of text) if (key.startsWith("footnote:")) addTo(notes, number(key), note, where);
  return { calls: numbers, notes };
}

/* ------------------------------------------------------------------------------------------ */
/* PDF made by LibreOffice from the .docx                                                      */
/* ------------------------------------------------------------------------------------------ */

/** Convert a .docx to PDF with LibreOffice; returns the PDF's path. A private profile keeps parallel runs apart. */
export async function convertWithLibreOffice(docxPath: string, outDir: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), "broadside-lo-profile-"));
  const pdfPath = join(outDir, `${basename(docxPath, extname(docxPath))}.pdf`);
  await rm(pdfPath, { force: true });
  try {
    await run(
      process.env.SOFFICE ?? "soffice",
      [`-env:UserInstallation=${pathToFileURL(profile).href}`, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", outDir, resolve(docxPath)],
      { timeout: 120_000, env: libreOfficeEnv() }, // broadside's faces, not the host's
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  const made = await stat(pdfPath).catch(() => undefined);
  if (!made?.size) throw new Error(`LibreOffice wrote no PDF for ${docxPath} (expected ${pdfPath})`);
  return pdfPath;
}

interface Fragment {
  top: number;
  bottom: number;
  left: number;
  size: number;
  text: string;
}

interface Line extends FurnitureLine {
  bottom: number;
  fragments: Fragment[];
  /** Indexes (in `fragments`) of superscript numbers. */
  marks: number[];
}

/**
 * Text fragments with their font sizes, from `pdftohtml -xml`. (Not `pdftotext -bbox`: its
 * words glue a superscript to the word before it — "zeta1" — while pdftohtml starts a new
 * fragment at every font change and reports each fragment's font size.)
 */
async function pdfFragments(path: string): Promise<Fragment[][]> {
  const xml = await run("pdftohtml", ["-xml", "-i", "-q", "-stdout", "-enc", "UTF-8", path]);
  const doc = parseXml(xml.replace(/<!DOCTYPE[^>]*>/, ""), path);
  const sizes = new Map<string, number>();
  for (const spec of Array.from(doc.getElementsByTagName("fontspec"))) sizes.set(spec.getAttribute("id") ?? "", Number(spec.getAttribute("size")));
  return Array.from(doc.getElementsByTagName("page")).map((page) =>
    Array.from(page.getElementsByTagName("text")).map((t) => {
      const top = Number(t.getAttribute("top"));
      return {
        top,
        bottom: top + Number(t.getAttribute("height")),
        left: Number(t.getAttribute("left")),
        size: sizes.get(t.getAttribute("font") ?? "") ?? NaN,
        text: t.textContent ?? "",
      };
    }),
  );
}

function toLines(fragments: Fragment[]): Line[] {
  const lines: Line[] = [];
  for (const f of [...fragments].sort((a, b) => a.top - b.top || a.left - b.left)) {
    const line = lines.slice(-3).find((l) => sameLine(l, f));
    if (line) {
      line.fragments.push(f);
      line.top = Math.min(line.top, f.top);
      line.bottom = Math.max(line.bottom, f.bottom);
    } else {
      lines.push({ top: f.top, bottom: f.bottom, fragments: [f], marks: [], text: "" });
    }
  }
  for (const line of lines) {
    line.fragments.sort((a, b) => a.left - b.left);
    line.text = line.fragments.map((f) => f.text).join(" ");
    // A superscript number: only digits, in a smaller font than the other text of its line.
    const textSize = Math.max(...line.fragments.filter((f) => !/^\s*\d+\s*$/.test(f.text) && f.text.trim()).map((f) => f.size));
    line.marks = line.fragments.flatMap((f, i) => (/^\s*\d+\s*$/.test(f.text) && f.size < textSize ? [i] : []));
  }
  return lines.sort((a, b) => a.top - b.top);
}

const lineText = (line: Line, skip = -1): string =>
  line.fragments
    .filter((_, i) => i !== skip)
    .map((f) => f.text)
    .join(" ");

/**
 * PDF made by LibreOffice from the .docx (Word footnotes at page bottoms).
 *
 * Fragments come from `pdftohtml -xml` (see `pdfFragments`), grouped into lines. A "mark" is
 * a fragment of digits only, set smaller than the other text of its line (a superscript).
 * Page furniture (a page counter "3 / 8", a running head repeated on several pages) is
 * dropped first.
 *
 * Footnotes: on each page, the footnote area is where the footnote numbers start: LibreOffice
 * prints footnote k at the foot of the page that calls it, below all of that page's body
 * text, each beginning a line with its number as a mark, in order 1, 2, …. So with e the
 * next footnote number expected, the footnote area of a page begins at the first line-
 * starting mark m such that, from m to the end of the page, the line-starting marks read
 * e, e+1, … and no other mark appears (no calls inside footnotes). A call that happens to
 * start a line in the body (LibreOffice wraps "Party" / "10; a …") is not taken for a
 * footnote: it is followed by other marks, or by a footnote with the same number.
 * A footnote's text is the rest of its number's line and the lines below it, up to the next
 * footnote or the end of the page. (A footnote LibreOffice continued onto the next page
 * would lose its continuation, so the texts would disagree: the reader can fail, not pass
 * wrongly.)
 *
 * Calls: every other mark, by page, line, and left to right.
 */
export async function readLibreOfficePdfFile(pdfPath: string): Promise<Reading> {
  const pages = (await pdfFragments(pdfPath)).map(toLines);

  const isFurniture = furniture(pages);
  const body = pages.map((lines, p) => lines.filter((line) => line.marks.length > 0 || !isFurniture(p, line)));

  const calls: number[] = [];
  const notes = new Map<number, string>();
  let expected = 1;
  body.forEach((lines, p) => {
    const startsWithMark = (line: Line) => line.marks[0] === 0;
    const markValue = (line: Line, i: number) => Number(line.fragments[line.marks[i]].text.trim());
    let zone = lines.length;
    for (let s = 0; s < lines.length; s++) {
      if (!startsWithMark(lines[s]) || markValue(lines[s], 0) !== expected) continue;
      let next = expected;
      const ok = lines.slice(s).every((line) => {
        if (line.marks.length === 0) return true;
        if (line.marks.length > 1 || !startsWithMark(line) || markValue(line, 0) !== next) return false;
        next++;
        return true;
      });
      if (ok) {
        zone = s;
        break;
      }
    }
    for (const line of lines.slice(0, zone)) for (let i = 0; i < line.marks.length; i++) calls.push(markValue(line, i));
    let current: { number: number; text: string[] } | undefined;
    const flush = () => {
      if (current) addTo(notes, current.number, current.text.join("\n"), pdfPath);
    };
    for (const line of lines.slice(zone)) {
      if (line.marks.length) {
        flush();
        current = { number: markValue(line, 0), text: [lineText(line, 0)] };
        expected = current.number + 1;
      } else {
        current!.text.push(lineText(line));
      }
    }
    flush();
  });
  return { calls, notes };
}

/** Convert the .docx with LibreOffice into `outDir` and read the PDF it makes. */
export async function readLibreOfficePdf(docxPath: string, outDir: string): Promise<Reading> {
  return readLibreOfficePdfFile(await convertWithLibreOffice(docxPath, outDir));
}
