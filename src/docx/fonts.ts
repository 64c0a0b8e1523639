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
