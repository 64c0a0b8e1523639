/**
 * The checkout's root: the folder of broadside's package.json, found upwards from this module,
 * so the same code finds `source/`, `templates/` and `dist/` whether it runs from `src/` or from
 * the bundle bin/broadside.mjs makes under node_modules/.cache.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "broadside") return dir;
    if (dirname(dir) === dir) throw new Error(`broadside's package.json was not found above ${from}`);
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
