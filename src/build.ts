/**
 * One build: each source made into a proved edition (src/edition.ts) and written all formats or none, a `packet:` by
 * src/packet (loaded only then); one browser for the whole build, started before the first source is read.
 */
import { shown } from "./boundary.ts";
import { type Built, type Edition, FORMATS, type Format, loadLetter, makeEdition, writeEdition } from "./edition.ts";
import { type FrontMatter, LANG_TAG } from "./frontmatter.ts";
import { type Paper, PAPERS } from "./paper.ts";
import type { PacketOptions } from "./packet/index.ts";
import { MAX_TIMEOUT } from "./pdf/browser.ts";
import { Printer } from "./pdf/printer.ts";
import { preparePdfReader } from "./verify/index.ts";
import { timed } from "./timings.ts";
import { sweepTemporaries } from "./write.ts";

/** Options a caller got wrong: the command line exits 2, the API returns status 2. */
export class OptionsError extends Error {}

/**
 * The options the command line (`flag` "--", formats comma-separated) and the API share, checked
 * alike; the formats come out in FORMATS' order.
 */
export function checkOptions(
  given: { formats?: readonly string[]; lang?: string; notes?: string; paper?: string; timeout?: string | number },
  flag: "--" | "",
) {
  const wrong = (name: string, takes: string, value: string) => new OptionsError(`${flag}${name} takes ${takes}; not ${value}`);
  // Seconds on the command line, ms in the API; a timer longer than Node keeps would fire at once.
  const timeout = given.timeout === undefined ? undefined : Number(given.timeout) * (flag ? 1000 : 1);
  if (timeout !== undefined && !(timeout > 0 && timeout <= MAX_TIMEOUT))
    throw wrong("timeout", `a number of ${flag ? "seconds" : "milliseconds"} above 0, at most 24 days`, String(given.timeout));
  const formats = given.formats ?? FORMATS;
  const unknown = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknown.length || formats.length === 0)
    throw wrong(flag ? "format" : "formats", `${FORMATS.join(", ")}${flag && " (comma-separated)"}`, unknown.join(", ") || "nothing");
  if (given.lang !== undefined && !LANG_TAG.test(given.lang)) throw wrong("lang", "a language tag like en, fr or zh-Hans", given.lang);
  if (given.notes !== undefined && given.notes !== "footnotes" && given.notes !== "endnotes") throw wrong("notes", "footnotes or endnotes", given.notes);
  const paper = given.paper?.toLowerCase();
  if (paper !== undefined && !(PAPERS as readonly string[]).includes(paper)) throw wrong("paper", PAPERS.join(" or "), given.paper!);
  return {
    formats: FORMATS.filter((f) => formats.includes(f)),
    notes: given.notes as FrontMatter["notes"] | undefined,
    paper: paper as Paper | undefined,
    timeout,
  };
}

export interface BuildOptions extends PacketOptions {
  sources: string[];
  formats: readonly Format[];
  /** Limit for starting the browser and for printing one document, in ms (default: BROADSIDE_TIMEOUT or 120 s). */
  timeout?: number;
}

export async function build(options: BuildOptions): Promise<Built> {
  const { outDir, formats } = options;
  const log = options.log ?? (() => undefined);
  // Chromium starts at once: it takes longer than parsing and compiling the letter, and starts on
  // the other core meanwhile. A build without PDFs starts it only for a packet.
  let browser: Printer | undefined;
  const printer = () => (browser ??= new Printer({ timeout: options.timeout, log }));
  if (formats.includes("pdf")) {
    printer();
    if (options.verify !== false) preparePdfReader(); // pdf.js loads while Chromium starts
  }
  // The browser is closed as soon as the last document is printed, while the last read-back
  // runs, not after it.
  const unprinted = new Set(options.sources);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= timed("browser: close", async () => browser?.close()));
  const printed = (source: string) => {
    unprinted.delete(source);
    if (!unprinted.size) close();
  };
  try {
    await sweepTemporaries(outDir);
    const results = await Promise.all(options.sources.map((source) => buildOne(source, options, printer, () => printed(source))));
    for (const result of results) {
      for (const output of result.written) log(`  wrote ${shown(output.path)} (${size(output.bytes)})`);
      if (result.verified) log(`  verified: ${result.verified}`);
    }
    return { files: results.flatMap((r) => r.files), written: results.flatMap((r) => r.written) };
  } finally {
    await close();
  }
}

/** One source, as the header says; `printed` is told once it needs the browser no more. */
async function buildOne(source: string, options: BuildOptions, printer: () => Printer, printed: () => void): Promise<Built> {
  const { file, letter } = await loadLetter(source, options);
  let edition: Edition | undefined;
  try {
    if (letter?.meta.packet) return await (await import("./packet/index.ts")).buildPacket(letter, options, printer());
    if (letter) edition = await makeEdition(letter, { ...options, printer: options.formats.includes("pdf") ? printer() : undefined, printed });
  } finally {
    printed(); // also when there was nothing to print
  }
  if (!edition) return { files: [file], written: [] };
  const written = await writeEdition(edition, options.outDir);
  const formats = written.map((w) => w.format).join(", ");
  return { files: [file], written, verified: edition.proved && written.length > 1 ? `every note call and note text agrees in ${formats}` : undefined };
}

export function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}
