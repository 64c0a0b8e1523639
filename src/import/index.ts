/**
 * Bring a translation back: a translated .docx (made by `broadside build`, edited in Word or
 * LibreOffice) → a Markdown source with the same notes: `importDocx(path, { lang }) → { markdown, file }`.
 *
 * - Front matter: title, subtitle and short title (the running head) from the .docx, `lang` from
 *   the option; every other key from the original (`broadside-fm-<key>` properties, else its Markdown).
 * - Notes: numbered as Word shows them, each call `[^n]` where the translator left it. The calls must
 *   be the original's (call k to note n in both, e.g. [1, 2, 1, 3]); otherwise an error, nothing written.
 */
import { basename } from "node:path";
import { VFile } from "vfile";
import { stringify as stringifyYaml } from "yaml";
import { parseLetter } from "../letter.ts";
import { FEATURES } from "../features.ts";
import { fail, hasErrors, warn } from "../messages.ts";
import { formatMessages } from "../report.ts";
import { type RenderContext, renderDocument, warnFormattingLost } from "./markdown.ts";
import { DocxPackage, FRONT_MATTER_PROPERTY, PackageError } from "../ooxml/package.ts";
import { SMALLER_IMAGES, ZIP_LIMITS } from "../ooxml/zip.ts";
import { isRefusal, readBounded } from "../boundary.ts";
import { DocxReader, type DocxReading, ImportRefused, type ParagraphBlock, plainText } from "./read.ts";
import { MAX_SOURCE_BYTES } from "../safety.ts";
import { directionOf } from "../language.ts";
import { callNumbers } from "../notes.ts";
import { TRANSLATION_OF, translationOf } from "../xliff/revision.ts";
import { findOriginal, readLetterUnits } from "../xliff/edition.ts";
import { trimTrailing } from "../text.ts";

export interface ImportOptions {
  /** BCP 47 tag of the translation (`fr`, `zh-Hans`). */
  lang: string;
  /** The original Markdown: for the note check and the front matter. Default: source/<broadside-source>, if it exists. */
  original?: string;
  /** Where the default original is looked for (default: the project's source/). */
  sourceDir?: string;
}

const TEXT_KEYS = ["author", "description", "subject", "keywords", "notes-heading", "publisher"];

/**
 * The front matter an import may write: words and how they are set, never a key that makes broadside read or write a file
 * (`packet`, images, templates, outputs): whoever sends a .docx decides what the letter says, not what the next build reads.
 */
const IMPORTABLE = new Set(
  "title short-title subtitle lang dir author publisher date description subject keywords notes-heading notes paper signatories embargo dateline contacts".split(
    " ",
  ),
);
/** The keys of `signatories` that are words or numbers. */
const IMPORTABLE_SIGNATORIES = new Set(["heading", "claimed"]);

/** The .docx's blocks, notes and properties; undefined when it cannot be imported (the error is on `file`). */
function readDocx(path: string, file: VFile) {
  const refuse = (reason: string, rule = "import-unreadable") => void fail(file, `Cannot import ${path}: ${reason}`, undefined, rule);
  if (/\.(docm|dotm)$/i.test(path)) {
    const reason =
      "it is a Word document with macros (.docm); broadside does not import documents with macros: open it in Word or LibreOffice, save it as a Word document (.docx) and import that";
    return refuse(reason, "import-macros");
  }
  try {
    // Bounded as it is read: a pipe or a device named as the .docx is refused, not waited on.
    const bytes = readBounded(path, ZIP_LIMITS.fileBytes, "it");
    if (isRefusal(bytes)) return refuse(bytes.rule === "file-too-large" ? `${bytes.reason}; ${SMALLER_IMAGES}` : bytes.reason);
    const pkg = DocxPackage.open(bytes);
    // The properties parts are parsed here too, so that broken XML in them is refused as the document's is.
    return { reading: new DocxReader(pkg, file).read(), custom: pkg.customProperties(), core: pkg.coreProperties() };
  } catch (error) {
    if (error instanceof ImportRefused) return undefined;
    if (!(error instanceof PackageError) && !(error as NodeJS.ErrnoException).code) throw error;
    return refuse((error as NodeJS.ErrnoException).code === "EISDIR" ? "it is a folder, not a .docx" : (error as Error).message);
  }
}

/** The Markdown unless there are errors, the messages about the .docx, and the original (with messages of its own) when it was read. */
export async function importDocx(path: string, options: ImportOptions) {
  const file = new VFile({ path });
  const docx = readDocx(path, file);
  if (!docx) return { file };
  const { reading, custom, core } = docx;

  // Note calls where Markdown has no place for them.
  const NO_CALLS: Record<string, string> = { title: "Title", subtitle: "Subtitle", code: "Source Code" };
  for (const block of reading.blocks) {
    if (block.type === "paragraph" && NO_CALLS[block.role.kind] && block.tokens.some((t) => t.type === "call")) {
      const becomes = block.role.kind === "code" ? "code" : "front matter";
      const text = `a note call in a paragraph styled ${NO_CALLS[block.role.kind]} cannot be kept (it becomes ${becomes}); move the note reference into the text`;
      reading.fail(block.ordinal, text, "import-note-place");
    }
  }

  const numberOf = new Map(reading.order.map((key, i) => [key, i + 1]));
  const calls = reading.calls.map((c) => numberOf.get(c.note) ?? 0);

  // The original: named, or the one the .docx was built from.
  const sourceName = custom.get("broadside-source")?.trim();
  // The .docx names its original; only a Markdown file in source/ is taken on its word.
  const originalPath = options.original ?? (sourceName && /\.md$/i.test(sourceName) ? findOriginal(sourceName, [options.sourceDir]) : undefined);
  const { file: originalFile, original } = originalPath ? await readOriginal(originalPath) : { file: undefined, original: undefined };
  if (originalPath && !original) {
    fail(
      file,
      `The original ${originalPath} cannot be read or has errors (see its messages), so the notes cannot be checked against it`,
      undefined,
      "import-original",
    );
  }

  // Note check.
  if (original) {
    checkNotes(reading, calls, original);
  } else if (!originalPath) {
    const expected = Number(custom.get("broadside-notes"));
    if (custom.has("broadside-notes") && Number.isInteger(expected) && expected !== reading.order.length) {
      const summary = `the translation has ${reading.order.length} note${reading.order.length === 1 ? "" : "s"}, the document it was made from had ${expected}. ${KEEP_CALLS}`;
      if (!addedOrDeleted(reading, expected, summary)) {
        const last = reading.calls[reading.calls.length - 1]?.ordinal;
        reading.fail(last, `${summary} (pass --original to find which reference differs)`, "import-note-mismatch");
      }
    }
  }

  // Front matter.
  // The original's front matter, one custom property a key (broadside-fm-<key>, a JSON value).
  let fromDocx: Record<string, unknown> | undefined;
  for (const [name, json] of custom) {
    if (!name.startsWith(FRONT_MATTER_PROPERTY)) continue;
    const key = name.slice(FRONT_MATTER_PROPERTY.length);
    try {
      // A map without a prototype: a property named __proto__ is a key like any other (and is dropped).
      (fromDocx ??= Object.create(null) as Record<string, unknown>)[key] = JSON.parse(json);
    } catch (error) {
      warn(
        file,
        `The document property ${name} is not readable (${(error as Error).message}); \`${key}\` is taken from the original${original ? "" : ", which was not found either"}`,
        undefined,
        "import-front-matter",
      );
    }
  }
  if (!original && !originalPath) {
    const what = fromDocx ? "" : ", and the front matter has only what the .docx shows (title, subtitle, short title) and lang";
    warn(
      file,
      `No original Markdown to compare the note calls with${sourceName ? ` (source/${sourceName} not found)` : ""}: their order is not checked${what}; pass --original <file.md>`,
      undefined,
      "import-no-original",
    );
  }
  // The original's own wording of broadside's words, and its direction, are of its language.
  const base = importable(file, original?.frontMatter ?? {}, fromDocx ?? {}, originalPath);
  const front = frontMatter(file, core, reading, base, options.lang);
  if (hasErrors(file) || !front) return { file, original: originalFile };
  if (reading.dateline) front.dateline = reading.dateline; // as translated; the rest of the press lines are made again
  // Right to left in Word is right to left whatever `lang` says (a language broadside does not know as such).
  if (directionOf(options.lang) === "ltr" && reading.rightToLeft) front.dir = "rtl";
  if (original) front[TRANSLATION_OF] = original.revision;

  // Markdown.
  const context = (note?: number): RenderContext => ({
    numberOf: (key) => numberOf.get(key)!,
    formattingLost: (ordinal) => warnFormattingLost(file, note ? `note ${note}` : reading.where(ordinal), { line: ordinal, column: 1 }),
  });
  const yaml = stringifyYaml(front, { lineWidth: 0 });
  const markdown = `---\n${yaml}---\n\n${renderDocument(reading.blocks, reading.notes, context)}\n`;
  if (Buffer.byteLength(markdown) > MAX_SOURCE_BYTES) {
    fail(
      file,
      `Cannot import ${path}: its Markdown would be ${(Buffer.byteLength(markdown) / 2 ** 20).toFixed(1)} MB, more than the ${MAX_SOURCE_BYTES / 2 ** 20} MB broadside builds from one source; split the document`,
      undefined,
      "import-too-large",
    );
    return { file, original: originalFile };
  }
  if (!selfCheck(file, markdown, path, calls, reading.order.length)) return { file, original: originalFile };
  return { markdown, file, original: originalFile };
}

/* ------------------------------------------------------------------------------------------ */

/** The original's note calls, notes and front matter, and its revision to record in the translation (src/xliff/revision.ts). */
async function readOriginal(path: string) {
  const { file, source } = await readLetterUnits(path);
  if (!source) return { file };
  const { letter, frontMatter, units } = source;
  const revision = translationOf(basename(path), units);
  return { file, original: { label: path, revision, calls: callNumbers(letter.tree), notes: letter.notes.notes.length, frontMatter } };
}
type Original = NonNullable<Awaited<ReturnType<typeof readOriginal>>["original"]>;

const listOf = (xs: number[]) => (xs.length > 24 ? `[${xs.slice(0, 24).join(", ")}, …]` : `[${xs.join(", ")}]`);

function checkNotes(reading: DocxReading, calls: number[], original: Original) {
  const o = original.calls;
  // The same numbers, unless the writer's bookmarks say a note numbered n here is not the original's note n: another's, or
  // none while note n's bookmark is in another paragraph (a call deleted, a note added; a call pasted in its paragraph is the same).
  const paragraphOf = (i: number) => reading.calls.find((c) => c.note === reading.order[i])?.ordinal;
  const elsewhere = (i: number) => ![undefined, paragraphOf(i)].includes(reading.originalPlace(i + 1));
  const renumbered = reading.bookmarked && reading.was.some((n, i) => (n === undefined ? elsewhere(i) : n !== i + 1));
  if (calls.join() === o.join() && reading.order.length === original.notes && !renumbered) return;
  const summary = `the translation calls ${reading.order.length} note${reading.order.length === 1 ? "" : "s"} as ${listOf(calls)}, the original ${original.label} ${original.notes} as ${listOf(o)}. ${KEEP_CALLS}, or import with the right --original`;
  if (addedOrDeleted(reading, original.notes, summary)) return;

  // Where the .docx still has the writer's bookmarks (_RefNoteN on note N's first call), they
  // tell which original note each translated note is: the first difference is found on those.
  const was = reading.was;
  const mapped = was.every((n) => n !== undefined) && new Set(was).size === was.length;
  const seq = mapped ? calls.map((n) => was[n - 1]!) : calls;
  let i = 0;
  while (i < seq.length && i < o.length && seq[i] === o[i]) i++;
  if (i === seq.length && i === o.length) i = 0; // same order, different count: say so at the start

  let reason: string;
  if (i < seq.length && i < o.length) {
    const shown = calls[i];
    const missing = mapped && !seq.includes(o[i]) ? `; the original's note ${o[i]} is called nowhere in the translation` : "";
    reason = `note call ${i + 1} is to note ${shown}${mapped && seq[i] !== shown ? ` (the original's note ${seq[i]})` : ""}, but the original's call ${i + 1} is to note ${o[i]}${missing}`;
  } else if (i >= seq.length) {
    reason = `the translation has only ${seq.length} note call${seq.length === 1 ? "" : "s"}; the original's call ${i + 1} (to note ${o[i]}) and any after it are missing`;
  } else {
    reason = `note call ${i + 1} (to note ${calls[i]}) is one more than the original has`;
  }
  reading.fail((reading.calls[i] ?? reading.calls[reading.calls.length - 1])?.ordinal, `${reason}: ${summary}`, "import-note-mismatch");
}

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);

/**
 * The original's front matter under the .docx's (`broadside-fm-*`), keys outside {@link IMPORTABLE} left
 * out and named in a warning; `words` and `dir` are the original language's and left out silently.
 */
function importable(
  file: VFile,
  fromOriginal: Record<string, unknown>,
  fromDocx: Record<string, unknown>,
  originalPath: string | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [source, map] of [
    ["original", fromOriginal],
    ["docx", fromDocx],
  ] as const) {
    for (const [key, value] of Object.entries(map)) {
      // The original's own revision record is replaced by one naming the original (below).
      if (key === "words" || key === "dir" || (source === "original" && key === TRANSLATION_OF)) continue;
      const where = source === "docx" ? `\`${key}\` (document property ${FRONT_MATTER_PROPERTY}${key})` : `\`${key}\` (from ${originalPath})`;
      if (!IMPORTABLE.has(key)) {
        dropped.push(where);
        continue;
      }
      const signatories = key === "signatories" && isRecord(value);
      if (signatories) for (const k of Object.keys(value)) if (!IMPORTABLE_SIGNATORIES.has(k)) dropped.push(where.replace(`\`${key}\``, `\`${key}.${k}\``));
      out[key] = signatories ? Object.fromEntries(Object.entries(value).filter(([k]) => IMPORTABLE_SIGNATORIES.has(k))) : value;
    }
  }
  if (dropped.length) {
    warn(
      file,
      `Front matter not imported: ${dropped.join(", ")}. An imported file carries words (title, language, author, headings…), never settings that make broadside read or write files; add what the edition needs to the imported file yourself`,
      undefined,
      "import-front-matter-key",
    );
  }
  return out;
}

const KEEP_CALLS =
  "Keep every note reference where the original has it (deleting a reference deletes its note); a translator's note goes into the text, in brackets, not into a new footnote (Word: References › Insert Footnote; LibreOffice Writer: Insert › Footnote and Endnote)";

/**
 * Notes added or deleted by the translator, found by the writer's `_RefNoteN` bookmarks: an added note
 * at its call, a deleted one where its bookmark was left. False when the bookmarks cannot tell.
 */
function addedOrDeleted(reading: DocxReading, notes: number, summary: string): boolean {
  if (!reading.bookmarked) return false;
  const was = reading.was;
  const known = was.filter((n): n is number => n !== undefined);
  if (new Set(known).size !== known.length) return false;
  let reported = 0;
  const report = (ordinal: number | undefined, text: string) => reading.fail(ordinal, `${text}${reported++ ? "" : `: ${summary}`}`, "import-note-mismatch");
  was.forEach((n, index) => {
    if (n !== undefined) return;
    const at = reading.calls.findIndex((c) => c.note === reading.order[index]);
    report(
      reading.calls[at]?.ordinal,
      `note call ${at + 1} is to a note the original does not have (an added note, numbered ${index + 1} here); the notes must be the original's, with its numbers`,
    );
  });
  for (let n = 1; n <= notes; n++) {
    if (was.includes(n)) continue;
    const ordinal = reading.originalPlace(n);
    report(
      ordinal,
      `the original's note ${n} is called ${ordinal ? "here" : ""}${ordinal ? ", but its note reference was deleted" : "nowhere in the translation (its note reference was deleted)"}`,
    );
  }
  return reported > 0;
}

const TITLE_HELP =
  "put the translated title in a paragraph of its own above the text and give it the style Title (Word: Home › Styles › Title; LibreOffice Writer: Styles › Title, or Format › Paragraph Style), then import again";

function frontMatter(
  file: VFile,
  core: Map<string, string>,
  reading: DocxReading,
  base: Record<string, unknown>,
  lang: string,
): Record<string, unknown> | undefined {
  const paragraphs = reading.blocks.filter((b): b is ParagraphBlock => b.type === "paragraph");
  const textOf = (kind: string) =>
    paragraphs
      .filter((p) => p.role.kind === kind)
      .map((p) => plainText(p.tokens))
      .filter(Boolean)
      .join(" ");
  const originalShort = [base["short-title"], base.title].find((t) => typeof t === "string");

  const styled = textOf("title");
  const title = styled || core.get("title");
  if (!title) {
    fail(file, `No paragraph has the style Title and the document properties have no title: ${TITLE_HELP}`, { line: 1, column: 1 }, "import-title");
    return undefined;
  }
  if (!styled) {
    const text = `No paragraph has the style Title; the title is taken from the document properties (“${title}”): ${TITLE_HELP}`;
    warn(file, text, { line: 1, column: 1 }, "import-title");
  }
  const out: Record<string, unknown> = { title };
  const subtitle = textOf("subtitle");
  if (subtitle) out.subtitle = subtitle;

  const untranslated: string[] = [];
  const header = reading.header;
  if (header && header !== originalShort && header !== title) out["short-title"] = header;
  else if (base["short-title"] !== undefined && header !== title) {
    out["short-title"] = base["short-title"];
    untranslated.push("short-title (the page header was not translated)");
  }
  out.lang = lang;

  const rest = Object.fromEntries(Object.entries(base).filter(([key]) => !["title", "subtitle", "short-title", "lang"].includes(key)));
  // Document properties the translator changed (File › Properties) win over the original's.
  for (const [key, property] of Object.entries({ author: "creator", description: "description", subject: "subject" })) {
    const value = core.get(property);
    if (rest[key] !== undefined && value && value !== String(rest[key])) rest[key] = value;
  }

  // The signatory list follows a heading; that heading, translated, is the one to look for.
  const firstSignatory = paragraphs.findIndex((p) => p.role.kind === "signatory");
  const before = paragraphs.slice(0, Math.max(0, firstSignatory)).reverse();
  const heading = trimTrailing(plainText(before.find((p) => p.role.kind === "heading")?.tokens ?? []), /[\s:：]/u);
  if (heading) rest.signatories = { ...(isRecord(rest.signatories) ? rest.signatories : {}), heading };

  for (const key of TEXT_KEYS) if (rest[key] !== undefined && JSON.stringify(rest[key]) === JSON.stringify(base[key])) untranslated.push(key);
  if (untranslated.length) {
    warn(
      file,
      `Copied from the original without translation: ${untranslated.join(", ")}; translate ${untranslated.length === 1 ? "it" : "them"} in the front matter of the imported file`,
      undefined,
      "import-untranslated",
    );
  }
  return { ...out, ...rest };
}

/**
 * The Markdown read back as a build reads it. Front matter it cannot use comes from the .docx's
 * document properties (a stranger's, like the rest): an error of the import. Anything else is ours.
 */
function selfCheck(file: VFile, markdown: string, path: string, calls: number[], notes: number): boolean {
  const check = new VFile({ path: `${path} (imported Markdown)`, value: markdown });
  const letter = parseLetter(check, { features: FEATURES });
  const frontMatterErrors = check.messages.filter((m) => m.fatal && m.ruleId?.startsWith("front-matter"));
  for (const m of frontMatterErrors)
    fail(file, `The document properties of ${path} give front matter that broadside cannot build: ${m.reason}`, undefined, "import-front-matter");
  if (frontMatterErrors.length) return false;
  const got = letter ? callNumbers(letter.tree) : [];
  if (!letter || hasErrors(check) || got.join() !== calls.join() || letter.notes.notes.length !== notes) {
    throw new Error(
      `broadside import: the Markdown made from ${path} does not read back as the same letter (calls ${listOf(got)} instead of ${listOf(calls)}):\n${formatMessages([check])}`,
    );
  }
  return true;
}
