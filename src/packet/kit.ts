/**
 * The journalists' kit: a zip of every part's PDF, DOCX and HTML and the packet PDF, with
 * MANIFEST.txt listing each file's name, language, pages and SHA-256. Files in a fixed order
 * with the build date as their time, so the same sources and SOURCE_DATE_EPOCH give the same bytes.
 */
import { createHash } from "node:crypto";
import { zipSync, type Zippable } from "fflate";

export interface KitFile {
  name: string;
  lang: string;
  /** Pages of a PDF; undefined for the HTML and DOCX (they have none until printed). */
  pages?: number;
  data: Uint8Array;
}

export const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

export function manifest(files: KitFile[]): string {
  const lines = ["# name\tlanguage\tpages\tsha256", ...files.map((f) => `${f.name}\t${f.lang}\t${f.pages ?? "-"}\t${sha256(f.data)}`)];
  return `${lines.join("\n")}\n`;
}

export function makeKit(files: KitFile[], date: Date): Uint8Array {
  // A zip stores local wall-clock fields (from 1980 on); give fflate a date whose local fields
  // are the build date's UTC ones, so the bytes do not depend on the machine's time zone.
  const utc = new Date(Math.max(date.getTime(), Date.UTC(1980, 0, 2)));
  const mtime = new Date(utc.getTime() + utc.getTimezoneOffset() * 60_000);
  const entries: Zippable = {};
  for (const file of files) entries[file.name] = [file.data, { mtime }];
  entries["MANIFEST.txt"] = [new TextEncoder().encode(manifest(files)), { mtime }];
  return zipSync(entries, { level: 6, mtime });
}
