/**
 * Page assembly with pdf-lib: the front pages, the blank pages that make each part start on a
 * right-hand page, the parts as printed, one outline entry per part with its headings, and the
 * booklet imposition and print-shop boxes and marks.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFPage, rgb } from "pdf-lib";

export const MM = 72 / 25.4;

/** A run of pages in the packet: printed pages from a document, or blank pages. */
export type Piece = { kind: "pages"; from: PDFDocument; count: number } | { kind: "blank" };

export interface OutlineEntry {
  title: string;
  /** Page index in the packet. */
  page: number;
  /** Where on the page (PDF points); undefined: the top. */
  x?: number;
  y?: number;
  kids: OutlineEntry[];
}

/** The headings a Chromium PDF's outline lists, as entries on its own page indices (below its title's entry). */
export function readOutline(doc: PDFDocument): OutlineEntry[] {
  const pageIndex = new Map(doc.getPages().map((page, i) => [page.ref.toString(), i]));
  const outlines = doc.catalog.lookupMaybe(PDFName.of("Outlines"), PDFDict);
  const read = (first: PDFDict | undefined): OutlineEntry[] => {
    const entries: OutlineEntry[] = [];
    for (let item = first, guard = 0; item && guard < 10_000; item = item.lookupMaybe(PDFName.of("Next"), PDFDict), guard++) {
      const title = item.lookupMaybe(PDFName.of("Title"), PDFString, PDFHexString)?.decodeText() ?? "";
      const dest = item.lookupMaybe(PDFName.of("Dest"), PDFArray);
      const target = dest?.get(0);
      const page = target instanceof PDFRef ? pageIndex.get(target.toString()) : undefined;
      const num = (i: number) => {
        const v = dest?.lookup(i);
        return v instanceof PDFNumber ? v.asNumber() : undefined;
      };
      entries.push({ title, page: page ?? 0, x: num(2), y: num(3), kids: read(item.lookupMaybe(PDFName.of("First"), PDFDict)) });
    }
    return entries;
  };
  const top = read(outlines?.lookupMaybe(PDFName.of("First"), PDFDict));
  // Chromium's outline is the document's title with its headings below it.
  return top.length === 1 ? top[0].kids : top;
}

/** Replace the document's outline with these entries (pages are indices into `doc`). */
export function writeOutline(doc: PDFDocument, entries: OutlineEntry[]): void {
  const context = doc.context;
  const pages = doc.getPages();
  const rootRef = context.nextRef();
  const write = (list: OutlineEntry[], parent: PDFRef): { first?: PDFRef; last?: PDFRef; count: number } => {
    const refs = list.map(() => context.nextRef());
    let count = 0;
    list.forEach((entry, i) => {
      const dict = context.obj({}) as PDFDict;
      dict.set(PDFName.of("Title"), PDFHexString.fromText(entry.title));
      dict.set(PDFName.of("Parent"), parent);
      const page = pages[Math.min(entry.page, pages.length - 1)];
      const top = page.getHeight();
      dict.set(PDFName.of("Dest"), context.obj([page.ref, PDFName.of("XYZ"), entry.x ?? 0, entry.y ?? top, 0]));
      if (i > 0) dict.set(PDFName.of("Prev"), refs[i - 1]);
      if (i < list.length - 1) dict.set(PDFName.of("Next"), refs[i + 1]);
      const kids = write(entry.kids, refs[i]);
      if (kids.first && kids.last) {
        dict.set(PDFName.of("First"), kids.first);
        dict.set(PDFName.of("Last"), kids.last);
        dict.set(PDFName.of("Count"), PDFNumber.of(kids.count));
      }
      context.assign(refs[i], dict);
      count += 1 + kids.count;
    });
    return { first: refs[0], last: refs[refs.length - 1], count };
  };
  const { first, last, count } = write(entries, rootRef);
  const root = context.obj({ Type: "Outlines" }) as PDFDict;
  if (first && last) {
    root.set(PDFName.of("First"), first);
    root.set(PDFName.of("Last"), last);
    root.set(PDFName.of("Count"), PDFNumber.of(count));
  }
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of("Outlines"), rootRef);
  doc.catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}

/** Sheets for `--paper`: A4 or Letter, landscape, each holding two pages side by side. */
const SHEETS = { a4: [297 * MM, 210 * MM], letter: [792, 612] } as const;

/**
 * Saddle-stitch order for `count` pages (a multiple of 4): for each sheet, its front (left,
 * right) then its back, as 1-based page numbers. Sheet k's front carries the last and the
 * first pages still open, its back the next two inward.
 */
export function saddleOrder(count: number): [number, number][] {
  const sides: [number, number][] = [];
  for (let k = 0; k < count / 4; k++) {
    sides.push([count - 2 * k, 2 * k + 1]);
    sides.push([2 * k + 2, count - 2 * k - 1]);
  }
  return sides;
}

/**
 * The packet as an A5 (or half-letter) booklet on A4 (or Letter) landscape sheets: each page
 * scaled into half a sheet, in saddle-stitch order, the page count padded to a multiple of four
 * with blank pages before the back cover.
 */
export async function imposeBooklet(packet: PDFDocument, paper: "a4" | "letter", facts: { title: string; lang: string; date: Date }): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const pages = packet.getPages();
  // A blank page (no content stream) is left empty on its sheet: pdf-lib cannot embed it.
  const embedded = await Promise.all(pages.map((page) => (page.node.Contents() ? out.embedPage(page) : undefined)));
  const n = pages.length;
  const padded = Math.ceil(n / 4) * 4;
  // Logical page p (1-based) → the packet page printed there, or blank.
  const at = (p: number) => (p === padded ? n - 1 : p < n ? p - 1 : undefined);
  const [width, height] = SHEETS[paper];
  const half = width / 2;
  for (const side of saddleOrder(padded)) {
    const sheet = out.addPage([width, height]);
    side.forEach((p, slot) => {
      const index = at(p);
      if (index === undefined) return;
      const page = embedded[index];
      if (!page) return;
      const scale = Math.min(half / page.width, height / page.height);
      const w = page.width * scale;
      const h = page.height * scale;
      sheet.drawPage(page, { x: slot * half + (half - w) / 2, y: (height - h) / 2, width: w, height: h });
    });
  }
  setFacts(out, facts.title, facts.lang, facts.date);
  return out.save();
}

/** Document facts, with the build date so that rebuilds are the same bytes. */
export function setFacts(doc: PDFDocument, title: string, lang: string | undefined, date: Date): void {
  doc.setTitle(title, { showInWindowTitleBar: true });
  if (lang) doc.setLanguage(lang);
  doc.setCreator("broadside");
  doc.setProducer("broadside (Chromium, pdf-lib)");
  doc.setCreationDate(date);
  doc.setModificationDate(date);
}

/**
 * Print-shop boxes: the page as printed is the TrimBox; the BleedBox is `bleed` beyond it; with
 * `marks`, the sheet grows further and crop marks are drawn at the trim lines, outside the bleed.
 */
export function addPrintBoxes(page: PDFPage, bleed: number, marks: boolean): void {
  const { width, height } = page.getSize();
  const gap = 2 * MM;
  const length = 5 * MM;
  const slug = marks ? bleed + gap + length : bleed;
  page.setMediaBox(-slug, -slug, width + 2 * slug, height + 2 * slug);
  page.setCropBox(-slug, -slug, width + 2 * slug, height + 2 * slug);
  page.setBleedBox(-bleed, -bleed, width + 2 * bleed, height + 2 * bleed);
  page.setTrimBox(0, 0, width, height);
  if (!marks) return;
  const line = (x1: number, y1: number, x2: number, y2: number) => page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.25, color: rgb(0, 0, 0) });
  const near = bleed + gap;
  for (const x of [0, width]) {
    for (const y of [0, height]) {
      const sx = x === 0 ? -1 : 1;
      const sy = y === 0 ? -1 : 1;
      line(x + sx * near, y, x + sx * (near + length), y); // horizontal mark on the trim line
      line(x, y + sy * near, x, y + sy * (near + length)); // vertical mark
    }
  }
}

/** Copy the pieces, in order, into a new document; returns it and where each piece starts. */
export async function assemble(pieces: Piece[], blankSize: [number, number]): Promise<{ doc: PDFDocument; starts: number[] }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const starts: number[] = [];
  for (const piece of pieces) {
    starts.push(doc.getPageCount());
    if (piece.kind === "blank") doc.addPage(blankSize);
    else for (const page of await doc.copyPages(piece.from, piece.from.getPageIndices())) doc.addPage(page);
  }
  return { doc, starts };
}
