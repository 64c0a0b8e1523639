/**
 * Two folders: the package's (templates, fonts.json, words), found upwards from this module so it holds from src/ and from a
 * bundle; and the project's (the working directory: source/, dist/, and templates/ whose files override the package's).
 */
import { existsSync, readdirSync, readFileSync, type Stats, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "broadside") return dir;
    if (dirname(dir) === dir) throw new Error(`broadside's package.json was not found above ${from}`);
  }
}

/** broadside's own folder: the checkout, or `node_modules/broadside` in a project that installed it. */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** broadside's default templates. */
export const PACKAGE_TEMPLATES = join(ROOT, "templates");

/** The project's `templates/` when it has one, else broadside's. */
export function defaultTemplates(project = process.cwd()): string {
  const own = join(project, "templates");
  return existsSync(own) ? own : PACKAGE_TEMPLATES;
}

/** A template file: the templates folder's own, else broadside's of that name. */
export function templateFile(dir: string, name: string): string {
  const own = join(dir, name);
  return existsSync(own) || resolve(dir) === PACKAGE_TEMPLATES ? own : join(PACKAGE_TEMPLATES, name);
}

/**
 * `read(path)` kept while the file is unchanged (same size and time): dev builds many times in one
 * process, and an edited template must show. A file that cannot be looked at is read each time, for `read`'s own message.
 */
export function readWhileUnchanged<T>(read: (path: string) => T): (path: string) => T {
  const kept = new Map<string, { stamp: string; value: T }>();
  return (path) => {
    let stat: Stats | undefined;
    try {
      stat = statSync(path);
    } catch {
      return read(path);
    }
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    const hit = kept.get(path);
    if (hit?.stamp === stamp) return hit.value;
    const value = read(path);
    kept.set(path, { stamp, value });
    return value;
  };
}

/** Every `source/*.md` of the project, relative to the working directory; none when it has no source/. */
export function projectSources(project = process.cwd()): string[] {
  const dir = join(project, "source");
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => /\.md$/i.test(n)) : [];
  return names.sort().map((n) => relative(process.cwd(), join(dir, n)) || join(dir, n));
}
