/**
 * Parse once: one Markdown source becomes one mdast tree with its front matter read,
 * its notes numbered and its signatory list marked. Every compiler works from this.
 */
import { open } from "node:fs/promises";
import type { List, Root, Yaml } from "mdast";
import { toString } from "mdast-util-to-string";
import { VFile } from "vfile";
import { type FrontMatter, readFrontMatter } from "./frontmatter.ts";
import { fail, hasErrors } from "./messages.ts";
import { parseMarkdown } from "./markdown.ts";
import { type PartCache, parseInParts } from "./parse-parts.ts";
import { type NoteTable, numberNotes } from "./notes.ts";
import { addPressMatter } from "./packet/press.ts";
import { MAX_SOURCE_BYTES, type SafetyOptions, checkSafety, decodeSource, normalizeSource, prescanSource } from "./safety.ts";

declare module "mdast" {
  interface ListData {
    /** Set on the list of signatories (the list after the "Signed by" heading). */
    signatories?: boolean;
  }
}

export interface Letter {
  file: VFile;
  tree: Root;
  meta: FrontMatter;
  notes: NoteTable;
}

const DEFAULT_SIGNATORIES = /^(signed by|signatories|signatures)\b/i;

/**
 * Read a source's bytes: at most {@link MAX_SOURCE_BYTES}, UTF-8 only. A source too large or not
 * UTF-8 comes back empty with an error on it; a file that cannot be opened throws.
 */
export async function readSource(path: string): Promise<VFile> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size > MAX_SOURCE_BYTES) {
      const file = new VFile({ path, value: "" });
      fail(file, `The source is ${(size / 1024 / 1024).toFixed(1)} MB; broadside reads sources of at most ${MAX_SOURCE_BYTES / 1024 / 1024} MB (split the letter)`, { line: 1, column: 1 }, "source-too-large");
      return file;
    }
    return decodeSource(await handle.readFile(), path);
  } finally {
    await handle.close();
  }
}

/**
 * Parse and annotate. Returns `undefined` when the file has errors (they are in `file.messages`);
 * warnings do not stop it.
 *
 * `parts`: for `npm run dev`, which parses the same source again after each save. The source is
 * parsed in parts, and a part whose text did not change since the last parse is taken from
 * there (parse-parts.ts); the tree is the same as a parse of the whole.
 */
export function parseLetter(file: VFile, options: SafetyOptions & { parts?: PartCache } = {}): Letter | undefined {
  if (hasErrors(file)) return undefined; // not readable as a source (too large, not UTF-8)
  const source = normalizeSource(String(file.value));
  file.value = source;
  const fence = /^(---|\+\+\+)([^\r\n]*)\r?\n/.exec(source);
  if (fence && (fence[1] === "+++" || fence[2].trim() !== "")) {
    fail(file, `Front matter must be YAML between \`---\` lines; \`${fence[0].trim()}\` front matter is not accepted (it could run code or is another language)`, { line: 1, column: 1 }, "front-matter-language");
    return undefined;
  }
  if (!prescanSource(source, file)) return undefined;
  const tree = options.parts ? parseInParts(source, options.parts) : parseMarkdown(source);
  const toml = tree.children.find((node) => (node.type as string) === "toml");
  if (toml) {
    fail(file, "Front matter must be YAML between `---` lines, not TOML", toml, "front-matter-language");
    return undefined;
  }
  if (!checkSafety(tree, file, options)) return undefined;
  const yaml = tree.children.find((node): node is Yaml => node.type === "yaml");
  const meta = readFrontMatter(yaml, file);
  const notes = numberNotes(tree, file);
  if (meta) markSignatories(tree, meta);
  if (!meta || hasErrors(file)) return undefined;
  addPressMatter(tree, meta); // a press release's embargo, dateline, end mark and contacts
  return { file, tree, meta, notes };
}

/** Mark the lists that follow the signatories heading, up to the next heading of the same or a higher level. */
function markSignatories(tree: Root, meta: FrontMatter) {
  const wanted = meta.signatoriesHeading?.toLowerCase().replace(/[:\s]+$/, "");
  let depth: number | undefined;
  for (const node of tree.children) {
    if (node.type === "heading") {
      if (depth !== undefined && node.depth <= depth) depth = undefined;
      const text = toString(node).trim();
      const matches = wanted ? text.toLowerCase().replace(/[:\s]+$/, "") === wanted : DEFAULT_SIGNATORIES.test(text);
      if (matches) depth = node.depth;
    } else if (node.type === "list" && depth !== undefined) {
      markList(node);
    }
  }
}

function markList(list: List) {
  const className = ["signatories"];
  list.data = { ...list.data, signatories: true, hProperties: { ...list.data?.hProperties, className } };
}
