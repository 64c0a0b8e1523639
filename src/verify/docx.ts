/**
 * Reading a built .docx back as Word shows it, by the rules of src/ooxml/notes.ts: a call shows its note's number (a
 * NOTEREF field: its cached result) and leads to the note its reference or bookmark names.
 */
import { readNotes, formatNoteNumber, NOTE_KINDS, splitNoteKey } from "../ooxml/notes.ts";
import { descendants, DocxPackage } from "../ooxml/package.ts";
import { collapseSpace, type NoteCall, type Reading } from "./reading.ts";

export function readDocxBytes(bytes: Uint8Array): Reading {
  const pkg = DocxPackage.open(bytes);
  const { calls, order, numbering, text } = readNotes(pkg);
  const problems: Reading["problems"] = [];
  if (NOTE_KINDS.every((kind) => order[kind].length))
    problems.push({ note: undefined, reason: "the DOCX has both footnotes and endnotes, two series of numbers where the other formats have one" });

  const mark = (key: string) => {
    const { kind, id } = splitNoteKey(key);
    const number = order[kind].indexOf(id) + numbering[kind].start;
    return { number, shown: formatNoteNumber(number, numbering[kind].format) };
  };
  const notes = new Map<number, string>();
  for (const [key, note] of text) {
    const { number } = mark(key);
    if (notes.has(number)) problems.push({ note: number, reason: `the DOCX has two notes numbered ${number}` });
    else notes.set(number, collapseSpace(note));
  }
  const read: NoteCall[] = calls.map((call) => {
    const leadsTo = call.note === undefined ? undefined : mark(call.note);
    return { shown: call.field?.shown ?? leadsTo!.shown, leadsTo };
  });
  // A right-to-left section (w:bidi in its properties): the document is set right to left.
  const main = pkg.xml(pkg.mainPath);
  const rightToLeft = main !== undefined && descendants(main, "w", "sectPr").some((section) => descendants(section, "w", "bidi").length > 0);
  return { format: "docx", calls: read, notes, problems, rightToLeft };
}
