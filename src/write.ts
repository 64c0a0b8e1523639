/**
 * Atomic output: a document is written to a temporary file beside its target and renamed
 * over it, so `dist/` never holds a half-written file; a temporary file left by a killed
 * build is removed by the next one.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

const TMP = ".tmp-";

export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}${TMP}${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Remove temporary files that a killed build left in `dir` (not those of a live process). */
export async function sweepTemporaries(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(".") && name.includes(TMP))
      .filter((name) => {
        const pid = Number(/\.tmp-(\d+)-/.exec(name)?.[1]);
        return !pid || !alive(pid);
      })
      .map((name) => unlink(join(dir, name)).catch(() => undefined)),
  );
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
