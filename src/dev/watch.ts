/**
 * Watching folders for saves. Editors save in bursts (write, rename, touch), so changes are
 * gathered until the folder has been quiet for `quietMs`, and a file that is still growing is
 * waited for: one rebuild of the latest text, never of a half-saved file.
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

export function watchFolders(folders: string[], onChange: (paths: string[]) => void, quietMs = 80): Watcher {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    timer = undefined;
    const paths = [...changed];
    changed.clear();
    await Promise.all(paths.map((p) => settled(p, Math.min(quietMs, 40))));
    if (changed.size) return; // more came while we waited: the next flush takes them all
    onChange(paths);
  };
  const watchers: FSWatcher[] = folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name || name.startsWith(".") || name.endsWith("~") || name.includes(".tmp-")) return;
      changed.add(join(folder, name.toString()));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), quietMs);
    }),
  );
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
