/**
 * Press packets (`packet:`): `<name>.pdf` (cover, contents, the parts numbered through), `<name>.booklet.pdf`, `<name>.zip` (the kit). Each part
 * is made and proved as any edition (src/edition.ts), printed again with the packet's numbers, put together and proved (proof.ts), or nothing is written.
 */
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { select } from "hast-util-select";
import { h } from "hastscript";
import type { RootContent } from "mdast";
import { PDFDocument, type PDFPage } from "pdf-lib";
import { VFile } from "vfile";
import { packetParts, projectFolder } from "../boundary.ts";
import { type Built, type Edition, editionName, FORMATS, type Loaded, type LoadOptions, loadLetter, makeEdition } from "../edition.ts";
import { BOOKLET_PAPER, type Paper, type PAPERS } from "../paper.ts";
import { compileHtml } from "../html/index.ts";
import type { Letter } from "../letter.ts";
import { fail, hasErrors } from "../messages.ts";
import { buildDate } from "../pdf/index.ts";
import { Printer } from "../pdf/printer.ts";
import { zipAt } from "../ooxml/zip.ts";
import { writeAll } from "../write.ts";
import { addPrintBoxes, assemble, imposeBooklet, type OutlineEntry, readOutline, setFacts, writeOutline } from "./layout.ts";
import { pressWords } from "./matter.ts";
import { type PageReading, proveLayout, readPages } from "./proof.ts";
import { directionOf } from "../language.ts";

/** A packet's options; a build's are these and its sources, formats and browser's timeout. */
export interface PacketOptions extends LoadOptions {
  outDir: string;
  /** Progress lines ("wrote …"); messages about the sources are in the returned files. */
  log?: (line: string) => void;
  /** Read every document back and prove that the formats agree before it is put in place (src/verify; default: on). */
  verify?: boolean;
  /** `--bleed`: TrimBox and BleedBox on every page of the packet, this far out (pt). */
  bleed?: number;
  /** `--marks`: crop marks outside the trim (and the bleed). */
  marks?: boolean;
}

/** Names for the outputs: `hrc50.packet.md` → `hrc50`. */
const outputName = (source: string) => editionName(source).replace(/\.packet$/i, "");

/** A part: its own edition, and that edition's PDF's pages as the proof reads them. */
interface Part {
  edition: Edition;
  pages: PageReading[];
}

/** What a packet's steps share: its letter, the build's options and browser, and the parts' paper (the packet's, A4 or Letter). */
interface Packet {
  letter: Letter;
  options: PacketOptions;
  printer: Printer;
  paper: (typeof PAPERS)[number];
}

export async function buildPacket(letter: Letter, options: PacketOptions, printer: Printer): Promise<Built> {
  const { file } = letter;
  const source = file.path;
  const matter = letter.meta.packet!;
  // Each part must be inside the project, within the limits, no packet itself, and have a name of its own in the kit.
  const project = options.project ?? projectFolder(source);
  const sources = packetParts(file, matter, source, project);
  if (!sources) return { files: [file], written: [] };
  const packet: Packet = { letter, options, printer, paper: letter.meta.paper === "letter" ? "letter" : "a4" };
  const { paper } = packet;
  const loaded = await Promise.all(sources.map((part) => loadLetter(part, { ...options, project, paper })));
  const names = sources.map(editionName);
  matter.parts.forEach((part, i) => {
    if (loaded[i].file.data.meta?.packet)
      fail(file, `Packet part \`${part.path}\` is itself a packet; list its parts instead`, part.place, "packet-part-packet");
    // The kit holds the packet's PDF as <name>.pdf too: a part of that name would lose its own PDF to it.
    const clash =
      names.indexOf(names[i]) < i
        ? "the same file name as another part: rename one"
        : names[i] === outputName(source) && `the file name the packet's own PDF takes (${names[i]}.pdf): rename the part or the packet`;
    if (clash) fail(file, `Packet part \`${part.path}\` has ${clash}, so that the kit can hold both`, part.place, "packet-part-duplicate");
  });
  if (hasErrors(file)) return { files: [file], written: [] };

  const laid = await layOut(packet, loaded);
  if ("written" in laid) return laid;
  const { parts, doc, bytes, files } = laid;

  // 5. The outputs: the packet, the booklet, the kit.
  const name = outputName(source);
  const date = buildDate();
  const outputs: { path: string; data: Uint8Array }[] = [{ path: join(options.outDir, `${name}.pdf`), data: bytes }];
  // A booklet is set again on pages half the size (A5 or half-letter), and imposed two-up.
  if (matter.imposition === "booklet") {
    const halfSize = parts.map(({ edition }) => onPaper(edition.letter, BOOKLET_PAPER[paper]));
    const half = await layOut(packet, halfSize, true);
    if ("written" in half) return half;
    const facts = { title: letter.meta.title, lang: letter.meta.lang, date };
    outputs.push({ path: join(options.outDir, `${name}.booklet.pdf`), data: await imposeBooklet(half.doc, paper, facts) });
  }
  // The kit: every part's PDF, DOCX and HTML and the packet PDF, with a MANIFEST.txt of their languages, pages and SHA-256;
  // dated by the build, so rebuilds are the same bytes.
  const kit = parts.flatMap(({ edition, pages }) =>
    (["pdf", "docx", "html"] as const).map((format) => ({
      name: `${edition.name}.${format}`,
      lang: edition.letter.meta.lang,
      pages: format === "pdf" ? pages.length : "-",
      data: Buffer.from(edition.outputs[format]!) as Uint8Array,
    })),
  );
  kit.push({ name: `${name}.pdf`, lang: letter.meta.lang, pages: doc.getPageCount(), data: bytes });
  const rows = kit.map((f) => `${f.name}\t${f.lang}\t${f.pages}\t${createHash("sha256").update(f.data).digest("hex")}`);
  const manifest = new TextEncoder().encode(["# name\tlanguage\tpages\tsha256", ...rows, ""].join("\n"));
  outputs.push({
    path: join(options.outDir, `${name}.zip`),
    data: zipAt({ ...Object.fromEntries(kit.map((f) => [f.name, f.data])), "MANIFEST.txt": manifest }, date),
  });

  await writeAll(outputs);
  const written = outputs.map((o) => ({ source, format: "pdf" as const, path: o.path, bytes: o.data.byteLength }));
  const verified = `each part of ${basename(source)} reads as its own edition, and the contents give the pages where the parts start`;
  return { files: [file, ...files], written, verified };
}

/** A part set again on another paper (the booklet's), with a file of its own: what its compilers say was said the first time. */
function onPaper(letter: Letter, paper: Paper): Loaded {
  const file = new VFile({ path: letter.file.path, value: letter.file.value, data: letter.file.data });
  return { file, letter: { ...letter, file, meta: { ...letter.meta, paper } } };
}

/** Steps 1 to 4 on the packet's paper or the booklet's: the parts' editions, the packet put together (`doc`, saved as `bytes`), its proof. */
async function layOut(packet: Packet, loaded: Loaded[], booklet = false) {
  const { letter, options, printer } = packet;
  const { file, meta } = letter;
  const matter = meta.packet!;
  const paper = booklet ? BOOKLET_PAPER[packet.paper] : packet.paper;
  // 1. Each part as its own edition, proved as any build is; the booklet's go into no kit, and need no .docx.
  const what = booklet ? `setting its ${loaded.length} parts again on ${paper} paper for the booklet` : `building its ${loaded.length} parts`;
  options.log?.(`  ${basename(file.path)}: ${what}`);
  const formats = booklet ? (["html", "pdf"] as const) : FORMATS;
  const editions = await Promise.all(loaded.map(({ letter }) => (letter ? makeEdition(letter, { ...options, formats, printer }) : undefined)));
  const files = loaded.map((l) => l.file);
  files.forEach((part, i) => {
    if (hasErrors(part))
      fail(file, `Packet part ${basename(part.path)} has errors (below); the packet is not built`, matter.parts[i]?.place, "packet-part-errors");
  });
  if (hasErrors(file)) return { files: [file, ...files], written: [] } as Built;
  const parts: Part[] = await Promise.all(editions.map(async (edition) => ({ edition: edition!, pages: await readPages(edition!.outputs.pdf!) })));

  // 2. Where everything goes, then the front pages, and each part printed for the packet on as many pages as its own edition.
  const { plan, front } = await printFront(packet, parts, paper);
  const partDocs = await Promise.all(
    parts.map(async ({ edition, pages }, i) => {
      const { letter: part, outputs } = edition;
      const label = `${outputName(file.path)}: ${edition.name}`;
      const partDoc = await PDFDocument.load(await printer.print(numbered(outputs.html!, plan.starts[i]), part.meta, part.file.path, { label }));
      if (partDoc.getPageCount() !== pages.length)
        throw new Error(`${edition.name} printed on ${partDoc.getPageCount()} pages for the packet, on ${pages.length} as its own edition`);
      return partDoc;
    }),
  );

  // 3. Put together, each page where the plan puts it (a page left out is blank), with an outline entry per part and its headings.
  const [cover, ...contents] = front.getPages();
  const pages: (PDFPage | undefined)[] = [cover];
  contents.forEach((page, k) => (pages[plan.contents[k]] = page));
  partDocs.forEach((partDoc, i) => partDoc.getPages().forEach((page, k) => (pages[plan.starts[i] + k] = page)));
  const doc = await assemble(pages, [cover.getWidth(), cover.getHeight()], meta.lang);
  const outline: OutlineEntry[] = parts.map(({ edition }, i) => ({
    title: edition.letter.meta.title,
    page: plan.starts[i],
    kids: readOutline(partDocs[i], plan.starts[i]),
  }));
  writeOutline(doc, outline);
  setFacts(doc, meta.title, meta.lang, buildDate());
  if (meta.author) doc.setAuthor(meta.author);
  // Print-shop boxes if asked, on the packet: the booklet's pages are imposed on sheets instead.
  if (!booklet && (options.bleed !== undefined || options.marks)) for (const page of doc.getPages()) addPrintBoxes(page, options.bleed ?? 0, !!options.marks);
  const bytes = await doc.save();

  // 4. The proof: read the packet back and compare it with the editions.
  const layouts = parts.map((part, i) => ({ name: part.edition.name, start: plan.starts[i], edition: part.pages }));
  const blanks = [...pages.keys()].filter((i) => !pages[i]);
  for (const problem of proveLayout(await readPages(bytes), layouts, plan.contents, blanks)) fail(file, problem, undefined, "packet-disagrees");
  if (hasErrors(file)) return { files: [file], written: [] } as Built;
  return { parts, doc, bytes, files };
}

/** The cover and contents printed: laid out for two front pages, again for as many as they took. */
async function printFront({ letter, options, printer }: Packet, parts: Part[], paper: Paper): Promise<{ plan: Plan; front: PDFDocument }> {
  const partPages = parts.map((part) => part.pages.length);
  const label = `${outputName(letter.file.path)} cover`;
  for (let frontPages = 2; ;) {
    const plan = planPages(frontPages, partPages, letter.meta.packet!.duplex);
    const { html } = await compileHtml(withCover(letter, parts, plan), options);
    const front = await PDFDocument.load(await printer.print(frontHtml(html), { ...letter.meta, paper }, letter.file.path, { label }));
    const printed = front.getPageCount();
    if (printed === frontPages) return { plan, front };
    if (printed < 2 || frontPages !== 2) throw new Error(`The packet's cover and contents took ${printed} pages where ${frontPages} were laid out`);
    frontPages = printed;
  }
}

/** 0-based indices of each part's first page and of the contents' pages; the pages between are left blank. */
interface Plan {
  starts: number[];
  contents: number[];
}

/** Cover, (blank), contents, then the parts, each on an odd page with `duplex`. */
function planPages(frontPages: number, partPages: number[], duplex: boolean): Plan {
  let next = duplex ? 2 : 1; // the next page's 0-based index, after the cover (and its blank back)
  const contents = Array.from({ length: frontPages - 1 }, (_, k) => next + k);
  next += contents.length;
  const starts = partPages.map((pages) => {
    if (duplex && next % 2 === 1) next++; // an even page number is left blank
    next += pages;
    return next - pages;
  });
  return { starts, contents };
}

/** The style added at the end of the part's <head>, found by parsing: a front-matter value may write `</head>` in an attribute before it. */
function withPrintStyle(html: string, css: string): string {
  const end = select("html > head", fromHtml(html))?.position?.end.offset;
  if (end === undefined || !html.startsWith("</head>", end - 7)) throw new Error("a part's HTML has no </head>: it is not the HTML compiler's");
  return `${html.slice(0, end - 7)}<style media="print">${css}</style>${html.slice(end - 7)}`;
}

/** A part's own HTML, its pages numbered on from the packet's `before` pages, the number alone in the foot. */
const numbered = (html: string, before: number) => withPrintStyle(html, `html{counter-reset:page ${before}}@page{@bottom-center{content:counter(page)}}`);

/** The cover and contents pages carry no running head and no number. */
function frontHtml(html: string): string {
  const css = `@page{@top-center{content:none}@bottom-center{content:none}}
.packet-cover{min-height:1pt;margin:0;padding:0;border:0;color:inherit}.packet-event{font-size:14pt;margin:0 0 6pt}.packet-facts{margin:0 0 24pt;color:#333}
.packet-contact{margin-top:30mm;font-size:9.5pt}.packet-contents{break-before:page}
.packet-contents table{width:100%;border-collapse:collapse}.packet-contents td{padding:4pt 0;vertical-align:top}
.packet-contents td.page{text-align:right;width:16%;font-variant-numeric:tabular-nums}`;
  return withPrintStyle(html, css);
}

/** The packet's own letter, its body the cover text, with the cover facts and the contents added. */
function withCover(packet: Letter, parts: Part[], plan: Plan): Letter {
  const { meta } = packet;
  const words = pressWords(meta.lang);
  // Elements made here, carried through the Markdown tree as they are.
  const node = ({ tagName, properties, children }: Element): RootContent =>
    ({ type: "paragraph", children: [], data: { hName: tagName, hProperties: properties, hChildren: children } }) as RootContent;
  const nodes = (elements: (Element | undefined)[]) => elements.filter((e) => e !== undefined).map(node);
  const event = meta.packet?.event ?? meta.subtitle;
  const facts = [meta.date, meta.publisher ?? meta.author].filter((v): v is string => !!v);
  const before = nodes([event ? h("p.packet-event", event) : undefined, facts.length ? h("p.packet-facts", facts.join(" · ")) : undefined]);
  const contacts = (meta.press?.contacts ?? []).map((c) => h("p", [c.name, ...[c.role, c.phone, c.email].filter(Boolean).map((v) => `, ${v}`)].join("")));
  const after = nodes([contacts.length ? h("div.packet-contact", [h("p", [h("strong", words.contacts)]), ...contacts]) : undefined]);
  const rows: Element[] = parts.map((part, i) => {
    const { lang, title } = part.edition.letter.meta;
    return h("tr", [h("td", { lang, dir: directionOf(lang) }, title), h("td.page", String(plan.starts[i] + 1))]);
  });
  const contents = node(h("section.packet-contents", [h("h2", words.contents), h("table", [h("tbody", rows)])]));
  // The cover in one block, so that the contents' forced page break has a block before it.
  const body = packet.tree.children.filter((n) => n.type !== "yaml");
  const cover = {
    type: "blockquote",
    data: { hName: "div", hProperties: { className: ["packet-cover"] } },
    children: [...before, ...body, ...after],
  } as RootContent;
  return { ...packet, tree: { ...packet.tree, children: [cover, contents] }, meta: { ...meta, press: undefined } };
}
