/**
 * A letter → XLIFF 1.2, the version most translation tools read (OmegaT, Trados, memoQ,
 * Weblate, Crowdin, translate-toolkit): one trans-unit per unit of src/xliff/units.ts.
 *
 * Inline content as XLIFF 1.2 defines it: emphasis, strong emphasis, strikethrough and links are
 * `<g>` around their words (ctype italic, bold, x-strike, link); a note call is a `<ph>` whose
 * native code is the Markdown call (`[^3]`), a line break an `<x/>`, inline code a `<ph>`. Tools show these as protected codes a translator
 * moves but cannot edit; the import takes addresses and code back from the source by code id, so
 * only the words come from the translation.
 *
 * A unit with a translation in `translations` gets a `<target>`; one without gets none, so a tool
 * shows it as untranslated (and a translation memory fills it).
 */
import type { Nodes, PhrasingContent } from "mdast";
import { DOMImplementation, type Document as XmlDocument, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import type { Unit } from "./units.ts";

export const XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2";

export interface ExportOptions {
  /** Path of the source as the edition names it (`letter.md`). */
  original: string;
  sourceLang: string;
  targetLang?: string;
  /** Unit id → its translation (phrasing content, or text for the front matter). */
  translations?: Map<string, PhrasingContent[] | string>;
  /** Only these units (by id); default all. */
  only?: Set<string>;
  /** The source's revision (src/xliff/revision.ts), kept in the header. */
  revision?: string;
}

/** Code ids of a unit's inline content, in order: `n3` (call to note 3, `n3-2` its 2nd in the unit), `l1` link, `b1` break… */
class CodeIds {
  private readonly counts = new Map<string, number>();
  next(prefix: string): string {
    const n = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, n);
    return prefix.startsWith("n") ? (n === 1 ? prefix : `${prefix}-${n}`) : `${prefix}${n}`;
  }
}

export function writeInline(doc: XmlDocument, parent: XmlElement, nodes: PhrasingContent[]) {
  const ids = new CodeIds();
  const el = (name: string, attrs: Record<string, string>) => {
    const e = doc.createElementNS(XLIFF_NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const walk = (node: Nodes, into: XmlElement) => {
    switch (node.type) {
      case "text":
        into.appendChild(doc.createTextNode(node.value));
        return;
      case "footnoteReference": {
        // Its native code is the Markdown call: a tool that flattens codes to text (PO) keeps it as `[^3]`.
        const n = node.data?.noteNumber ?? 0;
        const ph = el("ph", { id: ids.next(`n${n}`), ctype: "x-note-call" });
        ph.appendChild(doc.createTextNode(`[^${n}]`));
        into.appendChild(ph);
        return;
      }
      case "break":
        into.appendChild(el("x", { id: ids.next("b"), ctype: "lb", "equiv-text": "\n" }));
        return;
      case "inlineCode": {
        const ph = el("ph", { id: ids.next("c"), ctype: "x-code" });
        ph.appendChild(doc.createTextNode(node.value));
        into.appendChild(ph);
        return;
      }
      case "image":
      case "imageReference":
      case "html": {
        const ph = el("ph", { id: ids.next("o"), ctype: node.type === "html" ? "x-html" : "image" });
        ph.appendChild(doc.createTextNode(node.type === "html" ? node.value : (node.alt ?? "")));
        into.appendChild(ph);
        return;
      }
      case "emphasis":
      case "strong":
      case "delete":
      case "link":
      case "linkReference": {
        const ctype = { emphasis: "italic", strong: "bold", delete: "x-strike", link: "link", linkReference: "link" }[node.type];
        const attrs: Record<string, string> = { id: ids.next(ctype === "link" ? "l" : ctype === "bold" ? "s" : ctype === "italic" ? "e" : "d"), ctype };
        const g = el("g", attrs);
        for (const c of node.children) walk(c, g);
        into.appendChild(g);
        return;
      }
      default:
        if ("value" in node && typeof node.value === "string") into.appendChild(doc.createTextNode(node.value));
    }
  };
  for (const n of nodes) walk(n, parent);
}

export function exportXliff(units: Unit[], options: ExportOptions): string {
  const doc = new DOMImplementation().createDocument(XLIFF_NS, "xliff", null);
  const root = doc.documentElement!;
  root.setAttribute("version", "1.2");
  const file = doc.createElementNS(XLIFF_NS, "file");
  file.setAttribute("original", options.original);
  file.setAttribute("source-language", options.sourceLang);
  if (options.targetLang) file.setAttribute("target-language", options.targetLang);
  file.setAttribute("datatype", "x-markdown");
  file.setAttribute("tool-id", "broadside");
  if (options.revision) file.setAttribute("product-version", options.revision);
  const header = doc.createElementNS(XLIFF_NS, "header");
  const tool = doc.createElementNS(XLIFF_NS, "tool");
  tool.setAttribute("tool-id", "broadside");
  tool.setAttribute("tool-name", "broadside");
  header.appendChild(tool);
  const note = doc.createElementNS(XLIFF_NS, "note");
  note.appendChild(
    doc.createTextNode(
      "Codes: x-note-call is a note call, [^n] (keep each one, in the sentence it belongs to); link, bold, italic and x-strike go around words; lb is a line break.",
    ),
  );
  header.appendChild(note);
  file.appendChild(header);
  const body = doc.createElementNS(XLIFF_NS, "body");
  for (const unit of units) {
    if (options.only && !options.only.has(unit.id)) continue;
    const tu = doc.createElementNS(XLIFF_NS, "trans-unit");
    tu.setAttribute("id", unit.id);
    tu.setAttribute("resname", unit.label);
    tu.setAttribute("xml:space", "preserve");
    const source = doc.createElementNS(XLIFF_NS, "source");
    source.setAttribute("xml:lang", options.sourceLang);
    if (unit.text !== undefined) source.appendChild(doc.createTextNode(unit.text));
    else writeInline(doc, source, unit.children!);
    tu.appendChild(source);
    const translation = options.translations?.get(unit.id);
    if (translation !== undefined && options.targetLang) {
      const target = doc.createElementNS(XLIFF_NS, "target");
      target.setAttribute("xml:lang", options.targetLang);
      target.setAttribute("state", "translated");
      if (typeof translation === "string") target.appendChild(doc.createTextNode(translation));
      else writeInline(doc, target, translation);
      tu.appendChild(target);
    }
    const where = doc.createElementNS(XLIFF_NS, "note");
    where.setAttribute("from", "broadside");
    where.appendChild(doc.createTextNode(`${unit.label}, line ${unit.line} of ${options.original}`));
    tu.appendChild(where);
    body.appendChild(doc.createTextNode("\n"));
    body.appendChild(tu);
  }
  file.appendChild(body);
  root.appendChild(file);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`;
}
