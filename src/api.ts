/**
 * broadside as a library (docs/api.md): the command line's work and messages (vfiles), its exit codes as `status`; nothing here
 * prints or exits. The types are written out here, not imported, so that the shipped api.d.ts stands alone.
 */
import { relative, resolve } from "node:path";
import type { VFile } from "vfile";
import { build as buildSources, checkOptions, OptionsError } from "./build.ts";
import { LANG_TAG } from "./frontmatter.ts";
import { hasErrors } from "./messages.ts";
import { defaultTemplates, projectSources } from "./paths.ts";
import { formatMessages } from "./report.ts";

export type { VFile };
export type Format = "html" | "pdf" | "docx";
/** As the command line's exit code: 0 done, 1 errors in the sources, 2 wrong options, 3 broadside failed. */
export type Status = 0 | 1 | 2 | 3;

interface Project {
  /** The project folder: where `source/`, `dist/` and `templates/` are, and relative paths start. Default: the working directory. */
  cwd?: string;
  /** The sources (Markdown files). Default: every `source/*.md` of the project. */
  sources?: string[];
  /** The language of sources whose front matter names none, e.g. `fr`, `zh-Hans`. */
  lang?: string;
}

export interface BuildOptions extends Project {
  /** Where the documents go. Default: the project's `dist/`. */
  outDir?: string;
  /** Default: all three. */
  formats?: Format[];
  /** The templates folder; a file it lacks is taken from broadside's. Default: the project's `templates/`, else broadside's. */
  templatesDir?: string;
  notes?: "footnotes" | "endnotes";
  paper?: "a4" | "letter";
  /** Keep raw HTML, cleaned, in the HTML and PDF (default: left out, with a warning). */
  allowHtml?: boolean;
  /** Read every document back and prove the formats agree before writing (default: true). */
  verify?: boolean;
  /** Milliseconds the browser may take to start, and to print one document. */
  timeout?: number;
  /** Progress lines ("wrote …"), as the command line prints them. Default: none. */
  log?: (line: string) => void;
}

export interface WrittenFile {
  source: string;
  format: Format;
  path: string;
  bytes: number;
}

interface Outcome {
  status: Status;
  /** Why, when status is 2 or 3. */
  error?: Error;
}

export interface CheckResult extends Outcome {
  /** One file a source, with its messages. */
  files: VFile[];
}

export interface BuildResult extends CheckResult {
  /** The documents written. */
  written: WrittenFile[];
}

export interface CheckOptions extends Project {
  /** Warnings count as errors. */
  strict?: boolean;
  /** Also read the built documents in this folder back and prove they agree. */
  outputs?: string;
}

export interface ImportDocxOptions {
  /** The language of the translation, e.g. `fr`. */
  lang: string;
  /** The original Markdown. Default: the project's `source/<name>` the .docx was built from, if it exists. */
  original?: string;
  /** The project folder. Default: the working directory. */
  cwd?: string;
}

export interface ImportDocxResult extends Outcome {
  /** The translation as Markdown; undefined unless status is 0. */
  markdown?: string;
  /** Messages about the .docx. */
  file?: VFile;
  /** The original, when it was read, with messages of its own. */
  original?: VFile;
}

/** The outcome of `work`, or of the error it throws: status 2 for wrong options, else 3, with `empty` as the result's lists. */
async function outcome<T extends Outcome>(empty: Omit<T, "status">, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return { ...empty, status: error instanceof OptionsError ? 2 : 3, error: error instanceof Error ? error : new Error(String(error)) } as T;
  }
}

type Kind = "string" | "strings" | "boolean" | "number" | "function";
const PROJECT: Record<string, Kind> = { cwd: "string", sources: "strings", lang: "string" };

/** Options of another type than documented (a caller's JavaScript is not type-checked) are wrong options, status 2. */
function typed<T extends object>(options: T | undefined, kinds: Record<string, Kind>): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object") throw new OptionsError(`the options are an object; not ${String(options)}`);
  for (const [key, kind] of Object.entries(kinds)) {
    const value = (options as Record<string, unknown>)[key];
    const ok = kind === "strings" ? Array.isArray(value) && value.every((v) => typeof v === "string") : typeof value === kind;
    if (value !== undefined && !ok) throw new OptionsError(`${key} takes ${kind === "strings" ? "a list of strings" : `a ${kind}`}; not ${String(value)}`);
  }
  return options;
}

/** The project folder, and the sources in it (given, or its `source/*.md`) as paths from the working folder. */
function sourcesOf(options: Project): { project: string; sources: string[] } {
  const project = resolve(options.cwd ?? ".");
  checkOptions({ lang: options.lang }, "");
  const sources = options.sources ? options.sources.map((s) => relative(process.cwd(), resolve(project, s))) : projectSources(project);
  if (sources.length === 0) throw new OptionsError(`no Markdown sources given, and none found in ${resolve(project, "source")}`);
  return { project, sources };
}

/** Build the sources into HTML, PDF and .docx, as `broadside build`. */
export function build(given?: BuildOptions): Promise<BuildResult> {
  return outcome({ files: [], written: [] }, async () => {
    const options = typed(given, {
      ...PROJECT,
      outDir: "string",
      formats: "strings",
      templatesDir: "string",
      notes: "string",
      paper: "string",
      allowHtml: "boolean",
      verify: "boolean",
      timeout: "number",
      log: "function",
    });
    const { project, sources } = sourcesOf(options);
    const { formats, notes, paper, timeout } = checkOptions(options, "");
    const { files, written } = await buildSources({
      sources,
      outDir: resolve(project, options.outDir ?? "dist"),
      formats,
      templatesDir: options.templatesDir ? resolve(project, options.templatesDir) : defaultTemplates(project),
      log: options.log,
      allowHtml: options.allowHtml,
      verify: options.verify,
      timeout,
      lang: options.lang,
      notes,
      paper,
      // Every file a source names stays inside the project (src/boundary.ts).
      project: options.cwd === undefined ? undefined : project,
    });
    return { status: files.some(hasErrors) ? 1 : 0, files, written };
  });
}

/** Check the sources for the letter's own mistakes (and, with `outputs`, the built documents), as `broadside check`. */
export function check(given?: CheckOptions): Promise<CheckResult> {
  return outcome({ files: [] }, async () => {
    const options = typed(given, { ...PROJECT, strict: "boolean", outputs: "string" });
    const { project, sources } = sourcesOf(options);
    const outputs = options.outputs === undefined ? undefined : resolve(project, options.outputs);
    const { checkFiles } = await import("./check/cli.ts");
    const files = await checkFiles({ sources, strict: options.strict ?? false, outputs, lang: options.lang });
    return { status: files.some(hasErrors) ? 1 : 0, files };
  });
}

/** A translated .docx back into Markdown, as `broadside import`; nothing is written. */
export function importDocx(docx: string, given: ImportDocxOptions): Promise<ImportDocxResult> {
  return outcome<ImportDocxResult>({}, async () => {
    typed({ docx }, { docx: "string" });
    const options = typed(given, { lang: "string", original: "string", cwd: "string" });
    if (!LANG_TAG.test(options?.lang ?? "")) throw new OptionsError(`lang takes a language tag like fr, es or zh-Hans; not ${options?.lang}`);
    const project = resolve(options.cwd ?? ".");
    const { importDocx: read } = await import("./import/index.ts");
    const at = (path: string) => relative(process.cwd(), resolve(project, path));
    const result = await read(at(docx), { lang: options.lang, original: options.original && at(options.original), sourceDir: resolve(project, "source") });
    return { status: result.markdown === undefined ? 1 : 0, ...result };
  });
}

/** Messages as the command line prints them: `file:line:col: severity: reason [rule-id]`, then the counts. */
export function formatReport(files: VFile[]): string {
  return formatMessages(files);
}
