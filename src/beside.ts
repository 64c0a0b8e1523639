/**
 * A file an edition names (`translation-of.source`, `signatories.from`) is looked for in the
 * edition's own folder or below it, never outside: a source is a stranger's and must not make
 * broadside read another file of the machine.
 */
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

/** The path of `name` beside `editionPath`; undefined for one that leaves the edition's folder (absolute, or `..`). */
export function sourceBeside(editionPath: string, name: string): string | undefined {
  const folder = resolve(dirname(editionPath));
  const target = resolve(folder, name);
  if (!name || isAbsolute(name) || !target.startsWith(folder + sep)) return undefined;
  return relative(process.cwd(), target) || target;
}
