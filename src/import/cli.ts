/**
 * `npm run import -- <translated.docx> --lang fr [--out source/letter.fr.md] [--original source/letter.md]`
 * Exit codes as for build: 0 imported (warnings allowed), 1 errors (nothing written), 2 wrong usage, 3 a bug.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { VFile } from "vfile";
import { size } from "../build.ts";
import { LANG_TAG } from "../frontmatter.ts";
import { hasErrors } from "../messages.ts";
import { formatMessages, printable } from "../report.ts";
import { writeAtomic } from "../write.ts";
import { importDocx } from "./index.ts";
import { importXliff } from "../xliff/edition.ts";

const IMPORT_USAGE = `usage: npm run import -- <translated.docx> --lang <tag> [--out file.md] [--original file.md]
       npm run import -- <translated.xlf> [--lang tag] [--out file.md] [--original file.md] [--edition file.md]
  Turns a translated copy of a letter's .docx, or its XLIFF from a translation tool, back into a
  Markdown source.
  --lang tag        the translation's language (BCP 47: fr, es, zh-Hans, ug, …); required
  --out file.md     where the Markdown goes (e.g. source/letter.fr.md); default: standard output
  --original file   the Markdown the .docx was built from, to check the notes against
                    (default: source/<name> from the .docx's properties, if it exists)
  --edition file    (XLIFF) the edition to bring up to date with a translation of the units
                    changed since (npm run export -- --changed file); written in place`;

/** The message and the usage on standard error; exit code 2. */
export function usageError(message: string, usage: string): number {
  console.error(`broadside: ${printable(message)}\n${usage}`);
  return 2;
}

/** A command's options (and `--help`) parsed; or the exit code when it printed its usage. */
export function parseCommand(
  args: string[],
  options: ParseArgsConfig["options"],
  usage: string,
): { values: Record<string, unknown>; positionals: string[] } | number {
  try {
    const parsed = parseArgs({ args, allowPositionals: true, options: { ...options, help: { type: "boolean", short: "h" } } });
    if (!(parsed.values as { help?: boolean }).help) return parsed;
    console.log(usage);
    return 0;
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
}

const usage = (message: string) => usageError(message, IMPORT_USAGE);

export async function importCommand(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    { lang: { type: "string" }, out: { type: "string", short: "o" }, original: { type: "string" }, edition: { type: "string" } },
    IMPORT_USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const values = parsed.values as { lang?: string; out?: string; original?: string; edition?: string };
  const { positionals } = parsed;
  if (positionals.length !== 1) return usage(positionals.length ? `import takes one .docx, not ${positionals.length}` : "import needs the translated .docx");
  const xliff = /\.xlf{1,2}$|\.xliff$/i.test(positionals[0]);
  if (!values.lang && !xliff) return usage("import needs --lang, the language of the translation (e.g. --lang fr)");
  if (values.lang && !LANG_TAG.test(values.lang)) return usage(`--lang ${values.lang} is not a language tag like fr, es or zh-Hans`);
  if (values.edition && !xliff) return usage("--edition is for an XLIFF file");
  const [input] = positionals;
  // An XLIFF that updates an edition writes it in place by default.
  const out = values.out === "-" ? undefined : (values.out ?? values.edition);
  if (out && [input, values.original].some((p) => p && resolve(p) === resolve(out))) {
    const what = xliff ? "the XLIFF or the original" : resolve(out) === resolve(input) ? "the .docx being imported" : "the original";
    return usage(`--out ${out} would overwrite ${what}`);
  }
  if (!xliff && out && statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    return usage(`--out ${out} is a folder; name the Markdown file to write, e.g. --out ${join(out, "letter.fr.md")}`);
  }
  const log = (line: string) => (out ? console.log(printable(line)) : console.error(printable(line)));
  if (xliff) {
    log(`broadside: importing ${input}${values.edition ? ` to update ${values.edition}` : ""}${out ? ` into ${out}` : ""}`);
    const result = await importXliff(input, { lang: values.lang, original: values.original, edition: values.edition }).catch((error: NodeJS.ErrnoException) => {
      if (!error.code) throw error;
      console.error(printable(`broadside: cannot read ${input}: ${error.message}`));
    });
    if (!result) return 1;
    return finish(input, [result.file, ...result.others], result.markdown, out, log);
  }
  log(`broadside: importing ${input} (${values.lang})${out ? ` into ${out}` : ""}`);
  const result = await importDocx(input, { lang: values.lang!, original: values.original });
  // The original's own warnings are its business; its errors explain why it could not be used.
  const original = result.original && hasErrors(result.original) ? [result.original] : [];
  return finish(input, [result.file, ...original], result.markdown, out, log);
}

/** The messages, then the Markdown written to `out` (or standard output), or nothing on an error. */
async function finish(input: string, files: VFile[], markdown: string | undefined, out: string | undefined, log: (line: string) => void): Promise<number> {
  const report = formatMessages(files);
  if (report) console.error(report);
  if (markdown === undefined) {
    console.error(printable(`broadside: ${input} not imported (errors above); nothing written`));
    return 1;
  }
  if (out) {
    await writeAtomic(out, markdown);
    log(`  wrote ${out} (${size(Buffer.byteLength(markdown))})`);
  } else {
    process.stdout.write(markdown);
  }
  return 0;
}
