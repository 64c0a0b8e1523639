/**
 * The parts of a source's last parse, kept on disk from one build to the next
 * (node_modules/.cache/broadside/parts/), so that `npm run build` after an edit parses only the
 * parts the edit changed, as `npm run dev` does in memory (src/parse-parts.ts: the parts join
 * into the tree a parse of the whole gives, or the whole is parsed). After a one-sentence edit,
 * the letter ×50's parse stage takes 0.3–0.4 s instead of 1.9–2.5 s; the letter's ~10 ms
 * instead of 60–100 ms.
 *
 * A cache file holds one source's parts (by its absolute path; each part as parse-parts.ts keeps
 * it, serialised, so that a part is written as it is and read once) and what made them: Node's
 * version (V8's serialisation format), and the text of the parser's own modules and of the
 * lockfile (the parser's dependencies). A file made by anything else, or that cannot be read, is
 * ignored and made again; the cache can never change a document, only how fast it is made.
 * Written to a temporary file and renamed, so two builds of one source each leave a whole file;
 * the least recently used files beyond {@link LIMITS} (64 files, 256 MB) are removed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import { type KeptPart, type Labels, PartCache } from "./parse-parts.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Where `build` keeps its parse caches unless told otherwise. */
export const PARSE_CACHE_DIR = join(ROOT, "node_modules", ".cache", "broadside", "parts");
/**
 * What the cache may hold: the files of the sources built last, as many as fit both limits (the
 * newest is always kept). A 10 MB source keeps ~30 MB.
 */
export const LIMITS = { files: 64, bytes: 256 * 1024 * 1024 };

interface Stored {
  made: string;
  parts: [string, KeptPart][];
  labels: Labels | undefined;
}

/** What each cache held when it was loaded: a build that changed nothing writes nothing. */
const loaded = new WeakMap<PartCache, { parts: Set<KeptPart>; labels: string }>();
const labelsKey = (labels: Labels | undefined) => JSON.stringify(labels ?? null);

let madeBy: string | undefined;
/** What a cache file must have been made by to be used (see above). */
function maker(): string {
  if (madeBy === undefined) {
    const hash = createHash("sha256").update(process.version);
    for (const file of ["src/markdown.ts", "src/parse-parts.ts", "src/parse-cache.ts", "package-lock.json"]) {
      try {
        hash.update(readFileSync(join(ROOT, file)));
      } catch {
        hash.update(`no ${file}`);
      }
    }
    madeBy = hash.digest("hex");
  }
  return madeBy;
}

/** The cache file of `source` in `dir`. */
export const cacheFileOf = (dir: string, source: string) => join(dir, `${createHash("sha256").update(resolve(source)).digest("hex").slice(0, 24)}.bin`);

/** The parts kept for `source` in `dir`, or an empty cache (none kept, or not usable). */
export async function loadPartCache(dir: string, source: string): Promise<PartCache> {
  const cache = new PartCache();
  try {
    const stored = deserialize(await readFile(cacheFileOf(dir, source))) as Stored;
    if (stored?.made === maker() && Array.isArray(stored.parts) && stored.parts.every(([key, part]) => typeof key === "string" && part?.bytes instanceof Uint8Array)) {
      cache.parts = new Map(stored.parts);
      cache.labels = stored.labels;
      loaded.set(cache, { parts: new Set(cache.parts.values()), labels: labelsKey(cache.labels) });
    }
  } catch {
    // none yet, or unreadable: this build parses the whole and makes it
  }
  return cache;
}

/** Keep `cache` (after a parse of `source`) for the next build. Never fails: a cache is a speed-up. */
export async function savePartCache(dir: string, source: string, cache: PartCache): Promise<void> {
  const target = cacheFileOf(dir, source);
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    if (cache.parts.size === 0) {
      // The source could not be kept in parts (e.g. a node ran over a cut): nothing to reuse.
      await unlink(target).catch(() => undefined);
      return;
    }
    const before = loaded.get(cache);
    if (before && before.labels === labelsKey(cache.labels) && before.parts.size === cache.parts.size && [...cache.parts.values()].every((part) => before.parts.has(part))) {
      // Every part is one read from the file (not one parsed again, as when the file's did not
      // read): mark the file used (for pruning) and keep it as it is.
      const now = new Date();
      await utimes(target, now, now);
      return;
    }
    const data = serialize({ made: maker(), parts: [...cache.parts], labels: cache.labels } satisfies Stored);
    await mkdir(dir, { recursive: true });
    await writeFile(temp, data);
    await rename(temp, target);
    await pruneCache(dir);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if (process.env.BROADSIDE_DEBUG) console.error(`broadside: parse cache not saved (${(error as Error).message})`);
  }
}

/** Remove the least recently used cache files beyond `limits`, and temporaries an hour old. */
export async function pruneCache(dir: string, limits = LIMITS) {
  const names = await readdir(dir);
  const files = await Promise.all(names.map(async (name) => ({ name, stat: await stat(join(dir, name)).catch(() => undefined) })));
  const hourAgo = Date.now() - 3_600_000;
  const gone = files.filter((f) => f.name.endsWith(".tmp") && (f.stat?.mtimeMs ?? 0) < hourAgo);
  let bytes = 0;
  const newestFirst = files.filter((f) => f.name.endsWith(".bin")).sort((a, b) => (b.stat?.mtimeMs ?? 0) - (a.stat?.mtimeMs ?? 0));
  for (const [i, f] of newestFirst.entries()) {
    bytes += f.stat?.size ?? 0;
    if (i > 0 && (i >= limits.files || bytes > limits.bytes)) gone.push(f);
  }
  for (const f of gone) await unlink(join(dir, f.name)).catch(() => undefined);
}
