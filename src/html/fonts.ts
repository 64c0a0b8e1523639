/**
 * Fonts come from npm packages (`templates/fonts.json`), never from the host: for each character drawn, the face Chromium
 * will choose from the font stack is inlined, subset to what it draws, so a page offline or a printer draws the same glyphs.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { templateFile } from "../paths.ts";
import type { VFile } from "vfile";
import { location } from "vfile-location";
import { warn } from "../messages.ts";
import { characters } from "./cmap.ts";
import { sfntToWoff } from "../woff.ts";

export interface FontFamily {
  family: string;
  package: string;
  css: string[];
  /** Editions (BCP 47 prefixes) whose text this family sets first, e.g. `["ug", "ar"]`. */
  langs?: string[];
  /** Families of one group are alternatives (the Han faces): an edition uses the one its `lang` names, or else the group's first. */
  group?: string;
}

export interface FontsConfig {
  families: FontFamily[];
}

export interface Face {
  family: string;
  style: string;
  weight: string;
  file: string;
  ranges: [number, number][];
}

const require = createRequire(import.meta.url);
const faceCache = new Map<string, Face[]>();

function parseRanges(value: string): [number, number][] {
  return value.split(",").map((part) => {
    const token = part.trim().replace(/^U\+/i, "");
    if (token.includes("?")) return [parseInt(token.replace(/\?/g, "0"), 16), parseInt(token.replace(/\?/g, "F"), 16)];
    const [from, to = from] = token.split("-");
    return [parseInt(from, 16), parseInt(to, 16)];
  });
}

function packageFaces({ package: pkg, css: cssFiles, family }: FontFamily): Face[] {
  const key = `${pkg}|${cssFiles.join(",")}`;
  const cached = faceCache.get(key);
  if (cached) return cached;
  let root: string;
  try {
    root = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`Font package ${pkg} (named in templates/fonts.json) is not installed: run \`npm install\``);
  }
  const faces: Face[] = [];
  for (const cssFile of cssFiles) {
    const css = readFileSync(join(root, cssFile), "utf8");
    for (const block of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
      const get = (prop: string) => new RegExp(`${prop}\\s*:\\s*([^;]+);`).exec(block)?.[1].trim();
      const url = /url\(\.?\/?([^)]+\.woff2)\)/.exec(block)?.[1];
      const range = get("unicode-range");
      if (!url || !range) continue;
      faces.push({ family, style: get("font-style") ?? "normal", weight: get("font-weight") ?? "400", file: join(root, url), ranges: parseRanges(range) });
    }
  }
  if (faces.length === 0) throw new Error(`No @font-face with a woff2 file found in ${pkg}/${cssFiles.join(", ")}: check templates/fonts.json`);
  faceCache.set(key, faces);
  return faces;
}

/**
 * A face cut down by hb-subset to the characters given, with the glyphs its layout features reach and
 * its names (a PDF names the face). WOFF for a page (WOFF2's compressor is slow), TrueType for a .docx.
 */
export async function subsetFace(woff2: string, points: Iterable<number>, format: "woff" | "truetype"): Promise<Buffer> {
  const { default: subsetFont } = await import("subset-font");
  // From the .woff2 itself: its .woff twin lacks tables (BASE) and its outlines differ.
  const sfnt = await subsetFont(readFileSync(woff2), String.fromCodePoint(...new Set(points)), { targetFormat: "truetype" });
  return format === "woff" ? sfntToWoff(sfnt) : sfnt;
}

export function loadFontsConfig(templatesDir: string): FontsConfig {
  return JSON.parse(readFileSync(templateFile(templatesDir, "fonts.json"), "utf8")) as FontsConfig;
}

/** Which characters a document draws in each face: key `"<style> <weight>"`, e.g. `"italic 700"`. */
export type FontUsage = Map<string, string>;

/** Page furniture (page numbers, list markers, "(cont.)") is drawn with ASCII and a few marks. */
const FURNITURE = " !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~–—’“”ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The length of the longest of `prefixes` that `lang` is, or is a more specific tag of (`zh-Hant-HK` is in `zh-Hant`); -1 for none. */
function langIn(lang: string, prefixes: string[] = []): number {
  const tag = lang.toLowerCase();
  const matching = prefixes.map((p) => p.toLowerCase()).filter((p) => tag === p || tag.startsWith(`${p}-`));
  return Math.max(-1, ...matching.map((p) => p.length));
}

export interface Stack {
  /** Families in the order of the CSS `font-family`. */
  families: FontFamily[];
  /** The edition's own family, set first (it leaves ASCII and Latin, Greek, Cyrillic letters to the Latin face). */
  primary?: FontFamily;
}

/** The font stack of an edition: its own script's family first, then the Latin face, then the rest. */
export function fontStack(config: FontsConfig, lang: string): Stack {
  const score = (f: FontFamily) => langIn(lang, f.langs);
  let primary: FontFamily | undefined;
  for (const f of config.families) if (score(f) >= 0 && (!primary || score(f) > score(primary))) primary = f;
  // One family of each group, in the place of the group's first: the edition's own, else that first.
  const groups = new Set<string>();
  const families: FontFamily[] = [];
  for (const f of config.families) {
    if (f.group && groups.has(f.group)) continue;
    if (f.group) groups.add(f.group);
    families.push(f.group && primary?.group === f.group ? primary : f);
  }
  if (primary && families[0] !== primary) {
    families.splice(families.indexOf(primary), 1);
    families.unshift(primary);
  }
  // No primary when the edition's own family is the Latin face (the first in fonts.json).
  return { families, primary: primary && primary !== config.families[0] ? primary : undefined };
}

/** Whether an edition's own family has a bold face; without one, nothing is set bold (a synthesised bold is not drawn). */
export function hasBold(stack: Stack): boolean {
  const family = stack.primary ?? stack.families[0];
  return !family || packageFaces(family).some((f) => f.weight === "700");
}

/** Left to the Latin face even when another family is first: ASCII, and Latin, Greek and Cyrillic letters. */
const LATIN_FACE = /[\u0000-\u007f\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;

/** Characters that need no glyph of their own (controls, format marks, variation selectors). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Variation_Selector}]/u;

/** The faces a family offers for a style and weight, as the browser matches them: exact, else upright, else regular. */
export function facesFor(family: FontFamily, style: string, weight: string): Face[] {
  const faces = packageFaces(family);
  for (const [s, w] of [
    [style, weight],
    ["normal", weight],
    [style, "400"],
    ["normal", "400"],
  ]) {
    const found = faces.filter((f) => f.style === s && f.weight === w);
    if (found.length) return found;
  }
  return [];
}

function rangesCss(points: number[]): string {
  const ranges: [number, number][] = [];
  for (const point of [...new Set(points)].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && point === last[1] + 1) last[1] = point;
    else ranges.push([point, point]);
  }
  const hex = (n: number) => n.toString(16).toUpperCase();
  return ranges.map(([from, to]) => (from === to ? `U+${hex(from)}` : `U+${hex(from)}-${hex(to)}`)).join(",");
}

/** The `@font-face` rules, fonts inlined, each character in each style and weight drawn by the stack's first family that has it; `missing`: those none has. */
export async function fontFaceCss(config: FontsConfig, usage: FontUsage, lang: string): Promise<{ css: string; missing: string[] }> {
  const stack = fontStack(config, lang);
  const picked = new Map<Face, number[]>();
  const missing = new Set<string>();
  for (const [key, text] of usage) {
    const [style, weight] = key.split(" ");
    const chars = new Set(Array.from(key === "normal 400" ? text + FURNITURE : text));
    const points = [...chars].map((char) => char.codePointAt(0)!);
    // Slices overlap: the face with most of the text's characters draws a character, so that a script's letters and the
    // marks that shape them (U+202F, U+180E in Mongolian) come from one font file.
    const share = new Map<Face, number>();
    const score = (face: Face) => {
      let n = share.get(face);
      if (n === undefined) {
        const has = characters(face.file);
        n = points.filter((p) => has.has(p)).length;
        share.set(face, n);
      }
      return n;
    };
    for (const char of chars) {
      const point = char.codePointAt(0)!;
      let face: Face | undefined;
      for (const family of stack.families) {
        if (family === stack.primary && LATIN_FACE.test(char)) continue;
        const candidates = facesFor(family, style, weight).filter(
          (f) => f.ranges.some(([from, to]) => point >= from && point <= to) && characters(f.file).has(point),
        );
        face = candidates.sort((a, b) => score(b) - score(a))[0];
        if (face) break;
      }
      if (face) picked.set(face, [...(picked.get(face) ?? []), point]);
      else if (!INVISIBLE.test(char) && !/\s/u.test(char)) missing.add(char);
    }
  }
  const rules: string[] = [];
  for (const [face, points] of picked) {
    const data = (await subsetFace(face.file, points, "woff")).toString("base64");
    rules.push(
      `@font-face{font-family:"${face.family}";font-style:${face.style};font-weight:${face.weight};font-display:block;src:url(data:font/woff;base64,${data}) format("woff");unicode-range:${rangesCss(points)}}`,
    );
  }
  const family = [...stack.families.map((f) => `"${f.family}"`), "serif"].join(",");
  // The stack for the text and the page's margin boxes; without a bold face, headings are set by size.
  rules.push(`html{font-family:${family};font-synthesis:none}`);
  rules.push(`@page{@top-center{font-family:${family}}@bottom-center{font-family:${family}}}`);
  if (!hasBold(stack)) rules.push("html :is(h1,h2,h3,h4,h5,h6,strong,b,th,.title){font-weight:400}html h2{font-size:1.45rem}html h3{font-size:1.25rem}");
  return { css: rules.join("\n"), missing: [...missing] };
}

/** `U+1F600` */
const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** One warning per character no shipped face draws (it prints as a box), at its first place in the source. */
export function warnMissingGlyphs(file: VFile, missing: string[]) {
  if (missing.length === 0) return;
  const source = String(file.value ?? "");
  const place = location(file);
  for (const char of missing) {
    const offset = source.indexOf(char);
    const count = offset < 0 ? 0 : source.split(char).length - 1;
    const more = count > 1 ? ` (and ${count - 1} more time${count > 2 ? "s" : ""})` : "";
    warn(
      file,
      `No shipped font draws “${char}” (${codePoint(char)})${more}: it prints as an empty box; add a face for it to templates/fonts.json, or write another character`,
      offset < 0 ? undefined : place.toPoint(offset),
      "no-font-for-character",
    );
  }
}
