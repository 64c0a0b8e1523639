/**
 * One build: every source parsed once, compiled to the formats asked for, and written
 * atomically, all formats of a source or none. One browser for the whole build, started
 * before the first source is read and closed at the end.
 */
import { basename, join, relative } from "node:path";
import { VFile } from "vfile";
import { compileHtml } from "./html/index.ts";
import { type Letter, parseLetter, readSource } from "./letter.ts";
import type { FrontMatter, Paper } from "./frontmatter.ts";
import { fail } from "./messages.ts";
import { Printer } from "./pdf/printer.ts";
import { type OutputReading, preparePdfReader, readOutputData, reportReadings } from "./verify/index.ts";
import { type Timings, timed, timedSync } from "./timings.ts";
import { type Staged, stageFile, sweepTemporaries } from "./write.ts";

export const FORMATS = ["html", "pdf", "docx"] as const;
export type Format = (typeof FORMATS)[number];

export interface BuildOptions {
  sources: string[];
  outDir: string;
  formats: readonly Format[];
  templatesDir: string;
  /** Progress lines ("wrote …"); messages about the sources are in the returned files. */
  log?: (line: string) => void;
  /** Keep raw HTML, cleaned, in the HTML and PDF (default: left out, with a warning). */
  allowHtml?: boolean;
  /** Limit for starting the browser and for printing one document, in ms (default: BROADSIDE_TIMEOUT or 120 s). */
  timeout?: number;
  /** The language of sources whose front matter names none (`--lang`); default `en`, with a warning. */
  lang?: string;
  /** Overrides the front matter's `notes` (PDF and DOCX). */
  notes?: FrontMatter["notes"];
  /** Overrides the front matter's `paper` (PDF and DOCX). */
  paper?: Paper;
  /**
   * Read every document back before it is put in place and prove that the formats agree
   * (src/verify); a disagreement is an error and nothing of that source is written. Default: on.
   */
  verify?: boolean;
  /** Record how long every stage takes (`--timings`). */
  timings?: Timings;
  /** A browser the caller started and closes (a packet prints its parts and itself in one). */
  printer?: Printer;
}

export interface Written {
  source: string;
  format: Format;
  path: string;
  bytes: number;
}

export interface BuildResult {
  files: VFile[];
  written: Written[];
  /** Each source's parsed letter, when it parsed: for a caller that builds on the editions (a packet). */
  letters?: Map<string, Letter>;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const { outDir, formats } = options;
  const log = options.log ?? (() => undefined);
  // Chromium starts at once: it takes longer than parsing and compiling the letter, and starts on
  // the other core meanwhile.
  const kept = options.printer;
  const browser = formats.includes("pdf") ? (kept ?? new Printer({ timeout: options.timeout, log, timings: options.timings })) : undefined;
  browser?.start();
  if (browser && options.verify !== false) preparePdfReader(); // pdf.js loads while Chromium starts
  const written: Written[] = [];
  let closing: Promise<void> | undefined;
  try {
    await sweepTemporaries(outDir);
    // The browser is closed as soon as the last document is printed, while the read-backs run.
    let unprinted = options.sources.length;
    const printed = () => {
      if (--unprinted === 0 && !kept) closing = timed(options.timings, "browser: close", async () => browser?.close());
    };
    const results = await Promise.all(
      options.sources.map((source) => {
        const done = once(printed); // also for a source that never gets to print
        return buildOne(source, options, browser, done).finally(done);
      }),
    );
    for (const result of results) {
      for (const output of result.written) {
        written.push(output);
        log(`  wrote ${shown(output.path)} (${size(output.bytes)})`);
      }
      if (result.verified) log(`  verified: every note call and note text agrees in ${result.written.map((w) => w.format).join(", ")}`);
    }
    const letters = new Map(results.flatMap((r) => (r.letter ? [[r.source, r.letter] as const] : [])));
    return { files: results.map((r) => r.file), written, letters };
  } finally {
    if (!kept) await (closing ?? timed(options.timings, "browser: close", async () => browser?.close()));
  }
}

/** Parse once, compile every format into memory, then write them all (or nothing, on an error). */
async function buildOne(source: string, options: BuildOptions, browser: Printer | undefined, printed: () => void): Promise<{ source: string; file: VFile; written: Written[]; verified?: boolean; letter?: Letter }> {
  const { outDir, formats, templatesDir, timings } = options;
  const name = basename(source).replace(/\.(md|markdown)$/i, "");
  let file: VFile;
  try {
    file = await timed(timings, `${name}: read`, () => readSource(source));
  } catch (error) {
    file = new VFile({ path: source });
    fail(file, `Cannot read the source: ${(error as Error).message}`, undefined, "source-unreadable");
    return { source, file, written: [] };
  }
  const letter = timedSync(timings, `${name}: parse`, () => parseLetter(file, { allowHtml: options.allowHtml, lang: options.lang, templatesDir }));
  if (!letter) return { source, file, written: [] };
  if (options.notes) letter.meta.notes = options.notes;
  if (options.paper) letter.meta.paper = options.paper;
  const verify = options.verify !== false;
  // Each document is read back as soon as it is made (the HTML and the DOCX while Chromium
  // prints), from the bytes that are then written to a temporary file; all are compared, and only
  // then renamed into place, together. Nothing is staged until every format is made, so a failed
  // print leaves no trace.
  const made: { format: Format; data: string | Uint8Array }[] = [];
  const reads: Promise<OutputReading>[] = [];
  const target = (format: Format) => join(outDir, `${name}.${format}`);
  const madeAs = (format: Format, data: string | Uint8Array) => {
    made.push({ format, data });
    if (verify) reads.push(readOutputData(format, target(format), data, timings && { timings, name }));
  };
  const staged: { format: Format; file: Staged; bytes: number }[] = [];
  try {
    const html = formats.includes("html") || formats.includes("pdf") ? (await timed(timings, `${name}: html`, () => compileHtml(letter, { templatesDir }))).html : undefined;
    // The PDF is asked for first: Chromium prints it on the other core while this thread makes
    // the DOCX and reads the HTML and the DOCX back. Until Chromium has started and loaded the
    // page, it needs both cores: that work waits meanwhile.
    let laidOut: () => void = () => undefined;
    const layout = new Promise<void>((resolve) => (laidOut = resolve));
    const printing = browser && html !== undefined ? browser.print(html, letter.meta, source, { label: name, onLayout: laidOut }) : undefined;
    printing?.catch(() => undefined).finally(printed); // awaited below
    if (!printing) printed();
    if (printing) await timed(timings, `${name}: wait for Chromium to start`, () => Promise.race([layout, printing.catch(() => undefined)]));
    if (html !== undefined && formats.includes("html")) madeAs("html", html);
    // Loaded only for a build that makes a .docx.
    const { compileDocx } = formats.includes("docx") ? await import("./docx/index.ts") : { compileDocx: undefined };
    if (compileDocx) madeAs("docx", await timed(timings, `${name}: docx`, () => compileDocx(letter, { templatesDir })));
    if (printing) madeAs("pdf", await printing);
    made.sort((a, b) => FORMATS.indexOf(a.format) - FORMATS.indexOf(b.format));
    if (verify && made.length) {
      reportReadings(await timed(timings, `${name}: wait for the read-backs`, () => Promise.all(reads)), file);
      if (file.messages.some((m) => m.fatal === true)) return { source, file, written: [] };
    }
    for (const { format, data } of made) {
      const file = await timed(timings, `${name}: write ${format} temporary`, () => stageFile(target(format), data));
      staged.push({ format, file, bytes: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength });
    }
    await timed(timings, `${name}: rename into place`, async () => {
      for (const s of staged) await s.file.commit();
    });
  } catch (error) {
    await Promise.all(reads); // they never reject
    await Promise.all(staged.map((s) => s.file.discard()));
    throw error;
  }
  const written: Written[] = staged.map((s) => ({ source, format: s.format, path: s.file.path, bytes: s.bytes }));
  return { source, file, written, verified: verify && staged.length > 1, letter };
}

/** `run` the first time only. */
function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (!done) run();
    done = true;
  };
}

/** A path as the user would type it: relative below the working folder, else as given. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

export function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}
