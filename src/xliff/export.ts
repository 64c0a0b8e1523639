/**
 * A letter → XLIFF 1.2, which most translation tools read: a trans-unit per unit, inline codes (CODES) a translator moves but
 * cannot edit, and no `<target>`, so a tool shows each unit as untranslated (and a translation memory fills it).
 */
import type { Nodes, PhrasingContent } from "mdast";
import { DOMImplementation, type Document as XmlDocument, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { basename } from "node:path";
import type { Source } from "./units.ts";
import { revisionOf } from "./revision.ts";

export const XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2";

/** Each inline node that becomes a code: its id's prefix, its XLIFF ctype, and its element (`g` around words, `x` empty, `ph` with its native code). */
export const CODES: Partial<Record<Nodes["type"], [prefix: string, ctype: string, element: "g" | "x" | "ph"]>> = {
  footnoteReference: ["n", "x-note-call", "ph"],
  break: ["b", "lb", "x"],
  inlineCode: ["c", "x-code", "ph"],
  image: ["o", "image", "ph"],
  imageReference: ["o", "image", "ph"],
  html: ["o", "x-html", "ph"],
  emphasis: ["e", "italic", "g"],
  strong: ["s", "bold", "g"],
  delete: ["d", "x-strike", "g"],
  link: ["l", "link", "g"],
  linkReference: ["l", "link", "g"],
};

/** Code ids of a unit's inline nodes in document order (`n3` call to note 3, `n3-2` its 2nd, `l1` link…), shared with the import. */
export function codeIds(): (node: Nodes) => string | undefined {
  const counts = new Map<string, number>();
  return (node) => {
    const call = node.type === "footnoteReference";
    const prefix = call ? `n${node.data?.noteNumber ?? 0}` : CODES[node.type]?.[0];
    if (!prefix) return undefined;
    const n = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, n);
    return call ? (n === 1 ? prefix : `${prefix}-${n}`) : `${prefix}${n}`;
  };
}

/** An XLIFF element with its attributes (undefined ones left out) and children (strings as text). */
function element(doc: XmlDocument, name: string, attrs: Record<string, string | undefined>, ...children: (string | XmlElement)[]): XmlElement {
  const e = doc.createElementNS(XLIFF_NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) e.appendChild(typeof c === "string" ? doc.createTextNode(c) : c);
  return e;
}

/** A unit's inline content as XLIFF 1.2 text and codes. */
function inline(doc: XmlDocument, nodes: PhrasingContent[]): (string | XmlElement)[] {
  const idOf = codeIds();
  const walk = (node: Nodes): (string | XmlElement)[] => {
    // Numbered before its children, as the import numbers the source's codes.
    const id = idOf(node);
    const [, ctype, name] = CODES[node.type] ?? [];
    if (name === "g" && "children" in node) return [element(doc, "g", { id, ctype }, ...node.children.flatMap(walk))];
    if (name === "x") return [element(doc, "x", { id, ctype, "equiv-text": "\n" })];
    // A note call's native code is the Markdown call: a tool that flattens codes to text (PO) keeps it as `[^3]`.
    if (node.type === "footnoteReference") return [element(doc, "ph", { id, ctype }, `[^${node.data?.noteNumber ?? 0}]`)];
    if (node.type === "image" || node.type === "imageReference") return [element(doc, "ph", { id, ctype }, node.alt ?? "")];
    const value = "value" in node && typeof node.value === "string" ? node.value : "";
    return name === "ph" ? [element(doc, "ph", { id, ctype }, value)] : value ? [value] : [];
  };
  return nodes.flatMap(walk);
}

const CODES_NOTE =
  "Codes: x-note-call is a note call, [^n] (keep each one, in the sentence it belongs to); link, bold, italic and x-strike go around words; lb is a line break.";

/** The source's units (`only` these ids, if given) for a tool, the source named as an edition names it; its revision in the header. */
export function exportXliff(source: Source, targetLang: string | undefined, only?: Set<string>): string {
  const sourceLang = source.letter.meta.lang;
  const doc = new DOMImplementation().createDocument(XLIFF_NS, "xliff", null);
  doc.documentElement!.setAttribute("version", "1.2");
  const header = element(doc, "header", {}, element(doc, "tool", { "tool-id": "broadside", "tool-name": "broadside" }), element(doc, "note", {}, CODES_NOTE));
  const body = element(doc, "body", {});
  const original = basename(source.path);
  for (const unit of source.units) {
    if (only && !only.has(unit.id)) continue;
    const text = element(doc, "source", { "xml:lang": sourceLang }, ...(unit.text !== undefined ? [unit.text] : inline(doc, unit.children!)));
    const where = element(doc, "note", { from: "broadside" }, `${unit.label}, line ${unit.line} of ${original}`);
    body.appendChild(doc.createTextNode("\n"));
    body.appendChild(element(doc, "trans-unit", { id: unit.id, resname: unit.label, "xml:space": "preserve" }, text, where));
  }
  const file = element(
    doc,
    "file",
    {
      original,
      "source-language": sourceLang,
      "target-language": targetLang,
      datatype: "x-markdown",
      "tool-id": "broadside",
      "product-version": revisionOf(source.units).revision,
    },
    header,
    body,
  );
  doc.documentElement!.appendChild(file);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`;
}
