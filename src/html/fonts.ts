/**
 * Fonts come from npm packages (`templates/fonts.json`), never from the host. Each package's
 * CSS lists faces split by `unicode-range`; only the slices that cover a character the document
 * uses are inlined, as base64 `data:` URLs, so the HTML works offline and stays small even with a
 * CJK face of a hundred slices.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

interface FontsConfig {
  families: { family: string; package: string; css: string[] }[];
}

interface Face {
  family: string;
  style: string;
  weight: string;
  file: string;
  ranges: [number, number][];
  unicodeRange: string;
}

const require = createRequire(import.meta.url);
const faceCache = new Map<string, Face[]>();
const dataCache = new Map<string, string>();

function parseRanges(value: string): [number, number][] {
  return value.split(",").map((part) => {
    const token = part.trim().replace(/^U\+/i, "");
    if (token.includes("?")) return [parseInt(token.replace(/\?/g, "0"), 16), parseInt(token.replace(/\?/g, "F"), 16)];
    const [from, to = from] = token.split("-");
    return [parseInt(from, 16), parseInt(to, 16)];
  });
}

function packageFaces(pkg: string, cssFiles: string[], family: string): Face[] {
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
      faces.push({ family, style: get("font-style") ?? "normal", weight: get("font-weight") ?? "400", file: join(root, url), ranges: parseRanges(range), unicodeRange: range });
    }
  }
  if (faces.length === 0) throw new Error(`No @font-face with a woff2 file found in ${pkg}/${cssFiles.join(", ")}: check templates/fonts.json`);
  faceCache.set(key, faces);
  return faces;
}

function dataUrl(file: string): string {
  let url = dataCache.get(file);
  if (!url) {
    url = `data:font/woff2;base64,${readFileSync(file).toString("base64")}`;
    dataCache.set(file, url);
  }
  return url;
}

/** Read `templates/fonts.json`. */
export function loadFontsConfig(templatesDir: string): FontsConfig {
  return JSON.parse(readFileSync(join(templatesDir, "fonts.json"), "utf8")) as FontsConfig;
}

/** Which characters a document draws in each face: key `"<style> <weight>"`, e.g. `"italic 700"`. */
export type FontUsage = Map<string, string>;

/** Page furniture (page numbers, list markers, back-links) is drawn with ASCII and a few marks. */
const FURNITURE = " !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~–—’“”ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * The `@font-face` rules, fonts inlined, for the faces a document needs: for each style and weight
 * it uses, the slices of the first family (in `fonts.json` order) that cover each of its characters.
 * A later family (the CJK face) is only asked for what the earlier ones lack.
 */
export function fontFaceCss(config: FontsConfig, usage: FontUsage): string {
  const rules: string[] = [];
  for (const [key, text] of usage) {
    const [style, weight] = key.split(" ");
    let missing = new Set<number>();
    for (const char of text + FURNITURE) missing.add(char.codePointAt(0)!);
    for (const { family, package: pkg, css } of config.families) {
      if (missing.size === 0) break;
      const faces = packageFaces(pkg, css, family).filter((f) => f.style === style && f.weight === weight);
      const stillMissing = new Set<number>();
      const picked = new Set<Face>();
      for (const point of missing) {
        const face = faces.find((f) => f.ranges.some(([from, to]) => point >= from && point <= to));
        if (face) picked.add(face);
        else stillMissing.add(point);
      }
      for (const face of picked) {
        rules.push(`@font-face{font-family:"${face.family}";font-style:${face.style};font-weight:${face.weight};font-display:block;src:url(${dataUrl(face.file)}) format("woff2");unicode-range:${face.unicodeRange}}`);
      }
      missing = stillMissing;
    }
  }
  return rules.join("\n");
}
