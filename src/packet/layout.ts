/** The packet's pages put together with pdf-lib, their tags and outline carried over; the booklet's imposition; print-shop boxes and marks. */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFObjectCopier,
  PDFPage,
  PDFPageLeaf,
  PDFRef,
  PDFString,
  rgb,
} from "pdf-lib";
import { PAPER_SIZE, POINTS } from "../paper.ts";

export interface OutlineEntry {
  title: string;
  /** Page index in the packet. */
  page: number;
  /** Where on the page (PDF points); undefined: the top. */
  x?: number;
  y?: number;
  kids: OutlineEntry[];
}

/** The headings a Chromium PDF's outline lists (below its title's entry), its page indices moved on by `start`. */
export function readOutline(doc: PDFDocument, start: number): OutlineEntry[] {
  const pageIndex = new Map(doc.getPages().map((page, i) => [page.ref.toString(), i]));
  const outlines = doc.catalog.lookupMaybe(PDFName.of("Outlines"), PDFDict);
  const read = (first: PDFDict | undefined): OutlineEntry[] => {
    const entries: OutlineEntry[] = [];
    for (let item = first, guard = 0; item && guard < 10_000; item = item.lookupMaybe(PDFName.of("Next"), PDFDict), guard++) {
      const title = item.lookupMaybe(PDFName.of("Title"), PDFString, PDFHexString)?.decodeText() ?? "";
      const dest = item.lookupMaybe(PDFName.of("Dest"), PDFArray);
      const target = dest?.get(0);
      const page = target instanceof PDFRef ? pageIndex.get(target.toString()) : undefined;
      const num = (i: number) => dest?.lookupMaybe(i, PDFNumber)?.asNumber();
      entries.push({ title, page: (page ?? 0) + start, x: num(2), y: num(3), kids: read(item.lookupMaybe(PDFName.of("First"), PDFDict)) });
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
  /** One level's entries, each linked to its neighbours, its parent and its kids; `links` are the parent's. */
  const write = (list: OutlineEntry[], parent: PDFRef): { count: number; links: { First?: PDFRef; Last?: PDFRef; Count?: number } } => {
    const refs = list.map(() => context.nextRef());
    let count = 0;
    list.forEach((entry, i) => {
      const page = pages[Math.min(entry.page, pages.length - 1)];
      const kids = write(entry.kids, refs[i]);
      const dest = [page.ref, "XYZ", entry.x ?? 0, entry.y ?? page.getHeight(), 0];
      context.assign(
        refs[i],
        context.obj({ Title: PDFHexString.fromText(entry.title), Parent: parent, Dest: dest, Prev: refs[i - 1], Next: refs[i + 1], ...kids.links }),
      );
      count += 1 + kids.count;
    });
    return { count, links: refs.length ? { First: refs[0], Last: refs.at(-1), Count: count } : {} };
  };
  context.assign(rootRef, context.obj({ Type: "Outlines", ...write(entries, rootRef).links }));
  doc.catalog.set(PDFName.of("Outlines"), rootRef);
  doc.catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}

/** Saddle-stitch order for `count` pages (a multiple of 4): each sheet's front (left, right), then its back, as 1-based page numbers. */
export function saddleOrder(count: number): [number, number][] {
  const sides: [number, number][] = [];
  for (let k = 0; k < count / 4; k++) {
    sides.push([count - 2 * k, 2 * k + 1]);
    sides.push([2 * k + 2, count - 2 * k - 1]);
  }
  return sides;
}

/** The packet set on A5 (half-letter) as a booklet on A4 (Letter) landscape sheets, padded to a multiple of four pages before the back cover. */
export async function imposeBooklet(packet: PDFDocument, paper: "a4" | "letter", facts: { title: string; lang: string; date: Date }): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const pages = packet.getPages();
  // A blank page (no content stream) is left empty on its sheet: pdf-lib cannot embed it.
  const embedded = await Promise.all(pages.map((page) => (page.node.Contents() ? out.embedPage(page) : undefined)));
  const n = pages.length;
  const padded = Math.ceil(n / 4) * 4;
  // Logical page p (1-based) → the packet page printed there, or none (blank).
  const at = (p: number) => (p === padded ? embedded[n - 1] : p < n ? embedded[p - 1] : undefined);
  // The sheet: the paper turned landscape, two pages side by side.
  const [height, width] = PAPER_SIZE[paper];
  const half = width / 2;
  for (const side of saddleOrder(padded)) {
    const sheet = out.addPage([width, height]);
    side.forEach((p, slot) => {
      const page = at(p);
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

/** Print-shop boxes: the page as printed is the TrimBox, the BleedBox `bleed` beyond it; `marks` grows the sheet for crop marks outside the bleed. */
export function addPrintBoxes(page: PDFPage, bleed: number, marks: boolean): void {
  const { width, height } = page.getSize();
  const gap = 2 * POINTS.mm;
  const length = 5 * POINTS.mm;
  const slug = marks ? bleed + gap + length : bleed;
  page.setMediaBox(-slug, -slug, width + 2 * slug, height + 2 * slug);
  page.setCropBox(-slug, -slug, width + 2 * slug, height + 2 * slug);
  page.setBleedBox(-bleed, -bleed, width + 2 * bleed, height + 2 * bleed);
  page.setTrimBox(0, 0, width, height);
  if (!marks) return;
  const line = (x1: number, y1: number, x2: number, y2: number) =>
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.25, color: rgb(0, 0, 0) });
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

/**
 * The pages copied in order (`undefined`: a blank page) with their tags: each source's structure tree by its pages' copier, its parent-tree keys
 * moved past the previous source's, under one new StructTreeRoot. Named destinations are made explicit first: each part has a "note-1".
 */
export async function assemble(pages: (PDFPage | undefined)[], blankSize: [number, number], lang: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const context = doc.context;
  const sources = new Map<PDFDocument, { copier: PDFObjectCopier; offset: number }>();
  let nextKey = 0;
  const rootRef = context.nextRef();
  const kids: PDFObject[] = [];
  const nums: PDFObject[] = [];
  for (const page of pages) {
    if (!page) {
      doc.addPage(blankSize);
      continue;
    }
    let source = sources.get(page.doc);
    if (!source) {
      explicitDestinations(page.doc);
      source = { copier: PDFObjectCopier.for(page.doc.context, context), offset: nextKey };
      sources.set(page.doc, source);
      nextKey += parentTreeEntries(page.doc).reduce((max, [key]) => Math.max(max, key + 1), 0);
    }
    const ref = source.copier.copy(page.ref) as PDFRef;
    const leaf = context.lookup(ref) as PDFPageLeaf;
    shiftKey(leaf, "StructParents", source.offset);
    for (const annot of leaf.lookupMaybe(PDFName.of("Annots"), PDFArray)?.asArray() ?? []) {
      const dict = context.lookup(annot);
      if (dict instanceof PDFDict) shiftKey(dict, "StructParent", source.offset);
    }
    doc.addPage(PDFPage.of(leaf, ref, doc));
  }
  // The structure trees, once every page is copied.
  for (const [from, { copier, offset }] of sources) {
    const root = from.catalog.lookupMaybe(PDFName.of("StructTreeRoot"), PDFDict);
    if (!root) continue;
    const top = root.lookup(PDFName.of("K"));
    const tops = top instanceof PDFArray ? top.asArray() : top ? [root.get(PDFName.of("K"))!] : [];
    for (const element of tops) {
      const dict = from.context.lookup(element);
      if (dict instanceof PDFDict) dict.delete(PDFName.of("P")); // not the old root: it is set to the new one below
      const copied = copier.copy(element);
      const copiedDict = context.lookup(copied);
      if (copiedDict instanceof PDFDict) copiedDict.set(PDFName.of("P"), rootRef);
      kids.push(copied);
    }
    for (const [key, value] of parentTreeEntries(from)) nums.push(PDFNumber.of(key + offset), copier.copy(value));
  }
  if (kids.length) {
    const parentTree = context.register(context.obj({ Nums: nums }));
    context.assign(rootRef, context.obj({ Type: "StructTreeRoot", K: kids, ParentTree: parentTree, ParentTreeNextKey: nextKey }));
    doc.catalog.set(PDFName.of("StructTreeRoot"), rootRef);
    doc.catalog.set(PDFName.of("MarkInfo"), context.obj({ Marked: true }));
  }
  doc.setLanguage(lang);
  return doc;
}

function shiftKey(dict: PDFDict, key: string, offset: number) {
  const value = dict.lookup(PDFName.of(key));
  if (value instanceof PDFNumber) dict.set(PDFName.of(key), PDFNumber.of(value.asNumber() + offset));
}

/** The parent tree's entries, its /Kids flattened. */
function parentTreeEntries(from: PDFDocument, node = parentTree(from), depth = 0): [number, PDFObject][] {
  if (!node || depth > 32) return [];
  const nums = node.lookupMaybe(PDFName.of("Nums"), PDFArray);
  const found: [number, PDFObject][] = [];
  for (let i = 0; nums && i + 1 < nums.size(); i += 2) {
    const key = nums.lookup(i);
    if (key instanceof PDFNumber) found.push([key.asNumber(), nums.get(i + 1)]);
  }
  for (const kid of node.lookupMaybe(PDFName.of("Kids"), PDFArray)?.asArray() ?? []) {
    const dict = from.context.lookup(kid);
    if (dict instanceof PDFDict) found.push(...parentTreeEntries(from, dict, depth + 1));
  }
  return found;
}

const parentTree = (from: PDFDocument) => from.catalog.lookupMaybe(PDFName.of("StructTreeRoot"), PDFDict)?.lookupMaybe(PDFName.of("ParentTree"), PDFDict);

/** Replace each link's named destination by the explicit one it names (in the catalog's /Dests, where Chromium writes them). */
function explicitDestinations(from: PDFDocument): void {
  const dests = from.catalog.lookupMaybe(PDFName.of("Dests"), PDFDict);
  const named = new Map([...(dests?.entries() ?? [])].map(([key, value]) => [key.decodeText(), value]));
  const resolve = (name: PDFObject | undefined): PDFObject | undefined => {
    const key = name instanceof PDFName || name instanceof PDFString || name instanceof PDFHexString ? name.decodeText() : undefined;
    let target = key === undefined ? undefined : named.get(key);
    if (target instanceof PDFRef) target = from.context.lookup(target);
    if (target instanceof PDFDict) target = target.get(PDFName.of("D"));
    return target;
  };
  for (const page of from.getPages()) {
    for (const annot of page.node.lookupMaybe(PDFName.of("Annots"), PDFArray)?.asArray() ?? []) {
      const dict = from.context.lookup(annot);
      if (!(dict instanceof PDFDict)) continue;
      const dest = resolve(dict.lookup(PDFName.of("Dest")));
      if (dest) dict.set(PDFName.of("Dest"), dest);
      const action = dict.lookupMaybe(PDFName.of("A"), PDFDict);
      const goTo = action && resolve(action.lookup(PDFName.of("D")));
      if (action && goTo) action.set(PDFName.of("D"), goTo);
    }
  }
}
