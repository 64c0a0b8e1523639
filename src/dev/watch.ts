/**
 * Watching folders for saves. A lone save is reported after `firstMs` (the preview should
 * follow a save at once); a burst of saves (editors write, rename, touch) is gathered until
 * the folder has been quiet for `quietMs`. A file still growing is waited for, so a half-saved
 * file is never reported. The caller drops a build that a newer report overtakes, so a burst
 * gives one published rebuild of the latest text.
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

export function watchFolders(folders: string[], onChange: (paths: string[]) => void, quietMs = 60, firstMs = 5): Watcher {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let lastEvent = 0;
  const flush = async () => {
    timer = undefined;
    const paths = [...changed];
    changed.clear();
    await Promise.all(paths.map((p) => settled(p, firstMs)));
    if (changed.size) return; // more came while we waited: the next flush takes them all
    onChange(paths);
  };
  const watchers: FSWatcher[] = folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name || name.startsWith(".") || name.endsWith("~") || name.includes(".tmp-")) return;
      changed.add(join(folder, name.toString()));
      const now = Date.now();
      const inBurst = now - lastEvent < quietMs;
      lastEvent = now;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), inBurst ? quietMs : firstMs);
    }),
  );
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
