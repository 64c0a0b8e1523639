/**
 * The last step of the .docx: the `docx` library's package, with the template's header and
 * footer put in (placeholders filled), its entries dated by the build date, so two builds with
 * the same SOURCE_DATE_EPOCH are the same bytes.
 */
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { type Document, Packer } from "docx";
import { redate } from "../ooxml/zip.ts";
import { W } from "../ooxml/package.ts";

export interface Finish {
  headers: { default?: string; first?: string };
  footers: { default?: string; first?: string };
  /** Placeholder → text, for `[short-title]`, `[title]` in the header and footer. */
  placeholders: Record<string, string>;
  /** The build date, the ZIP entries' time. */
  date: Date;
}

/** Fill placeholders paragraph by paragraph, so that a placeholder Word split over runs still matches. */
export function fillPlaceholders(xml: string, placeholders: Record<string, string>): string {
  if (!Object.keys(placeholders).some((p) => xml.includes(p[0]))) return xml;
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  for (const paragraph of Array.from(doc.getElementsByTagNameNS(W, "p"))) {
    const texts = Array.from(paragraph.getElementsByTagNameNS(W, "t"));
    const joined = texts.map((t) => t.textContent ?? "").join("");
    let filled = joined;
    for (const [placeholder, value] of Object.entries(placeholders)) filled = filled.split(placeholder).join(value);
    if (filled === joined || texts.length === 0) continue;
    texts[0].textContent = filled;
    texts[0].setAttribute("xml:space", "preserve");
    for (const t of texts.slice(1)) t.textContent = "";
  }
  return new XMLSerializer().serializeToString(doc);
}

/** The package, the template's header and footer in place of the library's (which writes the first section's default and first-page ones as header1.xml and header2.xml). */
export async function packageDocx(doc: Document, finish: Finish): Promise<Uint8Array> {
  const overrides = (["header", "footer"] as const).flatMap((part) =>
    (["default", "first"] as const).flatMap((kind, i) => {
      const xml = finish[`${part}s`][kind];
      return xml ? [{ path: `word/${part}${i + 1}.xml`, data: fillPlaceholders(xml, finish.placeholders) }] : [];
    }),
  );
  return redate(await Packer.pack(doc, "uint8array", false, overrides), finish.date);
}
