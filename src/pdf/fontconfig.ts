/**
 * Chromium's own fontconfig, so the same PDF comes out on every host: no host font (its glyphs or hinting would move text), fixed
 * rendering, and one fallback, Noto Serif, to draw a character no face has as an empty box (with no font at all Chromium crashes).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { woffToSfnt } from "../woff.ts";

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The environment Chromium is started with: FONTCONFIG_FILE naming a fonts.conf written, with its font, into the browser's profile `dir`. */
export function printerEnvironment(dir: string): Record<string, string> {
  const fonts = join(dir, "fonts");
  mkdirSync(fonts);
  const root = dirname(createRequire(import.meta.url).resolve("@fontsource/noto-serif/package.json"));
  writeFileSync(join(fonts, "NotoSerif-Regular.ttf"), woffToSfnt(readFileSync(join(root, "files", "noto-serif-latin-400-normal.woff"))));
  const conf = join(dir, "fonts.conf");
  writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${escape(fonts)}</dir>
  <cachedir>${escape(join(dir, "fc-cache"))}</cachedir>
  <match target="font">
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>true</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintslight</const></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
  </match>
</fontconfig>
`,
  );
  return { FONTCONFIG_FILE: conf };
}
