/**
 * The last step of the .docx: the library's package with the template's header and footer, its
 * entries dated by the build date, so two builds with the same SOURCE_DATE_EPOCH are the same bytes.
 */
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { type Document, Packer } from "docx";
import { redate } from "../ooxml/zip.ts";
import { W } from "../ooxml/package.ts";
import type { Reference } from "./reference.ts";

/** Fill placeholders paragraph by paragraph, so that a placeholder Word split over runs still matches. */
function fillPlaceholders(xml: string, placeholders: Record<string, string>): string {
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

/** The library's header1.xml and header2.xml (the first section's default and first-page ones) replaced by the template's. */
export async function packageDocx(doc: Document, template: Reference, placeholders: Record<string, string>, date: Date): Promise<Uint8Array> {
  const overrides = (["header", "footer"] as const).flatMap((part) =>
    (["default", "first"] as const).flatMap((kind, i) => {
      const xml = template[`${part}s`][kind];
      return xml ? [{ path: `word/${part}${i + 1}.xml`, data: fillPlaceholders(xml, placeholders) }] : [];
    }),
  );
  return redate(await Packer.pack(doc, "uint8array", false, overrides), date);
}
