/**
 * `broadside init [folder]`: a new folder of letters from the package's starter/ (a sample letter, a .gitignore for dist/,
 * a README); a file already there is kept as it is, and named.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { OptionsError } from "./build.ts";
import { PACKAGE } from "./paths.ts";

/** Each file of the new folder and the starter file it comes from (npm leaves .gitignore out of packages). */
const FILES: [string, string][] = [
  ["source/letter.md", "source/letter.md"],
  [".gitignore", "gitignore"],
  ["README.md", "README.md"],
];

export function init(args: string[]): number {
  if (args.length > 1 || args[0]?.startsWith("-")) throw new OptionsError(`init takes one folder (default: the current one); not ${args.join(" ")}`);
  const folder = args[0] ?? ".";
  const kept: string[] = [];
  for (const [name, from] of FILES) {
    const to = join(folder, name);
    if (existsSync(to)) {
      kept.push(to);
      continue;
    }
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(PACKAGE, "starter", from), to);
    console.log(`  wrote ${to}`);
  }
  for (const path of kept) console.log(`  kept ${path} (already there)`);
  const cd = relative(process.cwd(), folder);
  console.log(`broadside: a folder of letters in ${cd || "."}; next: ${cd ? `cd ${cd} && ` : ""}npx broadside build`);
  return 0;
}
