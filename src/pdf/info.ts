/**
 * What Chromium's PDF lacks, in an incremental update (its cost does not grow with the page count, as pdf-lib's re-serialising would):
 * Author, Subject, Keywords, Creator, Producer, the margins its named destinations leave out, the build date, a file /ID.
 */
import { createHash } from "node:crypto";
import type { FrontMatter } from "../frontmatter.ts";

/** A PDF text string: UTF-16BE with a byte-order mark, hex-encoded, so any script is safe. */
const pdfText = (text: string) => `<FEFF${Buffer.from(text, "utf16le").swap16().toString("hex").toUpperCase()}>`;
/** A PDF date's digits, YYYYMMDDHHmmSS, in UTC. */
const stamp = (date: Date) => date.toISOString().replace(/\D/g, "").slice(0, 14);
/** A date's time zone written in UTC with the same length, by the length of the zone Chromium wrote. */
const UTC_ZONE: Record<number, string> = { 0: "", 1: "Z", 7: "+00'00'" };
const num = (n: number) => String(Number(n.toFixed(4)));

type Ref = { number: number; generation: number };
function refIn(dictionary: string, key: string): Ref | undefined {
  const m = new RegExp(`/${key} (\\d+) (\\d+) R`).exec(dictionary);
  return m ? { number: Number(m[1]), generation: Number(m[2]) } : undefined;
}

/** Where each object starts, from the one classic xref section Chromium writes, at `startxref` (findObject checks each). */
function xrefOffsets(text: string, startxref: number): Map<number, number> {
  const offsets = new Map<number, number>();
  const lines = text.slice(startxref, text.indexOf("trailer", startxref)).split(/\r\n|\r|\n/);
  let number = 0;
  for (const line of lines.slice(1)) {
    const subsection = /^(\d+) \d+\s*$/.exec(line);
    const entry = /^(\d{10}) \d{5} n/.exec(line);
    if (subsection) number = Number(subsection[1]);
    else if (entry) offsets.set(number++, Number(entry[1]));
    else number++;
  }
  return offsets;
}

/** The text of object `ref` (from after "N G obj" to "endobj"), and where that text starts. */
function findObject(text: string, offsets: Map<number, number>, ref: Ref | null | undefined): { at: number; body: string } | undefined {
  if (!ref) return undefined;
  const start = offsets.get(ref.number);
  const head = `${ref.number} ${ref.generation} obj`;
  if (start === undefined || !text.startsWith(head, start)) return undefined;
  const end = text.indexOf("endobj", start);
  return end > 0 ? { at: start + head.length, body: text.slice(start + head.length, end) } : undefined;
}

/** `date` is the creation and modification time; `offset` the left and top page margins (pt) Chromium left out of its named destinations. */
export function withInfo(pdf: Uint8Array, meta: FrontMatter, date: Date, offset: { left: number; top: number }): Uint8Array {
  const bytes = Buffer.from(pdf); // patched in place below: same length, same offsets
  const text = bytes.toString("latin1");
  const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(text.slice(-1024));
  const size = trailer && /\/Size (\d+)/.exec(trailer[1]);
  const root = trailer && refIn(trailer[1], "Root");
  const oldInfo = trailer && refIn(trailer[1], "Info");
  // One classic xref section is what Chromium writes; more (/Prev) would hide objects from xrefOffsets.
  if (!trailer || !size || !root || /\/Prev\b/.test(trailer[1])) {
    throw new Error(
      "Chromium wrote a PDF whose trailer broadside cannot read (not one classic xref section with /Size and /Root): update src/pdf/info.ts for this Chromium version",
    );
  }
  const offsets = xrefOffsets(text, Number(trailer[2]));
  const replaced: (Ref & { body: string })[] = [];

  // Chromium's own dates, in the object kept under the update: the build date instead, same length.
  const infoObject = findObject(text, offsets, oldInfo);
  for (const m of infoObject?.body.matchAll(/\(D:\d{14}([^)]*)\)/g) ?? []) {
    const zone = UTC_ZONE[m[1].length];
    if (zone !== undefined) bytes.write(`(D:${stamp(date)}${zone})`, infoObject!.at + m.index!, "latin1"); // else an unknown form: left as it is
  }

  // Named destinations: put back the margins Chromium left out.
  const destsRef = refIn(findObject(text, offsets, root)?.body ?? "", "Dests");
  const dests = findObject(text, offsets, destsRef);
  if (dests) {
    const body = dests.body.replace(
      /\/XYZ\s+(-?[\d.]+)\s+(-?[\d.]+)/g,
      (_, x: string, y: string) => `/XYZ ${num(Number(x) + offset.left)} ${num(Number(y) - offset.top)}`,
    );
    replaced.push({ ...destsRef!, body });
  }

  // Replace Chromium's Info object when it has one; else add a new object.
  const { number, generation } = oldInfo ?? { number: Number(size[1]), generation: 0 };
  const subject = meta.subject ?? meta.description;
  const entries = [
    `/Title ${pdfText(meta.title)}`,
    meta.author ? `/Author ${pdfText(meta.author)}` : "",
    subject ? `/Subject ${pdfText(subject)}` : "",
    meta.keywords.length ? `/Keywords ${pdfText(meta.keywords.join(", "))}` : "",
    `/Creator ${pdfText("broadside")}`,
    `/Producer ${pdfText("broadside (Chromium)")}`,
    `/CreationDate (D:${stamp(date)}Z)`,
    `/ModDate (D:${stamp(date)}Z)`,
  ].filter(Boolean);
  replaced.push({ number, generation, body: `\n<<${entries.join("\n")}>>\n` });

  // Latin-1 throughout: one byte per character, so a string's length is its length in bytes.
  let update = "";
  let xref = "xref\n0 1\n0000000000 65535 f \n";
  for (const object of replaced.sort((a, b) => a.number - b.number)) {
    const at = bytes.length + 1 + update.length;
    xref += `${object.number} 1\n${String(at).padStart(10, "0")} ${String(object.generation).padStart(5, "0")} n \n`;
    update += `\n${object.number} ${object.generation} obj${object.body}endobj`;
  }
  update += "\n";
  const xrefOffset = bytes.length + update.length;
  const id = createHash("md5").update(bytes).update(update, "latin1").digest("hex").toUpperCase();
  xref += `trailer\n<</Size ${Number(size[1]) + (oldInfo ? 0 : 1)}\n/Root ${root.number} ${root.generation} R\n/Info ${number} ${generation} R\n/ID [<${id}> <${id}>]\n/Prev ${trailer[2]}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([bytes, Buffer.from(update + xref, "latin1")]);
}
