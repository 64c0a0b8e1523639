/**
 * The pieces of OOXML the `docx` library has no option for, in one place: each is a component put
 * where the schema wants it; none edits the XML the library writes.
 */
import { createHash } from "node:crypto";
import {
  BuilderElement,
  ConcreteHyperlink,
  type Document,
  type IContext,
  type IRunOptions,
  NextAttributeComponent,
  OnOffElement,
  type ParagraphChild,
  Run,
  StringContainer,
  TextRun,
  XmlComponent,
} from "docx";
import { R } from "../ooxml/package.ts";

class InstructionText extends XmlComponent {
  constructor(instruction: string) {
    super("w:instrText");
    this.root.push(new NextAttributeComponent({ space: { key: "xml:space", value: "preserve" } }), instruction);
  }
}

const fieldChar = (type: "begin" | "separate" | "end") =>
  new BuilderElement<{ type: string }>({ name: "w:fldChar", attributes: { type: { key: "w:fldCharType", value: type } } });

/**
 * A NOTEREF field to the bookmark on a note's first reference: Word's own way to show one note's
 * number again. `shown` is the cached result, what a reader sees before fields are updated.
 */
export function noteRefField(bookmark: string, shown: string, style: string): Run[] {
  return [
    new Run({ style, children: [fieldChar("begin")] }),
    new Run({ style, children: [new InstructionText(` NOTEREF ${bookmark} \\f \\h `)] }),
    new Run({ style, children: [fieldChar("separate")] }),
    new Run({ style, text: shown }),
    new Run({ style, children: [fieldChar("end")] }),
  ];
}

/**
 * A run Word draws from its complex-script slot (`w:cs`): else Arabic, Tibetan and Mongolian letters fall to the Latin face in Word.
 * `w:cs` follows `w:rtl` in CT_RPr and comes before `w:em` and `w:lang`, which these runs do not set.
 */
export class ComplexScriptRun extends TextRun {
  constructor(options: Omit<IRunOptions, "language" | "emphasisMark" | "eastAsianLayout" | "specVanish" | "math" | "revision">) {
    super(options);
    this.properties.push(new OnOffElement("w:cs", true));
  }
}

/**
 * An external hyperlink whose relationship id counts the part's relationships (the library's is random): the same source gives the same bytes.
 * As the library does, a fragment goes to `w:anchor` (Word escapes a `#` in a target).
 */
export class Hyperlink extends XmlComponent {
  constructor(
    private readonly link: string,
    private readonly children: readonly ParagraphChild[],
  ) {
    super("w:hyperlink");
  }

  override prepForXml(context: IContext) {
    const relationships = context.viewWrapper.Relationships;
    const id = `Link${relationships.RelationshipCount + 1}`;
    const hash = this.link.indexOf("#");
    // A fragment of 1 to 255 characters, as the library takes one.
    const anchor = hash > 0 && hash < this.link.length - 1 && this.link.length - hash - 1 <= 255 ? this.link.slice(hash + 1) : undefined;
    relationships.addRelationship(id, `${R}/hyperlink` as const, anchor ? this.link.slice(0, hash) : this.link, "External");
    return new ConcreteHyperlink(this.children, id, anchor, this.link).prepForXml(context);
  }
}

/**
 * Each embedded face's obfuscation key made from its bytes, where the library draws a random one:
 * the same source gives the same bytes. The font table holds the key already, so it is set there too.
 */
export function stableFontKeys(doc: Document) {
  const keys = new Map<string, string>();
  for (const file of doc.FontTable.files) {
    const hex = createHash("sha256").update(file.data).digest("hex");
    const key = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    keys.set(`{${file.fontKey.toUpperCase()}}`, `{${key.toUpperCase()}}`);
    (file as { fontKey: string }).fontKey = key;
  }
  const visit = (component: unknown) => {
    const root = (component as { root?: unknown }).root;
    if (Array.isArray(root)) root.forEach(visit);
    else if (root && typeof root === "object" && "fontKey" in root) {
      const attribute = root.fontKey as { value: string };
      attribute.value = keys.get(attribute.value) ?? attribute.value;
    }
  };
  visit(doc.FontTable.View);
}

/** The children of a component the library built (its `root`), for the elements it has no option for. */
const childrenOf = (component: unknown) => (component as { root: unknown[] }).root;
const nameOf = (child: unknown) => (child as { rootKey?: string }).rootKey;

/** `child` into `parent`, before the first of the elements that follow it in the schema. */
function insertBefore(parent: unknown, child: XmlComponent, following: readonly string[]) {
  const root = childrenOf(parent);
  const at = root.findIndex((c) => following.includes(nameOf(c) ?? ""));
  root.splice(at < 0 ? root.length : at, 0, child);
}

/** The section properties of a document's body: the last section's, and those kept for the paragraphs that end the others. */
function sectionsOf(doc: Document): unknown[] {
  const body = doc.Document.View.Body as unknown as { sections?: unknown[]; sectionParagraphs?: Map<unknown, unknown> };
  if (!Array.isArray(body.sections) || !(body.sectionParagraphs instanceof Map))
    throw new Error("docx: the body keeps its sections in another form than broadside knows: update src/docx/components.ts");
  return [...body.sectionParagraphs.values(), ...body.sections];
}

/** Every section right to left (`w:bidi`): its columns run from the right. */
export function rightToLeftSections(doc: Document) {
  for (const section of sectionsOf(doc))
    insertBefore(section, new OnOffElement("w:bidi", true), ["w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"]);
}

/** Chinese and Japanese: Word's strict East Asian line breaking (no line starts with small kana or closing marks). */
export function strictLineBreaks(doc: Document) {
  insertBefore(doc.Settings, new OnOffElement("w:strictFirstAndLastChars", true), ["w:updateFields", "w:compat"]);
}

/** The build date as the document's creation and change (two builds give the same bytes), and its language. */
export function coreDateAndLanguage(doc: Document, date: Date, language: string) {
  const root = childrenOf(doc.CoreProperties);
  // The library's two timestamps: their type attribute, then the clock's time, which the date replaces.
  const stamps = root.filter((c) => ["dcterms:created", "dcterms:modified"].includes(nameOf(c) ?? ""));
  for (const stamp of stamps) childrenOf(stamp).splice(1, 1, date.toISOString().replace(/\.\d{3}Z$/, "Z"));
  root.push(new StringContainer("dc:language", language));
}
