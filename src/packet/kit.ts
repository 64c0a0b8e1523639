/**
 * The journalists' kit: a zip of every part's PDF, DOCX and HTML and the packet PDF, with
 * MANIFEST.txt listing each file's name, language, pages and SHA-256. Files in a fixed order
 * with the build date as their time, so the same sources and SOURCE_DATE_EPOCH give the same bytes.
 */
import { createHash } from "node:crypto";
import { zipAt } from "../ooxml/zip.ts";

export interface KitFile {
  name: string;
  lang: string;
  /** Pages of a PDF; undefined for the HTML and DOCX (they have none until printed). */
  pages?: number;
  data: Uint8Array;
}

export function makeKit(files: KitFile[], date: Date): Uint8Array {
  const rows = files.map((f) => `${f.name}\t${f.lang}\t${f.pages ?? "-"}\t${createHash("sha256").update(f.data).digest("hex")}`);
  const manifest = ["# name\tlanguage\tpages\tsha256", ...rows, ""].join("\n");
  return zipAt({ ...Object.fromEntries(files.map((f) => [f.name, f.data])), "MANIFEST.txt": new TextEncoder().encode(manifest) }, date);
}
