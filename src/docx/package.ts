/**
 * The last step of the .docx: the `docx` library's package, with the template's header and
 * footer put in (placeholders filled), and zipped again with fixed timestamps, so two builds
 * with the same SOURCE_DATE_EPOCH are the same bytes.
 */
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { type Document, Packer } from "docx";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { R, W } from "./contract.ts";

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

/**
 * The `docx` library names hyperlink relationships with random ids; renamed here, in the order
 * they stand, so that the same source gives the same bytes.
 */
function stableRelationshipIds(files: Record<string, Uint8Array>) {
  const renamed = new Map<string, string>();
  for (const name of Object.keys(files).filter((n) => n.endsWith(".rels")).sort()) {
    for (const match of strFromU8(files[name]).matchAll(/\bId="([^"]+)"/g)) {
      if (!/^rId\d+$/.test(match[1]) && !renamed.has(match[1])) renamed.set(match[1], `rIdLink${renamed.size + 1}`);
    }
  }
  if (renamed.size === 0) return;
  const pattern = new RegExp(`"(${[...renamed.keys()].map((id) => id.replace(/[-]/g, "\\-")).join("|")})"`, "g");
  for (const name of Object.keys(files).filter((n) => n.endsWith(".xml") || n.endsWith(".rels"))) {
    const text = strFromU8(files[name]);
    const replaced = text.replace(pattern, (_, id: string) => `"${renamed.get(id)}"`);
    if (replaced !== text) files[name] = strToU8(replaced);
  }
}

type Parts = Record<string, Uint8Array>;

/** The package's parts, as the `docx` library zips them. */
export async function packageParts(doc: Document): Promise<Parts> {
  return unzipSync(new Uint8Array(await Packer.toBuffer(doc)));
}

export function finishPackage(files: Parts, finish: Finish): Uint8Array {
  const text = (name: string) => strFromU8(files[name]);

  // The first section's header and footer parts take the template's. Only that section's
  // properties are parsed, not the whole document (a tenth of the .docx time on the letter):
  // the `docx` library writes them as one <w:sectPr> element, never nested.
  const first = /<w:sectPr\b[\s\S]*?<\/w:sectPr>/.exec(text("word/document.xml"))?.[0];
  const sectPr = first ? new DOMParser().parseFromString(`<s xmlns:w="${W}" xmlns:r="${R}">${first}</s>`, "text/xml").getElementsByTagNameNS(W, "sectPr")[0] : undefined;
  const rels = new DOMParser().parseFromString(text("word/_rels/document.xml.rels"), "text/xml");
  const target = (id: string) => Array.from(rels.getElementsByTagName("Relationship")).find((r) => r.getAttribute("Id") === id)?.getAttribute("Target");
  for (const [tag, parts] of [["headerReference", finish.headers], ["footerReference", finish.footers]] as const) {
    for (const ref of Array.from(sectPr?.getElementsByTagNameNS(W, tag) ?? [])) {
      const kind = ref.getAttributeNS(W, "type") as "default" | "first";
      const replacement = parts[kind];
      const part = target(ref.getAttributeNS(R, "id") ?? "");
      if (replacement && part) files[`word/${part}`] = strToU8(fillPlaceholders(replacement, finish.placeholders));
    }
  }

  stableRelationshipIds(files);

  // ZIP timestamps are DOS times, which fflate reads in local time: shift so that they hold the
  // build date's UTC fields on every machine, so the bytes repeat.
  const utc = Math.max(finish.date.getTime(), Date.UTC(1980, 0, 2));
  const mtime = new Date(utc + new Date(utc).getTimezoneOffset() * 60_000);
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { mtime }]])), { level: 6 });
}
