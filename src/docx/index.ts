/**
 * DOCX compiler: one handler per mdast node type; every paragraph a named style of templates/reference.docx, formatting only as character styles.
 * A repeated note call is a NOTEREF field to a bookmark on the first one, so Word shows the same number and never a second note.
 */
import { templateFile } from "../paths.ts";
import { PAPER_SIZE, twips, twipsToPx } from "../paper.ts";
import {
  BookmarkEnd,
  BookmarkStart,
  BorderStyle,
  Document,
  EndnoteReferenceRun,
  type FileChild,
  FootnoteReferenceRun,
  HeadingLevel,
  ImageRun,
  type IParagraphOptions,
  type IRunOptions,
  type ISectionOptions,
  NumberFormat,
  PageOrientation,
  Paragraph,
  type ParagraphChild,
  SectionType,
  Tab,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { FootnoteReference, Image, ImageReference, Nodes, PhrasingContent, RootContent } from "mdast";
import { scriptRuns } from "../language.ts";
import { oneLine } from "../text.ts";
import type { Letter } from "../letter.ts";
import { noteCall } from "../notes.ts";
import { buildDate } from "../pdf/index.ts";
import { bookmarkName } from "../ooxml/notes.ts";
import { FRONT_MATTER_PROPERTY } from "../ooxml/package.ts";
import { ComplexScriptRun, coreDateAndLanguage, Hyperlink, noteRefField, rightToLeftSections, stableFontKeys, strictLineBreaks } from "./components.ts";
import { EAST_ASIAN, furniture, loadReference, numbering, packageDocx, stylesWithLanguage } from "./reference.ts";
import { embeddedFonts, scriptFaces, slotFonts } from "./fonts.ts";
import { loadFontsConfig } from "../html/fonts.ts";
import { checkedImage } from "../html/index.ts";

/** Character formatting the Markdown asks for. */
const MARKS = ["emphasis", "strong", "strike", "code", "link", "dateline"] as const;
type Marks = { [K in (typeof MARKS)[number]]?: boolean };

/** A run's one character style: the first of these marks it has. */
const CHARACTER_STYLES = { dateline: "Dateline", code: "VerbatimChar", link: "Hyperlink", strong: "Strong", emphasis: "Emphasis" } as const;

/** A piece of a paragraph before runs are made: text with marks (merged when alike), or a ready child. */
type Token = { text: string; marks: Marks } | { child: ParagraphChild };

/** Where a block is: which paragraph style it takes and how deep in lists it is. */
interface Context {
  paragraphStyle: string;
  /** Inside a note: its paragraph style, which every block in it takes (set at note size). */
  note?: string;
  list?: { reference: string; level: number; instance: number };
  /** Left indent in twips (a quote or a list item's later paragraphs in a note). */
  indent?: number;
}

interface State {
  letter: Letter;
  /** A right-to-left letter: every paragraph is. */
  rtl: boolean;
  /** The face of a complex script's runs (by the script's edition), where it is not the edition's own. */
  faces: Map<string, string>;
  /** Numbering instances handed out so far, so that each ordered list restarts its numbers. */
  listInstances: number;
  /** The page's text block in pixels (96 to the inch): no image is placed larger. */
  textBox: { width: number; height: number };
}

type Inline<T extends PhrasingContent> = (node: T, state: State, marks: Marks) => Token[];
type Block<T extends RootContent> = (node: T, state: State, context: Context) => FileChild[];
type InlineMap = { [K in PhrasingContent["type"]]: Inline<Extract<PhrasingContent, { type: K }>> };
/** Block content (raw HTML stands at either level). */
type BlockType = Exclude<RootContent["type"], PhrasingContent["type"]> | "html";
type BlockMap = { [K in BlockType]: Block<Extract<RootContent, { type: K }>> };

const inline: InlineMap = {
  text: (node, _state, marks) => [{ text: oneLine(node.value), marks }],
  emphasis: (node, state, marks) => phrasing(node.children, state, { ...marks, emphasis: true }),
  strong: (node, state, marks) => phrasing(node.children, state, { ...marks, strong: true }),
  delete: (node, state, marks) => phrasing(node.children, state, { ...marks, strike: true }),
  inlineCode: (node, _state, marks) => [{ text: node.value, marks: { ...marks, code: true } }],
  break: () => [{ child: new TextRun({ break: 1 }) }],
  link: (node, state, marks) => {
    if (node.url.startsWith("#")) return phrasing(node.children, state, marks);
    const children = phrasingRuns(node.children, state, { ...marks, link: true });
    return [{ child: new Hyperlink(node.url, children) as unknown as ParagraphChild }];
  },
  linkReference: (node, state, marks) => phrasing(node.children, state, marks),
  image: (node, state, marks) => picture(node, state, marks),
  imageReference: (node, state, marks) => picture(node, state, marks),
  html: () => [],
  footnoteReference: (node: FootnoteReference, state, marks) => {
    const { number, occurrence } = noteCall(node);
    const endnotes = state.letter.meta.notes === "endnotes";
    // Chinese and Japanese: a word joiner keeps the call on the line of the character before it
    // (strict line breaking keeps the punctuation after it from starting a line).
    const joiner: Token[] = EAST_ASIAN.test(state.letter.meta.lang) ? [{ text: "\u2060", marks }] : [];
    // The bookmark's id is the note's number: the library's own come from a counter every document of the process shares.
    const reference = endnotes ? new EndnoteReferenceRun(number) : new FootnoteReferenceRun(number);
    const children =
      occurrence === 1
        ? [new BookmarkStart(bookmarkName(number), number), reference, new BookmarkEnd(number)]
        : noteRefField(bookmarkName(number), String(number), endnotes ? "EndnoteReference" : "FootnoteReference");
    return [...joiner, ...children.map((child) => ({ child: child as unknown as ParagraphChild }))];
  },
};

/**
 * The image the safety pass read, at 96 pixels to the inch, scaled down to fit the text block; WebP,
 * which Word does not read everywhere, as its alt text (the safety pass warned about it).
 */
function picture(node: Image | ImageReference, state: State, marks: Marks): Token[] {
  const image = checkedImage(node);
  if (image.format === "webp") return node.alt ? [{ text: node.alt, marks }] : [];
  const scale = Math.min(1, state.textBox.width / image.width, state.textBox.height / image.height);
  const run = new ImageRun({
    type: image.format,
    data: image.bytes,
    transformation: { width: Math.max(1, Math.floor(image.width * scale)), height: Math.max(1, Math.floor(image.height * scale)) },
    altText: { name: node.alt || state.letter.language.words.image, description: node.alt ?? "", title: node.alt ?? "" },
  });
  return [{ child: run }];
}

function phrasing(nodes: PhrasingContent[], state: State, marks: Marks): Token[] {
  return nodes.flatMap((node) => (inline[node.type] as Inline<PhrasingContent>)(node, state, node.data?.press ? { ...marks, dateline: true } : marks));
}

const sameMarks = (a: Marks, b: Marks) => MARKS.every((mark) => !!a[mark] === !!b[mark]);

/**
 * Text in runs of one script each: a complex script's runs with their direction, Word's
 * complex-script slot and, for a script not the edition's, its face; code keeps its direction.
 */
function textRuns(state: State, text: string, options: Omit<IRunOptions, "text">, code = false): TextRun[] {
  return scriptRuns(text, state.rtl && !code).map((piece) => {
    const run = { ...options, text: piece.text, rightToLeft: piece.rtl && !code ? true : undefined };
    if (!piece.script) return new TextRun(run);
    const face = state.faces.get(piece.script.lang);
    return new ComplexScriptRun(face ? { ...run, font: { cs: face } } : run);
  });
}

/** The runs of phrasing content: adjacent text with the same marks becomes one run; marks become character styles. */
function phrasingRuns(nodes: PhrasingContent[], state: State, marks: Marks = {}): ParagraphChild[] {
  const merged: Token[] = [];
  for (const token of phrasing(nodes, state, marks)) {
    const last = merged[merged.length - 1];
    if ("text" in token && last && "text" in last && sameMarks(last.marks, token.marks)) last.text += token.text;
    else merged.push("text" in token ? { ...token } : token);
  }
  return merged.flatMap((token) => {
    if (!("text" in token)) return [token.child];
    if (!token.text) return [];
    const { marks } = token;
    const style = Object.entries(CHARACTER_STYLES).find(([mark]) => marks[mark as keyof Marks])?.[1];
    // One character style per run: the second of strong/emphasis (or either inside a link) is direct.
    const bold = marks.strong && style !== "Strong" ? true : undefined;
    const italics = marks.emphasis && style !== "Emphasis" ? true : undefined;
    return textRuns(state, token.text, { style, bold, italics, strike: marks.strike || undefined }, marks.code);
  });
}

/** A paragraph, right to left in a right-to-left letter. */
const para = (state: State, options: IParagraphOptions) => new Paragraph(state.rtl ? { ...options, bidirectional: true } : options);

function paragraph(state: State, children: ParagraphChild[], context: Context, style?: string): Paragraph {
  return para(state, {
    style: style ?? context.paragraphStyle,
    children,
    indent: context.indent ? { left: context.indent } : undefined,
    numbering: context.list,
  });
}

const block: BlockMap = {
  paragraph: (node, state, context) => [paragraph(state, phrasingRuns(node.children, state), context)],
  heading: (node, state, context) =>
    context.note
      ? [para(state, { style: context.note, keepNext: true, children: phrasingRuns(node.children, state, { strong: true }) })]
      : [para(state, { heading: HeadingLevel[`HEADING_${node.depth}`], children: phrasingRuns(node.children, state) })],
  blockquote: (node, state, context) =>
    context.note
      ? blocks(node.children, state, { ...context, paragraphStyle: context.note, indent: (context.indent ?? 0) + 360 })
      : blocks(node.children, state, { ...context, paragraphStyle: "Quote" }),
  list: (node, state, context) => {
    const signatories = node.data?.signatories === true;
    const level = context.list ? Math.min(context.list.level + 1, 8) : 0;
    const list = { reference: node.ordered ? "ordered" : "bullet", level, instance: node.ordered ? ++state.listInstances : 0 };
    return node.children.flatMap((item) =>
      item.children.flatMap((child, index) => {
        if (signatories) return blocks([child], state, { paragraphStyle: "Signatory" });
        if (child.type === "list") return block.list(child, state, { ...context, list });
        // The item's first paragraph carries the bullet or number; later ones continue it (in a note, indented as far).
        if (context.note)
          return blocks([child], state, index === 0 ? { ...context, list, indent: undefined } : { ...context, list: undefined, indent: 720 + 360 * level });
        const itemContext: Context = index === 0 ? { paragraphStyle: node.ordered ? "ListNumber" : "ListBullet", list } : { paragraphStyle: "ListContinue" };
        return blocks([child], state, itemContext);
      }),
    );
  },
  listItem: (node, state, context) => blocks(node.children, state, context),
  // In a note, code keeps the note's paragraph style and takes the character style.
  code: (node, state, context) =>
    node.value
      .split("\n")
      .map((line) => paragraph(state, textRuns(state, line, { style: context.note && "VerbatimChar" }, true), context, context.note ?? "SourceCode")),
  thematicBreak: (_node, state, context) =>
    context.note
      ? [para(state, { style: context.note, border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: "888888", space: 1 } }, children: [] })]
      : [para(state, { style: "HorizontalRule", children: [] })],
  // Word's footnotes hold no tables here (the docx library leaves them out): in a note, a row is a line, its cells set apart by tabs.
  table: (node, state, context) => {
    const rows = node.children.map((row, r) => row.children.map((cell) => phrasingRuns(cell.children, state, { strong: r === 0 })));
    if (context.note)
      return rows.map((cells) =>
        paragraph(
          state,
          cells.flatMap((runs, c) => (c > 0 ? [new TextRun({ children: [new Tab()] }), ...runs] : runs)),
          context,
        ),
      );
    const cell = (runs: ParagraphChild[]) => new TableCell({ children: [para(state, { style: "TableText", children: runs })] });
    return [
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: rows.map((cells, r) => new TableRow({ tableHeader: r === 0, children: cells.map(cell) })),
      }),
    ];
  },
  tableRow: () => [],
  tableCell: () => [],
  html: () => [],
  definition: () => [],
  footnoteDefinition: () => [], // printed as notes, from the note table
  yaml: () => [],
};

function blocks(nodes: readonly Nodes[], state: State, context: Context): FileChild[] {
  return nodes.flatMap((node) => {
    if ((node.type as string) === "toml") return []; // front matter, read by letter.ts
    if (node.data?.press) return pressLines(node as RootContent, state);
    const handler = (block as Record<string, Block<RootContent>>)[node.type];
    if (handler) return handler(node as RootContent, state, context);
    // Phrasing content standing alone becomes a paragraph.
    return [paragraph(state, phrasingRuns([node as PhrasingContent], state), context)];
  });
}

/** A press release's embargo line, end mark and contacts: paragraphs styled Press Line, which an import leaves out. */
function pressLines(node: RootContent, state: State): FileChild[] {
  const line = (children: PhrasingContent[], strong = false) => para(state, { style: "PressLine", children: phrasingRuns(children, state, { strong }) });
  if (node.type === "paragraph") return [line(node.children)];
  if (node.type === "heading") return [line(node.children, true)];
  if (node.type === "list") return node.children.flatMap((item) => item.children.flatMap((p) => (p.type === "paragraph" ? [line(p.children)] : [])));
  return [];
}

/** What the importer needs to bring a translation back (docProps/custom.xml). */
function provenance(letter: Letter) {
  const { meta } = letter;
  // The notes heading only when the letter names one: otherwise each edition takes its language's.
  const front: Record<string, unknown> = {
    "short-title": meta.shortTitle,
    ...(meta.notesHeading ? { "notes-heading": meta.notesHeading } : {}),
    notes: meta.notes,
  };
  for (const key of ["author", "publisher", "date", "description", "subject"] as const) if (meta[key] !== undefined) front[key] = meta[key];
  if (meta.keywords.length) front.keywords = meta.keywords;
  // JSON leaves out a key left undefined.
  const signatories = { heading: meta.signatoriesHeading || undefined, claimed: meta.signatoriesClaimed };
  if (signatories.heading || signatories.claimed !== undefined) front.signatories = signatories;
  // One property a key: Word keeps text properties to 255 characters.
  return [
    { name: "broadside-source", value: letter.file.basename ?? "" },
    { name: "broadside-notes", value: String(letter.notes.notes.length) },
    ...Object.entries(front).map(([key, value]) => ({ name: `${FRONT_MATTER_PROPERTY}${key}`, value: JSON.stringify(value) })),
  ];
}

/**
 * Let whatever waits on this thread run (`npm run dev` prints the PDF meanwhile, and each step
 * of the print waits for this thread to pass Chromium's answer on).
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `templatesDir`: the folder with reference.docx and fonts.json. */
export async function compileDocx(letter: Letter, options: { templatesDir: string }): Promise<Uint8Array> {
  const { meta } = letter;
  const reference = loadReference(templateFile(options.templatesDir, "reference.docx"));
  await breathe();
  const fontsConfig = loadFontsConfig(options.templatesDir);
  const slots = slotFonts(fontsConfig, meta.lang);
  // The reference's paper, unless the letter names one (`paper: letter`); its margins in any case.
  const paper = meta.paper && PAPER_SIZE[meta.paper];
  const size = paper ? { width: twips(paper[0]), height: twips(paper[1]), orientation: PageOrientation.PORTRAIT } : reference.size;
  const { margin } = reference;
  const textBox = {
    width: twipsToPx(size.width - margin.left - margin.right),
    height: twipsToPx(size.height - margin.top - margin.bottom),
  };
  const rtl = letter.language.dir === "rtl";
  const state: State = { letter, rtl, faces: scriptFaces(fontsConfig, slots), listInstances: 0, textBox };
  const endnotes = meta.notes === "endnotes";
  const noteStyle = endnotes ? "EndnoteText" : "FootnoteText";
  const notes: Record<string, { children: Paragraph[] }> = {};
  for (const note of letter.notes.notes) {
    const children = blocks(note.definition.children, state, { paragraphStyle: noteStyle, note: noteStyle }) as Paragraph[];
    if (!children.length) children.push(para(state, { style: noteStyle }));
    // A space between the note's number and its text, as Word writes its own notes: else "1The note".
    children[0].addRunToFront(new TextRun(" "));
    notes[note.number] = { children };
  }
  await breathe();

  // Sections: the signatory list gets one of its own, in columns, continuous with the text around it.
  const head: FileChild[] = [para(state, { heading: HeadingLevel.TITLE, children: textRuns(state, meta.title, {}) })];
  if (meta.subtitle) head.push(para(state, { style: "Subtitle", children: textRuns(state, meta.subtitle, {}) }));
  const groups: { columns: boolean; children: FileChild[] }[] = [{ columns: false, children: head }];
  for (const [i, node] of letter.tree.children.entries()) {
    const columns = node.type === "list" && node.data?.signatories === true;
    if (groups[groups.length - 1].columns !== columns) groups.push({ columns, children: [] });
    groups[groups.length - 1].children.push(...blocks([node], state, { paragraphStyle: "BodyText" }));
    if (i % 16 === 15) await breathe();
  }

  const sections: ISectionOptions[] = groups.map((group, i) => ({
    properties: {
      ...(i === 0 ? { titlePage: reference.titlePage } : { type: SectionType.CONTINUOUS }),
      page: { size, margin },
      column: group.columns ? { count: 3, space: 284, equalWidth: true } : { count: 1 },
      // Word numbers endnotes i, ii, … unless told otherwise; ours are 1, 2, … as in the HTML and PDF.
      footnoteProperties: { numberFormat: { type: NumberFormat.DECIMAL } },
      endnoteProperties: { numberFormat: { type: NumberFormat.DECIMAL } },
    },
    // Headers and footers are given once; later sections continue them.
    ...(i === 0 ? furniture(meta.shortTitle, letter.language.words.page, (options) => para(state, options)) : {}),
    children: group.children,
  }));

  const doc = new Document({
    title: meta.title,
    subject: meta.subject ?? meta.description,
    creator: meta.author,
    keywords: meta.keywords.join(", "),
    description: meta.description,
    lastModifiedBy: "broadside",
    externalStyles: stylesWithLanguage(reference.styles, meta.lang, slots),
    styles: reference.missingStyles,
    numbering,
    ...(endnotes ? { endnotes: notes } : { footnotes: notes }),
    customProperties: provenance(letter),
    features: { updateFields: false },
    fonts: await embeddedFonts(letter, fontsConfig, slots, state.faces),
    sections,
  });
  const date = buildDate();
  coreDateAndLanguage(doc, date, meta.lang);
  stableFontKeys(doc);
  if (rtl) rightToLeftSections(doc);
  if (EAST_ASIAN.test(meta.lang)) strictLineBreaks(doc);
  await breathe();
  return packageDocx(doc, reference, { "[short-title]": meta.shortTitle, "[title]": meta.title }, date);
}
