/**
 * Watching folders for saves. A save is reported `firstMs` after its first event, once the file
 * holds still (a file still growing is waited for, so a half-saved file is never reported);
 * events that come meanwhile (one save is often two or three events: truncate, write, rename)
 * go into the same report, and later ones into the next. A burst of saves (30 in 300 ms) gives
 * several reports; the caller drops a build that a newer report overtakes, so the burst gives
 * one published rebuild, of the latest text.
 */
import { type FSWatcher, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";

export interface Watcher {
  close(): void;
}

async function settled(path: string, quietMs: number): Promise<void> {
  // A file whose size or time still changes is being written: wait until it holds still.
  for (let i = 0; i < 20; i++) {
    const before = await stat(path).catch(() => undefined);
    await new Promise((r) => setTimeout(r, quietMs));
    const after = await stat(path).catch(() => undefined);
    if (!before || !after || (before.size === after.size && before.mtimeMs === after.mtimeMs)) return;
  }
}

export function watchFolders(folders: string[], onChange: (paths: string[]) => void, firstMs = 5): Watcher {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let reporting = false;
  let closed = false;
  const flush = async () => {
    timer = undefined;
    reporting = true;
    const paths = [...changed];
    changed.clear();
    await Promise.all(paths.map((p) => settled(p, firstMs)));
    reporting = false;
    if (closed) return;
    onChange(paths);
    if (changed.size) timer = setTimeout(() => void flush(), firstMs); // what came while we waited
  };
  const watchers: FSWatcher[] = folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name || name.startsWith(".") || name.endsWith("~") || name.includes(".tmp-")) return;
      changed.add(join(folder, name.toString()));
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
