/**
 * One build: every source parsed once, compiled to the formats asked for, and written
 * atomically, all formats of a source or none. One browser for the whole build, started
 * before the first source is read and closed at the end.
 */
import { basename, join, relative } from "node:path";
import { VFile } from "vfile";
import { compileDocx } from "./docx/index.ts";
import { compileHtml } from "./html/index.ts";
import { parseLetter, readSource } from "./letter.ts";
import { loadPartCache, PARSE_CACHE_DIR, savePartCache } from "./parse-cache.ts";
import type { FrontMatter, Paper } from "./frontmatter.ts";
import { fail } from "./messages.ts";
import { type SpawnedChromium, spawnKnownBrowser } from "./pdf/chromium.mjs";
import { Printer } from "./pdf/printer.ts";
import { type OutputReading, preparePdfReader, readOutput, reportReadings } from "./verify/index.ts";
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
  /**
   * Where the parts of each source's last parse are kept (src/parse-cache.ts), so that a build
   * after an edit parses only the parts it changed; `false`: parse every source whole and keep
   * nothing (`--no-cache`). Default: {@link PARSE_CACHE_DIR}.
   */
  parseCache?: string | false;
  /** A Chromium started before the CLI was loaded (src/launch.mjs): the build's browser. */
  spawned?: SpawnedChromium;
  /**
   * A browser kept between builds (the build server's, src/server): used instead of starting
   * one, and left open at the end.
   */
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
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const { outDir, formats } = options;
  const log = options.log ?? (() => undefined);
  // Chromium is started at once (by src/launch.mjs, before the CLI loaded, or here): its start
  // costs more than parsing and compiling the letter, and runs on the other core meanwhile.
  // Puppeteer connects to it when the first PDF is asked for. A browser not known without
  // looking is found and started then.
  const kept = options.printer;
  kept?.newBuild({ timeout: options.timeout, log, timings: options.timings });
  const browser = !formats.includes("pdf") ? undefined : (kept ?? new Printer({ timeout: options.timeout, log, timings: options.timings, spawned: options.spawned ?? spawnKnownBrowser() }));
  // The browser is closed as soon as the last document is printed, while the documents are
  // still being read back; a kept one stays open.
  let printing = options.sources.length;
  let closing: Promise<void> | undefined;
  const printed = () => {
    if (--printing === 0 && browser && !kept) closing = timed(options.timings, "browser: close", () => browser.close());
  };
  const written: Written[] = [];
  try {
    await sweepTemporaries(outDir);
    const results = await Promise.all(
      options.sources.map((source) => {
        let told = false;
        const once = () => {
          if (!told) printed();
          told = true;
        };
        return buildOne(source, options, browser, once).finally(once);
      }),
    );
    for (const result of results) {
      for (const output of result.written) {
        written.push(output);
        log(`  wrote ${shown(output.path)} (${size(output.bytes)})`);
      }
      if (result.verified) log(`  verified: every note call and note text agrees in ${result.written.map((w) => w.format).join(", ")}`);
    }
    return { files: results.map((r) => r.file), written };
  } finally {
    await (closing ?? (kept ? undefined : browser?.close()));
  }
}

/**
 * From this length on, a source's HTML and DOCX are staged and read back while Chromium lays out
 * and prints its PDF; below it, after. Chromium's print keeps both cores busy, and a PDF comes
 * back in chunks that each wait for this thread: for a short letter, work here meanwhile slowed
 * the build more than it saved (letter ×1 +0.16 s, ×2 +0.28 s, ×3 +0.11 s, medians of 6–15
 * cold builds). For a long one it saves the most: that work is done by the time the PDF is back
 * (measured with pdf.js as the PDF's reader: ×5 −0.09 s, ×15 −0.17 s, ×50 −1.3 to −1.8 s; ×50
 * still lays out and prints for 3.8 s, against 2.5 s for its HTML and DOCX with their read-backs).
 * Measured again with broadside's own PDF reader (medians of 7 cold builds in turns, during
 * against after): ×1 1.32 against 1.17 s, ×3 1.76 against 1.76 s, ×5 2.02 against 2.11 s, ×15
 * 3.71 against 4.04 s. The limit still falls between ×3 (52 K characters) and ×5 (87 K).
 */
const DURING_PRINT_CHARS = 64 * 1024;

/** Parse once, compile every format into memory, then write them all (or nothing, on an error). */
async function buildOne(source: string, options: BuildOptions, browser: Printer | undefined, printed: () => void): Promise<{ file: VFile; written: Written[]; verified?: boolean }> {
  const { outDir, formats, templatesDir, timings } = options;
  const name = basename(source).replace(/\.(md|markdown)$/i, "");
  const cacheDir = options.parseCache === false ? undefined : (options.parseCache ?? PARSE_CACHE_DIR);
  const cached = cacheDir === undefined ? undefined : timed(timings, `${name}: read parse cache`, () => loadPartCache(cacheDir, source));
  let file: VFile;
  try {
    file = await timed(timings, `${name}: read`, () => readSource(source));
  } catch (error) {
    file = new VFile({ path: source });
    fail(file, `Cannot read the source: ${(error as Error).message}`, undefined, "source-unreadable");
    return { file, written: [] };
  }
  const parts = await cached;
  const letter = timedSync(timings, `${name}: parse`, () => parseLetter(file, { allowHtml: options.allowHtml, parts, templatesDir }));
  // Kept for the next build once this thread waits for Chromium (or at once, without a PDF).
  const keep = () => (parts && cacheDir !== undefined ? timed(timings, `${name}: keep parse cache`, () => savePartCache(cacheDir, source, parts)) : Promise.resolve());
  if (!letter) {
    await keep();
    return { file, written: [] };
  }
  if (options.notes) letter.meta.notes = options.notes;
  if (options.paper) letter.meta.paper = options.paper;
  const verify = options.verify !== false;
  // Each document goes to a temporary file as soon as it is made, and is read back from there
  // at once (the HTML and DOCX while Chromium prints); all are compared, and only then renamed
  // into place, together.
  const staged: { format: Format; file: Staged; bytes: number }[] = [];
  const reads: Promise<OutputReading>[] = [];
  const stage = async (format: Format, data: string | Uint8Array) => {
    const target = join(outDir, `${name}.${format}`);
    const file = await timed(timings, `${name}: write ${format} temporary`, () => stageFile(target, data));
    staged.push({ format, file, bytes: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength });
    if (verify) reads.push(readOutput(format, file.temp, timings && { timings, name }));
  };
  let printing: Promise<Uint8Array> | undefined;
  let others: Promise<void> | undefined;
  let keeping: Promise<void> | undefined;
  try {
    const html = formats.includes("html") || formats.includes("pdf") ? (await timed(timings, `${name}: html`, () => compileHtml(letter, { templatesDir }))).html : undefined;
    // The PDF is asked for first: it takes longest, and the browser prints on the other core.
    // Nothing else runs on this thread until Chromium is into the long part of it (pagination
    // and the print, one request each): Puppeteer loads and connects here, and each step of the
    // load waits for this thread to pass Chromium's answer on. Then the HTML and the DOCX are
    // staged and read back: for a long source while Chromium lays out and prints, for a short
    // one once the PDF is back (see DURING_PRINT_CHARS). Without a PDF, at once.
    let layingOut: () => void = () => undefined;
    const chromiumBusy = new Promise<void>((resolve) => (layingOut = resolve));
    printing = browser && html !== undefined ? browser.print(html, letter.meta, source, { label: name, onLayout: layingOut }) : undefined;
    let printFailed = false;
    printing?.catch(() => (printFailed = true));
    if (printing && verify) preparePdfReader();
    const duringPrint = String(file.value).length > DURING_PRINT_CHARS;
    keeping = (printing ? Promise.race([chromiumBusy, printing.then(() => undefined, () => undefined)]) : Promise.resolve()).then(keep);
    others = (async () => {
      const printed = printing?.then(() => undefined, () => undefined);
      if (printed) await (duringPrint ? Promise.race([chromiumBusy, printed]) : printed);
      if (printFailed) return; // the build of this source ends with that error
      if (html !== undefined && formats.includes("html")) await stage("html", html);
      if (formats.includes("docx")) await stage("docx", await timed(timings, `${name}: docx`, () => compileDocx(letter, { templatesDir })));
    })();
    others.catch(() => undefined);
    if (printing) {
      const pdf = await printing.finally(printed);
      await stage("pdf", pdf);
    } else printed();
    await others;
    staged.sort((a, b) => FORMATS.indexOf(a.format) - FORMATS.indexOf(b.format));
    if (verify && staged.length) {
      reportReadings(await timed(timings, `${name}: wait for the read-backs`, () => Promise.all(reads)), file);
      if (file.messages.some((m) => m.fatal === true)) {
        await Promise.all(staged.map((s) => s.file.discard()));
        await keeping;
        return { file, written: [] };
      }
    }
    await timed(timings, `${name}: rename into place`, async () => {
      for (const s of staged) await s.file.commit();
    });
    await keeping;
  } catch (error) {
    await keeping; // never rejects
    await others?.catch(() => undefined); // what it staged is discarded below
    await Promise.all(reads); // they never reject; let them finish with the files they read
    await Promise.all(staged.map((s) => s.file.discard()));
    throw error;
  }
  const written: Written[] = staged.map((s) => ({ source, format: s.format, path: s.file.path, bytes: s.bytes }));
  return { file, written, verified: verify && staged.length > 1 };
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
