/**
 * `npm run reference-docx`: writes templates/reference.docx, whose styles, page, header and footer builds take (like Pandoc's reference doc).
 * It shows every style broadside uses, so a designer restyling it in Word or LibreOffice sees what to change.
 */
import { ROOT } from "../paths.ts";
import { join } from "node:path";
import {
  LineRuleType,
  AlignmentType,
  Document,
  ExternalHyperlink,
  Footer,
  FootnoteReferenceRun,
  Header,
  type ILevelsOptions,
  type INumberingOptions,
  type IParagraphOptions,
  type IStylesOptions,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  TextRun,
} from "docx";
import { writeAtomic } from "../write.ts";

const FONT = { ascii: "Noto Serif", hAnsi: "Noto Serif", cs: "Noto Serif", eastAsia: "Noto Serif SC" };

/** A heading's style: bold (and italic), space before and after (twentieths of a point), kept with what follows. */
const heading = (size: number, before: number, after: number, italics?: boolean) => ({
  run: { font: FONT, size, bold: true, italics, color: "1B1B1B" },
  paragraph: { spacing: { before, after }, keepNext: true, keepLines: true },
});

/** Sizes are half-points; spacing and indents twentieths of a point. */
export const STYLES: IStylesOptions = {
  default: {
    document: { run: { font: FONT, size: 22 }, paragraph: { spacing: { after: 160, line: 288, lineRule: LineRuleType.AUTO } } },
    title: { run: { font: FONT, size: 40, bold: true, color: "1B1B1B" }, paragraph: { spacing: { after: 360, line: 264, lineRule: LineRuleType.AUTO } } },
    heading1: heading(30, 480, 200),
    heading2: heading(26, 360, 160),
    heading3: heading(23, 280, 120, true),
    hyperlink: { run: { color: "1A4D8F", underline: { type: "single" } } },
    footnoteText: { run: { size: 18 }, paragraph: { spacing: { after: 80, line: 240, lineRule: LineRuleType.AUTO } } },
    footnoteReference: { run: { superScript: true } },
    endnoteText: { run: { size: 18 }, paragraph: { spacing: { after: 80, line: 240, lineRule: LineRuleType.AUTO } } },
    endnoteReference: { run: { superScript: true } },
  },
  paragraphStyles: [
    { id: "BodyText", name: "Body Text", basedOn: "Normal", next: "BodyText", quickFormat: true },
    {
      id: "Subtitle",
      name: "Subtitle",
      basedOn: "Normal",
      next: "BodyText",
      quickFormat: true,
      run: { size: 28, color: "555555" },
      paragraph: { spacing: { after: 360 } },
    },
    {
      id: "Signatory",
      name: "Signatory",
      basedOn: "Normal",
      next: "Signatory",
      quickFormat: true,
      run: { size: 19 },
      paragraph: { spacing: { after: 40, line: 252, lineRule: LineRuleType.AUTO }, indent: { left: 240, hanging: 240 }, keepLines: true },
    },
    { id: "ListBullet", name: "List Bullet", basedOn: "Normal", quickFormat: true, paragraph: { spacing: { after: 80 } } },
    { id: "ListNumber", name: "List Number", basedOn: "Normal", quickFormat: true, paragraph: { spacing: { after: 80 } } },
    { id: "ListContinue", name: "List Continue", basedOn: "Normal", paragraph: { indent: { left: 720 }, spacing: { after: 80 } } },
    {
      id: "Quote",
      name: "Quote",
      basedOn: "Normal",
      next: "BodyText",
      quickFormat: true,
      run: { color: "333333" },
      paragraph: { indent: { left: 567, right: 567 } },
    },
    {
      id: "SourceCode",
      name: "Source Code",
      basedOn: "Normal",
      run: { font: "Courier New", size: 19 },
      paragraph: { spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO } },
    },
    { id: "TableText", name: "Table Text", basedOn: "Normal", paragraph: { spacing: { before: 40, after: 40, line: 252, lineRule: LineRuleType.AUTO } } },
    {
      id: "HorizontalRule",
      name: "Horizontal Rule",
      basedOn: "Normal",
      next: "BodyText",
      paragraph: { border: { bottom: { style: "single", size: 6, color: "D8D4CC", space: 1 } }, spacing: { after: 240 } },
    },
    // A press release's embargo line, end mark and contacts, made from its front matter: not imported back.
    { id: "PressLine", name: "Press Line", basedOn: "Normal", next: "BodyText" },
    // Word's own ids for page furniture, lower-case names as Word writes them.
    ...["Header", "Footer"].map((id) => ({
      id,
      name: id.toLowerCase(),
      basedOn: "Normal",
      run: { size: 17, color: "444444" },
      paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 0 } },
    })),
  ],
  characterStyles: [
    { id: "Emphasis", name: "Emphasis", quickFormat: true, run: { italics: true } },
    { id: "Strong", name: "Strong", quickFormat: true, run: { bold: true } },
    { id: "VerbatimChar", name: "Verbatim Char", run: { font: "Courier New", size: 20 } },
    // A press release's dateline, from its front matter: imported back as `dateline`.
    { id: "Dateline", name: "Dateline", run: {} },
  ],
};

/** Nine list levels, each indented further, cycling through `formats`. */
const levels = (formats: ILevelsOptions["format"][], text: (level: number) => string): ILevelsOptions[] =>
  Array.from({ length: 9 }, (_, level) => ({
    level,
    format: formats[level % formats.length],
    text: text(level),
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 720 + 360 * level, hanging: 360 } } },
  }));

/** The lists of every .docx, and of the reference document. */
export const numbering: INumberingOptions = {
  config: [
    { reference: "bullet", levels: levels([LevelFormat.BULLET], (level) => ["•", "◦", "▪"][level % 3]) },
    { reference: "ordered", levels: levels([LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN], (level) => `%${level + 1}.`) },
  ],
};

/**
 * The default and first-page header and footer: the short title on every page but the first, the page
 * number on all, in the words of `label` ("Page {page} of {pages}"), each paragraph made by `paragraph`.
 */
export function furniture(shortTitle: string, label: string, paragraph = (options: IParagraphOptions) => new Paragraph(options)) {
  const [before, between, after] = /^([^{}]*)\{page\}([^{}]*)\{pages\}([^{}]*)$/s.exec(label)?.slice(1) ?? ["", " / ", ""];
  const number = [before, PageNumber.CURRENT, between, PageNumber.TOTAL_PAGES, after].filter((c) => c !== "");
  const footer = () => new Footer({ children: [paragraph({ style: "Footer", children: [new TextRun({ children: number })] })] });
  return {
    headers: {
      default: new Header({ children: [paragraph({ style: "Header", children: [new TextRun(shortTitle)] })] }),
      first: new Header({ children: [paragraph({ style: "Header", children: [] })] }),
    },
    footers: { default: footer(), first: footer() },
  };
}

/** A paragraph of the sample in `style` (headings and the title by their style ids), text as plain runs. */
const sample = (style: string, ...children: (string | ParagraphChild)[]) =>
  new Paragraph({ style, children: children.map((child) => (typeof child === "string" ? new TextRun(child) : child)) });

/** `npm run reference-docx`: write templates/reference.docx anew. */
export async function writeReference(): Promise<number> {
  const doc = new Document({
    title: "broadside reference document",
    description: "Restyle this document to change how broadside's .docx files look. The build takes its styles, page size, margins, header and footer.",
    creator: "broadside",
    styles: STYLES,
    numbering,
    footnotes: {
      1: { children: [new Paragraph({ style: "FootnoteText", children: [new TextRun("Footnote Text: the notes, with their number (Footnote Reference).")] })] },
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: { size: { width: 11906, height: 16838 }, margin: { top: 1247, bottom: 1361, left: 1134, right: 1134, header: 567, footer: 567 } },
        },
        ...furniture("[short-title]", "{page} / {pages}"),
        children: [
          sample("Title", "Title: the letter's headline"),
          sample("Subtitle", "Subtitle"),
          sample("BodyText", "Body Text: the letter's paragraphs. A note call looks like this"),
          sample("BodyText", "and carries the Footnote Reference style.", new FootnoteReferenceRun(1)),
          sample(
            "BodyText",
            "Character styles: ",
            new TextRun({ text: "Emphasis", style: "Emphasis" }),
            ", ",
            new TextRun({ text: "Strong", style: "Strong" }),
            ", ",
            new TextRun({ text: "Verbatim Char", style: "VerbatimChar" }),
            " and a ",
            new ExternalHyperlink({ link: "https://example.org/", children: [new TextRun({ text: "Hyperlink", style: "Hyperlink" })] }),
            ".",
          ),
          sample("Heading1", "Heading 1"),
          sample("Heading2", "Heading 2"),
          sample("Heading3", "Heading 3"),
          sample("Quote", "Quote: a quoted passage."),
          new Paragraph({ style: "ListBullet", numbering: { reference: "bullet", level: 0 }, children: [new TextRun("List Bullet")] }),
          sample("ListContinue", "List Continue: a further paragraph of a list item."),
          sample("ListNumber", "List Number"),
          sample("TableText", "Table Text: paragraphs in table cells."),
          sample("SourceCode", "Source Code"),
          sample("HorizontalRule"),
          sample("Heading2", "Signed by"),
          sample("Signatory", "Signatory: one signing group a paragraph, set in columns"),
          sample("Signatory", "A second signatory"),
        ],
      },
    ],
  });
  const path = join(ROOT, "templates/reference.docx");
  await writeAtomic(path, new Uint8Array(await Packer.toBuffer(doc)));
  console.log(`wrote ${path}`);
  return 0;
}
