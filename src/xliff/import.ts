/**
 * A translated XLIFF 1.2 file → each unit's tokens, checked like a .docx (each note call kept once; addresses and inline code
 * from the source by code id). The file is a stranger's: bounded in bytes, depth and elements, no DOCTYPE.
 */
import type { Definition, FootnoteReference, Nodes, PhrasingContent } from "mdast";
import { DOMParser, type Document as XmlDocument, type Element as XmlElement, type Node as XmlNode } from "@xmldom/xmldom";
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { fail, warn } from "../messages.ts";
import { MARK_OF, type Marks, PLAIN, type Token } from "../import/read.ts";
import { MAX_XML_ELEMENTS, startTags } from "../ooxml/package.ts";
import { CODES, codeIds, XLIFF_NS } from "./export.ts";
import type { Unit } from "./units.ts";

export const MAX_XLIFF_BYTES = 48 * 1024 * 1024;
const MAX_DEPTH = 64;
/** A letter's XLIFF has a few thousand elements; the .docx import reads at most as many in one package. */
const MAX_ELEMENTS = MAX_XML_ELEMENTS;

export type Place = { line: number; column: number };

export interface XliffFile {
  original: string;
  targetLang?: string;
  /** Where its <file> element starts. */
  at?: Place;
  /** trans-unit id → its element. */
  units: Map<string, XmlElement>;
}

/** Read and bound an XLIFF 1.2 file; undefined (with an error on `file`) when it is not one. */
export function readXliff(bytes: Uint8Array, file: VFile): XliffFile | undefined {
  const refuse = (reason: string, at: Place | undefined, rule = "xliff-unreadable") => {
    fail(file, reason, at, rule);
    return undefined;
  };
  let text: string;
  // Every XML reader takes UTF-16 too (XML 1.0, 4.3.3), which some translation tools write: told by its byte-order mark.
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : "utf-8";
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return refuse(`The XLIFF file is not ${encoding.toUpperCase()} text; save it as UTF-8`, { line: 1, column: 1 });
  }
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype)
    return refuse(
      "The XLIFF file has a DOCTYPE (a document type declaration, which can define entities); XLIFF needs none: save it again from the translation tool",
      { line: text.slice(0, doctype.index).split("\n").length, column: 1 },
      "xliff-doctype",
    );
  // Counted before the parser builds them (its tree costs about a kilobyte an element); no element is without its start tag.
  const opened = startTags(text, MAX_ELEMENTS);
  if (opened.count > MAX_ELEMENTS)
    return refuse(
      `The XLIFF file has more than ${MAX_ELEMENTS.toLocaleString("en")} elements, far more than a letter's`,
      { line: text.slice(0, opened.at).split("\n").length, column: opened.at - text.lastIndexOf("\n", opened.at - 1) },
      "xliff-too-large",
    );
  let doc: XmlDocument;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning") throw new Error(message);
      },
    }).parseFromString(text, "text/xml");
  } catch (error) {
    return refuse(`The XLIFF file is not well-formed XML: ${(error as Error).message.split("\n")[0]}`, undefined);
  }
  // Depth, walked without recursion: the tree is a stranger's.
  const stack: [XmlNode, number][] = [[doc, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) return refuse(`The XLIFF file nests elements more than ${MAX_DEPTH} deep`, place(node), "xliff-too-deep");
    for (let c = node.firstChild; c; c = c.nextSibling) stack.push([c, depth + 1]);
  }
  const root = doc.documentElement;
  if (!root || root.localName !== "xliff" || root.namespaceURI !== XLIFF_NS || root.getAttribute("version") !== "1.2")
    return refuse('Not an XLIFF 1.2 file (the root must be <xliff version="1.2"> in the XLIFF 1.2 namespace)', { line: 1, column: 1 });
  const files = Array.from(root.getElementsByTagNameNS(XLIFF_NS, "file"));
  if (files.length !== 1) return refuse(`The XLIFF file has ${files.length} <file> elements; broadside reads one letter a file`, { line: 1, column: 1 });
  const units = new Map<string, XmlElement>();
  for (const tu of Array.from(files[0].getElementsByTagNameNS(XLIFF_NS, "trans-unit"))) {
    const id = tu.getAttribute("id") ?? "";
    if (units.has(id)) warn(file, `trans-unit ${id} appears twice; the first is taken`, place(tu), "xliff-duplicate-unit");
    else units.set(id, tu);
  }
  return {
    original: files[0].getAttribute("original") ?? "",
    targetLang: files[0].getAttribute("target-language") ?? undefined,
    at: place(files[0]),
    units,
  };
}

export function place(node: XmlNode | undefined): Place | undefined {
  return node?.lineNumber ? { line: node.lineNumber, column: node.columnNumber ?? 1 } : undefined;
}

/** Phrasing content (of the source, or of an edition) → the import's tokens; calls as `note:N`. */
export function phrasingTokens(nodes: PhrasingContent[], definitions: Map<string, Definition>): Token[] {
  const tokens: Token[] = [];
  const walk = (node: Nodes, marks: Marks, link?: string) => {
    if (node.type === "break") tokens.push({ type: "break" });
    else if (node.type === "footnoteReference") tokens.push({ type: "call", note: `note:${node.data?.noteNumber ?? 0}` });
    else if (node.type === "inlineCode") tokens.push({ type: "text", value: node.value, ...marks, code: true, link });
    else if (node.type === "image" || node.type === "imageReference") {
      if (node.alt) tokens.push({ type: "text", value: node.alt, ...marks, link });
    } else if ("children" in node) {
      const mark = MARK_OF[node.type as keyof typeof MARK_OF];
      const url = node.type === "link" ? node.url : node.type === "linkReference" ? (definitions.get(node.identifier)?.url ?? link) : link;
      for (const c of node.children) walk(c as Nodes, mark ? { ...marks, [mark]: true } : marks, url);
    } else if ("value" in node && typeof node.value === "string") tokens.push({ type: "text", value: node.value, ...marks, link });
  };
  for (const n of nodes) walk(n, PLAIN);
  return tokens;
}

/** Images and raw HTML among `nodes`, which an imported translation cannot carry (its tokens are text, calls and breaks): a warning naming them. */
export function warnLeftOut(file: VFile, where: string, nodes: Nodes[], at: Place | undefined) {
  const left: string[] = [];
  for (const n of nodes)
    visit(n, (node) => {
      if (node.type === "image" || node.type === "imageReference") left.push(`the image “${node.alt ?? ""}”`);
      else if (node.type === "html") left.push("raw HTML");
    });
  if (left.length)
    warn(
      file,
      `${where}: ${left.join(", ")} of the source ${left.length === 1 ? "is" : "are"} not imported, as from a .docx; add ${left.length === 1 ? "it" : "them"} to the edition's Markdown by hand`,
      at,
      "xliff-code",
    );
}

/** The span a `<g>` stands for by its ctype, as the export writes it (a Map: the ctype is a stranger's). */
const G_SPANS = new Map(Object.keys(MARK_OF).map((type) => [CODES[type as keyof typeof MARK_OF]![1], type as keyof typeof MARK_OF]));

/** A target element's inline content → tokens, as the source's phrasing with the source's nodes for its codes; problems on `file` at the unit. */
export function targetTokens(target: XmlElement, unit: Unit, definitions: Map<string, Definition>, file: VFile, tu: XmlElement): Token[] {
  // The source unit's codes by code id (as export.ts numbers them): the node each stands for.
  const codes = new Map<string, Nodes>();
  const idOf = codeIds();
  for (const c of unit.children ?? [])
    visit(c, (node) => {
      const id = idOf(node);
      if (id !== undefined) codes.set(id, node);
    });
  const calls = new Map([...codes].filter((code): code is [string, FootnoteReference] => code[1].type === "footnoteReference"));
  const seen = new Set<string>();
  const at = place(tu);
  const where = `trans-unit ${unit.id} (${unit.label})`;
  const call = (id: string): PhrasingContent[] => {
    const ref = calls.get(id);
    if (!ref) fail(file, `${where}: a note call (code ${id}) that the source's unit does not have; the notes must be the original's`, at, "xliff-note-call");
    else if (seen.has(id))
      fail(file, `${where}: the note call ${id} (to note ${ref.data?.noteNumber ?? 0}) appears twice; keep it once`, at, "xliff-note-call");
    else {
      seen.add(id);
      return [ref];
    }
    return [];
  };
  const walk = (node: XmlNode): PhrasingContent[] => {
    if (node.nodeType === 3 || node.nodeType === 4) {
      // A tool that flattened the call's code to its text (through PO) leaves `[^3]`: that call (a second time, refused as twice).
      return (node.nodeValue ?? "").split(/(\[\^\d+\])/).flatMap((piece, i): PhrasingContent[] => {
        if (i % 2 === 0) return piece ? [{ type: "text", value: piece }] : [];
        const ids = [...calls].filter(([, ref]) => (ref.data?.noteNumber ?? 0) === Number(piece.slice(2, -1))).map(([key]) => key);
        const id = ids.find((key) => !seen.has(key)) ?? ids[0];
        if (id) return call(id);
        // Text of the source stays text; a call to another note would be shown as `[^7]` in the edition.
        if (toString(unit.children ?? []).includes(piece)) return [{ type: "text", value: piece }];
        fail(file, `${where}: \`${piece}\` is a note call the source's unit does not have; the notes must be the original's`, at, "xliff-note-call");
        return [];
      });
    }
    if (node.nodeType !== 1 || (node as XmlElement).namespaceURI !== XLIFF_NS) return [];
    const el = node as XmlElement;
    const id = el.getAttribute("id") ?? "";
    const ctype = el.getAttribute("ctype") ?? "";
    const name = el.localName;
    const code = codes.get(id);
    const children = () => Array.from(el.childNodes).flatMap(walk);
    if ((name === "x" || name === "ph") && (calls.has(id) || ctype === "x-note-call")) return call(id);
    if (name === "x" && (ctype === "lb" || code?.type === "break")) {
      seen.add(id);
      return [{ type: "break" }];
    }
    // Inline code comes back from the source; an image or HTML code is not text (said below).
    if (name === "ph") {
      // A copy of a code (XLIFF 2.0's copyOf; 1.2 ids name the source's code) is kept, but the source's text it repeats is said.
      if (code?.type === "inlineCode" && seen.has(id))
        warn(
          file,
          `${where}: the inline code \`${code.value}\` (code ${id}) appears more than once in the translation; each copy is kept`,
          place(el) ?? at,
          "xliff-code",
        );
      seen.add(id);
      return code?.type === "inlineCode" ? [code] : [];
    }
    if (name === "g") {
      seen.add(id);
      if (code?.type === "link" || code?.type === "linkReference") return [{ ...code, children: children() }];
      const span = G_SPANS.get(ctype);
      return span ? [{ type: span, children: children() }] : children();
    }
    // bx, ex, bpt, ept, it: paired codes carry no text
    return name === "mrk" ? children() : [];
  };
  const tokens = phrasingTokens(Array.from(target.childNodes).flatMap(walk), definitions);
  for (const [id, ref] of calls)
    if (!seen.has(id))
      fail(
        file,
        `${where}: the note call to note ${ref.data?.noteNumber ?? 0} (code ${id}) was dropped from the translation; put it back where the sentence needs it`,
        at,
        "xliff-note-call",
      );
  // Kept or dropped by the translator, an image or raw HTML cannot come back: said, as the .docx import says it.
  warnLeftOut(file, where, unit.children ?? [], at);
  const lost = [...codes].flatMap(([id, node]) => ((node.type === "link" || node.type === "linkReference") && !seen.has(id) ? [node] : []));
  if (lost.length) {
    const urls = lost.map((l) => (l.type === "link" ? l.url : (definitions.get(l.identifier)?.url ?? "")));
    warn(
      file,
      `${where}: ${lost.length === 1 ? "a link" : `${lost.length} links`} of the source (${urls.join(", ")}) dropped from the translation`,
      at,
      "xliff-code",
    );
  }
  return tokens;
}
