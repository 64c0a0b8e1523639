/**
 * Watching folders for saves: the files changed are reported once `quietMs` has passed without another event, so a file
 * written in pieces is reported once, whole; events that come while a report is handled go into the next.
 */
import { watch } from "node:fs";
import { join } from "node:path";

export function watchFolders(folders: string[], onChange: (paths: string[]) => void, quietMs = 5) {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const report = () => {
    const paths = [...changed];
    changed.clear();
    onChange(paths);
  };
  const watchers = folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (!name || name.startsWith(".") || name.endsWith("~") || name.includes(".tmp-")) return;
      changed.add(join(folder, name.toString()));
      clearTimeout(timer);
      timer = setTimeout(report, quietMs);
    }),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
