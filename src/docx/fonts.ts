/**
 * The PDF's faces (templates/fonts.json) in Word's font slots, and embedded so a translator without Noto fonts sees the letter as printed:
 * a family only where one file has every character of the letter it draws (the Han faces, split over several files, would need merging).
 */
import type { IPropertiesOptions } from "docx";
import type { Letter } from "../letter.ts";
import { characters } from "../html/cmap.ts";
import { type Face, type FontsConfig, facesFor, fontStack, hasBold, subsetFace } from "../html/fonts.ts";
import { COMPLEX_SCRIPTS } from "../language.ts";

/** The faces of an edition in Word's slots: Latin, East Asian (the Han face) and complex script. */
export function slotFonts(config: FontsConfig, lang: string) {
  const stack = fontStack(config, lang);
  const latin = config.families[0].family;
  // Complex script: the edition's own (Arabic, Hebrew, Tibetan, Mongolian), else Arabic, the script most often in these letters' names.
  const own = stack.primary && !stack.primary.group ? stack.primary.family : undefined;
  const cs = own ?? config.families.find((f) => f.langs?.some((l) => l === "ar"))?.family ?? latin;
  return {
    latin,
    eastAsia: stack.families.find((f) => f.group === "han")?.family ?? latin,
    cs,
    // Chinese and Japanese: Word gives “ ” and other shared marks to the Latin face unless told the text is East Asian.
    hint: stack.primary?.group ? ("eastAsia" as const) : undefined,
    // A face without bold (Mongolian script): styles set headings by size only, as the HTML and PDF do, so Word fakes none.
    noBold: !hasBold(stack),
  };
}
export type SlotFonts = ReturnType<typeof slotFonts>;

/** The face of each complex script's runs (by the script's edition, templates/fonts.json) where it is not the edition's own complex-script face. */
export function scriptFaces(config: FontsConfig, slots: SlotFonts): Map<string, string> {
  const faces = new Map<string, string>();
  for (const { lang } of COMPLEX_SCRIPTS) {
    const face = fontStack(config, lang).primary?.family;
    if (face && face !== slots.cs) faces.set(lang, face);
  }
  return faces;
}

/** One embedded font, as the `docx` library's Document takes it (`fonts`). */
type EmbeddedFont = NonNullable<IPropertiesOptions["fonts"]>[number];

/** Page furniture Word draws besides the letter's text (page numbers, list markers). */
const FURNITURE = "0123456789 ./–-()";

/** Characters of the Latin face, or of no script of their own. */
const SHARED = /[\p{Script=Common}\p{Script=Inherited}\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;

/**
 * The one face file that has every character `needed` of the letter (those the family has at
 * all), and the letter's characters it has; none when they are spread over several files.
 */
function oneFile(faces: Face[], points: number[], needed: (point: number) => boolean): { file: string; points: number[] } | undefined {
  const wanted = points.filter(needed);
  if (wanted.length === 0) return undefined;
  const has = faces.map((f) => characters(f.file));
  const must = wanted.filter((p) => has.some((h) => h.has(p)));
  if (must.length === 0) return undefined;
  const whole = has.findIndex((h) => must.every((p) => h.has(p)));
  return whole < 0 ? undefined : { file: faces[whole].file, points: points.filter((p) => has[whole].has(p)) };
}

/** `faces`: the face of each complex script a run may name (scriptFaces). */
export async function embeddedFonts(letter: Letter, config: FontsConfig, slots: SlotFonts, faces: Map<string, string>): Promise<EmbeddedFont[]> {
  const { meta, language } = letter;
  const text =
    String(letter.file.value ?? "") + meta.title + (meta.subtitle ?? "") + meta.shortTitle + language.words.page + language.words.continued + FURNITURE;
  const points = [...new Set(Array.from(text, (c) => c.codePointAt(0)!))].filter((p) => p > 0x20);
  const names = new Set([slots.latin, slots.eastAsia, slots.cs, ...faces.values()]);
  const fonts: EmbeddedFont[] = [];
  for (const family of config.families.filter((f) => names.has(f.family))) {
    const faceOf = async (style: string, weight: string) => {
      const faces = facesFor(family, style, weight).filter((f) => f.style === style && f.weight === weight);
      const found = oneFile(faces, points, needed);
      return found && subsetFace(found.file, found.points, "truetype");
    };
    // The Latin face must have all the letter's characters it has in one file; another family, the
    // letters of its own script (Word gives digits and Latin letters to the Latin face).
    const needed = family === config.families[0] ? () => true : (p: number) => !SHARED.test(String.fromCodePoint(p));
    const data = await faceOf("normal", "400");
    if (!data) continue;
    const [bold, italic, boldItalic] = [await faceOf("normal", "700"), await faceOf("italic", "400"), await faceOf("italic", "700")];
    fonts.push({ name: family.family, data, bold, italic, boldItalic }); // a face left undefined is not embedded
  }
  return fonts;
}
