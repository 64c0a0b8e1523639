/** Parse once: one unified processor makes the tree every compiler works from; features bring their keys and transforms (`Feature`), unknown to the core. */
import { basename, extname } from "node:path";
import type { Heading, List, Literal, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { type PluggableList, type Plugin, unified } from "unified";
import { visit } from "unist-util-visit";
import { type DataMap, VFile } from "vfile";
import { isRefusal, readBounded, sourceBeside, sourceLinkOut } from "./boundary.ts";
import { type FrontMatter, type MatterKeys, pandocTitleBlock, readFrontMatter } from "./frontmatter.ts";
import { type Language, resolveLanguage } from "./language.ts";
import { remarkBroadsideParsing } from "./markdown.ts";
import { fail, hasErrors, info } from "./messages.ts";
import { type NoteTable, numberNotes } from "./notes.ts";
import { MAX_SOURCE_BYTES, type SafetyOptions, checkSafety, decodeSource, normalizeSource, prescanSource } from "./safety.ts";
import { trimTrailing } from "./text.ts";

declare module "mdast" {
  interface ListData {
    /** Set on the list of signatories (the list after the "Signed by" heading). */
    signatories?: boolean;
  }
}

declare module "vfile" {
  interface DataMap {
    /** The front matter read (src/frontmatter.ts). */
    meta: FrontMatter;
    notes: NoteTable;
    /** The words broadside adds, in the letter's language, and its direction. */
    language: Language;
  }
}

/** A parsed letter: its tree, and what the chain left on `file.data`. */
export type Letter = { file: VFile; tree: Root } & Pick<DataMap, "meta" | "notes" | "language">;

/** What a feature adds to the core: its front-matter keys and its transforms (src/features.ts lists them). */
export interface Feature {
  /** Read after the core's keys; a key no core or feature reads is reported as unknown. */
  matter?: MatterKeys[];
  /** Run last, on a letter without errors: the front matter is `file.data.meta`. */
  plugins?: PluggableList;
}

export interface ParseOptions extends SafetyOptions {
  /** The language of a source whose front matter names none (`--lang`). */
  lang?: string;
  templatesDir?: string;
  /** The features of this build (src/features.ts `FEATURES`). */
  features: readonly Feature[];
  /** Reading the source of a `signatories.from`: it may not name another. */
  signatoriesSource?: boolean;
}

/** The front matter as plain data, for tools that carry it over (import, XLIFF). */
export function frontMatterOf(letter: Letter): Record<string, unknown> {
  return letter.file.data.matter ?? {};
}

/** A source's bounded bytes as UTF-8: one too large, not a file or not UTF-8 comes back empty with an error on it. */
export async function readSource(path: string): Promise<VFile> {
  const bytes = sourceLinkOut(path) ?? readBounded(path, MAX_SOURCE_BYTES, "The source");
  if (!isRefusal(bytes)) return decodeSource(bytes, path);
  const file = new VFile({ path, value: "" });
  const split = bytes.rule === "file-too-large" ? " (split the letter)" : "";
  const rule = bytes.rule === "file-too-large" ? "source-too-large" : bytes.rule === "path-outside-project" ? bytes.rule : "source-not-file";
  fail(file, `${bytes.reason}${split}`, { line: 1, column: 1 }, rule);
  return file;
}

/** Thrown by a step of the chain after which nothing more can be done; its messages are on the file. */
class Halt extends Error {}

/** The whole pipeline, in order: every step reports on the vfile, with places and rule ids. */
function letterProcessor(options: ParseOptions) {
  return unified()
    .use(remarkBroadsideParsing)
    .use(remarkParse)
    .use(remarkFrontmatter, ["yaml", "toml"])
    .use(remarkGfm)
    .use(remarkSafety, options)
    .use(remarkReadFrontMatter, options)
    .use(() => (tree: Root, file: VFile) => void (file.data.notes = numberNotes(tree, file)))
    .use(remarkLanguage, options)
    .use(remarkSignatories, options)
    .use(() => (_: Root, file: VFile) => (hasErrors(file) || !file.data.language ? new Halt() : undefined))
    .use(options.features.flatMap((feature): PluggableList => feature.plugins ?? []) as PluggableList);
}

/** Parse and annotate; `undefined` when the file has errors (in `file.messages`). */
export function parseLetter(file: VFile, options: ParseOptions): Letter | undefined {
  if (hasErrors(file)) return undefined; // not readable as a source (too large, not UTF-8)
  const source = normalizeSource(String(file.value));
  file.value = source;
  // `---js`, `---coffee`…: front matter in a language that could run code.
  const fence = /^(---|\+\+\+)([^\r\n]*)\r?\n/.exec(source);
  if (fence && fence[2].trim() !== "") {
    fail(
      file,
      `Front matter is YAML between \`---\` lines or TOML between \`+++\` lines; \`${fence[0].trim()}\` front matter is not accepted (it could run code or is another language)`,
      { line: 1, column: 1 },
      "front-matter-language",
    );
    return undefined;
  }
  if (!prescanSource(source, file)) return undefined;
  file.data = {}; // what a parse of this file before left there
  // Pandoc's title block is read here and parsed as blank lines, so every place stays where it is.
  const pandoc = pandocTitleBlock(source);
  const end = pandoc ? source.split("\n", pandoc.lines).join("\n").length : 0;
  const processor = letterProcessor(options);
  const tree = processor.parse(source.slice(0, end).replace(/[^\n]/g, " ") + source.slice(end));
  try {
    processor.runSync(tree, file);
  } catch (error) {
    if (error instanceof Halt) return undefined;
    throw error;
  }
  const { meta, notes, language } = file.data;
  return { file, tree, meta: meta!, notes: notes!, language: language! };
}

const remarkSafety: Plugin<[SafetyOptions], Root> = (options) => (tree, file) => (checkSafety(tree, file, options) ? undefined : new Halt());

/** The front matter, read once, on `file.data.meta`; without a title, the first heading is it. */
const remarkReadFrontMatter: Plugin<[ParseOptions], Root> = (options) => (tree: Root, file: VFile) => {
  // remark-frontmatter finds one block at most: at the start; pandoc's title block is not Markdown (parseLetter blanks it).
  const node = tree.children.find((node) => node.type === "yaml" || (node.type as string) === "toml") as Literal | undefined;
  const heading = tree.children.find((node): node is Heading => node.type === "heading");
  const fileName = file.path ? basename(file.path, extname(file.path)) : undefined;
  const fallbacks = { heading: heading ? toString(heading).trim() : undefined, fileName, lang: options.lang };
  const matter = options.features.flatMap((feature) => feature.matter ?? []);
  const meta = readFrontMatter(node ?? pandocTitleBlock(String(file.value)), file, fallbacks, matter);
  if (!meta) return;
  file.data.meta = meta;
  if (heading && meta.untitled) useHeadingAsTitle(tree, heading);
};

/** The words broadside adds, in the letter's language; a vertical page takes its notes at the end. */
const remarkLanguage: Plugin<[ParseOptions], Root> = (options) => (_: Root, file: VFile) => {
  const meta = file.data.meta;
  if (!meta) return;
  const language = (file.data.language = resolveLanguage(file, meta, options.templatesDir));
  if (language.vertical && meta.notes === "footnotes" && file.data.notes?.notes.length) {
    // Page-foot notes are laid out by height (src/pdf/paginate/); a vertical page fills by width.
    info(
      file,
      `Mongolian script is set vertically: the notes go at the end of the edition (as with \`notes: endnotes\`), not at the foot of each page`,
      meta.langPlace,
      "vertical-endnotes",
    );
    meta.notes = "endnotes";
  }
};

/** The signatory list marked, or taken from the source `signatories.from` names. */
const remarkSignatories: Plugin<[ParseOptions], Root> = (options) => (tree: Root, file: VFile) => {
  const { meta, language } = file.data;
  if (!meta || !language) return;
  const heading = markSignatories(tree, meta, language);
  if (meta.signatoriesFrom) takeSignatories(tree, meta, heading, file, options);
};

/** A heading that opens an untitled text is its headline and leaves the body, unless it calls a note (which must stay where it is called). */
function useHeadingAsTitle(tree: Root, heading: Heading) {
  const first = tree.children.find((node) => !["yaml", "toml", "definition", "footnoteDefinition"].includes(node.type));
  let callsNote = false;
  visit(heading, "footnoteReference", () => void (callsNote = true));
  if (first === heading && !callsNote) tree.children.splice(tree.children.indexOf(heading), 1);
}

/** A heading as compared: lower case, without the colon or stop that may end it (`:`, `：`, `།`). */
const headingKey = (text: string) => trimTrailing(text.trim().toLowerCase().replace(/\s+/gu, " "), /[\s:：。.།་]/u);

/**
 * Mark the lists after the signatories heading, up to the next heading as high. Without `signatories.heading`, a heading
 * that starts with one of the language's `signed-by` (English's included) opens the list.
 */
function markSignatories(tree: Root, meta: FrontMatter, language: Language): number | undefined {
  const wanted = meta.signatoriesHeading && headingKey(meta.signatoriesHeading);
  const defaults = language.words["signed-by"].map(headingKey);
  const opens = (heading: string) => defaults.some((d) => heading === d || (heading.startsWith(d) && !/[\p{L}\p{M}]/u.test(heading[d.length])));
  let depth: number | undefined;
  let first: number | undefined;
  for (const [index, node] of tree.children.entries()) {
    if (node.type === "heading") {
      if (depth !== undefined && node.depth <= depth) depth = undefined;
      const text = headingKey(toString(node));
      const matches = wanted ? text === wanted : opens(text);
      if (matches) ((depth = node.depth), (first ??= index));
    } else if (node.type === "list" && depth !== undefined) {
      node.data = { ...node.data, signatories: true, hProperties: { ...node.data?.hProperties, className: ["signatories"] } };
    }
  }
  return first;
}

/** `signatories: { from: letter.md }`: the source's signatory list, under this edition's own heading, so that a group that joins is added once. */
function takeSignatories(tree: Root, meta: FrontMatter, heading: number | undefined, file: VFile, options: ParseOptions) {
  const from = meta.signatoriesFrom!;
  const refuse = (reason: string, rule = "signatories-from") => void fail(file, reason, meta.signatoriesPlace, rule);
  if (options.signatoriesSource)
    return refuse(`This file is the signatory source of another edition, and takes its own signatories from ${from}: name ${from} there instead`);
  const found = sourceBeside(file.path || "letter.md", from);
  const bytes = "rule" in found ? found : readBounded(found.path, MAX_SOURCE_BYTES, `\`${from}\``);
  if ("rule" in bytes) return refuse(`\`signatories.from\`: ${bytes.reason}`, bytes.rule);
  const source = decodeSource(bytes, (found as { path: string }).path);
  const letter = parseLetter(source, { ...options, signatoriesSource: true });
  const lists = letter ? letter.tree.children.filter((n): n is List => n.type === "list" && Boolean(n.data?.signatories)) : [];
  if (!letter || lists.length === 0) {
    const why = letter ? "it has no signatory list" : `it has errors (${source.messages.find((m) => m.fatal)?.reason ?? "see npm run check"})`;
    return refuse(`\`signatories.from: ${from}\`: ${why}`);
  }
  if (tree.children.some((n) => n.type === "list" && n.data?.signatories))
    return refuse(`This edition has its own signatory list and \`signatories.from: ${from}\`: delete the list (the source's is taken) or the \`from\``);
  if (heading === undefined)
    return refuse(
      `\`signatories.from: ${from}\`: this edition has no signatories heading to put the list under; add it (e.g. \`## ${letter.meta.signatoriesHeading ?? "Signed by"}\`)`,
    );
  // The source's places mean nothing in this file: the copied list has none.
  const copies = structuredClone(lists);
  for (const copy of copies) visit(copy, (node) => void delete node.position);
  tree.children.splice(heading + 1, 0, ...copies);
  meta.signatoriesClaimed ??= letter.meta.signatoriesClaimed;
}
