/**
 * templates/reference.docx, read once per build: its styles (with the letter's language written
 * in), page size, margins, and default/first-page header and footer.
 */
import { readFileSync } from "node:fs";
import { readWhileUnchanged } from "../paths.ts";
import { DOMParser, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { strFromU8, unzipSync } from "fflate";
import { R, W } from "../ooxml/package.ts";

export interface Reference {
  styles: string;
  styleIds: Set<string>;
  page: { width: number; height: number; landscape: boolean };
  margin: { top: number; right: number; bottom: number; left: number; header: number; footer: number; gutter: number };
  titlePage: boolean;
  /** Header and footer parts (whole XML), by kind; a footer that is the page number alone is left to the compiler, which writes it in the letter's words. */
  headers: { default?: string; first?: string };
  footers: { default?: string; first?: string };
}

const parse = (xml: string) => new DOMParser().parseFromString(xml, "text/xml");

/**
 * OOXML reads a `w:spacing` with `w:line` and no `w:lineRule` as "auto" (240ths of a line);
 * LibreOffice reads it as an exact height, so a two-line title overlapped itself. A template's
 * spacings are given their rule.
 */
function explicitLineRule(doc: ReturnType<typeof parse>) {
  for (const spacing of Array.from(doc.getElementsByTagNameNS(W, "spacing"))) {
    if (spacing.hasAttributeNS(W, "line") && !spacing.hasAttributeNS(W, "lineRule")) spacing.setAttributeNS(W, "w:lineRule", "auto");
  }
  return doc;
}

/** A header or footer of the template, its spacings with their rule. */
const furniturePart = (xml: string) => new XMLSerializer().serializeToString(explicitLineRule(parse(xml)));

function relTargets(files: Record<string, Uint8Array>, relsPath: string): Map<string, string> {
  const rels = files[relsPath];
  const targets = new Map<string, string>();
  if (!rels) return targets;
  for (const rel of Array.from(parse(strFromU8(rels)).getElementsByTagName("Relationship"))) {
    targets.set(rel.getAttribute("Id") ?? "", rel.getAttribute("Target") ?? "");
  }
  return targets;
}

/** A footer of one paragraph in the Footer style: the PAGE field, " / ", the NUMPAGES field (as `npm run reference-docx` makes it). */
function isPageNumberOnly(xml: string): boolean {
  const footer = parse(xml);
  const paragraphs = footer.getElementsByTagNameNS(W, "p");
  const texts = (name: string) => Array.from(footer.getElementsByTagNameNS(W, name)).map((t) => t.textContent?.trim() ?? "");
  return (
    paragraphs.length === 1 &&
    paragraphs[0].getElementsByTagNameNS(W, "pStyle")[0]?.getAttributeNS(W, "val") === "Footer" &&
    texts("t").join("") === "/" &&
    texts("instrText").join(" ") === "PAGE NUMPAGES" &&
    !["drawing", "pict"].some((name) => footer.getElementsByTagNameNS(W, name).length)
  );
}

export const loadReference = readWhileUnchanged((path: string): Reference => {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(readFileSync(path));
  } catch (error) {
    throw new Error(`Cannot read the Word template ${path} (${(error as Error).message}): restore it with \`npm run reference-docx\``);
  }
  const part = (name: string) => {
    const data = files[name];
    if (!data) throw new Error(`The Word template ${path} has no ${name}: restore it with \`npm run reference-docx\`, or save it again from Word as .docx`);
    return strFromU8(data);
  };
  const styles = part("word/styles.xml");
  const styleIds = new Set(Array.from(parse(styles).getElementsByTagNameNS(W, "style")).map((s) => s.getAttributeNS(W, "styleId") ?? ""));
  const document = parse(part("word/document.xml"));
  const sections = document.getElementsByTagNameNS(W, "sectPr");
  const sectPr = sections[sections.length - 1];
  const attr = (name: string, key: string, fallback: number) => {
    const element = sectPr?.getElementsByTagNameNS(W, name)[0];
    const value = element?.getAttributeNS(W, key);
    return value ? Number(value) : fallback;
  };
  const rels = relTargets(files, "word/_rels/document.xml.rels");
  const furniture = (tag: "headerReference" | "footerReference") => {
    const found: { default?: string; first?: string } = {};
    for (const ref of Array.from(sectPr?.getElementsByTagNameNS(W, tag) ?? [])) {
      const kind = ref.getAttributeNS(W, "type");
      const target = rels.get(ref.getAttributeNS(R, "id") ?? "");
      if ((kind === "default" || kind === "first") && target) found[kind] = furniturePart(part(`word/${target.replace(/^\/?word\//, "")}`));
    }
    return found;
  };
  const footers = furniture("footerReference");
  for (const kind of ["default", "first"] as const) if (footers[kind] && isPageNumberOnly(footers[kind])) delete footers[kind];
  const reference: Reference = {
    styles,
    styleIds,
    page: {
      width: attr("pgSz", "w", 11906),
      height: attr("pgSz", "h", 16838),
      landscape: sectPr?.getElementsByTagNameNS(W, "pgSz")[0]?.getAttributeNS(W, "orient") === "landscape",
    },
    margin: {
      top: attr("pgMar", "top", 1440),
      right: attr("pgMar", "right", 1440),
      bottom: attr("pgMar", "bottom", 1440),
      left: attr("pgMar", "left", 1440),
      header: attr("pgMar", "header", 708),
      footer: attr("pgMar", "footer", 708),
      gutter: attr("pgMar", "gutter", 0),
    },
    titlePage: (sectPr?.getElementsByTagNameNS(W, "titlePg").length ?? 0) > 0,
    headers: furniture("headerReference"),
    footers,
  };
  return reference;
});

export interface Language {
  value: string;
  eastAsia: string;
  bidi: string;
}

/** The faces of an edition in Word's slots: Latin, East Asian (the Han face) and complex script. */
export interface SlotFonts {
  latin: string;
  eastAsia: string;
  cs: string;
  /** Chinese and Japanese editions: quotes and other shared marks from the East Asian face. */
  hint?: "eastAsia";
  /** The edition's face has no bold (Mongolian script): styles set headings by size only, as the HTML and PDF do, so Word fakes none. */
  noBold?: boolean;
}

/**
 * The styles with the language in the document defaults and in every style that names one, and
 * the edition's faces in place of the template's shipped ones (a font a user chose is kept).
 */
export function stylesWithLanguage(styles: string, language: Language, fonts?: SlotFonts): string {
  const doc = explicitLineRule(parse(styles));
  if (fonts) {
    const shipped = /^Noto (Serif|Sans|Naskh)\b/;
    for (const rFonts of Array.from(doc.getElementsByTagNameNS(W, "rFonts"))) {
      for (const [slot, face] of [
        ["ascii", fonts.latin],
        ["hAnsi", fonts.latin],
        ["eastAsia", fonts.eastAsia],
        ["cs", fonts.cs],
      ] as const) {
        if (shipped.test(rFonts.getAttributeNS(W, slot) ?? "")) rFonts.setAttributeNS(W, `w:${slot}`, face);
      }
      if (fonts.hint && shipped.test(rFonts.getAttributeNS(W, "eastAsia") ?? "")) rFonts.setAttributeNS(W, "w:hint", fonts.hint);
    }
    const on = (element: XmlElement) => ["1", "true", "on", ""].includes(element.getAttributeNS(W, "val") ?? "");
    if (fonts.noBold)
      for (const bold of [...Array.from(doc.getElementsByTagNameNS(W, "b")), ...Array.from(doc.getElementsByTagNameNS(W, "bCs"))])
        if (on(bold)) bold.parentNode?.removeChild(bold);
  }
  /** The element `name` in `parent`, made (first or last) when there is none. */
  const ensure = (parent: XmlElement, name: string, first: boolean) => {
    const found = parent.getElementsByTagNameNS(W, name)[0];
    return found ?? parent.insertBefore(doc.createElementNS(W, `w:${name}`), first ? parent.firstChild : null);
  };
  const root = doc.documentElement!;
  // The document defaults get a language; then every language of the styles is set.
  ensure(ensure(ensure(ensure(root, "docDefaults", true), "rPrDefault", true), "rPr", false), "lang", false);
  for (const lang of Array.from(root.getElementsByTagNameNS(W, "lang"))) {
    lang.setAttributeNS(W, "w:val", language.value);
    lang.setAttributeNS(W, "w:eastAsia", language.eastAsia);
    lang.setAttributeNS(W, "w:bidi", language.bidi);
  }
  return new XMLSerializer().serializeToString(doc);
}
