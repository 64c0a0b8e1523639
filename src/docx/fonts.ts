/**
 * The faces of an edition in Word's font slots, from the same stack as the HTML and PDF
 * (templates/fonts.json): Word and LibreOffice then pick the faces the PDF has.
 */
import { type FontsConfig, fontStack, hasBold } from "../html/fonts.ts";
import { COMPLEX_SCRIPTS } from "../language.ts";
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
  return { latin, eastAsia: han, cs, ...(stack.primary?.group ? { hint: "eastAsia" as const } : {}), ...(hasBold(stack) ? {} : { noBold: true }) };
}

/** The face of each complex script's runs (by the script's edition, templates/fonts.json) where it is not the edition's own complex-script face. */
export function scriptFaces(config: FontsConfig, slots: SlotFonts): Map<string, string> {
  const faces = new Map<string, string>();
  for (const { lang } of COMPLEX_SCRIPTS) {
    const face = fontStack(config, lang).primary?.family;
    if (face && face !== slots.cs) faces.set(lang, face);
  }
  return faces;
}
