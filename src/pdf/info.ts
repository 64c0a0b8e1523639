/**
 * Document facts for Chromium's PDF by an incremental update: a new Info dictionary, an xref
 * section for it and a trailer pointing back to Chromium's, appended to the file. Chromium
 * (Skia) already writes /Lang, the tags and the outline; it does not write Author, Subject,
 * Keywords or our Creator/Producer. Appending costs the same whatever the page count, where
 * re-serialising the whole file (as pdf-lib does) grows with it.
 *
 * The same update corrects Chromium's named destinations (every note call and back-link goes to
 * one): Chromium writes their /XYZ point in the page's content area, leaving the @page margins
 * out, so a link to note 1 would open some 60 pt above it.
 *
 * Repeatable: Chromium's own Info dictionary (kept in the file under the update) has its dates
 * overwritten in place with the build date, and the trailer gets a file /ID derived from the
 * bytes, so two builds of one source with one SOURCE_DATE_EPOCH are the same bytes.
 */
import { createHash } from "node:crypto";

export interface PdfInfo {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creator: string;
  producer: string;
  /** Creation and modification time. */
  date: Date;
}

export interface InfoOptions {
  /** What Chromium left out of its named destinations: the left and top page margins, in pt. */
  destinationOffset?: { left: number; top: number };
}

/** A PDF text string: UTF-16BE with a byte-order mark, hex-encoded, so any script is safe. */
function pdfText(text: string): string {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const stamp = (date: Date) =>
  `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;

function pdfDate(date: Date): string {
  return `(D:${stamp(date)}Z)`;
}

/** Where each object starts, from the classic xref section at `startxref` (and the sections before it). */
function xrefOffsets(text: string, startxref: number): Map<number, number> {
  const offsets = new Map<number, number>();
  for (let at: number | undefined = startxref, guard = 0; at !== undefined && guard < 64; guard++) {
    const section = /^xref\s+/.exec(text.slice(at, at + 5)) ? text.slice(at) : undefined;
    if (!section) break;
    const lines = section.split(/\r\n|\r|\n/);
    let i = 1;
    for (let sub = /^(\d+) (\d+)\s*$/.exec(lines[i]); sub; sub = /^(\d+) (\d+)\s*$/.exec(lines[i])) {
      const first = Number(sub[1]);
      const count = Number(sub[2]);
      for (let k = 0; k < count; k++) {
        const entry = /^(\d{10}) (\d{5}) n/.exec(lines[i + 1 + k]);
        if (entry && !offsets.has(first + k)) offsets.set(first + k, Number(entry[1])); // the newest section wins
      }
      i += count + 1;
    }
    const prev = /^trailer\s*<<[\s\S]*?\/Prev (\d+)/.exec(lines.slice(i).join("\n"));
    at = prev ? Number(prev[1]) : undefined;
  }
  return offsets;
}

/** The text of object `number generation` (from after "N G obj" to "endobj"), and where it starts. */
function findObject(text: string, offsets: Map<number, number>, number: number, generation: number): { start: number; body: string } | undefined {
  const start = offsets.get(number);
  const head = `${number} ${generation} obj`;
  if (start === undefined || !text.startsWith(head, start)) return undefined;
  const end = text.indexOf("endobj", start);
  return end > 0 ? { start, body: text.slice(start + head.length, end) } : undefined;
}

const num = (n: number) => String(Number(n.toFixed(4)));

export function withInfo(pdf: Uint8Array, info: PdfInfo, options: InfoOptions = {}): Uint8Array {
  const original = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const tail = original.subarray(Math.max(0, original.length - 1024)).toString("latin1");
  const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(tail);
  const size = trailer && /\/Size (\d+)/.exec(trailer[1]);
  const root = trailer && /\/Root (\d+) (\d+) R/.exec(trailer[1]);
  const oldInfo = trailer && /\/Info (\d+) (\d+) R/.exec(trailer[1]);
  if (!trailer || !size || !root) {
    throw new Error(
      "Chromium wrote a PDF whose trailer broadside cannot read (no classic xref trailer with /Size and /Root): update src/pdf/info.ts for this Chromium version",
    );
  }
  const bytes = Buffer.from(original); // patched in place below: same length, same offsets
  const text = bytes.toString("latin1");
  const offsets = xrefOffsets(text, Number(trailer[2]));
  const replaced: { number: number; generation: number; body: string }[] = [];

  // Chromium's own dates, in the object kept under the update: the build date instead, same length.
  if (oldInfo) {
    const object = findObject(text, offsets, Number(oldInfo[1]), Number(oldInfo[2]));
    if (object) {
      const from = object.start;
      const to = from + object.body.length + 20;
      const region = text.slice(from, to);
      for (const m of region.matchAll(/\(D:\d{14}([^)]*)\)/g)) {
        const zone = m[1].length === 7 ? "+00'00'" : m[1].length === 1 ? "Z" : m[1].length === 0 ? "" : undefined;
        if (zone === undefined) continue; // an unknown form: leave it (the rebuild test would show it)
        bytes.write(`(D:${stamp(info.date)}${zone})`, from + (m.index ?? 0), "latin1");
      }
    }
  }

  // Named destinations: put back the margins Chromium left out.
  const offset = options.destinationOffset;
  const catalog = findObject(text, offsets, Number(root[1]), Number(root[2]));
  const destsRef = catalog && /\/Dests (\d+) (\d+) R/.exec(catalog.body);
  if (offset && destsRef) {
    const dests = findObject(text, offsets, Number(destsRef[1]), Number(destsRef[2]));
    if (dests) {
      const body = dests.body.replace(
        /\/XYZ\s+(-?[\d.]+)\s+(-?[\d.]+)/g,
        (_, x: string, y: string) => `/XYZ ${num(Number(x) + offset.left)} ${num(Number(y) - offset.top)}`,
      );
      replaced.push({ number: Number(destsRef[1]), generation: Number(destsRef[2]), body });
    }
  }

  // Replace Chromium's Info object when it has one; else add a new object.
  const number = oldInfo ? Number(oldInfo[1]) : Number(size[1]);
  const generation = oldInfo ? Number(oldInfo[2]) : 0;
  const newSize = oldInfo ? Number(size[1]) : Number(size[1]) + 1;
  const entries = [
    `/Title ${pdfText(info.title)}`,
    info.author ? `/Author ${pdfText(info.author)}` : "",
    info.subject ? `/Subject ${pdfText(info.subject)}` : "",
    info.keywords ? `/Keywords ${pdfText(info.keywords)}` : "",
    `/Creator ${pdfText(info.creator)}`,
    `/Producer ${pdfText(info.producer)}`,
    `/CreationDate ${pdfDate(info.date)}`,
    `/ModDate ${pdfDate(info.date)}`,
  ].filter(Boolean);
  replaced.push({ number, generation, body: `\n<<${entries.join("\n")}>>\n` });

  let update = "";
  const written: { number: number; generation: number; at: number }[] = [];
  for (const object of replaced.sort((a, b) => a.number - b.number)) {
    const at = bytes.length + 1 + Buffer.byteLength(update, "latin1");
    written.push({ number: object.number, generation: object.generation, at });
    update += `\n${object.number} ${object.generation} obj${object.body}endobj`;
  }
  update += "\n";
  const xrefOffset = bytes.length + Buffer.byteLength(update, "latin1");
  let xref = "xref\n0 1\n0000000000 65535 f \n";
  for (const o of written) xref += `${o.number} 1\n${String(o.at).padStart(10, "0")} ${String(o.generation).padStart(5, "0")} n \n`;
  // The file identifier: a digest of the content, the same for the same document.
  const id = createHash("md5").update(bytes).update(update, "latin1").digest("hex").toUpperCase();
  xref += `trailer\n<</Size ${newSize}\n/Root ${root[1]} ${root[2]} R\n/Info ${number} ${generation} R\n/ID [<${id}> <${id}>]\n/Prev ${trailer[2]}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([bytes, Buffer.from(update + xref, "latin1")]);
}
