/**
 * The faces of an edition in Word's font slots, from the same stack as the HTML and PDF
 * (templates/fonts.json): Word and LibreOffice then pick the faces the PDF has.
 */
import { fontStack, loadFontsConfig } from "../html/fonts.ts";
import type { SlotFonts } from "./reference.ts";

export function slotFonts(templatesDir: string, lang: string): SlotFonts {
  const config = loadFontsConfig(templatesDir);
  const stack = fontStack(config, lang);
  const latin = config.families[0].family;
  const han = stack.families.find((f) => f.group === "han")?.family ?? latin;
  // Complex script: the edition's own (Arabic, Hebrew, Tibetan, Mongolian), else Arabic script, the
  // one most often in these letters' names.
  const own = stack.primary && !stack.primary.group ? stack.primary.family : undefined;
  const cs = own ?? config.families.find((f) => f.langs?.some((l) => l === "ar"))?.family ?? latin;
  return { latin, eastAsia: han, cs };
}

/** Complex scripts, each with an edition that sets it first (its family in fonts.json). */
const SCRIPTS: [RegExp, string][] = [
  [/\p{Script=Arabic}/u, "ar"],
  [/\p{Script=Hebrew}/u, "he"],
  [/\p{Script=Tibetan}/u, "bo"],
  [/\p{Script=Mongolian}/u, "mn-Mong"],
];

/**
 * Runs in a complex script other than the edition's (a Uyghur name in a Tibetan letter, a Tibetan
 * one in an English letter) name their face in the complex-script slot, as the PDF draws them.
 * Word's runs as the `docx` library writes them: `<w:r><w:rPr>…</w:rPr><w:t>…</w:t></w:r>`.
 */
export function withScriptFonts(xml: string, templatesDir: string, slots: SlotFonts): string {
  const config = loadFontsConfig(templatesDir);
  const faces = SCRIPTS.map(([script, lang]) => [script, fontStack(config, lang).primary?.family] as const).filter(([, face]) => face && face !== slots.cs);
  if (!faces.some(([script]) => script.test(xml))) return xml;
  return xml.replace(/<w:r>(?:<w:rPr>(.*?)<\/w:rPr>)?(<w:t\b[^>]*>([^<]*)<\/w:t>)<\/w:r>/g, (run, rPr: string | undefined, t: string, text: string) => {
    const face = faces.find(([script]) => script.test(text))?.[1];
    if (!face) return run;
    const fonts = `<w:rFonts w:cs="${face}"/>`;
    const props = rPr === undefined ? fonts : /^<w:rStyle\b[^>]*\/>/.test(rPr) ? rPr.replace(/^(<w:rStyle\b[^>]*\/>)/, `$1${fonts}`) : fonts + rPr;
    return `<w:r><w:rPr>${props}</w:rPr>${t}</w:r>`;
  });
}
