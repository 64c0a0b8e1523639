/**
 * Watching folders for saves: a file is reported `quietMs` after its last event if it still has the size and time it had
 * then, so a file written in pieces is reported once, whole (even when this thread was too busy to see every piece).
 */
import { type Stats, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";

/** Whether two looks at a file saw the same file: same size, same time of the last write. */
export const sameFile = (a?: Stats, b?: Stats) => a?.size === b?.size && a?.mtimeMs === b?.mtimeMs;

const look = (path: string) => stat(path).catch(() => undefined);

export function watchFolders(folders: string[], onChange: (paths: string[]) => void, quietMs = 5) {
  /** Files with events not reported yet, each with a look at it at its last event. */
  const changed = new Map<string, Promise<Stats | undefined>>();
  let timer: NodeJS.Timeout | undefined;
  let reports = Promise.resolve();
  let closed = false;
  const report = async () => {
    const pending = [...changed];
    const [before, now] = await Promise.all([Promise.all(pending.map(([, atEvent]) => atEvent)), Promise.all(pending.map(([path]) => look(path)))]);
    const still: string[] = [];
    for (const [i, [path, atEvent]] of pending.entries()) {
      if (changed.get(path) !== atEvent) continue; // a later event: the next report's
      if (sameFile(before[i], now[i])) still.push(path);
      else changed.set(path, Promise.resolve(now[i])); // still being written
    }
    for (const path of still) changed.delete(path);
    if (changed.size) wait();
    if (still.length && !closed) onChange(still);
  };
  // One report at a time, so that a file is never in two.
  const wait = () => {
    clearTimeout(timer);
    timer = setTimeout(() => (reports = reports.then(report)), quietMs);
  };
  const watchers = folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name || name.startsWith(".") || name.endsWith("~") || name.includes(".tmp-")) return;
      const path = join(folder, name.toString());
      changed.set(path, look(path));
      wait();
    }),
  );
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
