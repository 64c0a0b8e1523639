/**
 * The revision an edition translates (`translation-of: { source: letter.md, revision: 3k9x0b2a, units: "a1b2 c3d4 …" }`):
 * a hash a unit, so the source's changed, added or removed units are found by a longest common subsequence, wherever they moved.
 */
import { shortHash, type Unit, unitSignature } from "./units.ts";

export const TRANSLATION_OF = "translation-of";

export interface TranslationOf {
  source: string;
  revision: string;
  units: string[];
}

export function revisionOf(units: Unit[]): { revision: string; hashes: string[] } {
  const hashes = units.map((u) => shortHash(unitSignature(u), 4));
  return { revision: shortHash(hashes.join(" ")), hashes };
}

/** The front matter value an edition records. */
export function translationOf(source: string, units: Unit[]): Record<string, string> {
  const { revision, hashes } = revisionOf(units);
  return { source, revision, units: hashes.join(" ") };
}

/** The recorded revision of an edition's front matter; undefined when it has none or it is malformed. */
export function readTranslationOf(frontMatter: Record<string, unknown>): TranslationOf | undefined {
  const value = frontMatter[TRANSLATION_OF];
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { source, revision, units } = value as Record<string, unknown>;
  if (typeof source !== "string" || typeof revision !== "string" || typeof units !== "string") return undefined;
  return { source, revision, units: units.split(/\s+/).filter(Boolean) };
}

/**
 * Match the current units against the recorded hashes (longest common subsequence): `same` maps a current unit's index to the
 * recorded one it is unchanged from, `changed` lists current units changed or added since, `removed` recorded units now gone.
 */
export function compareUnits(recorded: string[], current: Unit[]) {
  const now = revisionOf(current).hashes;
  const n = recorded.length;
  const m = now.length;
  const same = new Map<number, number>();
  // Common head and tail first; the table is only for what lies between.
  let head = 0;
  while (head < n && head < m && recorded[head] === now[head]) (same.set(head, head), head++);
  let tail = 0;
  while (tail < n - head && tail < m - head && recorded[n - 1 - tail] === now[m - 1 - tail]) (same.set(m - 1 - tail, n - 1 - tail), tail++);
  const a = recorded.slice(head, n - tail);
  const b = now.slice(head, m - tail);
  if (a.length * b.length <= 25_000_000) {
    // One flat table: a row each of many recorded units (a stranger's list) would cost an object each.
    const w = b.length + 1;
    const table = new Uint32Array((a.length + 1) * w);
    for (let i = a.length - 1; i >= 0; i--)
      for (let j = b.length - 1; j >= 0; j--)
        table[i * w + j] = a[i] === b[j] ? table[(i + 1) * w + j + 1] + 1 : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) (same.set(head + j, head + i), i++, j++);
      else if (table[(i + 1) * w + j] >= table[i * w + j + 1]) i++;
      else j++;
    }
  }
  const matched = new Set(same.values());
  return {
    same,
    changed: now.map((_, j) => j).filter((j) => !same.has(j)),
    removed: recorded.map((_, i) => i).filter((i) => !matched.has(i)),
  };
}
