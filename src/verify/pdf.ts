/**
 * Reading a built PDF back with pdf.js, as a person with a PDF viewer sees it (no code shared with the compilers):
 * a tagged PDF by its structure tree, an untagged one by its text's positions.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { collapseSpace, groupBy, type NoteCall, type Reading } from "./reading.ts";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type PdfDocument = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;
type PdfPageProxy = Awaited<ReturnType<PdfDocument["getPage"]>>;

/** A text item as drawn: its page, baseline origin, width, font size, whether it ends a line, its marked content (null: untagged), whether it runs top to bottom. */
interface Item {
  str: string;
  page: number;
  x: number;
  y: number;
  width: number;
  size: number;
  eol: boolean;
  mc: string | null;
  vertical: boolean;
  /** Index in the whole document's stream of items (set once the pages are read). */
  index: number;
  furniture: boolean;
}

/** A list item of a tagged page: the marked-content ids of its label and of the rest. */
interface PdfListItem {
  label: string[];
  body: string[];
  /** Whether it is inside another list item (a list nested in a note). */
  nested: boolean;
  /** Whether it is in an Aside element: the page foot that holds the page's notes (src/pdf/paginate/). */
  foot: boolean;
}

let loading: Promise<PdfJs> | undefined;
// The minified builds load faster through a TypeScript loader (which reads the full builds' source
// maps); named through variables, as TypeScript would look for declarations the worker lacks.
const LIBRARY: string = "pdfjs-dist/legacy/build/pdf.min.mjs";
const WORKER: string = "pdfjs-dist/legacy/build/pdf.worker.min.mjs";
/** pdf.js, and its worker's side in this thread (Node has no web workers), imported at once so the first document does not wait. */
const pdfjs = () =>
  (loading ??= (async () => {
    const worker = pathToFileURL(createRequire(import.meta.url).resolve(WORKER)).href;
    const [lib] = await Promise.all([import(LIBRARY) as Promise<PdfJs>, import(worker) as Promise<unknown>]);
    lib.GlobalWorkerOptions.workerSrc = worker;
    return lib;
  })());

/** Load pdf.js now, so that a later `readPdf` does not wait for it (call it when a build starts). It keeps no process alive. */
export function preparePdfReader(): void {
  pdfjs().catch(() => undefined);
}

export type StructNode = { role?: string; lang?: string; children?: StructNode[]; type?: string; id?: string };

/**
 * The text pdf.js reads off a page, with each item's marked-content id; Chromium's /ActualText (glyph clusters it cannot
 * map one to one: Tibetan stacks, Mongolian, Arabic ligatures) replaces their glyphs, matched by the BDCs' order.
 */
async function pageText(page: PdfPageProxy, actualTexts: () => Promise<(string | null)[]>): Promise<Item[]> {
  const content = await page.getTextContent({ includeMarkedContent: true });
  type Mark = { id: string | null; actual: string | null; used: boolean };
  const spans = content.items.filter((i) => "type" in i && i.type === "beginMarkedContentProps");
  const needsActual = spans.some((i) => "type" in i && i.id === null && (i as { tag?: string }).tag === "Span");
  let actual: (string | null)[] = [];
  if (needsActual) {
    actual = await actualTexts();
    // Counted differently (a form XObject's marked content): read the glyphs' own text.
    if (actual.length !== spans.length) actual = [];
  }
  const items: Item[] = [];
  const stack: Mark[] = [];
  let bdc = 0;
  for (const item of content.items) {
    if ("type" in item) {
      if (item.type === "beginMarkedContentProps") stack.push({ id: item.id ?? null, actual: actual[bdc++] ?? null, used: false });
      else if (item.type === "beginMarkedContent") stack.push({ id: null, actual: null, used: false });
      else if (item.type === "endMarkedContent") {
        // A span whose glyphs gave pdf.js no text item (no ToUnicode entry): its text still counts.
        const ended = stack.pop();
        const last = items[items.length - 1];
        if (ended?.actual && !ended.used && last) {
          const mc = innermost(stack, (m) => m.id !== null)?.id ?? null;
          items.push({ ...last, str: ended.actual, x: last.x + last.width, width: 0, eol: false, mc });
        }
      }
      continue;
    }
    let str = item.str;
    const span = innermost(stack, (m) => m.actual !== null);
    if (span) {
      str = span.used ? "" : span.actual!;
      span.used = true;
    }
    const mc = innermost(stack, (m) => m.id !== null)?.id ?? null;
    const [a, b, c, d, x, y] = item.transform as number[];
    // A vertical edition's text runs down the page (its glyphs turned a quarter).
    const vertical = Math.abs(b) > Math.abs(a);
    items.push({ str, page: page.pageNumber - 1, x, y, width: item.width, size: Math.hypot(c, d), eol: item.hasEOL, mc, vertical, index: 0, furniture: false });
  }
  return items;
}

const joined = (items: Item[]) => items.map((item) => item.str).join("");

function innermost<T>(stack: T[], test: (t: T) => boolean): T | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (test(stack[i])) return stack[i];
  return undefined;
}

/** The same PDF opened with pdf-lib, for what pdf.js does not give: a BDC's /ActualText, the whole structure tree's order. */
async function openPdfLib(bytes: Uint8Array) {
  const lib = await import("pdf-lib");
  return { lib, doc: await lib.PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false }) };
}
type PdfLib = Awaited<ReturnType<typeof openPdfLib>>;

/** The /ActualText of each BDC operator of a page's content, in order (null for a BDC without). */
function actualTexts({ lib, doc }: PdfLib, index: number): (string | null)[] {
  const contents = doc.getPage(index).node.Contents();
  const streams = contents instanceof lib.PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  let text = "";
  for (const stream of streams) {
    if (stream instanceof lib.PDFRawStream) text += Buffer.from(lib.decodePDFRawStream(stream).decode()).toString("latin1") + "\n";
  }
  return Array.from(text.matchAll(BDC), (m) => {
    const hex = /\/ActualText\s*<([0-9A-Fa-f\s]*)>/.exec(m[1] ?? "");
    // UTF-16 after a byte order mark, else PDFDocEncoding (PDF 32000, 7.9.2.2).
    return hex ? lib.PDFHexString.of(hex[1].replace(/\s/g, "")).decodeText() : null;
  });
}

/** Each link annotation's structure element, by its place in the whole document's structure tree (annotation id as pdf.js gives it). */
function linkElementOrder({ lib, doc }: PdfLib): Map<string, number> {
  const { PDFArray, PDFDict, PDFName, PDFRef } = lib;
  const order = new Map<string, number>();
  const seen = new Set<unknown>();
  let element = 0;
  // Depth first, in document order, without recursion (check --outputs may read a PDF made elsewhere).
  const stack: [unknown, number][] = [[doc.catalog.get(PDFName.of("StructTreeRoot")), -1]];
  while (stack.length) {
    const [kid, parent] = stack.pop()!;
    const node = kid instanceof PDFRef ? doc.context.lookup(kid) : kid;
    if (seen.has(node)) continue; // a tree that loops is no tree
    seen.add(node);
    if (node instanceof PDFArray) for (let i = node.size() - 1; i >= 0; i--) stack.push([node.get(i), parent]);
    if (!(node instanceof PDFDict)) continue;
    const obj = node.get(PDFName.of("Obj"));
    if (node.get(PDFName.of("Type")) === PDFName.of("OBJR") && obj instanceof PDFRef) order.set(`${obj.objectNumber}R`, parent);
    else stack.push([node.get(PDFName.of("K")), element++]);
  }
  return order;
}

/** A BDC operator with its properties (an inline dictionary, which may hold hex strings, or a name). */
const BDC = /\/[^\s/<>[\]()]+\s*(?:(<<(?:[^<>]|<[^<>]*>)*>>)|\/[^\s/<>[\]()]+)\s*BDC\b/g;

/** The list items of a page's structure tree, and the text of the structure element each link annotation is in. */
function pageStructure(tree: StructNode | null, items: Item[], links: Link[]): PdfListItem[] {
  const lis: PdfListItem[] = [];
  const linkText = new Map<string, Link["tagged"]>();
  const byMc = groupBy(items, (item) => item.mc);
  const contentIds = (node: StructNode, out: string[] = []): string[] => {
    if (node.type === "content" && node.id) out.push(node.id);
    for (const child of node.children ?? []) contentIds(child, out);
    return out;
  };
  let order = 0;
  const visit = (node: StructNode, inLi: boolean, inAside: boolean) => {
    inAside ||= node.role === "Aside";
    const children = node.children ?? [];
    for (const child of children) {
      if (child.type === "object" && child.id) {
        const ids = contentIds(node);
        // A link whose element has no text on this page shows nothing here (a call's sliver left before its column or page ends).
        linkText.set(child.id, { text: joined(ids.flatMap((id) => byMc.get(id) ?? [])), order: order++, ids });
      }
    }
    // A list item: LI, or whatever element holds a label (Chromium tags a right-to-left
    // list's items as NonStruct around their Lbl).
    const item = node.role === "LI" || children.some((child) => child.role === "Lbl");
    if (item) {
      const label: string[] = [];
      const body: string[] = [];
      for (const child of children) (child.role === "Lbl" ? label : body).push(...contentIds(child));
      lis.push({ label, body, nested: inLi, foot: inAside });
    }
    for (const child of children) if (!child.type) visit(child, inLi || item, inAside);
  };
  if (tree) visit(tree, false, false);
  for (const link of links) link.tagged = linkText.get(link.id);
  return lis;
}

let lastRead: Promise<unknown> = Promise.resolve();

/** `read` on the PDF as pdf.js opens it (no fonts, no scripts, strict), one document at a time: pdf.js keeps one page count per process. */
function withPdf<T>(bytes: Uint8Array, read: (doc: PdfDocument) => Promise<T>): Promise<T> {
  const turn = lastRead.then(async () => {
    const { getDocument } = await pdfjs();
    const task = getDocument({
      data: new Uint8Array(bytes),
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: true,
    });
    try {
      const doc = await task.promise.catch((error: Error) => {
        throw new Error(`not a PDF pdf.js can read (${error.message})`);
      });
      return await read(doc);
    } finally {
      await task.destroy();
    }
  });
  lastRead = turn.catch(() => undefined);
  return turn;
}

/** A page's text items in drawing order, and its structure tree (null when untagged). */
export interface PageContent {
  items: Item[];
  tree: StructNode | null;
}

/** Every page's text items and structure tree, as the packet's proof reads them. */
export function readPageItems(bytes: Uint8Array): Promise<PageContent[]> {
  return withPdf(bytes, async (doc) => {
    const pages: PageContent[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      // No /ActualText: the packet compares a page with the same page printed again.
      pages.push({ items: await pageText(page, async () => []), tree: (await page.getStructTree()) as StructNode | null });
    }
    return pages;
  });
}

/** Pages read at once: pdf.js answers in turn, and a long PDF's pages are not all held at once. */
const MAX_PAGES_IN_FLIGHT = 8;

/**
 * Every page's internal links, and the text and list items of the pages that can hold calls or notes: those with call
 * links, the pages they lead to and the next ones (a note continued); every page when no call link leads anywhere.
 */
function readPdfBytes(bytes: Uint8Array): Promise<{ links: Link[]; read: PagesText }> {
  return withPdf(bytes, async (doc) => {
    const destinations = new Map<string, Promise<Destination | undefined>>();
    const resolve = async (dest: unknown): Promise<Destination | undefined> => {
      const explicit = typeof dest === "string" ? await doc.getDestination(dest) : dest;
      if (!Array.isArray(explicit) || !explicit[0]) return undefined;
      const ref = explicit[0];
      const page = typeof ref === "number" ? ref : await doc.getPageIndex(ref).catch(() => -1);
      if (page < 0) return undefined;
      const kind = explicit[1]?.name;
      const num = (v: unknown) => (typeof v === "number" ? v : null);
      if (kind === "XYZ") return { page, x: num(explicit[2]), y: num(explicit[3]) };
      if (kind === "FitH" || kind === "FitBH") return { page, x: null, y: num(explicit[2]) };
      return { page, x: null, y: null };
    };
    const pageProxies = await Promise.all(Array.from({ length: doc.numPages }, (_, p) => doc.getPage(p + 1)));
    const pageLinks = await Promise.all(
      pageProxies.map(async (page, p) => {
        // "print": without the text under each link, which pdf.js would extract for "display".
        const annotations = (await page.getAnnotations({ intent: "print" })).filter((a) => a.subtype === "Link" && a.dest);
        const links = await Promise.all(
          annotations.map(async (a): Promise<Link[]> => {
            const name = typeof a.dest === "string" ? a.dest : "";
            const key = name || JSON.stringify(a.dest);
            const resolved = destinations.get(key) ?? resolve(a.dest).catch(() => undefined);
            destinations.set(key, resolved);
            const dest = await resolved;
            const [left, bottom, right, top] = a.rect; // normalised by pdf.js
            // A link to a named destination stays, even one that resolves to no page.
            return dest || name
              ? [{ id: a.id, rect: { page: p, left, bottom, right, top }, dest, call: CALL_DESTINATION.test(name), toCall: BACK_DESTINATION.test(name) }]
              : [];
          }),
        );
        return links.flat();
      }),
    );
    const links = pageLinks.flat();

    const callLinks = links.filter((l) => l.call);
    const wanted = new Set<number>();
    for (const link of callLinks) {
      wanted.add(link.rect.page);
      if (link.dest) wanted.add(link.dest.page).add(link.dest.page + 1);
    }
    const all = !callLinks.some((l) => l.dest);
    const indexes = pageProxies.map((_, p) => p).filter((p) => all || wanted.has(p));

    let pdfLib: Promise<PdfLib> | undefined;
    const texts: Parameters<typeof pagesText>[0] = [];
    for (let i = 0; i < indexes.length; i = texts.length) {
      const batch = indexes.slice(i, i + MAX_PAGES_IN_FLIGHT).map(async (p) => {
        const page = pageProxies[p];
        const items = await pageText(page, async () => actualTexts(await (pdfLib ??= openPdfLib(bytes)), p));
        return { page: p, items, lis: pageStructure((await page.getStructTree()) as StructNode | null, items, pageLinks[p]) };
      });
      texts.push(...(await Promise.all(batch)));
      if (texts.length === indexes.length) indexes.push(...pagesNotesGoOnTo(texts, indexes, callLinks, doc.numPages));
    }
    texts.sort((a, b) => a.page - b.page);
    // Chromium breaks a vertical edition's pages itself, splitting a table row's cells across two pages: page by page,
    // the calls of the row's second cell come before the rest of its first. The structure tree keeps the letter's order.
    if (texts.some(({ items }) => items.some((item) => item.vertical))) {
      const order = linkElementOrder(await (pdfLib ??= openPdfLib(bytes)));
      for (const link of links) if (link.tagged) link.tagged = { ...link.tagged, page: 0, order: order.get(link.id) ?? link.tagged.order };
    }
    return { links, read: pagesText(texts) };
  });
}

/**
 * Pages not read yet that a note may go on to: at the feet, the page after each labelled "N (cont.)" (a note may run over
 * several); with notes at the end, every page after the first note's.
 */
function pagesNotesGoOnTo(texts: { page: number; items: Item[]; lis: PdfListItem[] }[], read: number[], callLinks: Link[], pageCount: number): number[] {
  const known = new Set(read);
  const continued = (li: PdfListItem, items: Item[]) => {
    const label = items.filter((item) => item.mc !== null && li.label.includes(item.mc)).map((item) => item.str);
    return label.length > 0 && !TAGGED_MARKER.test(label.join(""));
  };
  const firstNote = Math.min(...callLinks.flatMap((l) => (l.dest ? [l.dest.page] : [])));
  const next = texts.some(({ lis }) => lis.some((li) => li.foot))
    ? texts.filter(({ items, lis }) => lis.some((li) => li.foot && continued(li, items))).map(({ page }) => page + 1)
    : Array.from({ length: pageCount }, (_, p) => p).filter((p) => p > firstNote);
  return [...new Set(next)].filter((p) => p < pageCount && !known.has(p));
}

interface Rect {
  page: number;
  left: number;
  bottom: number;
  right: number;
  top: number;
}

interface Destination {
  page: number;
  x: number | null;
  y: number | null;
}

const CALL_DESTINATION = /^note-\d+$/;
const BACK_DESTINATION = /^note-call-/;
const MARKER = /^\s*(\d+)\.\s*$/;
/** A list item's label as read from a tagged PDF, also in right-to-left order (".3"). */
const TAGGED_MARKER = /^\s*\.?\s*(\d+)\s*\.?\s*$/;

/** Characters of an item with their centres, each given an equal share of the item's width. */
function* characters(item: Item): Generator<{ char: string; offset: number; x: number; y: number }> {
  const chars = Array.from(item.str);
  const advance = chars.length ? item.width / chars.length : 0;
  // The centre of a glyph: a third of the font size off the baseline, on the glyph's side.
  let offset = 0;
  for (let i = 0; i < chars.length; i++) {
    const along = advance * (i + 0.5);
    yield { char: chars[i], offset, x: item.vertical ? item.x + item.size / 3 : item.x + along, y: item.vertical ? item.y - along : item.y + item.size / 3 };
    offset += chars[i].length;
  }
}

/** Whether an item's box comes near a rectangle. */
const overlaps = (rect: Rect, item: Item) =>
  item.vertical
    ? item.x - item.size / 2 <= rect.right + 1 && item.x + item.size >= rect.left - 1 && item.y - item.width <= rect.top + 1 && item.y >= rect.bottom - 1
    : item.x <= rect.right + 1 && item.x + item.width >= rect.left - 1 && item.y - item.size / 2 <= rect.top + 1 && item.y + item.size >= rect.bottom - 1;

const inside = (rect: Rect, x: number, y: number) => x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.bottom - 1 && y <= rect.top + 1;

/** Destinations in reading order: page, then top to bottom (PDF y grows upwards), then left to right. */
function compareDestinations(a: Destination, b: Destination): number {
  return a.page - b.page || (b.y ?? Infinity) - (a.y ?? Infinity) || (a.x ?? 0) - (b.x ?? 0);
}
const destinationKey = (d: Destination) => `${d.page} ${d.x} ${d.y}`;

/** An internal link of the document, in page coordinates. */
interface Link {
  /** The annotation's id in pdf.js, as the structure tree refers to it. */
  id: string;
  rect: Rect;
  /** Where it leads; undefined when that resolves to no page. */
  dest: Destination | undefined;
  /** To a note (`note-<digits>`): a note call. */
  call: boolean;
  /** To a call (`note-call-…`): a back link. */
  toCall: boolean;
  /** Tagged PDF: the text of the structure element it belongs to, and that element's place in the structure tree (logical order, also in right-to-left lines). */
  tagged?: { text: string; page?: number; order: number; ids: string[] };
}

/** The text items of the pages read, the page furniture marked, and the list items of their structure trees. */
interface PagesText {
  /** The items less the page furniture. */
  text: Item[];
  /** Whether the notes are at the foot of the pages (list items of Aside elements). */
  footnotes: boolean;
  byPage: Map<number, Item[]>;
  /** The items less the page furniture, by marked content. */
  byMc: Map<string, Item[]>;
  listItems: PdfListItem[];
  /** The list item each label's marked content belongs to. */
  labelOf: Map<string, PdfListItem>;
}

export async function readPdfData(bytes: Uint8Array): Promise<Reading> {
  const { links, read } = await readPdfBytes(bytes);
  const callLinks = links.filter((link) => link.call);
  const targets = [...new Map(callLinks.flatMap((l) => (l.dest ? [[destinationKey(l.dest), l.dest] as const] : []))).values()].sort(compareDestinations);

  const run = noteMarkers(read, targets);
  // Where each destination is on the printed page, and so which note marker it leads to.
  const landing = placeDestinations(targets, run);
  const calls = callsShown(callLinks, read).map(({ shown, dest }): NoteCall => {
    const k = dest ? landing(dest) : undefined;
    return { shown, leadsTo: k === undefined ? undefined : { number: k + 1, shown: String(k + 1) } };
  });
  return { format: "pdf", calls, notes: noteTexts(run, read, links, targets), problems: [] };
}

/** The text items of the pages read in stream order, with the page furniture marked. */
function pagesText(texts: { page: number; items: Item[]; lis: PdfListItem[] }[]): PagesText {
  const byPage = new Map<number, Item[]>();
  const isTaggedText = (r: Item) => r.mc !== null && r.str.trim() !== "";
  const documentTagged = texts.some(({ items }) => items.some(isTaggedText));
  for (const { page, items } of texts) {
    // Untagged text above or below all the tagged text of the page is page furniture; in a tagged
    // document, so is all of a page with no tagged text (one that holds only a note's back link).
    const tagged = items.filter(isTaggedText);
    const top = Math.max(...tagged.map((r) => r.y));
    const bottom = Math.min(...tagged.map((r) => r.y));
    for (const r of items) r.furniture = r.mc === null && (tagged.length ? r.y > top + 0.5 || r.y < bottom - 0.5 : documentTagged);
    byPage.set(page, items.flatMap(splitMarker));
  }
  const items = [...byPage.values()].flat();
  items.forEach((item, i) => (item.index = i));
  if (!documentTagged) untaggedFurniture([...byPage.values()]);
  const text = items.filter((item) => !item.furniture);
  const listItems = texts.flatMap(({ lis }) => lis);
  const labelOf = new Map(listItems.flatMap((li) => li.label.map((id) => [id, li] as const)));
  return { text, footnotes: listItems.some((li) => li.foot), byPage, byMc: groupBy(text, (item) => item.mc), listItems, labelOf };
}

/**
 * What each call link shows, in reading order, and where it leads. Tagged: its structure element's text, in the tree's
 * order. Untagged: the characters drawn inside its rectangle (by equal shares of their item's width), in stream order.
 */
function callsShown(callLinks: Link[], { byPage }: PagesText): { shown: string; dest: Destination | undefined }[] {
  const calls: { shown: string; dest: Destination | undefined; order: [number, number, number] }[] = [];
  const taken = new Set<string>();
  for (const link of callLinks) {
    let shown = "";
    let first: [number, number, number] | undefined;
    if (link.tagged) {
      shown = link.tagged.text;
      first = [link.tagged.page ?? link.rect.page, -1, link.tagged.order];
    } else
      for (const item of byPage.get(link.rect.page) ?? []) {
        if (item.furniture || !overlaps(link.rect, item)) continue;
        for (const c of characters(item)) {
          if (!inside(link.rect, c.x, c.y)) continue;
          shown += c.char;
          first ??= [link.rect.page, item.index, c.offset];
        }
      }
    // A link over no text is no call a reader sees (Chromium leaves a sliver of a call's link at the
    // foot of a page when the call's line begins the next); a call not drawn in its link is missing.
    if (!first || !shown.trim()) continue;
    const key = first.join(" ");
    if (taken.has(key)) continue; // two links over one call
    taken.add(key);
    // A call shows a number: punctuation beside it (a "." after "1003") can fall inside the link's
    // rectangle by the equal shares above, as wide digits push a narrow mark's estimated centre in.
    calls.push({ shown: collapseSpace(shown).replace(/^\D+(?=\d)|(?<=\d)\D+$/g, ""), dest: link.dest, order: first });
  }
  calls.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
  return calls;
}

/**
 * The printed notes' markers (tagged: labels of list items not nested in another; untagged: "k." beginning a line), and
 * which items are list labels. The notes, not a list of the letter, are the run 1., 2., … with most markers on their calls' pages.
 */
function noteMarkers({ text, footnotes, byPage, byMc, listItems, labelOf }: PagesText, targets: Destination[]): Item[] {
  const notesFrom = targets.length ? targets[0].page : 0;
  // Notes at the foot of the pages are list items of the page foot's Aside element: then only
  // those are notes, and a list of the body (also one at the top of the page after a note) is not.
  const noteLabelIds = new Set(listItems.flatMap((li) => (li.nested || (footnotes && !li.foot) ? [] : li.label)));
  const taggedMarkers = [...noteLabelIds].flatMap((id): Item[] => {
    const parts = (byMc.get(id) ?? []).filter((item) => item.str.trim());
    const k = TAGGED_MARKER.exec(joined(parts));
    if (!k) return [];
    const left = Math.min(...parts.map((item) => item.x));
    const right = Math.max(...parts.map((item) => item.x + item.width));
    return [{ ...parts[0], str: `${k[1]}.`, x: left, width: right - left }];
  });
  // A label of a list nested in a note ("1." of its numbered list) is no note's marker, tagged or not.
  const anyLabel = (item: Item) => item.mc !== null && labelOf.has(item.mc);
  const markers = [
    ...taggedMarkers,
    ...(footnotes ? [] : text.filter((item) => !anyLabel(item) && MARKER.test(item.str) && beginsLine(item, byPage.get(item.page)!))),
  ].sort((a, b) => a.index - b.index);
  let best: { run: Item[]; score: number[] } | undefined;
  for (const start of markers) {
    if (Number(MARKER.exec(start.str)![1]) !== 1 || start.page < notesFrom) continue;
    const run = [start];
    for (const m of markers) {
      if (m.index <= run[run.length - 1].index) continue;
      // The notes' markers are aligned on one edge (a list of the body, or one nested in a note, is
      // indented); a vertical edition's notes run in columns from the top of every page, aligned on their end.
      const aligned =
        Math.abs(edge(m) - edge(start)) <= 1.5 ||
        Math.abs(m.x - start.x) <= 1.5 ||
        ((m.page === start.page || (m.vertical && start.vertical)) && Math.abs(level(m) - level(start)) <= 1.5);
      if (Number(MARKER.exec(m.str)![1]) === run.length + 1 && aligned) run.push(m);
    }
    const onTargetPages = run.filter((m, k) => k < targets.length && targets[k].page === m.page).length;
    const score = [onTargetPages, -Math.abs(run.length - targets.length), start.index];
    if (!best || (score[0] - best.score[0] || score[1] - best.score[1] || score[2] - best.score[2]) > 0) best = { run, score };
  }
  return best?.run ?? [];
}

/**
 * Each note's text, by its number, back links left out. At the foot of the pages, tagged: its list item and its parts
 * labelled "N (cont.)" on the next pages; untagged: up to the next marker or the page's end. At the end: marker to marker.
 */
function noteTexts(run: Item[], { text, footnotes, byMc, listItems, labelOf }: PagesText, links: Link[], targets: Destination[]): Map<number, string> {
  const callLinks = links.filter((link) => link.call);
  // Back links: links from the notes back to the calls (to a destination named after a call,
  // or in the notes and leading to a place before the first note).
  const first = run[0];
  const inNotesArea = (rect: Rect) =>
    first !== undefined && (rect.page > first.page || (rect.page === first.page && (rect.top + rect.bottom) / 2 < first.y + first.size));
  const backLinks = links.filter(
    (l) => !l.call && (l.toCall || (l.dest && targets.length && inNotesArea(l.rect) && compareDestinations(l.dest, targets[0]) < 0)),
  );
  // Tagged: a back link's own marked content; untagged: the characters placed inside its rectangle.
  const backLinkIds = new Set(backLinks.flatMap((l) => l.tagged?.ids ?? []));
  const backLinksOn = groupBy(backLinks, (l) => (l.tagged ? undefined : l.rect.page));
  const labelled = (item: Item) => (item.mc === null ? undefined : labelOf.get(item.mc));
  const textOf = (noteItems: Item[]) => {
    let note = "";
    for (const item of noteItems) {
      // A numbered list in a note: its numbers are drawn, not text, in the HTML and the .docx.
      if (labelled(item)?.nested || (item.mc !== null && backLinkIds.has(item.mc))) continue;
      const back = (backLinksOn.get(item.page) ?? []).filter((l) => overlaps(l.rect, item));
      if (back.length === 0) note += item.str;
      else for (const c of characters(item)) if (!back.some((l) => inside(l.rect, c.x, c.y))) note += c.char;
      if (item.eol) note += " ";
    }
    return collapseSpace(note);
  };

  const notes = new Map<number, string>();
  const itemsOf = (ids: Iterable<string>) => [...ids].flatMap((id) => byMc.get(id) ?? []).sort((a, b) => a.index - b.index);
  // A note too long for its page goes on at the foot of the next ones, each part labelled
  // "N (cont.)" (templates/print.css): its parts, by note number, in page order.
  const continuations = groupBy(
    listItems.filter((li) => li.label.length && !(footnotes && !li.foot)),
    (li) => {
      const label = collapseSpace(joined(itemsOf(li.label)));
      // "3 (cont.)" in the letter's language ("3 (suite)", "3（续）"; read from either end in
      // right-to-left text): a number and a word, not "3.".
      const cont = /^(\d+)\s*[^\s\d.]/.exec(label) ?? /[^\s\d.]\s*(\d+)$/.exec(label);
      return cont ? Number(cont[1]) : undefined;
    },
  );
  // Notes at the end (no call after the first note): each note runs in drawing order from its
  // marker to the next one, over as many pages as it takes; the page furniture is left out.
  const atTheEnd =
    run.length > 0 && !footnotes && callLinks.every((l) => l.rect.page < run[0].page || (l.rect.page === run[0].page && l.rect.bottom >= run[0].y));
  run.forEach((marker, k) => {
    const li = labelled(marker);
    const next = run[k + 1];
    let noteItems: Item[];
    if (li && !atTheEnd) {
      const ids = new Set(li.body);
      for (const part of continuations.get(k + 1) ?? []) for (const id of part.body) ids.add(id);
      noteItems = itemsOf(ids);
    } else {
      // At the end, labels left out (one may be drawn in pieces, right to left: "." then "1"); at the foot, the marker's page.
      const belongs = (item: Item) => (atTheEnd ? labelled(item)?.nested !== false : item.page === marker.page);
      noteItems = text.filter((item) => item.index > marker.index && (!next || item.index < next.index) && belongs(item));
    }
    notes.set(k + 1, textOf(noteItems));
  });
  return notes;
}

/**
 * Which printed note (index in `run`) each destination leads to. Chromium's destinations are off from the page by the
 * margins, and a note's is a constant distance from its marker: one offset for the document, the one that puts most
 * destinations on a marker, those pairing the k-th destination with the k-th marker tried first (one note leaves no doubt).
 */
function placeDestinations(targets: Destination[], run: Item[]): (dest: Destination) => number | undefined {
  const markersOn = groupBy(run.keys(), (k) => run[k].page);
  const TOLERANCE = 2;
  // By height: list items are stacked, and a right-to-left list's markers are aligned on their
  // other edge. Markers at one height (a vertical edition's notes run in columns): the nearest across.
  const near = (d: Destination, dx: number, dy: number): { k: number; across: number } | undefined => {
    if (d.y === null) return undefined;
    const even = (markersOn.get(d.page) ?? []).filter((k) => Math.abs(level(run[k]) - (d.y! + dy)) <= TOLERANCE);
    if (even.length <= 1 || d.x === null) return even.length ? { k: even[0], across: 0 } : undefined;
    const across = (k: number) => Math.abs(edge(run[k]) - (d.x! + dx));
    const k = even.reduce((a, b) => (across(b) < across(a) ? b : a));
    return { k, across: across(k) };
  };
  const candidates: [number, number][] = [];
  const consider = (d: Destination, k: number) => {
    if (d.y === null || run[k].page !== d.page) return;
    const offset: [number, number] = [d.x === null ? 0 : edge(run[k]) - d.x, level(run[k]) - d.y];
    if (!candidates.some(([dx, dy]) => Math.abs(dx - offset[0]) <= 0.5 && Math.abs(dy - offset[1]) <= 0.5)) candidates.push(offset);
  };
  targets.forEach((d, k) => k < run.length && consider(d, k));
  for (const d of targets.slice(0, 3)) for (const k of markersOn.get(d.page) ?? []) consider(d, k);
  let best: { offset: [number, number]; support: number } | undefined;
  for (const offset of candidates) {
    // Among markers at one height the nearest always exists: an offset a column off supports only where it lands on one.
    const support = targets.filter((d) => (near(d, ...offset)?.across ?? Infinity) <= TOLERANCE).length;
    if (!best || support > best.support) best = { offset, support };
  }
  // A note that starts with a heading or a rule has its marker lower in its item than the others:
  // the nearest marker below the place, within a heading's height.
  const below = (d: Destination, _dx: number, dy: number) => {
    if (d.y === null) return undefined;
    let found: number | undefined;
    for (const k of markersOn.get(d.page) ?? []) {
      const drop = d.y + dy - level(run[k]);
      if (drop < -TOLERANCE || drop > HEADING_DROP) continue;
      if (found === undefined || level(run[k]) > level(run[found])) found = k;
    }
    return found;
  };
  if (best) return (d) => near(d, ...best.offset)?.k ?? below(d, ...best.offset);
  // Destinations without coordinates: the k-th destination leads to the k-th note. One with
  // coordinates but no marker near it (a note moved to another page) leads nowhere.
  const rank = new Map(targets.map((d, k) => [destinationKey(d), k]));
  return (d) => {
    if (d.y !== null) return undefined;
    const k = rank.get(destinationKey(d));
    return k !== undefined && k < run.length ? k : undefined;
  };
}

/** Where an item ends across the page: a left-to-right marker's right edge; a vertical one's left (its width runs down). */
const edge = (item: Item) => (item.vertical ? item.x : item.x + item.width);

/** Where a marker stands across the lines: its baseline; in a vertical edition, its end ("1." and "10." end at one height). */
const level = (item: Item) => (item.vertical ? item.y - item.width : item.y);

/** How far below its item's top a note's marker may be: a heading and a rule above its first line. */
const HEADING_DROP = 60;

const PAGE_COUNTER = /^(page\s*)?\d+\s*(\/|of)\s*\d+$/i;

/** Page furniture of untagged pages: a top or bottom line that is a page counter ("3 / 5") or recurs, digits masked, at one height (a running head). */
function untaggedFurniture(pages: Item[][]) {
  const edges = pages.map((items) => {
    const text = items.filter((item) => item.str.trim());
    const ys = text.map((item) => item.y);
    const line = (y: number) => text.filter((item) => Math.abs(item.y - y) < 1);
    return [line(Math.max(...ys)), line(Math.min(...ys))].filter((l) => l.length);
  });
  const mask = (line: Item[]) => collapseSpace(line.map((item) => item.str).join(" ")).replace(/\d+/g, "#");
  edges.forEach((lines, p) => {
    for (const line of lines) {
      const text = collapseSpace(line.map((item) => item.str).join(" "));
      const recurs = edges.some((others, q) => q !== p && others.some((o) => mask(o) === mask(line) && Math.abs(o[0].y - line[0].y) <= 2));
      if (PAGE_COUNTER.test(text) || recurs) for (const item of line) item.furniture = true;
    }
  });
}

/** An item that begins with a list marker and goes on ("1. “In accordance …", untagged), cut in two, the width shared by characters. */
function splitMarker(item: Item): Item[] {
  const m = /^(\s*\d+\.)\s+\S/.exec(item.str);
  if (!m) return [item];
  const chars = Array.from(item.str).length;
  const cut = Array.from(m[1]).length;
  const width = (item.width * cut) / chars;
  return [
    { ...item, str: m[1], width, eol: false },
    { ...item, str: item.str.slice(m[1].length), x: item.x + width, width: item.width - width },
  ];
}

/** Whether an item is the first text on its line of the page. */
function beginsLine(item: Item, page: Item[]): boolean {
  return !page.some(
    (other) =>
      other !== item &&
      !other.furniture &&
      other.str.trim() &&
      Math.abs(other.y - item.y) < item.size / 2 &&
      other.x + other.width <= item.x + 0.5 &&
      other.x < item.x - 0.5,
  );
}
