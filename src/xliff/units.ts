/**
 * A letter's translatable units in document order, for the XLIFF and an edition's revision. Each keeps its phrasing nodes and
 * its offsets in the source, so a translation is written back in place and what is not text (code, HTML, images) stays.
 */
import { createHash } from "node:crypto";
import type { Definition, Nodes, PhrasingContent, Root, RootContent } from "mdast";
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import type { Letter } from "../letter.ts";

export type UnitKind = "front" | "paragraph" | "heading" | "item" | "cell" | "signatory" | "note";

export interface Unit {
  /** Stable within one version of the source: kind and ordinal (`paragraph-3`, `note-2`, `note-2.2`). */
  id: string;
  kind: UnitKind;
  /** How a person finds it: `paragraph 3`, `note 2`, `signatory 14`, `title`. */
  label: string;
  /** For the front matter: the key path (["signatories", "heading"]). */
  key?: string[];
  /** The front matter's text. */
  text?: string;
  /** The phrasing content (not for the front matter). */
  children?: PhrasingContent[];
  /** Offsets of the content in the source (for the front matter: the whole YAML). */
  start: number;
  end: number;
  line: number;
  column: number;
  /** The note it belongs to, for note paragraphs: its number, and its label (stable when notes are added before it). */
  note?: number;
  noteLabel?: string;
}

/** A letter read with its units (src/xliff/edition.ts readLetterUnits). */
export interface Source {
  path: string;
  letter: Letter;
  frontMatter: Record<string, unknown>;
  units: Unit[];
  /** Its link definitions, read once: every unit's `[text][ref]` links look them up. */
  definitions: Map<string, Definition>;
}

/** Front matter keys whose values are text to translate, as key paths (`signatories.heading`). */
export const FRONT_KEYS = ["title", "subtitle", "short-title", "description", "author", "notes-heading", "signatories.heading", "dateline"];

export function unitsOf(letter: Letter, frontMatter: Record<string, unknown>): Unit[] {
  const units: Unit[] = [];
  const yaml = letter.tree.children.find((n) => n.type === "yaml")?.position;
  const yamlPlace = { start: yaml?.start.offset ?? 0, end: yaml?.end.offset ?? 0, line: yaml?.start.line ?? 1, column: 1 };
  for (const label of FRONT_KEYS) {
    const key = label.split(".");
    let value: unknown = frontMatter;
    for (const k of key) value = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[k] : undefined;
    if (typeof value !== "string" || !value.trim()) continue;
    units.push({
      id: `front-${label}`,
      kind: "front",
      label,
      key,
      text: value,
      ...yamlPlace,
    });
  }
  const counts = new Map<string, number>();
  const add = (kind: UnitKind, node: Nodes & { children: PhrasingContent[] }, note?: { number: number; label: string; part: number }) => {
    // Only what the source says: a press release's dateline, put before its first paragraph's text, is front matter.
    const children = node.children.filter((child) => child.position);
    const first = children[0]?.position;
    const last = children[children.length - 1]?.position;
    if (!first || !last) return;
    const n = note?.number ?? counts.set(kind, (counts.get(kind) ?? 0) + 1).get(kind)!;
    const part = note && note.part > 1 ? note.part : undefined;
    units.push({
      id: note ? `note-${n}${part ? `.${part}` : ""}` : `${kind}-${n}`,
      kind,
      label: note ? `note ${n}${part ? `, paragraph ${part}` : ""}` : `${kind} ${n}`,
      children,
      start: first.start.offset!,
      end: last.end.offset!,
      line: first.start.line,
      column: first.start.column,
      note: note?.number,
      noteLabel: note && `${note.label}${part ? `.${part}` : ""}`,
    });
  };
  const blocks = (nodes: RootContent[], within: { signatories?: boolean; item?: boolean }) => {
    for (const node of nodes) {
      if (node.type === "paragraph") add(within.signatories ? "signatory" : within.item ? "item" : "paragraph", node);
      else if (node.type === "heading") add("heading", node);
      else if (node.type === "blockquote") blocks(node.children, within);
      else if (node.type === "list") for (const item of node.children) blocks(item.children, { signatories: Boolean(node.data?.signatories), item: true });
      else if (node.type === "table") for (const row of node.children) for (const cell of row.children) add("cell", cell);
    }
  };
  blocks(letter.tree.children, {});
  for (const note of letter.notes.notes) {
    let part = 0;
    for (const node of note.definition.children)
      if (node.type === "paragraph") add("note", node, { number: note.number, label: note.identifier, part: ++part });
  }
  return units;
}

/** The link and image definitions of a tree, for `[text][ref]` links. */
export function definitionsOf(tree: Root): Map<string, Definition> {
  const map = new Map<string, Definition>();
  visit(tree, "definition", (node) => {
    if (!map.has(node.identifier)) map.set(node.identifier, node);
  });
  return map;
}

/** What a unit says, for telling whether it changed: text, calls, addresses and formatting, not its Markdown spelling. */
export function unitSignature(unit: Unit): string {
  if (unit.text !== undefined) return `${unit.id}\n${unit.text.replace(/\s+/g, " ").trim()}`;
  const parts: string[] = [unit.kind === "note" ? `note ${unit.noteLabel}` : unit.kind];
  const walk = (node: Nodes) => {
    if (node.type === "text") parts.push(node.value.replace(/\s+/g, " "));
    else if (node.type === "footnoteReference") parts.push(`[^${node.identifier}]`);
    else if (node.type === "inlineCode") parts.push(`\`${node.value}\``);
    else if (node.type === "break") parts.push("\n");
    else if (!("children" in node)) parts.push(toString(node));
    else {
      parts.push(node.type === "link" ? `<${node.url}>{link` : `{${node.type}`);
      for (const c of node.children) walk(c as Nodes);
      parts.push("}");
    }
  };
  for (const c of unit.children ?? []) walk(c);
  return parts.join("").trim();
}

/** A short hash (8 base-36 characters) of a text. */
export function shortHash(text: string, length = 8): string {
  const digest = createHash("sha256").update(text).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`)
    .toString(36)
    .padStart(13, "0")
    .slice(0, length);
}
