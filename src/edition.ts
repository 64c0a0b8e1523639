/**
 * One edition, in memory, for `build`, `dev` and packets: a parsed letter in, the formats' bytes out, proved to agree (src/verify).
 * The proof overlaps the rest: the DOCX is made while Chromium paginates, and each output is read back as soon as it exists.
 */
import { basename, join } from "node:path";
import { VFile } from "vfile";
import type { FrontMatter } from "./frontmatter.ts";
import type { Paper } from "./paper.ts";
import { compileHtml } from "./html/index.ts";
import { type Feature, type Letter, parseLetter, readSource } from "./letter.ts";
import { FEATURES } from "./features.ts";
import { fail } from "./messages.ts";
import type { Printer } from "./pdf/printer.ts";
import { reportStuck } from "./pdf/paginate/index.ts";
import { timed } from "./timings.ts";
import { type OutputReading, preparePdfReader, readOutputData, reportReadings } from "./verify/index.ts";
import { writeAll } from "./write.ts";

export const FORMATS = ["html", "pdf", "docx"] as const;
export type Format = (typeof FORMATS)[number];

/** A source's outputs are named after it: `letter.fr.md` → `letter.fr`. */
export const editionName = (source: string) => basename(source).replace(/\.(md|markdown)$/i, "");

export interface LoadOptions {
  templatesDir: string;
  /** Keep raw HTML, cleaned, in the HTML and PDF (default: left out, with a warning). */
  allowHtml?: boolean;
  /** The language of sources whose front matter names none (`--lang`); default `en`, with a warning. */
  lang?: string;
  /** The folder the files a source names must be inside (src/boundary.ts; `--project`). */
  project?: string;
  /** Override the front matter's `notes` and `paper` (the command line's, or a packet's paper). */
  notes?: FrontMatter["notes"];
  paper?: Paper;
  /** The parse's features (default: FEATURES; `check` adds its rules after them). */
  features?: readonly Feature[];
}

/** A source read and parsed; `letter` is missing when it has errors (they are on `file`). */
export interface Loaded {
  file: VFile;
  letter?: Letter;
}

/** Read and parse one source: `build`, `check`, packets and the XLIFF tools all read sources here. */
export async function loadLetter(source: string, options: LoadOptions): Promise<Loaded> {
  const name = editionName(source);
  const file = await timed(`${name}: read`, () => readSource(source)).catch((error: Error) => {
    const unread = new VFile({ path: source });
    fail(unread, `Cannot read the source: ${error.message}`, undefined, "source-unreadable");
    return unread;
  });
  // A file that could not be read has an error: it is not parsed.
  const letter = timed(`${name}: parse`, () => parseLetter(file, { ...options, features: options.features ?? FEATURES }));
  if (!letter) return { file };
  if (options.notes) letter.meta.notes = options.notes;
  if (options.paper) letter.meta.paper = options.paper;
  return { file, letter };
}

export interface EditionOptions {
  formats: readonly Format[];
  templatesDir: string;
  /** Prints the PDF; needed when `formats` has it. The caller starts and closes it. */
  printer?: Printer;
  /** Read every output back and prove they agree (default: on). */
  verify?: boolean;
  /** The HTML, when the caller compiled it already (the dev preview). */
  html?: string;
  /** Where the outputs will be written, to name them in messages (default: their bare names). */
  outDir?: string;
  /** Told when the PDF is printed (or could not be): the caller may close its browser. */
  printed?: () => void;
}

export interface Edition {
  name: string;
  letter: Letter;
  /** The formats asked for. */
  outputs: { html?: string; pdf?: Uint8Array; docx?: Uint8Array };
  /** Whether they were read back and agree (false with `verify: false`). */
  proved: boolean;
}

/**
 * The outputs of one letter, proved. Returns `undefined` when the proof finds a disagreement
 * (the messages are on `letter.file`); throws when a format cannot be made (the browser failed).
 */
export async function makeEdition(letter: Letter, options: EditionOptions): Promise<Edition | undefined> {
  const { formats, templatesDir } = options;
  const name = editionName(letter.file.path ?? "letter.md");
  const verify = options.verify !== false;
  const outputs: Edition["outputs"] = {};
  // The proof: each output read back as soon as it exists, then all compared.
  const reads: Promise<OutputReading>[] = [];
  const prove = (format: Format) => {
    if (verify && outputs[format] !== undefined) reads.push(readOutputData(format, join(options.outDir ?? "", `${name}.${format}`), outputs[format], name));
  };
  try {
    const needsHtml = formats.includes("html") || formats.includes("pdf");
    const html = options.html ?? (needsHtml ? (await timed(`${name}: html`, () => compileHtml(letter, { templatesDir }))).html : undefined);
    let printing: Promise<Uint8Array> | undefined;
    if (formats.includes("pdf")) {
      if (!options.printer) throw new Error("makeEdition: a PDF needs a printer");
      if (verify) preparePdfReader(); // pdf.js loads while Chromium prints
      // Until Chromium has started and laid the page out it needs both cores: the rest waits.
      let laidOut: () => void = () => undefined;
      const layout = new Promise<void>((resolve) => (laidOut = resolve));
      printing = options.printer.print(html!, letter.meta, letter.file.path ?? name, { label: name, onLayout: laidOut });
      printing.catch(() => undefined); // awaited below
      await timed(`${name}: wait for Chromium to lay out`, () => Promise.race([layout, printing!.catch(() => undefined)]));
    }
    if (formats.includes("html")) outputs.html = html;
    if (formats.includes("docx")) {
      const { compileDocx } = await import("./docx/index.ts"); // loaded only for a build that makes a .docx
      outputs.docx = await timed(`${name}: docx`, () => compileDocx(letter, { templatesDir }));
    }
    // Chromium's answer to the pagination waits for this thread: take it before reading back.
    await new Promise(setImmediate);
    prove("html");
    prove("docx");
    if (printing) {
      outputs.pdf = await printing.finally(options.printed).catch((error: unknown) => reportStuck(letter, error));
      if (!outputs.pdf) return undefined;
      prove("pdf");
    }
  } finally {
    await Promise.all(reads); // a failed print leaves no read-back running (they never reject)
  }
  const made = Object.keys(outputs).length > 0;
  if (verify && made) {
    // Errors already on the file (a check's findings) are not the proof's.
    const errors = () => letter.file.messages.filter((m) => m.fatal === true).length;
    const before = errors();
    await timed(`${name}: wait for the read-backs`, async () => reportReadings(await Promise.all(reads), letter.file));
    if (errors() > before) return undefined;
  }
  return { name, letter, outputs, proved: verify && made };
}

export interface Written {
  source: string;
  format: Format;
  path: string;
  bytes: number;
}

/** What a build, or one source of it, made: the files that carry its messages (a packet's parts' too), what was written, what was proved. */
export interface Built {
  files: VFile[];
  written: Written[];
  /** The line that says what was read back and agrees. */
  verified?: string;
}

/** Write an edition's outputs into `outDir`, all or none: each staged beside its target, then all renamed. */
export async function writeEdition(edition: Edition, outDir: string): Promise<Written[]> {
  const source = edition.letter.file.path;
  const written = FORMATS.filter((format) => edition.outputs[format] !== undefined).map((format) => {
    const data = edition.outputs[format]!;
    return { source, format, data, path: join(outDir, `${edition.name}.${format}`), bytes: Buffer.byteLength(data) };
  });
  await timed(`${edition.name}: write`, () => writeAll(written, (rename) => timed(`${edition.name}: rename into place`, rename)));
  return written.map(({ data, ...file }) => file);
}
