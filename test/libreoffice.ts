/**
 * LibreOffice with the fonts broadside ships, never the host's: where a title wraps and which face
 * draws a Chinese name must not depend on whether the machine has Debian's Noto packages. Like
 * Chromium (src/pdf/fontconfig.ts), soffice gets its own fontconfig: the TrueType inside the WOFF
 * files of the @fontsource packages templates/fonts.json names (the Han group's first family
 * only), written once into node_modules/.cache.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { woffToSfnt } from "../src/woff.ts";
import { ROOT } from "./helpers.ts";

const VERSION = 1;
const DIR = join(ROOT, "node_modules", ".cache", "broadside", `libreoffice-fonts-${VERSION}`);

interface Family {
  family: string;
  package: string;
  group?: string;
}

/** FONTCONFIG_FILE for soffice: only broadside's own faces. */
export function libreOfficeFontconfig(): string {
  const conf = join(DIR, "fonts.conf");
  if (existsSync(conf)) return conf;
  const fonts = join(DIR, "fonts");
  mkdirSync(fonts, { recursive: true });
  const { families } = JSON.parse(readFileSync(join(ROOT, "templates", "fonts.json"), "utf8")) as { families: Family[] };
  const groups = new Set<string>();
  const require = createRequire(import.meta.url);
  for (const { package: pkg, group } of families) {
    if (group && groups.has(group)) continue;
    if (group) groups.add(group);
    const files = join(dirname(require.resolve(`${pkg}/package.json`)), "files");
    for (const name of readdirSync(files).filter((n) => /-(400|700)-(normal|italic)\.woff$/.test(n))) {
      writeFileSync(join(fonts, name.replace(/\.woff$/, ".ttf")), woffToSfnt(readFileSync(join(files, name))));
    }
  }
  const temporary = `${conf}.${process.pid}.tmp`;
  writeFileSync(
    temporary,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${fonts}</dir>
  <cachedir>${join(DIR, "cache")}</cachedir>
</fontconfig>
`,
  );
  renameSync(temporary, conf); // test files running side by side see the whole file or none
  return conf;
}

/** The environment soffice runs in: the host's, with broadside's fontconfig. */
export const libreOfficeEnv = (): NodeJS.ProcessEnv => ({ ...process.env, FONTCONFIG_FILE: libreOfficeFontconfig() });

/** The families the config offers (for a test to see it took). */
export const libreOfficeFamilies = (): string[] =>
  execFileSync("fc-list", [":", "family"], { encoding: "utf8", env: libreOfficeEnv() })
    .split("\n")
    .filter(Boolean)
    .sort();
