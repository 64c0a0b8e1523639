/**
 * `npm run export`: a letter's units for a translation tool, or (--changed) only those of an edition's source changed since
 * it was translated. Exit codes: 0 written, 1 the source has errors, 2 wrong usage.
 */
import { basename, join } from "node:path";
import { sourceBeside } from "../boundary.ts";
import { parseCommand, usageError } from "../import/cli.ts";
import { hasErrors } from "../messages.ts";
import { formatMessages } from "../report.ts";
import { writeAtomic } from "../write.ts";
import { readLetterUnits } from "./edition.ts";
import { exportXliff } from "./export.ts";
import { LANG_TAG } from "../frontmatter.ts";
import { compareUnits, readTranslationOf, TRANSLATION_OF, type TranslationOf } from "./revision.ts";

export const EXPORT_USAGE = `usage: npm run export -- <source.md> --xliff [--lang tag] [--out file.xlf]
       npm run export -- --changed <edition.md> [--out file.xlf]
  Writes a letter as XLIFF 1.2 for translation tools (OmegaT, Trados, memoQ, Weblate, Crowdin):
  one unit per paragraph, heading, list item, table cell, signatory and note, note calls and
  links as protected codes. Bring the translation back with npm run import -- file.xlf.
  --xliff            XLIFF 1.2 (the only format for now)
  --lang tag         the target language (default: none; the tool asks)
  --changed edition  only the units of the edition's source changed since it was translated;
                     import the translation with --edition <edition.md> to update it in place
  --out file         where it goes (default: dist/<name>[.<lang>].xlf)`;

const usage = (message: string) => usageError(message, EXPORT_USAGE);

export async function exportCommand(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    { xliff: { type: "boolean" }, format: { type: "string" }, lang: { type: "string" }, out: { type: "string", short: "o" }, changed: { type: "string" } },
    EXPORT_USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const values = parsed.values as { format?: string; lang?: string; out?: string; changed?: string };
  const { positionals } = parsed;
  if (values.format !== undefined && values.format !== "xliff") return usage(`--format takes xliff; not ${values.format}`);
  // The tag names the default output file too: `--lang ../..` would put it outside dist/.
  if (values.lang !== undefined && !LANG_TAG.test(values.lang)) return usage(`--lang takes a language tag like fr, es or zh-Hans; not ${values.lang}`);
  if (values.changed ? positionals.length !== 0 : positionals.length !== 1)
    return usage(values.changed ? "--changed takes the edition; no other source" : "export takes one source");

  let sourcePath = positionals[0];
  let lang = values.lang;
  let recorded: TranslationOf | undefined;
  if (values.changed) {
    const edition = await readLetterUnits(values.changed);
    if (!edition.source) {
      console.error(formatMessages([edition.file]));
      return 1;
    }
    recorded = readTranslationOf(edition.source.frontMatter);
    if (!recorded) return usage(`${values.changed} does not say which revision of its source it translates (no \`${TRANSLATION_OF}\` in its front matter)`);
    const beside = sourceBeside(values.changed, recorded.source);
    if ("rule" in beside) {
      console.error(`broadside: the source of ${values.changed}: ${beside.reason}`);
      return 1;
    }
    sourcePath = beside.path;
    lang ??= typeof edition.source.frontMatter.lang === "string" ? edition.source.frontMatter.lang : undefined;
  }
  const { file, source } = await readLetterUnits(sourcePath);
  const report = formatMessages([file]);
  if (report) console.error(report);
  if (!source || hasErrors(file)) {
    console.error(`broadside: ${sourcePath} has errors; nothing written`);
    return 1;
  }
  const only = recorded && new Set(compareUnits(recorded.units, source.units).changed.map((i) => source.units[i].id));
  const name = basename(sourcePath, ".md");
  const out = values.out ?? join("dist", `${name}${lang ? `.${lang}` : ""}${values.changed ? ".changed" : ""}.xlf`);
  await writeAtomic(out, exportXliff(source, lang, only));
  const count = only ? only.size : source.units.length;
  console.log(`broadside: wrote ${out} (${count} unit${count === 1 ? "" : "s"}${only ? " changed since the edition was translated" : ""})`);
  return 0;
}
