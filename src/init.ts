/**
 * `broadside init [folder]`: a new folder of letters from the package's starter/ (a sample letter, a .gitignore for dist/,
 * a README); a file already there is kept as it is, and named.
 */
import { constants, copyFileSync, existsSync, lstatSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { OptionsError } from "./build.ts";
import { ROOT } from "./paths.ts";

/** Each file of the new folder and the starter file it comes from (npm leaves .gitignore out of packages). */
const FILES: [string, string][] = [
  ["source/letter.md", "source/letter.md"],
  [".gitignore", "gitignore"],
  ["README.md", "README.md"],
];

export function init(args: string[]): number {
  if (args.length > 1 || args[0]?.startsWith("-")) throw new OptionsError(`init takes one folder (default: the current one); not ${args.join(" ")}`);
  const folder = args[0] ?? ".";
  // A link pointing nowhere would have the file written at its target, wherever that is; a file where a folder goes stops the copy
  // halfway: both refused before anything is written.
  const problems: string[] = [];
  const folders = new Set(FILES.map(([name]) => dirname(name)));
  for (const name of [...folders, ...FILES.map(([name]) => name)]) {
    const path = join(folder, name);
    let entry;
    try {
      entry = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      if (!problems.length) problems.push(`${path} cannot be made: a file stands where a folder of its path goes`);
      break;
    }
    if (entry?.isSymbolicLink() && !existsSync(path)) problems.push(`${path} is a link to a place that does not exist (init would write there)`);
    else if (entry && folders.has(name) && !statSync(path).isDirectory()) problems.push(`${path} is a file where init makes a folder`);
  }
  if (problems.length) {
    for (const problem of problems) console.error(`broadside: ${problem}; move it away, or init another folder`);
    console.error("broadside: nothing written");
    return 1;
  }
  const kept: string[] = [];
  for (const [name, from] of FILES) {
    const to = join(folder, name);
    if (existsSync(to)) {
      kept.push(to);
      continue;
    }
    mkdirSync(dirname(to), { recursive: true });
    // Exclusive: a link made meanwhile is not followed.
    copyFileSync(join(ROOT, "starter", from), to, constants.COPYFILE_EXCL);
    console.log(`  wrote ${to}`);
  }
  for (const path of kept) console.log(`  kept ${path} (already there)`);
  const cd = relative(process.cwd(), folder);
  console.log(`broadside: a folder of letters in ${cd || "."}; next: ${cd ? `cd ${cd} && ` : ""}npx broadside build`);
  return 0;
}
