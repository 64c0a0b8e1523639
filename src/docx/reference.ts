/**
 * templates/reference.docx, whose styles, page, header and footer builds take (like Pandoc's reference doc). `npm run reference-docx`
 * writes it showing every style broadside uses, for a designer to restyle; a build reads it once and writes the letter's language in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLSerializer } from "@xmldom/xmldom";
import {
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
  LineRuleType,
  Packer,
  PageOrientation,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  TextRun,
} from "docx";
import { readWhileUnchanged, ROOT } from "../paths.ts";
import { writeAtomic } from "../write.ts";
import { directionOf } from "../language.ts";
import type { SlotFonts } from "./fonts.ts";
import { redate } from "../ooxml/zip.ts";
import { attr, child, descendants, DocxPackage, isOn, W, type XmlDocument, type XmlElement } from "../ooxml/package.ts";

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

/** The page margins (twips) of a template that gives none. */
const MARGINS = { top: 1440, right: 1440, bottom: 1440, left: 1440, header: 708, footer: 708, gutter: 0 };

/**
 * A template's spacings given their rule: OOXML reads a `w:line` without `w:lineRule` as "auto" (240ths of a line),
 * LibreOffice as an exact height, so a two-line title overlapped itself.
 */
function explicitLineRule(doc: XmlDocument) {
  for (const spacing of descendants(doc, "w", "spacing")) {
    if (spacing.hasAttributeNS(W, "line") && !spacing.hasAttributeNS(W, "lineRule")) spacing.setAttributeNS(W, "w:lineRule", "auto");
  }
  return doc;
}

/** A footer of one paragraph in the Footer style: the PAGE field, " / ", the NUMPAGES field (as `npm run reference-docx` makes it). */
function isPageNumberOnly(footer: XmlDocument): boolean {
  const paragraphs = descendants(footer, "w", "p");
  const texts = (name: string) => descendants(footer, "w", name).map((t) => t.textContent?.trim() ?? "");
  return (
    paragraphs.length === 1 &&
    attr(descendants(paragraphs[0], "w", "pStyle")[0], "w", "val") === "Footer" &&
    texts("t").join("") === "/" &&
    texts("instrText").join(" ") === "PAGE NUMPAGES" &&
    !["drawing", "pict"].some((name) => descendants(footer, "w", name).length)
  );
}

function readReference(path: string) {
  let pkg: DocxPackage;
  try {
    pkg = DocxPackage.open(readFileSync(path));
  } catch (error) {
    throw new Error(`Cannot read the Word template ${path} (${(error as Error).message}): restore it with \`npm run reference-docx\``);
  }
  const part = (name: string) => {
    const doc = pkg.xml(name);
    if (!doc) throw new Error(`The Word template ${path} has no ${name}: restore it with \`npm run reference-docx\`, or save it again from Word as .docx`);
    return doc;
  };
  const main = pkg.mainPath!;
  const styles = explicitLineRule(part("word/styles.xml"));
  const sectPr = descendants(part(main), "w", "sectPr").at(-1);
  const number = (name: string, key: string, fallback: number) => Number(attr(child(sectPr, "w", name), "w", key) || fallback);
  const furniture = (tag: "headerReference" | "footerReference", keep = (_doc: XmlDocument) => true) => {
    const found: { default?: XmlDocument; first?: XmlDocument } = {};
    for (const ref of sectPr ? descendants(sectPr, "w", tag) : []) {
      const kind = attr(ref, "w", "type");
      const target = pkg.rels(main).get(attr(ref, "r", "id") ?? "")?.target;
      const doc = (kind === "default" || kind === "first") && target ? explicitLineRule(part(target)) : undefined;
      if (doc && keep(doc)) found[kind as keyof typeof found] = doc;
    }
    return found;
  };
  // The styles broadside writes must exist even in a template a user has pared down: the shipped ones it lacks are added.
  const ids = new Set(descendants(styles, "w", "style").map((s) => attr(s, "w", "styleId")));
  const missing = (style: { id: string }) => !ids.has(style.id);
  // The parts are kept parsed for every build while the template is unchanged: a build changes copies.
  return {
    styles,
    missingStyles: { paragraphStyles: STYLES.paragraphStyles!.filter(missing), characterStyles: STYLES.characterStyles!.filter(missing) },
    size: {
      width: number("pgSz", "w", 11906),
      height: number("pgSz", "h", 16838),
      orientation: attr(child(sectPr, "w", "pgSz"), "w", "orient") === "landscape" ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
    },
    margin: Object.fromEntries(Object.entries(MARGINS).map(([key, fallback]) => [key, number("pgMar", key, fallback)])) as typeof MARGINS,
    titlePage: child(sectPr, "w", "titlePg") !== undefined,
    headers: furniture("headerReference"),
    // A footer that is the page number alone is left out: the compiler writes it in the letter's words.
    footers: furniture("footerReference", (doc) => !isPageNumberOnly(doc)),
  };
}
type Reference = ReturnType<typeof readReference>;
export const loadReference = readWhileUnchanged(readReference);

/** Word wants a region for proofing; a bare language gets its most common one. */
const WORD_REGION = new Map(
  "en-US fr-FR es-ES de-DE it-IT pt-PT ja-JP zh-CN ug-CN bo-CN mn-MN ru-RU tr-TR kk-KZ ko-KR nl-NL ar-SA fa-IR he-IL ur-PK"
    .split(" ")
    .map((tag) => [tag.slice(0, 2), tag]),
);
export const EAST_ASIAN = /^(zh|ja|ko)\b/i;
/** Scripts Word and LibreOffice set in the complex-script slot, with its language. */
const COMPLEX_SCRIPT = /^(bo|dz|mn-Mong)\b/i;

/** Word's tags: Chinese by region (zh-Hant-HK → zh-HK), traditional Mongolian with its region. */
function wordTag(lang: string): string {
  const [language, ...rest] = lang.split("-");
  if (language.toLowerCase() === "zh") {
    const region = rest.find((part) => /^[A-Z]{2}$/i.test(part))?.toUpperCase();
    const script = rest.find((part) => /^[A-Z][a-z]{3}$/i.test(part))?.toLowerCase();
    return `zh-${region ?? (script === "hant" ? "TW" : "CN")}`;
  }
  if (lang.toLowerCase() === "mn-mong") return "mn-Mong-CN";
  return lang;
}

function wordLanguage(lang: string) {
  const value = /-/.test(lang) ? wordTag(lang) : (WORD_REGION.get(lang.toLowerCase()) ?? lang);
  return {
    value,
    // East Asian text in these letters is mostly Chinese (names of Hong Kong groups).
    eastAsia: EAST_ASIAN.test(lang) ? value : "zh-CN",
    bidi: directionOf(lang) === "rtl" || COMPLEX_SCRIPT.test(lang) ? value : "ar-SA",
  };
}

/**
 * The styles with the language in the document defaults and in every style that names one, and
 * the edition's faces in place of the template's shipped ones (a font a user chose is kept).
 */
export function stylesWithLanguage(styles: XmlDocument, lang: string, fonts: SlotFonts): string {
  const language = wordLanguage(lang);
  const doc = styles.cloneNode(true) as XmlDocument;
  const shipped = /^Noto (Serif|Sans|Naskh)\b/;
  const faces = { ascii: fonts.latin, hAnsi: fonts.latin, eastAsia: fonts.eastAsia, cs: fonts.cs };
  for (const rFonts of descendants(doc, "w", "rFonts")) {
    for (const [slot, face] of Object.entries(faces)) {
      if (shipped.test(rFonts.getAttributeNS(W, slot) ?? "")) rFonts.setAttributeNS(W, `w:${slot}`, face);
    }
    if (fonts.hint && shipped.test(rFonts.getAttributeNS(W, "eastAsia") ?? "")) rFonts.setAttributeNS(W, "w:hint", fonts.hint);
  }
  if (fonts.noBold) for (const bold of [...descendants(doc, "w", "b"), ...descendants(doc, "w", "bCs")]) if (isOn(bold)) bold.parentNode?.removeChild(bold);
  /** The element `name` in `parent`, made (first or last) when there is none. */
  const ensure = (parent: XmlElement, name: string, first: boolean) => {
    const found = parent.getElementsByTagNameNS(W, name)[0];
    return found ?? parent.insertBefore(doc.createElementNS(W, `w:${name}`), first ? parent.firstChild : null);
  };
  const root = doc.documentElement!;
  // The document defaults get a language; then every language of the styles is set.
  ensure(ensure(ensure(ensure(root, "docDefaults", true), "rPrDefault", true), "rPr", false), "lang", false);
  for (const lang of descendants(root, "w", "lang")) {
    lang.setAttributeNS(W, "w:val", language.value);
    lang.setAttributeNS(W, "w:eastAsia", language.eastAsia);
    lang.setAttributeNS(W, "w:bidi", language.bidi);
  }
  return new XMLSerializer().serializeToString(doc);
}

/** Fill placeholders paragraph by paragraph, so that a placeholder Word split over runs still matches. */
function fillPlaceholders(part: XmlDocument, placeholders: Record<string, string>): string {
  const doc = part.cloneNode(true) as XmlDocument;
  for (const paragraph of descendants(doc, "w", "p")) {
    const texts = descendants(paragraph, "w", "t");
    const joined = texts.map((t) => t.textContent ?? "").join("");
    const filled = Object.entries(placeholders).reduce((text, [placeholder, value]) => text.replaceAll(placeholder, () => value), joined);
    if (filled === joined || texts.length === 0) continue;
    texts[0].textContent = filled;
    texts[0].setAttribute("xml:space", "preserve");
    for (const t of texts.slice(1)) t.textContent = "";
  }
  return new XMLSerializer().serializeToString(doc);
}

/**
 * The package, the library's header1.xml and header2.xml (the first section's default and first-page ones) replaced by the
 * template's, its entries dated `date`: the same SOURCE_DATE_EPOCH gives the same bytes.
 */
export async function packageDocx(doc: Document, template: Reference, placeholders: Record<string, string>, date: Date): Promise<Uint8Array> {
  const overrides = (["header", "footer"] as const).flatMap((part) =>
    (["default", "first"] as const).flatMap((kind, i) => {
      const furniture = template[`${part}s`][kind];
      return furniture ? [{ path: `word/${part}${i + 1}.xml`, data: fillPlaceholders(furniture, placeholders) }] : [];
    }),
  );
  return redate(await Packer.pack(doc, "uint8array", false, overrides), date);
}
