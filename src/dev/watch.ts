/**
 * Watching folders for saves: a save is reported `firstMs` after its first event once the file holds still, so a half-saved
 * file is never reported; its other events (truncate, write, rename) go into the same report, later ones into the next.
 */
import { type Stats, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";

/** A file's size and time when it was looked at, and when that was. */
interface Look {
  at: number;
  stats: Promise<Stats | undefined>;
}

/** Whether two looks at a file saw the same file: same size, same time of the last write. */
export const sameFile = (a: Stats, b: Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs;

const look = (path: string): Look => ({ at: performance.now(), stats: stat(path).catch(() => undefined) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Waits until the file holds still for `quietMs`; returns the time of the look that found it so. */
async function settled(path: string, quietMs: number, first: Look): Promise<number> {
  // A file whose size or time still changes is being written. The first look is the one taken
  // at the file's first event, so a save that is already complete then is reported `quietMs`
  // after that event.
  let earlier = first;
  for (let i = 0; i < 20; i++) {
    await sleep(quietMs - (performance.now() - earlier.at));
    const [before, later] = [await earlier.stats, look(path)];
    const after = await later.stats;
    if (!before || !after || sameFile(before, after)) return later.at;
    earlier = later;
  }
  return earlier.at;
}

export function watchFolders(folders: string[], onChange: (paths: string[]) => void, firstMs = 5) {
  /** Files with events not reported yet: the look at the first event, and the time of the last. */
  const changed = new Map<string, Look & { lastEvent: number }>();
  let timer: NodeJS.Timeout | undefined;
  let reporting = false;
  let closed = false;
  const flush = async () => {
    timer = undefined;
    reporting = true;
    const paths = [...changed];
    changed.clear();
    const still = await Promise.all(paths.map(([path, first]) => settled(path, firstMs, first)));
    // Events that came while a file was waited for, before the look that found it still, are
    // in this report already: they would only rebuild the same text again.
    paths.forEach(([path], i) => {
      if ((changed.get(path)?.lastEvent ?? Infinity) <= still[i]) changed.delete(path);
    });
    reporting = false;
    if (closed) return;
    onChange(paths.map(([path]) => path));
    if (changed.size) timer = setTimeout(() => void flush(), firstMs); // what came while we waited
  };
  const watchers = folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name || name.startsWith(".") || name.endsWith("~") || name.includes(".tmp-")) return;
      const path = join(folder, name.toString());
      const pending = changed.get(path);
      if (pending) pending.lastEvent = performance.now();
      else changed.set(path, { ...look(path), lastEvent: performance.now() });
      if (!timer && !reporting) timer = setTimeout(() => void flush(), firstMs);
    }),
  );
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
