/**
 * Direction and script in the .docx. Word decides a run's direction and font slot from its
 * properties, not from its characters alone: a run of Arabic or Hebrew script is marked `w:rtl`
 * and names its face in the complex-script slot (`w:rFonts w:cs`); a run of Mongolian script names
 * the Mongolian face in every slot. In a right-to-left letter every paragraph and every section
 * is `w:bidi` too, so that lines start at the right and the signatory columns run from the right.
 */
import { DOMParser, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { strFromU8, strToU8 } from "fflate";

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const ARABIC = "\\p{Script=Arabic}";
const HEBREW = "\\p{Script=Hebrew}";
const MONGOLIAN = "\\p{Script=Mongolian}";
/** A run of one script: its letters, with the marks, digits, spaces and punctuation between them. */
const SCRIPT_RUN = new RegExp(
  `([${ARABIC}][${ARABIC}\\p{M}\\p{Nd} \\u200c\\u200d\\u060c\\u061b\\u061f«»\\-.]*[${ARABIC}\\p{M}]|[${ARABIC}])` +
    `|([${HEBREW}][${HEBREW}\\p{M}\\p{Nd} \\-."'״׳]*[${HEBREW}\\p{M}]|[${HEBREW}])` +
    `|([${MONGOLIAN}][${MONGOLIAN}\\p{M} \\u202f\\u180e\\u200c\\u200d\\u1802-\\u1805]*[${MONGOLIAN}\\p{M}\\u1802-\\u1805]|[${MONGOLIAN}])`,
  "gu",
);

/** The faces broadside ships for these scripts (templates/fonts.json has the same families for the HTML and PDF). */
export const SCRIPT_FONTS = { arabic: "Noto Naskh Arabic", hebrew: "Noto Serif Hebrew", mongolian: "Noto Sans Mongolian" } as const;
export type Script = keyof typeof SCRIPT_FONTS;

export interface ScriptRun {
  text: string;
  script?: Script;
  /** Right to left without a script of its own: punctuation and spaces in a right-to-left paragraph. */
  rtl?: boolean;
}

/**
 * The text cut where it changes between Arabic, Hebrew or Mongolian script and anything else. In
 * a right-to-left paragraph, punctuation and spaces between are right to left too: Word places
 * the neutral characters of a run by the run's direction, and a full stop would go to the left.
 */
export function scriptRuns(text: string, rtlParagraph = false): ScriptRun[] {
  const out: ScriptRun[] = [];
  let at = 0;
  const rest = (piece: string) => out.push(rtlParagraph && !/[\p{L}\p{N}]/u.test(piece) ? { text: piece, rtl: true } : { text: piece });
  for (const match of text.matchAll(SCRIPT_RUN)) {
    if (match.index > at) rest(text.slice(at, match.index));
    out.push({ text: match[0], script: match[1] ? "arabic" : match[2] ? "hebrew" : "mongolian" });
    at = match.index + match[0].length;
  }
  if (at < text.length || out.length === 0) rest(text.slice(at));
  return out;
}

/** The run properties a script asks for: direction and the face in the slot Word draws it from. */
export function scriptFormatting({ script, rtl }: ScriptRun): { rightToLeft?: boolean } {
  // The faces of each script's runs are named by withScriptFonts (src/docx/index.ts), once.
  if (!script) return rtl ? { rightToLeft: true } : {};
  return script === "mongolian" ? {} : { rightToLeft: true };
}

/** pPr children that come after w:bidi in the schema's order (CT_PPrBase). */
const AFTER_BIDI = new Set(["adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]);
/** sectPr children that come after w:bidi (CT_SectPr). */
const SECT_AFTER_BIDI = new Set(["rtlGutter", "docGrid", "printerSettings", "sectPrChange"]);

function insertBidi(doc: ReturnType<DOMParser["parseFromString"]>, parent: XmlElement, after: Set<string>) {
  for (let c = parent.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as XmlElement).localName === "bidi") return;
  const bidi = doc.createElementNS(W, "w:bidi");
  let before: XmlElement | null = null;
  for (let c = parent.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1 && after.has((c as XmlElement).localName ?? "")) {
      before = c as XmlElement;
      break;
    }
  }
  parent.insertBefore(bidi, before);
}

/** Every paragraph and section of these parts made right to left (`w:bidi`), in the schema's order. */
export function rightToLeftParts(files: Record<string, Uint8Array>) {
  const names = Object.keys(files).filter((n) => /^word\/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$/.test(n));
  for (const name of names) {
    const doc = new DOMParser().parseFromString(strFromU8(files[name]), "text/xml");
    for (const p of Array.from(doc.getElementsByTagNameNS(W, "p"))) {
      let pPr = p.firstChild && p.firstChild.nodeType === 1 && (p.firstChild as XmlElement).localName === "pPr" ? (p.firstChild as XmlElement) : undefined;
      if (!pPr) {
        pPr = doc.createElementNS(W, "w:pPr");
        p.insertBefore(pPr, p.firstChild);
      }
      insertBidi(doc, pPr, AFTER_BIDI);
    }
    for (const sectPr of Array.from(doc.getElementsByTagNameNS(W, "sectPr"))) insertBidi(doc, sectPr, SECT_AFTER_BIDI);
    files[name] = strToU8(new XMLSerializer().serializeToString(doc));
  }
}
