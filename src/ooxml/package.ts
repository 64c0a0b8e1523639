/**
 * A .docx package as the proof, the importer and the tests read it: parts (unzipped within zip.ts's limits), XML, relationships, properties.
 * Namespaces match by local name and a set of URIs, so "Strict Open XML" files (purl.oclc.org) read the same as transitional ones.
 */
import { DOMParser, type Document as XmlDocument, type Element as XmlElement, type Node as XmlNode } from "@xmldom/xmldom";
import { posix } from "node:path";
import { PackageError, unzipParts, zipEntries } from "./zip.ts";

export const NS = {
  w: ["http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main"],
  r: ["http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"],
  mc: ["http://schemas.openxmlformats.org/markup-compatibility/2006"],
  m: ["http://schemas.openxmlformats.org/officeDocument/2006/math", "http://purl.oclc.org/ooxml/officeDocument/math"],
  v: ["urn:schemas-microsoft-com:vml"],
  pkgRel: ["http://schemas.openxmlformats.org/package/2006/relationships"],
} as const;
/** WordprocessingML's namespace and that of relationships, as the `docx` library and Word write them. */
export const [W, R] = [NS.w[0], NS.r[0]];

export type Namespace = keyof typeof NS;

export type { XmlDocument, XmlElement, XmlNode };

/** Custom properties `broadside-fm-<key>` carry the original's front matter, one JSON value each. */
export const FRONT_MATTER_PROPERTY = "broadside-fm-";

/** Elements nested deeper than this are refused: a letter's XML nests some 20 deep. */
export const MAX_XML_DEPTH = 200;

/**
 * Parse XML text; one not well-formed, nested deeper than {@link MAX_XML_DEPTH} or with a DOCTYPE (entities are how XML reads
 * files, fetches addresses and blows up; Word never writes one) throws its reason to `fail`.
 */
export function parseXml(text: string, fail: (message: string) => Error = (message) => new Error(message)): XmlDocument {
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype)
    throw fail(
      `has a DOCTYPE (line ${text.slice(0, doctype.index).split("\n").length}), which Word and LibreOffice never write; broadside refuses XML that declares entities`,
    );
  // The parser wraps what onError throws in an error of its own: keep the first reason, throw it after.
  let broken: string | undefined;
  let doc: XmlDocument | undefined;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning") throw (broken ??= message);
      },
    }).parseFromString(text.replace(/^\uFEFF/, ""), "text/xml");
  } catch (error) {
    if (broken === undefined) throw error;
  }
  if (broken !== undefined) throw fail(`is not well-formed XML (${broken.split("\n")[0].replace(/^\[xmldom \w+\]\s*/, "")})`);
  if (!doc?.documentElement) throw fail("is not well-formed XML (no root element: empty or cut off)");
  const deep = tooDeep(doc.documentElement);
  if (deep)
    throw fail(
      `nests elements more than ${MAX_XML_DEPTH} deep (at <${deep.nodeName}>${deep.lineNumber ? `, line ${deep.lineNumber}` : ""}); a letter nests some 20 deep`,
    );
  return doc;
}

/** The first element nested past the limit, found without recursion (the recursion is what the limit protects). */
function tooDeep(root: XmlNode): (XmlNode & { lineNumber?: number }) | undefined {
  let depth = 1;
  let node: XmlNode | null = root;
  while (node) {
    if (node.firstChild) {
      node = node.firstChild;
      if (++depth > MAX_XML_DEPTH) return node;
      continue;
    }
    while (node && !node.nextSibling) {
      node = node.parentNode;
      depth--;
      if (node === root || depth <= 0) return undefined;
    }
    node = node?.nextSibling ?? null;
  }
  return undefined;
}

export { PackageError };

export function is(node: XmlNode | null | undefined, ns: Namespace, local?: string): boolean {
  if (!node || node.nodeType !== 1) return false;
  const el = node as XmlElement;
  return (NS[ns] as readonly string[]).includes(el.namespaceURI ?? "") && (local === undefined || el.localName === local);
}

/** Element children, in order. */
export const kids = (node: XmlDocument | XmlElement): XmlElement[] => Array.from(node.children);

/** The first child element `ns:local`. */
export const child = (node: XmlElement | undefined, ns: Namespace, local: string) => (node ? kids(node).find((c) => is(c, ns, local)) : undefined);

/** Every descendant element `ns:local`, in document order. */
export const descendants = (node: XmlDocument | XmlElement, ns: Namespace, local: string) =>
  Array.from(node.getElementsByTagNameNS("*", local)).filter((el) => is(el, ns));

/** An attribute in one of the namespace's URIs (`w:val`, `r:id`, …). */
export function attr(el: XmlElement | undefined, ns: Namespace, local: string): string | undefined {
  if (!el) return undefined;
  for (const uri of NS[ns]) if (el.hasAttributeNS(uri, local)) return el.getAttributeNS(uri, local) ?? undefined;
  return undefined;
}

/** A WordprocessingML on/off element: `<w:b/>` is on, `<w:b w:val="false"/>` off. */
export const isOn = (el: XmlElement) => !["0", "false", "off", "none"].includes(attr(el, "w", "val")?.toLowerCase() ?? "on");

/** The on/off property `local` of `parent`; undefined when absent. */
export function onOff(parent: XmlElement | undefined, local: string): boolean | undefined {
  const el = child(parent, "w", local);
  return el && isOn(el);
}

export interface Relationship {
  id: string;
  type: string;
  /** Package path of an internal target, or the URL of an external one. */
  target: string;
  external: boolean;
}

/**
 * Elements in all the XML parts read: the parsed tree takes about 1 kB of memory an element, so
 * this bounds the memory a package can take (a letter has some 10,000).
 */
export const MAX_XML_ELEMENTS = 200_000;

/** Start tags in XML text, counted before it is parsed (at most `limit` + 1), and where the last one counted is. */
export function startTags(text: string, limit = Infinity): { count: number; at: number } {
  let count = 0;
  let at = text.indexOf("<");
  for (; at >= 0; at = text.indexOf("<", at + 1)) {
    const next = text.charCodeAt(at + 1);
    if (next !== 47 && next !== 63 && next !== 33 && ++count > limit) break; // not </, <? or <!
  }
  return { count, at };
}

export class DocxPackage {
  private readonly xmlCache = new Map<string, XmlDocument>();
  private elements = 0;
  private readonly relsCache = new Map<string, Map<string, Relationship>>();

  private constructor(readonly parts: Record<string, Uint8Array>) {}

  static open(bytes: Uint8Array): DocxPackage {
    const entries = zipEntries(bytes);
    // Macros run when a document is opened; broadside takes documents, not programs.
    const macros = entries.find((e) => /(^|\/)vbaProject\.bin$|(^|\/)vbaData\.xml$/i.test(e.name));
    if (macros)
      throw new PackageError(
        `it contains macros (${macros.name}); broadside does not import documents with macros: open it in Word or LibreOffice, save it as a Word document (.docx, not .docm) and import that`,
      );
    // Only the XML parts are read: images and fonts stay compressed.
    const pkg = new DocxPackage(unzipParts(bytes, entries, (name) => /\.(xml|rels)$/i.test(name)));
    const types = pkg.xml("[Content_Types].xml")?.documentElement;
    const contentTypes = (types ? kids(types) : []).map((t) => t.getAttribute("ContentType") ?? "").join(" ");
    if (/macroEnabled|vbaProject/i.test(contentTypes)) {
      throw new PackageError(
        "it is a document with macros (its content types say macroEnabled); open it in Word or LibreOffice, save it as a Word document (.docx, not .docm) and import that",
      );
    }
    if (!pkg.mainPath) throw new PackageError("it is not a .docx (no main document part; a .doc or .odt must be saved as .docx first)");
    return pkg;
  }

  /** Parsed XML of a part; undefined when the part is missing. Throws PackageError on broken XML. */
  xml(path: string | undefined): XmlDocument | undefined {
    const bytes = path ? this.parts[path] : undefined;
    if (!path || !bytes) return undefined;
    const cached = this.xmlCache.get(path);
    if (cached) return cached;
    const text = new TextDecoder().decode(bytes);
    this.elements += startTags(text).count;
    if (this.elements > MAX_XML_ELEMENTS) {
      throw new PackageError(
        `its XML parts hold more than ${MAX_XML_ELEMENTS.toLocaleString("en")} elements (reading ${path}), far more than a letter (some 10,000)`,
      );
    }
    const doc = parseXml(text, (message) => new PackageError(`its part ${path} ${message}`));
    this.xmlCache.set(path, doc);
    return doc;
  }

  /** Relationships of a part ("" for the package), by id. */
  rels(source: string): Map<string, Relationship> {
    const cached = this.relsCache.get(source);
    if (cached) return cached;
    const base = posix.dirname(source); // "." for the package and for a part at its root
    const map = new Map<string, Relationship>();
    const root = this.xml(posix.join(base, "_rels", `${posix.basename(source)}.rels`))?.documentElement;
    for (const rel of root ? kids(root) : []) {
      if (!is(rel, "pkgRel", "Relationship")) continue;
      const id = rel.getAttribute("Id") ?? "";
      const type = rel.getAttribute("Type") ?? "";
      const raw = rel.getAttribute("Target") ?? "";
      const external = rel.getAttribute("TargetMode") === "External";
      let decoded = raw;
      try {
        decoded = decodeURI(raw);
      } catch {
        // keep it as written
      }
      const target = external ? raw : decoded.startsWith("/") ? decoded.slice(1) : posix.normalize(posix.join(base, decoded));
      map.set(id, { id, type, target, external });
    }
    this.relsCache.set(source, map);
    return map;
  }

  /** Internal targets of the relationships of `source` whose type ends in `/kind` (e.g. "footnotes"). */
  related(source: string, kind: string): string[] {
    return [...this.rels(source).values()].filter((r) => !r.external && r.type.endsWith(`/${kind}`)).map((r) => r.target);
  }

  get mainPath(): string | undefined {
    const fromRels = this.related("", "officeDocument")[0];
    if (fromRels && this.parts[fromRels]) return fromRels;
    return this.parts["word/document.xml"] ? "word/document.xml" : undefined;
  }

  /** The properties of docProps/custom.xml or core.xml (or where the package's relationships say), as elements. */
  private properties(kind: "custom" | "core"): XmlElement[] {
    const path = this.related("", `${kind}-properties`)[0] ?? `docProps/${kind}.xml`;
    const root = this.xml(path)?.documentElement;
    return root ? kids(root) : [];
  }

  /** docProps/custom.xml: name → value as text (any vt: type). */
  customProperties(): Map<string, string> {
    const out = new Map<string, string>();
    for (const prop of this.properties("custom")) {
      const name = prop.getAttribute("name");
      const value = kids(prop)[0];
      if (name && value) out.set(name, value.textContent ?? "");
    }
    return out;
  }

  /** docProps/core.xml: local name (title, subject, creator, description, keywords, …) → text. */
  coreProperties(): Map<string, string> {
    return new Map(this.properties("core").map((prop) => [prop.localName ?? "", (prop.textContent ?? "").trim()]));
  }
}
