/**
 * A file an edition names (`translation-of.source`, `signatories.from`) resolved as every file a
 * source names is: relative to the edition, inside the project folder (src/boundary.ts).
 */
import { dirname, relative } from "node:path";
import { projectFolder, type Refusal, resolveInside } from "./boundary.ts";

/** The path of `name` as the edition at `editionPath` names it, or why it is refused. */
export function sourceBeside(editionPath: string, name: string): { path: string } | Refusal {
  const found = resolveInside(name, dirname(editionPath), projectFolder(editionPath), `\`${name}\``);
  if ("rule" in found) return found;
  return { path: relative(process.cwd(), found.path) || found.path };
}
