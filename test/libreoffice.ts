/**
 * LibreOffice with the fonts broadside ships, never the host's: where a title wraps and which face
 * draws a Chinese name must not depend on whether the machine has Debian's Noto packages. Like
 * Chromium (src/pdf/fontconfig.ts), soffice gets its own fontconfig: the TrueType inside the WOFF
 * files of broadside's @fontsource packages, written once into node_modules/.cache. One subset file
 * a face: LibreOffice given a family split over several files (latin, cyrillic, …) writes a PDF
 * whose text reads back as garbage.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { woffToSfnt } from "../src/woff.ts";
import { ROOT } from "./helpers.ts";

const VERSION = 2;

/** Each package's subset: the one that covers its script. */
const SUBSETS: Record<string, string> = {
  "@fontsource/noto-serif": "latin",
  "@fontsource/noto-serif-sc": "chinese-simplified",
  "@fontsource/noto-naskh-arabic": "arabic",
  "@fontsource/noto-serif-tibetan": "tibetan",
  "@fontsource/noto-sans-mongolian": "mongolian",
  "@fontsource/noto-serif-hebrew": "hebrew",
};
const DIR = join(ROOT, "node_modules", ".cache", "broadside", `libreoffice-fonts-${VERSION}`);

/** Test files running side by side see a whole file or none. */
function writeAtomic(path: string, data: string | Uint8Array) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/** FONTCONFIG_FILE for soffice: only broadside's own faces. */
export function libreOfficeFontconfig(): string {
  const conf = join(DIR, "fonts.conf");
  if (existsSync(conf)) return conf;
  const fonts = join(DIR, "fonts");
  mkdirSync(fonts, { recursive: true });
  const require = createRequire(import.meta.url);
  for (const [pkg, subset] of Object.entries(SUBSETS)) {
    const files = join(dirname(require.resolve(`${pkg}/package.json`)), "files");
    const face = new RegExp(`^${pkg.split("/")[1]}-${subset}-(400|700)-(normal|italic)\\.woff$`);
    for (const name of readdirSync(files).filter((n) => face.test(n))) {
      writeAtomic(join(fonts, name.replace(/\.woff$/, ".ttf")), woffToSfnt(readFileSync(join(files, name))));
    }
  }
  // Last, so that a conf that exists names complete fonts.
  writeAtomic(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${fonts}</dir>
  <cachedir>${join(DIR, "cache")}</cachedir>
</fontconfig>
`,
  );
  return conf;
}

/** The environment soffice runs in: the host's, with broadside's fontconfig. */
export const libreOfficeEnv = (): NodeJS.ProcessEnv => ({ ...process.env, FONTCONFIG_FILE: libreOfficeFontconfig() });

/** The families the config offers (for a test to see it took). */
export const libreOfficeFamilies = (): string[] =>
  execFileSync("fc-list", [":", "family"], { encoding: "utf8", env: libreOfficeEnv() }).split("\n").filter(Boolean).sort();
