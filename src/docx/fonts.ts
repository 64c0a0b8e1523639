/**
 * The faces of an edition in Word's font slots, from the same stack as the HTML and PDF
 * (templates/fonts.json): Word and LibreOffice then pick the faces the PDF has.
 */
import { type FontsConfig, fontStack, hasBold } from "../html/fonts.ts";
import type { SlotFonts } from "./reference.ts";

export function slotFonts(config: FontsConfig, lang: string): SlotFonts {
  const stack = fontStack(config, lang);
  const latin = config.families[0].family;
  const han = stack.families.find((f) => f.group === "han")?.family ?? latin;
  // Complex script: the edition's own (Arabic, Hebrew, Tibetan, Mongolian), else Arabic script, the
  // one most often in these letters' names.
  const own = stack.primary && !stack.primary.group ? stack.primary.family : undefined;
  const cs = own ?? config.families.find((f) => f.langs?.some((l) => l === "ar"))?.family ?? latin;
  // Word gives “ ” and other shared marks to the Latin face unless told the text is East Asian.
  return { latin, eastAsia: han, cs, ...(stack.primary?.group ? { hint: "eastAsia" as const } : {}) };
}

/** Complex scripts, each with an edition that sets it first (its family in fonts.json). */
const SCRIPTS: [RegExp, string][] = [
  [/\p{Script=Arabic}/u, "ar"],
  [/\p{Script=Hebrew}/u, "he"],
  [/\p{Script=Tibetan}/u, "bo"],
  [/\p{Script=Mongolian}/u, "mn-Mong"],
];

/** A stretch of complex-script text: from one such letter to the last, with the spaces and marks between. */
const COMPLEX = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Tibetan}\p{Script=Mongolian}](?:[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Tibetan}\p{Script=Mongolian}\p{Script=Common}\p{Script=Inherited}]*[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Tibetan}\p{Script=Mongolian}\p{M}])?/gu;

/** Elements that come after w:cs in a run's properties (CT_RPr's order). */
const AFTER_CS = /<w:(em|lang|eastAsianLayout|specVanish|oMath)\b/;

/**
 * Complex-script text in its own runs marked `w:cs`: Word draws a run's characters with the
 * complex-script face only when the run says so (else Arabic, Tibetan and Mongolian letters fall to
 * the Latin face), where LibreOffice goes by the characters. A stretch in another script than the
 * edition's (a Uyghur name in a Tibetan letter) also names its face.
 * Word's runs as the `docx` library writes them: `<w:r><w:rPr>…</w:rPr><w:t>…</w:t></w:r>`.
 */
export function withScriptFonts(xml: string, config: FontsConfig, slots: SlotFonts): string {
  if (!SCRIPTS.some(([script]) => script.test(xml))) return xml;
  const faces = SCRIPTS.map(([script, lang]) => [script, fontStack(config, lang).primary?.family ?? slots.cs] as const);
  // The properties never run past their own end: a run without text (a note reference) is passed by.
  return xml.replace(/<w:r>(?:<w:rPr>((?:(?!<\/w:rPr>).)*)<\/w:rPr>)?<w:t\b[^>]*>([^<]*)<\/w:t><\/w:r>/g, (run, rPr: string | undefined, text: string) => {
    const pieces: { text: string; complex: boolean }[] = [];
    let at = 0;
    for (const match of text.matchAll(COMPLEX)) {
      if (match.index > at) pieces.push({ text: text.slice(at, match.index), complex: false });
      pieces.push({ text: match[0], complex: true });
      at = match.index + match[0].length;
    }
    if (!pieces.some((p) => p.complex)) return run;
    if (at < text.length) pieces.push({ text: text.slice(at), complex: false });
    const props = rPr ?? "";
    return pieces
      .map((piece) => {
        if (!piece.complex) return `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ""}<w:t xml:space="preserve">${piece.text}</w:t></w:r>`;
        const face = faces.find(([script]) => script.test(piece.text))?.[1];
        const fonts = face && face !== slots.cs ? `<w:rFonts w:cs="${face}"/>` : "";
        let marked = /^<w:rStyle\b[^>]*\/>/.test(props) ? props.replace(/^(<w:rStyle\b[^>]*\/>)/, `$1${fonts}`) : fonts + props;
        const after = AFTER_CS.exec(marked);
        marked = after ? `${marked.slice(0, after.index)}<w:cs/>${marked.slice(after.index)}` : `${marked}<w:cs/>`;
        return `<w:r><w:rPr>${marked}</w:rPr><w:t xml:space="preserve">${piece.text}</w:t></w:r>`;
      })
      .join("");
  });
}

/**
 * An edition whose face has no bold (Mongolian script): its styles set headings by size only, as
 * the HTML and PDF do, so Word does not fake a bold.
 */
export function withoutSyntheticBold(stylesXml: string, config: FontsConfig, lang: string): string {
  if (hasBold(fontStack(config, lang))) return stylesXml;
  return stylesXml.replace(/<w:bCs?(?: w:val="(?:1|true|on)")?\/>/g, "");
}
