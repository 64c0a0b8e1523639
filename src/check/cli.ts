/**
 * `npm run check`: each source parsed, numbered and linted and, with `--outputs`, its built
 * documents in that folder proved. Exit 1 on any error (with `--strict`, on any warning too).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { VFile } from "vfile";
import { compareMessage } from "vfile-sort";
import { checkOptions, OptionsError } from "../build.ts";
import { editionName, FORMATS, loadLetter } from "../edition.ts";
import { frontMatterOf } from "../letter.ts";
import { FEATURES } from "../features.ts";
import { fail } from "../messages.ts";
import { formatMessages } from "../report.ts";
import { verifyOutputs } from "../verify/index.ts";
import { RULES } from "./index.ts";
import { defaultTemplates, projectSources } from "../paths.ts";

/** The built documents of each source in `dir`, read back and compared by the proof the build runs (src/verify). */
async function checkOutputs(sources: string[], dir: string): Promise<VFile> {
  const report = new VFile({ path: dir });
  for (const source of sources) {
    const name = editionName(source);
    const files = FORMATS.map((format) => ({ format, path: join(dir, `${name}.${format}`) })).filter(({ path }) => existsSync(path));
    if (files.length === 0) {
      fail(report, `No built documents of ${source} in ${dir} (looked for ${name}.html, .pdf, .docx): run npm run build first`, undefined, "outputs-missing");
      continue;
    }
    const one = new VFile({ path: join(dir, name) });
    await verifyOutputs(Object.fromEntries(files.map(({ format, path }) => [format, path])), one);
    for (const message of one.messages) {
      const copy = report.message(`${name}: ${message.reason}`, { ruleId: message.ruleId, source: message.source ?? "broadside" });
      copy.fatal = message.fatal;
    }
  }
  return report;
}

async function checkSource(path: string, lang?: string): Promise<VFile> {
  // The rules run last, after the features' transforms.
  const { file, letter } = await loadLetter(path, { lang, templatesDir: defaultTemplates(), features: [...FEATURES, { plugins: RULES }] });
  // An edition that records its source's revision: what changed in the source since.
  if (letter && frontMatterOf(letter)["translation-of"] !== undefined) await (await import("../xliff/behind.ts")).checkEdition(letter, file);
  return file;
}

function toJson(files: VFile[]) {
  return files.map((file) => ({
    path: file.path,
    messages: [...file.messages].sort(compareMessage).map((m) => ({
      line: m.line ?? null,
      column: m.column ?? null,
      endLine: m.place && "end" in m.place ? m.place.end.line : null,
      endColumn: m.place && "end" in m.place ? m.place.end.column : null,
      severity: m.fatal === true ? "error" : m.fatal === false ? "warning" : "info",
      ruleId: m.ruleId ?? null,
      reason: m.reason,
    })),
  }));
}

/** `npm run check` from the command line. */
export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: "string", default: "text" },
      strict: { type: "boolean", default: false },
      outputs: { type: "string" },
      lang: { type: "string" },
    },
  });
  if (values.format !== "text" && values.format !== "json") throw new OptionsError(`--format takes text or json; not ${values.format}`);
  checkOptions({ lang: values.lang }, "--");
  const sources = positionals.length ? positionals : projectSources();
  if (sources.length === 0) throw new OptionsError("no Markdown sources found in source/");
  const files = await checkFiles({ sources, strict: values.strict, outputs: values.outputs, lang: values.lang });
  if (values.format === "json") {
    console.log(JSON.stringify(toJson(files), null, 2));
  } else {
    const what = `${sources.length} source${sources.length === 1 ? "" : "s"}${values.outputs ? ` and their documents in ${values.outputs}` : ""}`;
    console.log(formatMessages(files) || `broadside check: ${what}, no problems found`);
  }
  return files.some((f) => f.messages.some((m) => m.fatal === true)) ? 1 : 0;
}

/** The sources (and their documents in `outputs`, a folder of `<name>.html`, `.pdf`, `.docx`) checked: a file each, with its messages. */
export async function checkFiles(args: { sources: string[]; strict: boolean; outputs?: string; lang?: string }): Promise<VFile[]> {
  const files = await Promise.all(args.sources.map((source) => checkSource(source, args.lang)));
  if (args.outputs) files.push(await checkOutputs(args.sources, args.outputs));
  if (args.strict) {
    for (const file of files) for (const message of file.messages) if (message.fatal === false) message.fatal = true;
  }
  return files;
}
