/**
 * Chromium's own fontconfig, so the same PDF comes out on every host: no host font (its glyphs or hinting would move text), fixed
 * rendering, and one fallback, Noto Serif, to draw a character no face has as an empty box (with no font at all Chromium crashes).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cacheDir } from "../paths.ts";
import { woffToSfnt } from "../woff.ts";
import { writeAtomic } from "../write.ts";

const VERSION = 1;

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The environment Chromium is started with: FONTCONFIG_FILE naming broadside's fonts.conf. */
export async function printerEnvironment(): Promise<Record<string, string>> {
  // Named after the folder it names: checkouts that share node_modules each get their own.
  const dir = cacheDir("fontconfig");
  const conf = join(dir, `fonts-${VERSION}-${createHash("sha256").update(dir).digest("hex").slice(0, 12)}.conf`);
  if (!existsSync(conf)) {
    const fonts = join(dir, "fonts");
    mkdirSync(fonts, { recursive: true });
    const root = dirname(createRequire(import.meta.url).resolve("@fontsource/noto-serif/package.json"));
    await writeAtomic(join(fonts, "NotoSerif-Regular.ttf"), woffToSfnt(readFileSync(join(root, "files", "noto-serif-latin-400-normal.woff"))));
    await writeAtomic(
      conf,
      `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${escape(fonts)}</dir>
  <cachedir>${escape(join(dir, "cache"))}</cachedir>
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
  }
  return { FONTCONFIG_FILE: conf };
}
