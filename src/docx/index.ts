/**
 * DOCX compiler: a typed builder map, one handler per mdast node type, with the state
 * passed explicitly. Notes become real Word footnotes with the numbers the numbering pass
 * gave them; a repeated reference is a NOTEREF field to a bookmark on the first one, so
 * Word shows the same number and never a second footnote.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AlignmentType,
  Bookmark,
  Document,
  ExternalHyperlink,
  type FileChild,
  Footer,
  FootnoteReferenceRun,
  Header,
  HeadingLevel,
  type INumberingOptions,
  type IStylesOptions,
  LevelFormat,
  Packer,
  Paragraph,
  type ParagraphChild,
  PageNumber,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { FootnoteReference, Nodes, PhrasingContent, RootContent } from "mdast";
import type { Letter } from "../letter.ts";
import { warn } from "../messages.ts";
import { noteCall } from "../notes.ts";
import { noteRefField } from "./fields.ts";

export interface DocxOptions {
  /** Folder with docx-styles.json. */
  templatesDir: string;
}

/** Character formatting inherited from the Markdown around a run. */
interface Marks {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  style?: string;
}

/** Where a block is: which paragraph style it takes and how deep in lists it is. */
interface Context {
  paragraphStyle?: string;
  list?: { reference: string; level: number; instance: number };
  /** Inside a footnote: no footnote references may appear (the numbering pass forbids them). */
  inNote?: boolean;
}

interface State {
  letter: Letter;
  /** Numbering instances handed out so far, so that each list restarts its numbers. */
  listInstances: number;
}

type Inline<T extends PhrasingContent> = (node: T, state: State, marks: Marks) => ParagraphChild[];
type Block<T extends RootContent> = (node: T, state: State, context: Context) => FileChild[];
type InlineMap = { [K in PhrasingContent["type"]]: Inline<Extract<PhrasingContent, { type: K }>> };
type BlockType = "paragraph" | "heading" | "blockquote" | "list" | "listItem" | "code" | "thematicBreak" | "table" | "tableRow" | "tableCell" | "html" | "definition" | "footnoteDefinition" | "yaml";
type BlockMap = { [K in BlockType]: Block<Extract<RootContent, { type: K }>> };

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

export const bookmarkName = (n: number) => `_RefNote${n}`;

function text(value: string, marks: Marks): TextRun {
  return new TextRun({ text: value, bold: marks.bold, italics: marks.italics, strike: marks.strike, style: marks.style });
}

const inline: InlineMap = {
  text: (node, _state, marks) => [text(node.value.replace(/\s*\n\s*/g, " "), marks)],
  emphasis: (node, state, marks) => phrasing(node.children, state, { ...marks, italics: true }),
  strong: (node, state, marks) => phrasing(node.children, state, { ...marks, bold: true }),
  delete: (node, state, marks) => phrasing(node.children, state, { ...marks, strike: true }),
  inlineCode: (node, _state, marks) => [text(node.value, { ...marks, style: "VerbatimChar" })],
  break: () => [new TextRun({ break: 1 })],
  link: (node, state, marks) => {
    const children = phrasing(node.children, state, { ...marks, style: "Hyperlink" });
    if (node.url.startsWith("#")) return children;
    return [new ExternalHyperlink({ link: node.url, children })];
  },
  linkReference: (node, state, marks) => phrasing(node.children, state, marks),
  image: (node, state, marks) => {
    warn(state.letter.file, "Images are not yet placed in the .docx; its alt text stands in its place", node, "docx-image");
    return node.alt ? [text(node.alt, marks)] : [];
  },
  imageReference: (node, _state, marks) => (node.alt ? [text(node.alt, marks)] : []),
  html: () => [],
  footnoteReference: (node: FootnoteReference) => {
    const { number, occurrence } = noteCall(node);
    if (occurrence === 1) {
      return [new Bookmark({ id: bookmarkName(number), children: [new FootnoteReferenceRun(number)] })];
    }
    return noteRefField(bookmarkName(number), String(number), "FootnoteReference") as unknown as ParagraphChild[];
  },
};

function phrasing(nodes: PhrasingContent[], state: State, marks: Marks): ParagraphChild[] {
  return nodes.flatMap((node) => (inline[node.type] as Inline<PhrasingContent>)(node, state, marks));
}

function paragraph(children: ParagraphChild[], context: Context, style?: string): Paragraph {
  return new Paragraph({
    style: style ?? context.paragraphStyle,
    children,
    numbering: context.list ? { reference: context.list.reference, level: context.list.level, instance: context.list.instance } : undefined,
  });
}

const block: BlockMap = {
  paragraph: (node, state, context) => [paragraph(phrasing(node.children, state, {}), context)],
  heading: (node, state) => [new Paragraph({ heading: HEADINGS[node.depth - 1], children: phrasing(node.children, state, {}) })],
  blockquote: (node, state, context) => blocks(node.children, state, { ...context, paragraphStyle: "Quote" }),
  list: (node, state, context) => {
    const signatories = node.data?.signatories === true;
    const reference = node.ordered ? "ordered" : "bullet";
    const level = context.list ? Math.min(context.list.level + 1, 8) : 0;
    const instance = node.ordered ? ++state.listInstances : 0;
    return node.children.flatMap((item) =>
      item.children.flatMap((child, index) => {
        if (signatories) return blocks([child], state, { ...context, paragraphStyle: "Signatory", list: undefined });
        if (child.type === "list") return block.list(child, state, { ...context, list: { reference, level, instance } });
        // The item's first paragraph carries the bullet or number; later ones continue it.
        const itemContext: Context = index === 0
          ? { ...context, paragraphStyle: node.ordered ? "ListNumber" : "ListBullet", list: { reference, level, instance } }
          : { ...context, paragraphStyle: "ListContinue", list: undefined };
        return blocks([child], state, itemContext);
      }),
    );
  },
  listItem: (node, state, context) => blocks(node.children, state, context),
  code: (node, _state, context) => node.value.split("\n").map((line) => paragraph([new TextRun(line)], context, "SourceCode")),
  thematicBreak: () => [new Paragraph({ style: "HorizontalRule", children: [] })],
  table: (node, state) => [
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: node.children.map((row, r) =>
        new TableRow({
          tableHeader: r === 0,
          children: row.children.map((cell) =>
            new TableCell({ children: [new Paragraph({ children: phrasing(cell.children, state, { bold: r === 0 }) })] }),
          ),
        }),
      ),
    }),
  ],
  tableRow: () => [],
  tableCell: () => [],
  html: () => [],
  definition: () => [],
  footnoteDefinition: () => [], // printed as footnotes, from the note table
  yaml: () => [],
};

function blocks(nodes: readonly Nodes[], state: State, context: Context): FileChild[] {
  return nodes.flatMap((node) => {
    const handler = (block as Record<string, Block<RootContent>>)[node.type];
    if (handler) return handler(node as RootContent, state, context);
    // Phrasing content standing alone (e.g. in a table cell) becomes a paragraph.
    return [paragraph(phrasing([node as PhrasingContent], state, {}), context)];
  });
}

const numbering: INumberingOptions = {
  config: [
    {
      reference: "bullet",
      levels: Array.from({ length: 9 }, (_, level) => ({
        level,
        format: LevelFormat.BULLET,
        text: ["•", "◦", "▪"][level % 3],
        alignment: AlignmentType.LEFT,
        style: { paragraph: { indent: { left: 720 + 360 * level, hanging: 360 } } },
      })),
    },
    {
      reference: "ordered",
      levels: Array.from({ length: 9 }, (_, level) => ({
        level,
        format: [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN][level % 3],
        text: `%${level + 1}.`,
        alignment: AlignmentType.LEFT,
        style: { paragraph: { indent: { left: 720 + 360 * level, hanging: 360 } } },
      })),
    },
  ],
};

/** Word wants a region for proofing; a bare language gets its most common one. */
const WORD_REGION: Record<string, string> = {
  en: "en-US", fr: "fr-FR", es: "es-ES", de: "de-DE", it: "it-IT", pt: "pt-PT", ja: "ja-JP", zh: "zh-CN",
  ug: "ug-CN", bo: "bo-CN", mn: "mn-MN", ru: "ru-RU", tr: "tr-TR", kk: "kk-KZ", ko: "ko-KR", nl: "nl-NL",
};
export function wordLanguage(lang: string): string {
  return lang.includes("-") ? lang : WORD_REGION[lang.toLowerCase()] ?? lang;
}

const stylesCache = new Map<string, IStylesOptions>();
function styles(templatesDir: string, lang: string): IStylesOptions {
  const path = join(templatesDir, "docx-styles.json");
  let base = stylesCache.get(path);
  if (!base) {
    const { $comment: _, ...json } = JSON.parse(readFileSync(path, "utf8"));
    base = json as IStylesOptions;
    stylesCache.set(path, base);
  }
  const language = { value: wordLanguage(lang), eastAsia: "zh-CN", bidirectional: "ar-SA" };
  const document = base.default?.document ?? {};
  return { ...base, default: { ...base.default, document: { ...document, run: { ...document.run, language } } } };
}

export async function compileDocx(letter: Letter, options: DocxOptions): Promise<Uint8Array> {
  const { meta } = letter;
  const state: State = { letter, listInstances: 0 };
  const footnotes: Record<string, { children: Paragraph[] }> = {};
  for (const note of letter.notes.notes) {
    const children = blocks(note.definition.children, state, { paragraphStyle: "FootnoteText", inNote: true }) as Paragraph[];
    footnotes[note.number] = { children: children.length ? children : [new Paragraph({ style: "FootnoteText" })] };
  }
  const head: FileChild[] = [new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(meta.title)] })];
  if (meta.subtitle) head.push(new Paragraph({ style: "Subtitle", children: [new TextRun(meta.subtitle)] }));
  const body = blocks(letter.tree.children, state, {});

  const doc = new Document({
    title: meta.title,
    subject: meta.subject ?? meta.description,
    creator: meta.author,
    keywords: meta.keywords.join(", "),
    description: meta.description,
    lastModifiedBy: "broadside",
    styles: styles(options.templatesDir, meta.lang),
    numbering,
    footnotes,
    features: { updateFields: false },
    sections: [
      {
        properties: { titlePage: true, page: { size: { width: 11906, height: 16838 }, margin: { top: 1247, bottom: 1361, left: 1134, right: 1134 } } },
        headers: {
          default: new Header({ children: [new Paragraph({ style: "Header", children: [new TextRun(meta.shortTitle)] })] }),
          first: new Header({ children: [new Paragraph({ style: "Header", children: [] })] }),
        },
        footers: {
          default: new Footer({ children: [new Paragraph({ style: "Footer", children: [new TextRun({ children: [PageNumber.CURRENT, " / ", PageNumber.TOTAL_PAGES] })] })] }),
          first: new Footer({ children: [new Paragraph({ style: "Footer", children: [new TextRun({ children: [PageNumber.CURRENT, " / ", PageNumber.TOTAL_PAGES] })] })] }),
        },
        children: [...head, ...body],
      },
    ],
  });
  return Packer.toBuffer(doc) as Promise<Uint8Array>;
}

