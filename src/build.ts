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
import type { FrontMatter, Paper } from "./frontmatter.ts";
import { fail } from "./messages.ts";
import { Printer } from "./pdf/printer.ts";
import { preparePdfReader, verifyOutputs } from "./verify/index.ts";
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
  // Start Chromium at once: its launch costs more than parsing and compiling the letter.
  const browser = formats.includes("pdf") ? new Printer({ timeout: options.timeout, log }) : undefined;
  browser?.start();
  if (options.verify !== false && formats.includes("pdf")) preparePdfReader();
  const written: Written[] = [];
  try {
    await sweepTemporaries(outDir);
    const results = await Promise.all(options.sources.map((source) => buildOne(source, options, browser)));
    for (const result of results) {
      for (const output of result.written) {
        written.push(output);
        log(`  wrote ${shown(output.path)} (${size(output.bytes)})`);
      }
      if (result.verified) log(`  verified: every note call and note text agrees in ${result.written.map((w) => w.format).join(", ")}`);
    }
    return { files: results.map((r) => r.file), written };
  } finally {
    await browser?.close();
  }
}

/** Parse once, compile every format into memory, then write them all (or nothing, on an error). */
async function buildOne(source: string, options: BuildOptions, browser: Printer | undefined): Promise<{ file: VFile; written: Written[]; verified?: boolean }> {
  const { outDir, formats, templatesDir } = options;
  let file: VFile;
  try {
    file = await readSource(source);
  } catch (error) {
    file = new VFile({ path: source });
    fail(file, `Cannot read the source: ${(error as Error).message}`, undefined, "source-unreadable");
    return { file, written: [] };
  }
  const letter = parseLetter(file, { allowHtml: options.allowHtml });
  if (!letter) return { file, written: [] };
  if (options.notes) letter.meta.notes = options.notes;
  if (options.paper) letter.meta.paper = options.paper;
  const name = basename(source).replace(/\.(md|markdown)$/i, "");
  const html = formats.includes("html") || formats.includes("pdf") ? (await compileHtml(letter, { templatesDir })).html : undefined;
  const [docx, pdf] = await Promise.all([
    formats.includes("docx") ? compileDocx(letter, { templatesDir }) : undefined,
    browser && html !== undefined ? browser.print(html, letter.meta, source) : undefined,
  ]);
  const outputs: { format: Format; data: string | Uint8Array | undefined }[] = [
    { format: "html", data: formats.includes("html") ? html : undefined },
    { format: "pdf", data: pdf },
    { format: "docx", data: docx },
  ];
  // Each document goes to a temporary file first; all are read back and compared, and only
  // then renamed into place, together.
  const staged: { format: Format; file: Staged; bytes: number }[] = [];
  try {
    for (const { format, data } of outputs) {
      if (data === undefined) continue;
      const target = join(outDir, `${name}.${format}`);
      staged.push({ format, file: await stageFile(target, data), bytes: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength });
    }
    if (options.verify !== false && staged.length) {
      await verifyOutputs(Object.fromEntries(staged.map((s) => [s.format, s.file.temp])), file);
      if (file.messages.some((m) => m.fatal === true)) {
        await Promise.all(staged.map((s) => s.file.discard()));
        return { file, written: [] };
      }
    }
    for (const s of staged) await s.file.commit();
  } catch (error) {
    await Promise.all(staged.map((s) => s.file.discard()));
    throw error;
  }
  const written: Written[] = staged.map((s) => ({ source, format: s.format, path: s.file.path, bytes: s.bytes }));
  return { file, written, verified: options.verify !== false && staged.length > 1 };
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
