/**
 * A namespace-aware XML tree for the DOCX reader, parsed with saxes (jsdom's XML parser): the
 * elements with their namespace, local name, attributes and text, nothing else. @xmldom/xmldom
 * 0.9 compiles a Unicode regular expression for every end tag, which made reading back the
 * .docx of the letter ×50 take longer than writing it (1.2 s; and 83× the letter's time for
 * 48× its size); saxes reads the same parts in a fraction of that.
 */
import { SaxesParser } from "saxes";

interface Attribute {
  name: string;
  local: string;
  uri: string;
  value: string;
}

export class XmlElement {
  readonly children: XmlElement[] = [];
  /** Text and child elements in order, for textContent. */
  readonly #content: (string | XmlElement)[] = [];

  /** The attributes: a few an element, so a list (fewer objects to collect than maps). */
  readonly #attributes: Attribute[];

  constructor(
    readonly namespaceURI: string | null,
    readonly localName: string,
    attributes: Attribute[],
  ) {
    this.#attributes = attributes;
  }

  getAttribute(name: string): string | null {
    return this.#attributes.find((a) => a.name === name)?.value ?? null;
  }

  getAttributeNS(namespace: string, local: string): string | null {
    return this.#attributes.find((a) => a.local === local && a.uri === namespace)?.value ?? null;
  }

  hasAttributeNS(namespace: string, local: string): boolean {
    return this.#attributes.some((a) => a.local === local && a.uri === namespace);
  }

  /** All the text inside, as the DOM's textContent. */
  get textContent(): string {
    return this.#content.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }

  append(child: string | XmlElement) {
    this.#content.push(child);
    if (typeof child !== "string") this.children.push(child);
  }
}

/** Parse an XML part; a part that is not well-formed XML throws, naming `where`. */
export function parseXml(text: string, where: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let error: Error | undefined;
  parser.on("error", (e) => {
    error ??= e;
  });
  parser.on("opentag", (tag) => {
    const element = new XmlElement(tag.uri || null, tag.local, Object.values(tag.attributes));
    if (stack.length) stack[stack.length - 1].append(element);
    else root ??= element;
    stack.push(element);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", (text) => {
    if (stack.length) stack[stack.length - 1].append(text);
  });
  parser.on("cdata", (text) => {
    if (stack.length) stack[stack.length - 1].append(text);
  });
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= e as Error;
  }
  if (error) throw new Error(`${where} is not well-formed XML: ${error.message}`);
  if (!root) throw new Error(`${where} has no root element`);
  return root;
}
