/**
 * A translation tool's work on an XLIFF 1.2 file, for the tests: every unit gets a target, its
 * words replaced (test/docx-edit.ts's pseudo-translation) and its inline codes kept. Shares no
 * code with src/xliff.
 */
import { DOMParser, type Element as XmlElement, type Node as XmlNode, XMLSerializer } from "@xmldom/xmldom";
import { translateText } from "./docx-edit.ts";

export const XLIFF = "urn:oasis:names:tc:xliff:document:1.2";

/** Add a pseudo-translated target to each unit (or to those `which` accepts); `edit` may change a target after. */
export function pseudoTranslate(
  xliff: string,
  lang: string,
  which: (id: string) => boolean = () => true,
  edit?: (id: string, target: XmlElement) => void,
): string {
  return addTargets(xliff, lang, which, edit, true);
}

/** A target that is a copy of its source in each unit, state "new": how some translation tools (OmegaT 3) want an XLIFF prepared. */
export function copySourceToTarget(xliff: string, lang: string): string {
  return addTargets(xliff, lang, () => true, undefined, false);
}

function addTargets(
  xliff: string,
  lang: string,
  which: (id: string) => boolean,
  edit: ((id: string, target: XmlElement) => void) | undefined,
  translate: boolean,
): string {
  const doc = new DOMParser().parseFromString(xliff, "text/xml");
  doc.documentElement!.getElementsByTagNameNS(XLIFF, "file")[0].setAttribute("target-language", lang);
  for (const tu of Array.from(doc.getElementsByTagNameNS(XLIFF, "trans-unit"))) {
    const id = tu.getAttribute("id")!;
    if (!which(id)) continue;
    const source = tu.getElementsByTagNameNS(XLIFF, "source")[0];
    const target = source.cloneNode(true) as XmlElement;
    Object.defineProperty(target, "localName", { value: "target" });
    const fresh = doc.createElementNS(XLIFF, "target");
    fresh.setAttribute("xml:lang", lang);
    fresh.setAttribute("state", translate ? "translated" : "new");
    for (let c = target.firstChild; c; c = c.nextSibling) fresh.appendChild(c.cloneNode(true));
    const words = (node: XmlNode) => {
      if (node.nodeType === 3) node.nodeValue = translateText(node.nodeValue ?? "");
      // Code content (a note call's `[^3]`, inline code) is not words.
      if (node.nodeType === 1 && (node as XmlElement).localName === "ph") return;
      for (let c = node.firstChild; c; c = c.nextSibling) words(c);
    };
    if (translate && !id.startsWith("signatory-")) words(fresh);
    edit?.(id, fresh);
    tu.insertBefore(fresh, source.nextSibling);
  }
  return new XMLSerializer().serializeToString(doc);
}
