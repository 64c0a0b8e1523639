/**
 * Proof that the built outputs agree: the HTML, PDF and DOCX of a letter, read back by readers that know the file formats,
 * not the compilers, are compared; disagreements (`outputs-disagree`) and unreadable files (`outputs-unreadable`) are errors.
 */
import type { VFile } from "vfile";
import { fail } from "../messages.ts";
import { timed } from "../timings.ts";
import { compareReadings } from "./compare.ts";
import { isRefusal, readBounded } from "../boundary.ts";
import { readDocxBytes } from "./docx.ts";
import { readHtmlText } from "./html.ts";
import { preparePdfReader, readPdfData } from "./pdf.ts";
import { FORMAT_NAMES, type Format, printable, type Reading } from "./reading.ts";

export { compareReadings } from "./compare.ts";
export { preparePdfReader } from "./pdf.ts";
export { normalizeNoteText, sameNoteText, type Format, type NoteCall, type Reading } from "./reading.ts";

export type OutputFiles = Partial<Record<Format, string>>;

/** Each format's reader, on a document's bytes. */
const FROM_DATA: Record<Format, (data: Uint8Array) => Reading | Promise<Reading>> = {
  html: (data) => readHtmlText(Buffer.from(data).toString("utf8")),
  pdf: readPdfData,
  docx: readDocxBytes,
};

/** An output is as large as a letter's images allow, and far below this. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** A built document's bytes, read within a bound: a pipe, a device or a huge file put in its place is refused, not waited on. */
export async function readOutputFile(path: string): Promise<Uint8Array> {
  const bytes = readBounded(path, MAX_OUTPUT_BYTES, "the file");
  if (isRefusal(bytes)) throw new Error(bytes.reason);
  return bytes;
}

/** Each format's reader, on a file. */
const fromFile = (format: Format) => async (path: string) => FROM_DATA[format](await readOutputFile(path));
export const readHtml = fromFile("html");
export const readPdf = fromFile("pdf");
export const readDocx = fromFile("docx");

/** Read the outputs of one letter; every disagreement among them, and every self-contradiction (even of one format), is a message on `report`. */
export async function verifyOutputs(files: OutputFiles, report: VFile): Promise<void> {
  const formats = (Object.keys(FROM_DATA) as Format[]).filter((f) => files[f] !== undefined);
  if (formats.includes("pdf")) preparePdfReader();
  const reads = formats.map((format) => readOutputData(format, files[format]!, readOutputFile(files[format]!)));
  reportReadings(await Promise.all(reads), report);
}

/** One output read back, or why it could not be. */
export interface OutputReading {
  format: Format;
  path: string;
  reading?: Reading;
  error?: string;
}

/** Read one output back from its bytes, as a build makes them (the HTML and the DOCX while Chromium prints) or from disk. Never rejects. */
export async function readOutputData(format: Format, path: string, data: string | Uint8Array | Promise<Uint8Array>, name?: string): Promise<OutputReading> {
  try {
    const bytes = await data;
    const read = async () => FROM_DATA[format](typeof bytes === "string" ? Buffer.from(bytes) : bytes);
    return { format, path, reading: await timed(`${name}: read back ${format}`, read) };
  } catch (error) {
    return { format, path, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Compare what was read, and report every output that could not be read and every disagreement. */
export function reportReadings(outputs: OutputReading[], report: VFile): void {
  for (const { format, path, error } of outputs) {
    if (error !== undefined)
      fail(report, printable(`Cannot read the ${FORMAT_NAMES[format]} ${path} to check its notes: ${error}`), undefined, "outputs-unreadable");
  }
  const readings = outputs.flatMap((o) => (o.reading ? [o.reading] : []));
  for (const { reason } of compareReadings(readings)) fail(report, printable(reason), undefined, "outputs-disagree");
}
