/**
 * templates/reference.docx, read once per build: its styles (with the letter's language written
 * in), page size, margins, and default/first-page header and footer, which go into each package.
 */
import { readFileSync } from "node:fs";
import { readWhileUnchanged } from "../paths.ts";
import { directionOf } from "../language.ts";
import type { SlotFonts } from "./fonts.ts";
import { XMLSerializer } from "@xmldom/xmldom";
import { type Document, Packer } from "docx";
import { redate } from "../ooxml/zip.ts";
import { attr, child, descendants, DocxPackage, isOn, W, type XmlDocument, type XmlElement } from "../ooxml/package.ts";

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
  // The parts are kept parsed for every build while the template is unchanged: a build changes copies.
  return {
    styles,
    styleIds: new Set(descendants(styles, "w", "style").map((s) => attr(s, "w", "styleId") ?? "")),
    page: {
      width: number("pgSz", "w", 11906),
      height: number("pgSz", "h", 16838),
      landscape: attr(child(sectPr, "w", "pgSz"), "w", "orient") === "landscape",
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
