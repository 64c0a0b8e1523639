/**
 * The WordprocessingML rules for notes as Word and LibreOffice apply them, for the proof, the import and the tests: the k-th distinct note
 * called shows k + `numStart` − 1 in its `numFmt`; a repeated call is a NOTEREF field to a bookmark, showing its cached result until updated.
 */
import { attr, child, descendants, type DocxPackage, is, kids, onOff, type XmlElement } from "./package.ts";

export type NoteKind = "footnote" | "endnote";
export const NOTE_KINDS: NoteKind[] = ["footnote", "endnote"];

/** The note a `w:footnoteReference` or `w:endnoteReference` calls ("footnote:ID"); undefined for any other element. */
export function referencedNote(el: XmlElement): string | undefined {
  const kind = NOTE_KINDS.find((k) => is(el, "w", `${k}Reference`));
  return kind && `${kind}:${attr(el, "w", "id") ?? ""}`;
}

export function splitNoteKey(key: string): { kind: NoteKind; id: string } {
  const at = key.indexOf(":");
  return { kind: key.slice(0, at) as NoteKind, id: key.slice(at + 1) };
}

/**
 * `ref` is LibreOffice Writer's cross-reference to a note (`REF _RefF1 \h`, Insert › Cross-reference ›
 * Footnotes), or any REF to a bookmark: a note call if the bookmark names a note, else shown text.
 */
export type FieldKind = { kind: "noteref"; bookmark: string } | { kind: "ref"; bookmark: string } | { kind: "hyperlink"; url: string } | { kind: "other" };

/** What a field instruction makes of its result: a repeated note call, a link, or plain shown text. */
export function fieldKind(instruction: string): FieldKind {
  const instr = instruction.trim();
  const ref = /^(NOTEREF|REF)\s+"?([^\s"\\]+)/i.exec(instr);
  if (ref) return { kind: ref[1].toUpperCase() === "REF" ? "ref" : "noteref", bookmark: ref[2] };
  const hyperlink = /^HYPERLINK\s+(?:"([^"]*)"|(\S+))/i.exec(instr);
  const url = hyperlink && (hyperlink[1] ?? hyperlink[2]);
  // `HYPERLINK \l "name"` leads to a bookmark inside the document, not to a URL.
  if (url && !/^\\l$/i.test(url)) return { kind: "hyperlink", url };
  return { kind: "other" };
}

/** Story content no reader sees: deleted revisions, and the fallback of alternate content. */
const unseen = (el: XmlElement) => is(el, "w", "del") || is(el, "w", "moveFrom") || is(el, "mc", "Fallback");

/** The bookmark a broadside .docx puts on a note's first reference, which NOTEREF fields point to. */
export const bookmarkName = (n: number) => `_RefNote${n}`;

/**
 * Bookmark name → the note it names: the first note reference inside the bookmark (Word's `_RefNoteN`), or right after it with no text between
 * (LibreOffice moves it in front); an empty `_Ref` one that retyping left, the paragraph's next reference without a bookmark of its own, if any,
 * else its earlier one (a call cut and pasted before its place: Writer leaves the bookmark behind).
 */
export function noteBookmarks(body: XmlElement): Map<string, string> {
  const names = new Map<string, string>();
  let pending = new Map<string, { name: string; ended: boolean }>();
  /** Ids of pending bookmarks that ended, so that dropping them never walks the ones still open. */
  let ended: string[] = [];
  /** Empty bookmarks of this paragraph that text has separated from what follows. */
  let stray: string[] = [];
  /** References of this paragraph that no bookmark named. */
  let unnamed: string[] = [];
  const endParagraph = () => {
    dropEnded();
    stray.forEach((name, i) => i < unnamed.length && !names.has(name) && names.set(name, unnamed[i]));
    ((stray = []), (unnamed = []));
  };
  const dropEnded = () => {
    for (const id of ended) {
      const b = pending.get(id);
      if (!b?.ended) continue;
      pending.delete(id);
      // Only a cross-reference target (`_Ref…`, hidden); a bookmark a person named marks text, not a note.
      if (b.name.startsWith("_Ref")) stray.push(b.name);
    }
    ended = [];
  };
  const walk = (el: XmlElement) => {
    const note = referencedNote(el);
    if (is(el, "w", "p")) endParagraph();
    if (is(el, "w", "bookmarkStart")) {
      const name = attr(el, "w", "name");
      if (name) pending.set(attr(el, "w", "id") ?? name, { name, ended: false });
    } else if (is(el, "w", "bookmarkEnd")) {
      const id = attr(el, "w", "id") ?? "";
      const open = pending.get(id);
      if (open && !open.ended) {
        open.ended = true;
        ended.push(id);
      }
    } else if (is(el, "w", "t") && (el.textContent ?? "").trim()) {
      dropEnded();
    } else if (note) {
      const own = [...pending.values()].map((b) => b.name);
      for (const name of own.length ? own : stray) if (!names.has(name)) names.set(name, note);
      if (!own.length && !stray.length) unnamed.push(note);
      if (!own.length) stray = [];
      pending = new Map();
      ended = [];
      return;
    } else if (unseen(el) || is(el, "w", "txbxContent")) {
      return;
    }
    for (const c of kids(el)) walk(c);
  };
  walk(body);
  endParagraph();
  return names;
}

/** The notes part of a kind related to `main`: its path, and its notes by id (separators left out). */
export function notesPart(pkg: DocxPackage, main: string, kind: NoteKind): { path: string; byId: Map<string, XmlElement> } | undefined {
  const path = pkg.related(main, `${kind}s`)[0];
  const root = pkg.xml(path)?.documentElement;
  if (!path || !root) return undefined;
  const byId = new Map<string, XmlElement>();
  for (const el of kids(root)) {
    const id = attr(el, "w", "id");
    const type = attr(el, "w", "type");
    if (is(el, "w", kind) && id !== undefined && (!type || type === "normal")) byId.set(id, el);
  }
  return { path, byId };
}

/** Note numbering of a kind: settings.xml first, then each section's properties. */
function noteNumbering(pkg: DocxPackage, main: string, kind: NoteKind) {
  const result = { start: 1, format: kind === "footnote" ? "decimal" : "lowerRoman" };
  const settings = pkg.xml(pkg.related(main, "settings")[0])?.documentElement ?? undefined;
  const body = descendants(pkg.xml(main)!, "w", "body")[0];
  for (const holder of [settings, ...(body ? descendants(body, "w", "sectPr") : [])]) {
    const pr = child(holder, "w", `${kind}Pr`);
    for (const c of pr ? kids(pr) : []) {
      const val = attr(c, "w", "val");
      if (!val) continue;
      if (is(c, "w", "numStart")) result.start = Number(val);
      if (is(c, "w", "numFmt")) result.format = val;
      if (is(c, "w", "numRestart") && val !== "continuous") throw new Error(`${kind} numbers restart (${val}): where they restart depends on the page layout`);
    }
  }
  return result;
}

const ROMAN = Object.entries({ m: 1000, cm: 900, d: 500, cd: 400, c: 100, xc: 90, l: 50, xl: 40, x: 10, ix: 9, v: 5, iv: 4, i: 1 });

/** A note number as Word prints it in a numbering format: an upper-case format is the lower-case one in capitals. */
export function formatNoteNumber(n: number, format: string): string {
  if (format === "decimal") return String(n);
  const lower = format.replace(/^upper/, "lower");
  let shown = "";
  if (lower === "lowerRoman") {
    let rest = n;
    for (const [letters, value] of ROMAN) while (rest >= value) ((shown += letters), (rest -= value));
  } else if (lower === "lowerLetter") {
    // Word's letters: a … z, aa … zz, aaa …
    shown = String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
  } else throw new Error(`notes numbered in the "${format}" format, which this reader does not print`);
  return lower === format ? shown : shown.toUpperCase();
}

/**
 * The text a reader sees in a story (a note): runs, links' runs (`w:hyperlink`, a HYPERLINK field's result), tabs and breaks;
 * not the automatic note number, field instructions, deleted or hidden text.
 */
function visibleText(node: XmlElement): string {
  let text = "";
  const walk = (el: XmlElement) => {
    if (is(el, "w", "t")) text += el.textContent ?? "";
    else if (is(el, "w", "tab")) text += " ";
    else if (is(el, "w", "br") || is(el, "w", "cr")) text += "\n";
    else if (is(el, "w", "noBreakHyphen")) text += "-";
    else if (unseen(el) || ["delText", "instrText", "footnoteRef", "endnoteRef", "rPr", "pPr"].some((local) => is(el, "w", local))) return;
    else if (is(el, "w", "r") && onOff(child(el, "w", "rPr"), "vanish")) return;
    for (const c of kids(el)) walk(c);
    if (is(el, "w", "p")) text += "\n";
  };
  walk(node);
  return text;
}

/** One note call of the main story, in document order. */
export interface DocxCall {
  /** The note it leads to ("footnote:ID"); undefined for a NOTEREF whose bookmark names no note. */
  note: string | undefined;
  /** For a NOTEREF field: the bookmark it names and the number it shows (its cached result). */
  field?: { bookmark: string; shown: string };
}

interface OpenField {
  instr: string;
  result: string;
  phase: "instr" | "result";
  call: DocxCall;
}

/** The note calls of the main story and the text of every called note, as Word shows them. */
export function readNotes(pkg: DocxPackage) {
  const main = pkg.mainPath!;
  const body = descendants(pkg.xml(main)!, "w", "body")[0];
  if (!body) throw new Error(`${main} has no w:body`);
  const bookmarks = noteBookmarks(body);
  const calls: DocxCall[] = [];
  /** Per kind, the called note ids in the order of their first call. */
  const called: Record<NoteKind, Set<string>> = { footnote: new Set(), endnote: new Set() };
  const fields: OpenField[] = [];

  const beginField = (instr: string, phase: OpenField["phase"]) => {
    const field: OpenField = { instr, result: "", phase, call: { note: undefined } };
    fields.push(field);
    calls.push(field.call); // keeps its place in document order; left out at the end (neither note nor field) if not a NOTEREF
  };
  const endField = () => {
    const field = fields.pop();
    if (!field) return;
    const kind = fieldKind(field.instr);
    if (kind.kind === "noteref" || (kind.kind === "ref" && bookmarks.has(kind.bookmark))) {
      field.call.note = bookmarks.get(kind.bookmark);
      field.call.field = { bookmark: kind.bookmark, shown: field.result.trim() };
    }
  };

  const walk = (el: XmlElement) => {
    if (unseen(el)) return;
    const note = referencedNote(el);
    if (note) {
      const { kind, id } = splitNoteKey(note);
      if (attr(el, "w", "id") === undefined) throw new Error(`a ${kind} reference without w:id`);
      const custom = attr(el, "w", "customMarkFollows");
      if (custom === "1" || custom === "true" || custom === "on") throw new Error(`${kind} ${id} is called with a custom mark, not a number`);
      called[kind].add(id);
      calls.push({ note });
    } else if (is(el, "w", "fldChar")) {
      const type = attr(el, "w", "fldCharType");
      if (type === "begin") beginField("", "instr");
      else if (type === "separate" && fields.length) fields[fields.length - 1].phase = "result";
      else if (type === "end") endField();
    } else if (is(el, "w", "instrText")) {
      const field = fields[fields.length - 1];
      if (field?.phase === "instr") field.instr += el.textContent ?? "";
    } else if (is(el, "w", "t")) {
      for (const field of fields) if (field.phase === "result") field.result += el.textContent ?? "";
    } else if (is(el, "w", "fldSimple")) {
      beginField(attr(el, "w", "instr") ?? "", "result");
    }
    for (const c of kids(el)) walk(c);
    if (is(el, "w", "fldSimple")) endField();
  };
  walk(body);
  while (fields.length) endField(); // a field never ended: whatever it shows so far
  // Per kind, the called note ids in number order (note k is order[k - 1]), and each called note's visible text by key.
  const order = { footnote: [...called.footnote], endnote: [...called.endnote] };
  const text = new Map<string, string>();
  const numbering = {} as Record<NoteKind, ReturnType<typeof noteNumbering>>;
  for (const kind of NOTE_KINDS) {
    numbering[kind] = noteNumbering(pkg, main, kind);
    if (!order[kind].length) continue;
    const part = notesPart(pkg, main, kind);
    if (!part) throw new Error(`${kind}s are called but the package has no ${kind}s part`);
    for (const id of order[kind]) {
      const note = part.byId.get(id);
      if (!note) throw new Error(`${kind} ${id} is called but not in ${part.path}`);
      text.set(`${kind}:${id}`, visibleText(note));
    }
  }
  return { calls: calls.filter((call) => call.note || call.field), order, numbering, text };
}
