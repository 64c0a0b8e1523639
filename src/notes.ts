/**
 * The one numbering pass: every note gets its number here, by order of first call in the body, keyed by the normalised
 * `identifier` (never the label as written). The compilers print what it decides and count nothing themselves.
 */
import type { FootnoteDefinition, FootnoteReference, Nodes, Root } from "mdast";
import { SKIP, visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { location } from "vfile-location";
import { cappedReporter, type Report } from "./messages.ts";

declare module "mdast" {
  interface FootnoteReferenceData {
    /** The note's number, set by `numberNotes`. */
    noteNumber?: number;
    /** 1 for the first reference to the note, 2 for the second, … */
    noteOccurrence?: number;
  }
}

export interface Note {
  /** Normalised identifier (the key). */
  identifier: string;
  /** The label as first written, for messages. */
  label: string;
  /** The number every output prints. */
  number: number;
  definition: FootnoteDefinition;
  /** The references in body order; the first decided the number. */
  references: FootnoteReference[];
}

export interface NoteTable {
  /** Notes in number order: `notes[i].number === i + 1`. */
  notes: Note[];
  byIdentifier: Map<string, Note>;
}

/** Labels in messages: long ones cut, so that a message stays one readable line. */
function shown(text: string, max = 40): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function label(node: FootnoteReference | FootnoteDefinition) {
  return `[^${shown(node.label ?? node.identifier)}]`;
}

/** GitHub (micromark) takes labels of at most this many characters. */
const MAX_LABEL = 999;

function where(node: Nodes) {
  const p = node.position?.start;
  return p ? `${p.line}:${p.column}` : "?";
}

export function numberNotes(tree: Root, file: VFile): NoteTable {
  const { report, done } = cappedReporter(file);
  const definitions = new Map<string, FootnoteDefinition>();
  // The innermost note each call stands in: definitions come outer first, so inner ones overwrite.
  const inNote = new Map<FootnoteReference, FootnoteDefinition>();
  visit(tree, "footnoteDefinition", (node) => {
    visit(node, "footnoteReference", (call) => void inNote.set(call, node));
    const first = definitions.get(node.identifier);
    if (first) {
      report(
        "fail",
        `Note ${label(node)} is defined twice (first at ${where(first)}); give each note its own label, or delete the one not meant`,
        node,
        "duplicate-note-definition",
      );
    } else {
      definitions.set(node.identifier, node);
    }
  });

  const notes: Note[] = [];
  const byIdentifier = new Map<string, Note>();
  visit(tree, "footnoteReference", (node) => {
    const within = inNote.get(node);
    if (within) {
      report(
        "fail",
        `Note ${label(within)} refers to note ${label(node)}: a note cannot call another note (Word has no footnotes in footnotes); write the reference as text (e.g. "see note 2"), or escape its bracket (\`\\${label(node)}\`) to print it as it stands`,
        node,
        "note-in-note",
      );
      return;
    }
    const definition = definitions.get(node.identifier);
    if (!definition) {
      report("fail", undefinedCall(label(node)), node, "missing-note-definition");
      return;
    }
    let note = byIdentifier.get(node.identifier);
    if (!note) {
      note = { identifier: node.identifier, label: definition.label ?? node.identifier, number: notes.length + 1, definition, references: [] };
      notes.push(note);
      byIdentifier.set(node.identifier, note);
    }
    note.references.push(node);
    node.data = { ...node.data, noteNumber: note.number, noteOccurrence: note.references.length };
  });

  reportUndefinedCalls(tree, file, report);
  done();

  for (const [identifier, definition] of definitions) {
    if (!byIdentifier.has(identifier)) {
      report("warn", `Note ${label(definition)} is never referenced; it is left out of every output`, definition, "unused-note-definition");
    }
  }
  return { notes, byIdentifier };
}

const undefinedCall = (written: string) =>
  `Note ${written} is referenced but never defined; add a line \`${written}: …\` with the note, or write \`\\${written}\` if it is not a note call`;

/**
 * `[^label]` left as text by the parser: a call to a note never defined (an error), or a label no note can have, which
 * GitHub leaves as text too; so does broadside, saying why, once per label.
 */
function reportUndefinedCalls(tree: Root, file: VFile, report: Report) {
  const source = String(file.value);
  const place = location(file);
  const told = new Set<string>();
  visit(tree, "text", (node) => {
    if (!node.position) return;
    const start = node.position.start.offset ?? 0;
    const raw = source.slice(start, node.position.end.offset);
    // A label holds no `[` (as in CommonMark): each match attempt stops at the next bracket, so a
    // long run of `[^[^[^…` takes linear time. `\[^1]` is an escaped bracket, to be read as it stands.
    for (const match of raw.matchAll(/(?<!\\)\[\^([^[\]\s][^[\]]*)\]/g)) {
      const at = place.toPoint(start + match.index);
      if (!at) continue;
      const text = match[1];
      const written = `[^${shown(text)}]`;
      const long = text.length > MAX_LABEL;
      if (!long && !/\s/.test(text)) {
        report("fail", undefinedCall(written), at, "missing-note-definition");
        continue;
      }
      if (told.has(text)) continue;
      told.add(text);
      const why = long ? `a note label has at most ${MAX_LABEL} characters (this one has ${text.length})` : "a note label cannot hold spaces";
      const fix = long ? "a short label" : `one without spaces (\`[^${shown(text.replace(/\s+/g, "-"))}]\`)`;
      report(
        "warn",
        `\`${written}\` is left as text, not a note: ${why}. To make it a note, use ${fix} in the call and its definition; to keep it as text, write \`\\${written}\``,
        at,
        "not-a-note-call",
      );
    }
  });
}

/** The number and occurrence the pass gave a reference; a compiler calling this on an unnumbered reference has a bug. */
export function noteCall(node: FootnoteReference): { number: number; occurrence: number } {
  const number = node.data?.noteNumber;
  const occurrence = node.data?.noteOccurrence;
  if (number === undefined || occurrence === undefined) {
    throw new Error(`Footnote reference ${label(node)} at ${where(node)} has no number: run numberNotes() on the tree before compiling it`);
  }
  return { number, occurrence };
}

/** The note numbers of a numbered tree's calls outside the notes, in the order they stand. */
export function callNumbers(tree: Root): number[] {
  const calls: number[] = [];
  visit(tree, (node) => {
    if (node.type === "footnoteDefinition") return SKIP;
    if (node.type === "footnoteReference") calls.push(node.data?.noteNumber ?? 0);
  });
  return calls;
}
