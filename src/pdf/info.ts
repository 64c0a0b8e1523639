/**
 * Document facts for Chromium's PDF by an incremental update: a new Info dictionary, an xref
 * section for it and a trailer pointing back to Chromium's, appended to the file. Chromium
 * (Skia) already writes /Lang, the tags and the outline; it does not write Author, Subject,
 * Keywords or our Creator/Producer. Appending costs the same for 5 pages and 500, where
 * re-serialising the whole file (as pdf-lib does) cost 40 % of a render.
 */

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

/** A PDF text string: UTF-16BE with a byte-order mark, hex-encoded, so any script is safe. */
function pdfText(text: string): string {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

function pdfDate(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `(D:${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z)`;
}

export function withInfo(pdf: Uint8Array, info: PdfInfo): Uint8Array {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 1024))).toString("latin1");
  const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(tail);
  const size = trailer && /\/Size (\d+)/.exec(trailer[1]);
  const root = trailer && /\/Root (\d+ \d+ R)/.exec(trailer[1]);
  const oldInfo = trailer && /\/Info (\d+) (\d+) R/.exec(trailer[1]);
  if (!trailer || !size || !root) {
    throw new Error("Chromium wrote a PDF whose trailer broadside cannot read (no classic xref trailer with /Size and /Root): update src/pdf/info.ts for this Chromium version");
  }
  // Replace Chromium's Info object in place when it has one; else add a new object.
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
  const objectOffset = pdf.length + 1;
  const object = `\n${number} ${generation} obj\n<<${entries.join("\n")}>>\nendobj\n`;
  const xrefOffset = pdf.length + Buffer.byteLength(object, "latin1");
  const xref =
    `xref\n0 1\n0000000000 65535 f \n${number} 1\n${String(objectOffset).padStart(10, "0")} ${String(generation).padStart(5, "0")} n \n` +
    `trailer\n<</Size ${newSize}\n/Root ${root[1]}\n/Info ${number} ${generation} R\n/Prev ${trailer[2]}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(object + xref, "latin1")]);
}
