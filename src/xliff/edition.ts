/**
 * The XLIFF import, whole or updating an edition: the source's Markdown with each unit replaced by its translation in place,
 * so all that is not text stays the source's; `lang` and the revision set.
 */
import { existsSync } from "node:fs";
import { isRefusal, readBounded, sourceBeside } from "../boundary.ts";
import { basename, dirname, join, relative } from "node:path";
import { VFile } from "vfile";
import { location } from "vfile-location";
import { Document, isNode, parseDocument } from "yaml";
import { directionOf, RTL_LETTERS } from "../language.ts";
import { callNumbers } from "../notes.ts";
import { frontMatterOf, parseLetter } from "../letter.ts";
import { loadLetter } from "../edition.ts";
import { FEATURES } from "../features.ts";
import { LANG_TAG } from "../frontmatter.ts";
import { fail, hasErrors, warn } from "../messages.ts";
import { formatMessages } from "../report.ts";
import { PACKAGE_TEMPLATES } from "../paths.ts";
import type { Token } from "../import/read.ts";
import { renderInline, warnFormattingLost } from "../import/markdown.ts";
import { MAX_XLIFF_BYTES, phrasingTokens, type Place, place, readXliff, targetTokens, warnLeftOut, type XliffFile } from "./import.ts";
import { compareUnits, readTranslationOf, TRANSLATION_OF, type TranslationOf, translationOf } from "./revision.ts";
import { definitionsOf, FRONT_KEYS, type Source, unitsOf } from "./units.ts";
import { XLIFF_NS } from "./export.ts";

/** Read and parse a source, an edition or an original with its units; undefined with messages on `file` when it has errors. */
export async function readLetterUnits(path: string): Promise<{ file: VFile; source?: Source }> {
  const { file, letter } = await loadLetter(path, { templatesDir: PACKAGE_TEMPLATES });
  if (!letter) return { file };
  const frontMatter = frontMatterOf(letter);
  return { file, source: { path, letter, frontMatter, units: unitsOf(letter, frontMatter), definitions: definitionsOf(letter.tree) } };
}

/** Calls of tokens, as note numbers. */
const callsOf = (tokens: Token[]) => tokens.flatMap((t) => (t.type === "call" ? [Number(t.note.slice(5))] : []));

/** Each unit's translation, by unit index: tokens (body units) or text (front matter), and the place on `file` it came from. */
type Translation = { content?: Token[] | string; place?: Place }[];

/** The edition's Markdown, or undefined with errors on `file`; its front matter the source's, or the `edition`'s when updating one. */
function writeEdition(source: Source, translation: Translation, lang: string, file: VFile, edition: Edition | undefined) {
  const { letter, units, definitions } = source;
  const text = String(letter.file.value);
  // Each edit: the source's span, its new text, and the place in the XLIFF it came from (a unit's translation).
  const edits: [number, number, string, Place?][] = [];

  // Calls in the source's order, unit by unit: the first unit where they differ is where the numbers would change.
  for (const [index, unit] of units.entries()) {
    const { content, place } = translation[index];
    if (!Array.isArray(content)) continue;
    const want = callsOf(phrasingTokens(unit.children!, definitions));
    const got = callsOf(content);
    if (want.join() !== got.join()) {
      fail(
        file,
        `trans-unit ${unit.id} (${unit.label}): its note calls are to notes [${got.join(", ")}], the source's unit calls [${want.join(", ")}] in that order; keep the calls in the source's order, or the notes would be numbered differently`,
        place,
        "xliff-note-order",
      );
    }
  }
  if (hasErrors(file)) return undefined;

  const doc = new Document(edition ? updatedFront(edition.frontMatter, source.frontMatter) : source.frontMatter);
  for (const [index, unit] of units.entries()) {
    const { content, place } = translation[index];
    if (typeof content === "string") doc.setIn(unit.key!, content);
    else if (content) {
      // Rendered as the .docx import renders a paragraph; lost formatting is a warning at the unit.
      const ctx = { numberOf: (key: string) => Number(key.slice("note:".length)), formattingLost: () => warnFormattingLost(file, unit.label, place) };
      const mode = unit.kind === "heading" ? "heading" : unit.kind === "cell" ? "table" : "paragraph";
      edits.push([unit.start, unit.end, renderInline(content, mode, unit.line, ctx), place]);
    }
  }
  // Note definitions by number (the calls are written as numbers); definitions never called are left out.
  const noteOf = new Map(letter.notes.notes.map((n) => [n.definition, n]));
  for (const node of letter.tree.children) {
    if (node.type !== "footnoteDefinition" || !node.position) continue;
    const start = node.position.start.offset!;
    const note = noteOf.get(node);
    const label = /^\[\^[^\]]*\]:/.exec(text.slice(start));
    // An uncalled definition goes with the blank lines after it, so none are left doubled.
    const blank = /\n*/y;
    blank.lastIndex = node.position.end.offset!;
    if (!note) edits.push([start, blank.lastIndex + blank.exec(text)![0].length, ""]);
    else if (label) edits.push([start, start + label[0].length, `[^${note.number}]:`]);
  }

  doc.set("lang", lang);
  if (!edition) {
    // The source's own wording of broadside's words, and its direction, are of its language.
    doc.delete("words");
    doc.delete("dir");
  }
  if (directionOf(lang) === "ltr" && mostlyRightToLeft(translation)) doc.set("dir", "rtl");
  doc.set(TRANSLATION_OF, translationOf(edition ? edition.recorded.source : basename(source.path), units));
  const yamlNode = letter.tree.children.find((n) => n.type === "yaml");
  const frontText = `---\n${doc.toString({ lineWidth: 0 })}---`;
  if (yamlNode?.position) edits.push([yamlNode.position.start.offset!, yamlNode.position.end.offset!, frontText]);
  else edits.push([0, 0, `${frontText}\n\n`]);

  // Joined in one pass (splicing the text once an edit copies all of it for each of thousands of units), with where each translation went.
  edits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const spans: [number, number, Place][] = [];
  let out = "";
  let at = 0;
  for (const [start, end, value, place] of edits) {
    out += text.slice(at, start);
    if (place) spans.push([out.length, out.length + value.length, place]);
    out += value;
    at = end;
  }
  out += text.slice(at);

  // Read back: the same calls, as numbers, as the source.
  const check = new VFile({ path: file.path, value: out });
  const again = parseLetter(check, { features: FEATURES });
  // What a translator wrote may pass a bound a build keeps (too many marks in a paragraph…): a refusal, not our bug, at its unit.
  const refused = check.messages.filter((m) => m.fatal);
  if (refused.length) {
    spans.push(...frontPlaces(frontText, units, translation));
    const points = location(out);
    for (const m of refused) {
      const offset = m.line ? points.toOffset({ line: m.line, column: m.column ?? 1 }) : undefined;
      const unitAt = offset === undefined ? undefined : spans.find(([from, to]) => from <= offset && offset <= to)?.[2];
      fail(file, `The edition this translation makes would not build: ${m.reason} (line ${m.line ?? 1} of the edition)`, unitAt, m.ruleId ?? "xliff-refused");
    }
    return undefined;
  }
  if (!again || callNumbers(again.tree).join() !== callNumbers(letter.tree).join()) {
    throw new Error(
      `broadside import: the edition written from ${file.path} does not read back with the source's note calls (${again ? callNumbers(again.tree).join(", ") : "unreadable"}):\n${formatMessages([check])}`,
    );
  }
  return out;
}

/** Where each translated front matter value is in the edition's `---` block, read again (it was written from values, without places). */
function frontPlaces(frontText: string, units: Source["units"], translation: Translation): [number, number, Place][] {
  const doc = parseDocument(frontText.slice(4, -3));
  return units.flatMap((unit, index): [number, number, Place][] => {
    const { content, place } = translation[index];
    const node = typeof content === "string" && place ? doc.getIn(unit.key!, true) : undefined;
    return isNode(node) && node.range ? [[node.range[0] + 4, node.range[1] + 4, place!]] : [];
  });
}

/** An edition being brought up to date, with the revision of the source it translates. */
type Edition = Source & { recorded: TranslationOf };

export interface XliffImportOptions {
  /** The translation's language; default the XLIFF's target-language. */
  lang?: string;
  /** The source the XLIFF was exported from; default: its `original`, in the project's source/ or next to the XLIFF. */
  original?: string;
  /** An edition to bring up to date: units the XLIFF does not translate keep the edition's translation. */
  edition?: string;
}

export interface XliffImportResult {
  markdown?: string;
  file: VFile;
  /** The source, or the edition, when it has errors. */
  others: VFile[];
}

export async function importXliff(path: string, options: XliffImportOptions): Promise<XliffImportResult> {
  const file = new VFile({ path });
  const others: VFile[] = [];
  const refuse = (reason: string, rule: string, other?: VFile, at?: Place): XliffImportResult => {
    if (other) others.push(other);
    fail(file, reason, at, rule);
    return { file, others };
  };
  // Bounded as it is read; a pipe or a device, which says it is empty, is refused.
  const bytes = readBounded(path, MAX_XLIFF_BYTES, "The XLIFF file");
  if (isRefusal(bytes)) return refuse(bytes.reason, bytes.rule === "file-too-large" ? "xliff-too-large" : bytes.rule);
  const xliff = readXliff(bytes, file);
  if (!xliff) return { file, others };

  // The edition being updated, and the revision it was translated from.
  let edition: Edition | undefined;
  if (options.edition) {
    const read = await readLetterUnits(options.edition);
    if (!read.source) return refuse(`The edition ${options.edition} cannot be read or has errors (see its messages)`, "xliff-edition", read.file);
    const recorded = readTranslationOf(read.source.frontMatter);
    if (!recorded)
      return refuse(
        `The edition ${options.edition} does not say which revision of its source it translates (no \`${TRANSLATION_OF}\` in its front matter); import the whole translation instead`,
        "xliff-edition",
      );
    edition = { ...read.source, recorded };
  }

  const beside = edition && sourceBeside(edition.path, edition.recorded.source);
  if (beside && "rule" in beside) return refuse(`The source of ${options.edition}: ${beside.reason}`, beside.rule);
  const originalPath = options.original ?? beside?.path ?? findOriginal(xliff.original, [undefined, dirname(path)]);
  if (!originalPath)
    return refuse(`The source the XLIFF was made from (${xliff.original || "not named"}) is not found; pass --original <file.md>`, "xliff-original");
  const read = await readLetterUnits(originalPath);
  if (!read.source) return refuse(`The source ${originalPath} cannot be read or has errors (see its messages)`, "xliff-original", read.file);
  const source = read.source;
  const lang = options.lang ?? xliff.targetLang ?? (typeof edition?.frontMatter.lang === "string" ? edition.frontMatter.lang : undefined);
  if (!lang) return refuse("The XLIFF names no target-language (on its <file> element); pass --lang", "xliff-lang", undefined, xliff.at);
  // A stranger's target-language becomes the edition's `lang`: refused here, at its place, not as an edition that would not build.
  if (!LANG_TAG.test(lang))
    return refuse(
      `The XLIFF's target-language \`${lang}\` is not a language tag like fr, es or zh-Hans; correct it, or pass --lang`,
      "xliff-lang",
      undefined,
      xliff.at,
    );

  const ids = new Set(source.units.map((u) => u.id));
  for (const [id, tu] of xliff.units)
    if (!ids.has(id))
      warn(
        file,
        `trans-unit ${id} is not a unit of ${originalPath} (was the source changed since the export?); it is left out`,
        place(tu),
        "xliff-unknown-unit",
      );
  if (edition && edition.units.length !== edition.recorded.units.length)
    return refuse(
      `The edition ${options.edition} has ${edition.units.length} units (paragraphs, items, cells, notes…), the source it translates had ${edition.recorded.units.length}; import the whole translation instead`,
      "xliff-edition",
    );
  const translation = translated(xliff, source, edition, file);
  if (hasErrors(file)) return { file, others };
  return { markdown: writeEdition(source, translation, lang, file, edition), file, others };
}

/** Each unit's translation: the XLIFF's target, else the edition's own for a unit that did not change, else the source's text. */
function translated(xliff: XliffFile, source: Source, edition: Edition | undefined, file: VFile): Translation {
  const changes = edition && compareUnits(edition.recorded.units, source.units);
  const noteMap = edition && changes && noteNumbers(edition, source, changes.same);
  let untranslated = 0;
  const translation = source.units.map((unit, index) => {
    const tu = xliff.units.get(unit.id);
    const target = tu && Array.from(tu.getElementsByTagNameNS(XLIFF_NS, "target")).find((t) => t.parentNode === tu);
    const hasTarget = target && ((target.textContent ?? "").trim() || Array.from(target.childNodes).some((c) => c.nodeType === 1));
    const at = place(tu) ?? { line: unit.line, column: 1 };
    if (hasTarget) {
      if (unit.kind === "front") return { place: at, content: (target.textContent ?? "").replace(/\s+/g, " ").trim() };
      return { place: at, content: targetTokens(target, unit, source.definitions, file, tu) };
    }
    const old = changes?.same.get(index);
    if (edition && noteMap && old !== undefined) {
      const was = edition.units[old];
      if (unit.kind === "front") return { place: at, content: was.text };
      warnLeftOut(file, `${unit.label} (the edition's, unchanged)`, was.children!, at);
      const tokens = phrasingTokens(was.children!, edition.definitions);
      return { place: at, content: tokens.map((t) => (t.type === "call" ? { ...t, note: `note:${noteMap.get(Number(t.note.slice(5))) ?? 0}` } : t)) };
    }
    untranslated++;
    if (edition)
      warn(
        file,
        `${unit.label} (line ${unit.line} of ${source.path}) changed in the source and has no translation in ${file.basename}; the edition keeps it in the source's language`,
        place(tu),
        "xliff-untranslated",
      );
    if (unit.kind !== "front") warnLeftOut(file, `${unit.label} (untranslated)`, unit.children!, place(tu));
    return { place: at, content: unit.kind === "front" ? undefined : phrasingTokens(unit.children!, source.definitions) };
  });
  if (untranslated && !edition)
    warn(file, `${untranslated} of ${source.units.length} units have no translation; they keep the source's text`, undefined, "xliff-untranslated");
  return translation;
}

/** Mostly in a right-to-left script? Then the edition is right to left whatever `lang` says, as for a .docx. */
function mostlyRightToLeft(translation: Translation): boolean {
  let rtl = 0;
  let letters = 0;
  for (const { content = "" } of translation) {
    const text = typeof content === "string" ? content : content.map((t) => (t.type === "text" && !t.code ? t.value : "")).join("");
    letters += (text.match(/\p{L}/gu) ?? []).length;
    rtl += (text.match(new RegExp(`[${RTL_LETTERS}]`, "gu")) ?? []).length;
  }
  return letters > 0 && rtl * 2 > letters;
}

/** The edition's note numbers → the source's now, by the note units that did not change, then by order within unchanged units. */
function noteNumbers(edition: Source, source: Source, same: Map<number, number>): Map<number, number> {
  const map = new Map<number, number>();
  for (const [now, was] of same) {
    const a = edition.units[was];
    const b = source.units[now];
    if (a.kind === "note" && b.kind === "note" && a.note !== undefined && b.note !== undefined) map.set(a.note, b.note);
  }
  for (const [now, was] of same) {
    const a = [...new Set(callsOf(phrasingTokens(edition.units[was].children ?? [], edition.definitions)))].sort((x, y) => x - y);
    const b = [...new Set(callsOf(phrasingTokens(source.units[now].children ?? [], source.definitions)))].sort((x, y) => x - y);
    a.forEach((n, i) => {
      if (!map.has(n) && b[i] !== undefined) map.set(n, b[i]);
    });
  }
  return map;
}

/** Keys an edition words in its own language; every other key follows the source (`signatories.claimed`, `date`…). */
const EDITION_KEYS = new Set(["lang", "dir", "words", "keywords", TRANSLATION_OF, ...FRONT_KEYS.map((k) => k.split(".")[0])]);

function updatedFront(edition: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...edition };
  for (const [key, value] of Object.entries(source)) {
    if (key === "signatories" && value && typeof value === "object" && !Array.isArray(value)) {
      const mine = edition.signatories && typeof edition.signatories === "object" ? (edition.signatories as Record<string, unknown>) : {};
      out.signatories = { ...value, ...(mine.heading !== undefined ? { heading: mine.heading } : {}) };
    } else if (!EDITION_KEYS.has(key)) {
      out[key] = value;
    }
  }
  return out;
}

/** A source named by its file name alone, in the first of `dirs` (default: the project's source/) that has it. */
export function findOriginal(name: string, dirs: (string | undefined)[]): string | undefined {
  if (!name || /[\\/]/.test(name) || name.startsWith(".")) return undefined;
  for (const dir of dirs) {
    const candidate = join(dir ?? "source", name);
    if (existsSync(candidate)) return relative(process.cwd(), candidate) || candidate;
  }
  return undefined;
}
