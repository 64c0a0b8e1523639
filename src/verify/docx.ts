/**
 * Reading a built .docx back, as Word shows it, from the XML in the package (fflate to
 * unzip, @xmldom/xmldom to parse).
 *
 * The main document and its notes part are found through the package relationships. Word
 * numbers notes itself, in order of reference: the k-th distinct note id that a
 * `w:footnoteReference` (or `w:endnoteReference`) names shows k (plus `numStart` − 1, in the
 * `numFmt` of `w:footnotePr`/`w:endnotePr`, from settings.xml and the section properties;
 * endnotes default to lower-case Roman numerals, as in Word).
 *
 * Calls, in document order:
 * - each note reference: it shows its note's number and leads to that note;
 * - each NOTEREF field (complex: `w:fldChar` begin/instr/separate/result/end, or
 *   `w:fldSimple`): it shows its cached result, what Word and LibreOffice print until the
 *   fields are updated, and leads to the note whose reference lies inside the bookmark the
 *   field names (Word's own way to print one note's number twice).
 *
 * Notes: the text of each referenced note (runs, tabs and breaks; not the automatic number
 * `w:footnoteRef`, field instructions, deleted or hidden text).
 */
import { readFile } from "node:fs/promises";
import { posix } from "node:path";
import { parseXml as parseXmlText, type XmlElement } from "./xml.ts";
import { unzipSync } from "fflate";
import { collapseSpace, type NoteCall, type Reading } from "./reading.ts";

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const MC = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
const RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

type Kind = "footnote" | "endnote";
const KINDS: Kind[] = ["footnote", "endnote"];

function parseXml(bytes: Uint8Array, where: string): XmlElement {
  return parseXmlText(new TextDecoder().decode(bytes), where);
}

const children = (el: XmlElement): XmlElement[] => el.children;

const isW = (el: XmlElement, local: string) => el.namespaceURI === W && el.localName === local;
const wAttr = (el: XmlElement, local: string) => (el.hasAttributeNS(W, local) ? el.getAttributeNS(W, local) : null);
const on = (el: XmlElement) => !["0", "false", "off"].includes(wAttr(el, "val") ?? "true");

/** The part a relationship of `type` from `source` ("" for the package) points to. */
function relatedPart(parts: Record<string, Uint8Array>, source: string, type: string): string | undefined {
  const dir = source ? posix.dirname(source) : "";
  const base = dir === "." ? "" : dir;
  const relsPath = posix.join(base, "_rels", `${posix.basename(source)}.rels`);
  const rels = parts[relsPath];
  if (!rels) return undefined;
  for (const rel of children(parseXml(rels, relsPath))) {
    if (rel.namespaceURI !== PACKAGE_RELS || rel.localName !== "Relationship") continue;
    if (rel.getAttribute("Type") !== type || rel.getAttribute("TargetMode") === "External") continue;
    const target = rel.getAttribute("Target") ?? "";
    return target.startsWith("/") ? target.slice(1) : posix.normalize(posix.join(base, target));
  }
  return undefined;
}

const ROMAN: [number, string][] = [[1000, "m"], [900, "cm"], [500, "d"], [400, "cd"], [100, "c"], [90, "xc"], [50, "l"], [40, "xl"], [10, "x"], [9, "ix"], [5, "v"], [4, "iv"], [1, "i"]];

/** A note number as Word prints it in a numbering format. */
function formatNumber(n: number, format: string): string {
  switch (format) {
    case "decimal":
      return String(n);
    case "lowerRoman":
    case "upperRoman": {
      let rest = n;
      let s = "";
      for (const [value, letters] of ROMAN) while (rest >= value) (s += letters), (rest -= value);
      return format === "upperRoman" ? s.toUpperCase() : s;
    }
    case "lowerLetter":
    case "upperLetter": {
      // Word's letters: a … z, aa … zz, aaa …
      const letter = String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
      return format === "upperLetter" ? letter.toUpperCase() : letter;
    }
    default:
      throw new Error(`notes numbered in the "${format}" format, which this reader does not print`);
  }
}

interface Numbering {
  start: number;
  format: string;
}

/** Note numbering of a kind: settings.xml first, then each section's properties. */
function numbering(kind: Kind, holders: (XmlElement | undefined)[]): Numbering {
  const result: Numbering = { start: 1, format: kind === "footnote" ? "decimal" : "lowerRoman" };
  for (const holder of holders) {
    if (!holder) continue;
    const pr = children(holder).find((c) => isW(c, `${kind}Pr`));
    if (!pr) continue;
    for (const c of children(pr)) {
      const val = wAttr(c, "val");
      if (!val) continue;
      if (isW(c, "numStart")) result.start = Number(val);
      if (isW(c, "numFmt")) result.format = val;
      if (isW(c, "numRestart") && val !== "continuous") throw new Error(`${kind} numbers restart (${val}): where they restart depends on the page layout`);
    }
  }
  return result;
}

/** Text a reader sees in a note: runs, tabs and breaks; not the automatic number, instructions, deleted or hidden text. */
function noteText(node: XmlElement): string {
  let text = "";
  const walk = (el: XmlElement) => {
    if (isW(el, "t")) text += el.textContent ?? "";
    else if (isW(el, "tab")) text += " ";
    else if (isW(el, "br") || isW(el, "cr")) text += "\n";
    else if (isW(el, "noBreakHyphen")) text += "-";
    else if (isW(el, "delText") || isW(el, "instrText") || isW(el, "footnoteRef") || isW(el, "endnoteRef") || isW(el, "del") || isW(el, "rPr") || isW(el, "pPr")) return;
    else if (el.namespaceURI === MC && el.localName === "Fallback") return;
    else if (isW(el, "r") && hidden(el)) return;
    for (const c of children(el)) walk(c);
    if (isW(el, "p")) text += "\n";
  };
  walk(node);
  return text;
}

/** A run with hidden text (`w:vanish`). */
function hidden(run: XmlElement): boolean {
  const rPr = children(run).find((c) => isW(c, "rPr"));
  const vanish = rPr && children(rPr).find((c) => isW(c, "vanish"));
  return vanish !== undefined && on(vanish);
}

interface Field {
  instr: string;
  result: string;
  phase: "instr" | "result";
  /** The call this field makes, if it turns out to be a NOTEREF. */
  call: { bookmark: string; shown: string };
}

type RawCall = { ref: { kind: Kind; id: string } } | { field: Field["call"] };

export async function readDocx(path: string): Promise<Reading> {
  return readDocxBytes(await readFile(path));
}

export function readDocxBytes(bytes: Uint8Array): Reading {
  const parts = unzipSync(bytes, { filter: (file) => /\.(xml|rels)$/i.test(file.name) });
  const mainPath = relatedPart(parts, "", `${RELS}/officeDocument`) ?? "word/document.xml";
  if (!parts[mainPath]) throw new Error(`the package has no main document (${mainPath})`);
  const document = parseXml(parts[mainPath], mainPath);
  const body = children(document).find((c) => isW(c, "body"));
  if (!body) throw new Error(`${mainPath} has no w:body`);

  const order: RawCall[] = [];
  const numberOfId: Record<Kind, Map<string, number>> = { footnote: new Map(), endnote: new Map() };
  const openBookmarks = new Map<string, string>(); // bookmark id → name
  const bookmarkNote = new Map<string, { kind: Kind; id: string }>(); // name → first note reference inside it
  const sections: XmlElement[] = [];
  const fields: Field[] = [];

  const beginField = (instr: string, phase: Field["phase"]) => {
    const field: Field = { instr, result: "", phase, call: { bookmark: "", shown: "" } };
    fields.push(field);
    order.push({ field: field.call }); // keeps its place in document order; removed if not a NOTEREF
  };
  const endField = () => {
    const field = fields.pop();
    if (!field) return;
    const m = /^\s*NOTEREF\s+("?)([^\s"]+)\1/i.exec(field.instr);
    if (m) {
      field.call.bookmark = m[2];
      field.call.shown = field.result.trim();
    } else {
      order.splice(order.findIndex((c) => "field" in c && c.field === field.call), 1);
    }
  };

  const walk = (el: XmlElement) => {
    if (el.namespaceURI === MC && el.localName === "Fallback") return;
    if (isW(el, "del") || isW(el, "moveFrom")) return; // deleted revisions are not shown
    if (isW(el, "sectPr")) sections.push(el);
    if (isW(el, "bookmarkStart")) {
      const id = wAttr(el, "id");
      const name = wAttr(el, "name");
      if (id !== null && name !== null) openBookmarks.set(id, name);
    } else if (isW(el, "bookmarkEnd")) {
      const id = wAttr(el, "id");
      if (id !== null) openBookmarks.delete(id);
    } else if (isW(el, "footnoteReference") || isW(el, "endnoteReference")) {
      const kind: Kind = isW(el, "footnoteReference") ? "footnote" : "endnote";
      const id = wAttr(el, "id");
      if (id === null) throw new Error(`a ${kind} reference without w:id`);
      const custom = wAttr(el, "customMarkFollows");
      if (custom === "1" || custom === "true" || custom === "on") throw new Error(`${kind} ${id} is called with a custom mark, not a number`);
      const numbers = numberOfId[kind];
      if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
      order.push({ ref: { kind, id } });
      for (const name of openBookmarks.values()) if (!bookmarkNote.has(name)) bookmarkNote.set(name, { kind, id });
    } else if (isW(el, "fldChar")) {
      const type = wAttr(el, "fldCharType");
      if (type === "begin") beginField("", "instr");
      else if (type === "separate" && fields.length) fields[fields.length - 1].phase = "result";
      else if (type === "end") endField();
    } else if (isW(el, "instrText")) {
      const field = fields[fields.length - 1];
      if (field?.phase === "instr") field.instr += el.textContent ?? "";
    } else if (isW(el, "t")) {
      for (const field of fields) if (field.phase === "result") field.result += el.textContent ?? "";
    } else if (isW(el, "fldSimple")) {
      beginField(wAttr(el, "instr") ?? "", "result");
      for (const c of children(el)) walk(c);
      endField();
      return;
    }
    for (const c of children(el)) walk(c);
  };
  walk(body);
  while (fields.length) endField(); // a field never ended: whatever it shows so far

  const settingsPath = relatedPart(parts, mainPath, `${RELS}/settings`);
  const settings = settingsPath && parts[settingsPath] ? parseXml(parts[settingsPath], settingsPath) : undefined;
  const problems: Reading["problems"] = [];
  const used = KINDS.filter((kind) => numberOfId[kind].size > 0);
  if (used.length > 1) problems.push({ note: undefined, reason: "the DOCX has both footnotes and endnotes, two series of numbers where the other formats have one" });

  const marks = {} as Record<Kind, (id: string) => { number: number; shown: string }>;
  const notes = new Map<number, string>();
  for (const kind of KINDS) {
    const ids = numberOfId[kind];
    const { start, format } = numbering(kind, [settings, ...sections]);
    marks[kind] = (id) => {
      const number = ids.get(id)! + start - 1;
      return { number, shown: formatNumber(number, format) };
    };
    if (ids.size === 0) continue;
    const partPath = relatedPart(parts, mainPath, `${RELS}/${kind}s`);
    if (!partPath || !parts[partPath]) throw new Error(`${kind}s are called but the package has no ${kind}s part`);
    const byId = new Map<string, XmlElement>();
    for (const note of children(parseXml(parts[partPath], partPath))) {
      if (!isW(note, kind)) continue;
      const id = wAttr(note, "id");
      const type = wAttr(note, "type");
      if (id === null || (type !== null && type !== "normal")) continue; // separators
      byId.set(id, note);
    }
    for (const id of ids.keys()) {
      const note = byId.get(id);
      if (!note) throw new Error(`${kind} ${id} is called but not in ${partPath}`);
      const { number } = marks[kind](id);
      if (notes.has(number)) problems.push({ note: number, reason: `the DOCX has two notes numbered ${number}` });
      else notes.set(number, collapseSpace(noteText(note)));
    }
  }

  const calls: NoteCall[] = order.map((call) => {
    if ("ref" in call) {
      const mark = marks[call.ref.kind](call.ref.id);
      return { shown: mark.shown, leadsTo: mark };
    }
    const target = bookmarkNote.get(call.field.bookmark);
    return { shown: call.field.shown, leadsTo: target ? marks[target.kind](target.id) : undefined };
  });
  return { format: "docx", calls, notes, problems };
}
