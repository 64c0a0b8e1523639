/**
 * Atomic output, so `dist/` never holds a half-written file: each document is written beside its target, flushed and renamed
 * over it. A failed or stopped write leaves the previous document; a killed build's temporary files go at the next build.
 */
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

const TMP = ".tmp-";

/** A document could not be written; the previous file at `path` is untouched. */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(`Cannot write ${path}: ${explainFsError(cause)}; the previous ${basename(path)} (if any) is kept as it was`, { cause });
    this.name = "WriteError";
  }
}

/** File-system errors in words a user acts on. */
const FS_ERRORS: Record<string, string> = {
  ENOSPC: "the disk is full (ENOSPC)",
  EDQUOT: "the disk quota is used up (EDQUOT)",
  EFBIG: "the file is larger than this process may write (EFBIG: a file-size limit such as `ulimit -f`)",
  EACCES: "permission denied (EACCES)",
  EPERM: "permission denied (EPERM)",
  EISDIR: "a folder stands where the file goes (EISDIR): remove or rename that folder, or build into another one with --out",
  ENOTDIR: "a file stands where a folder goes (ENOTDIR): build into a folder with --out",
  EEXIST: "a file stands where a folder goes (EEXIST): build into a folder with --out",
  EROFS: "the file system is read-only (EROFS)",
};

export const explainFsError = (error: NodeJS.ErrnoException): string =>
  error.code && Object.hasOwn(FS_ERRORS, error.code) ? FS_ERRORS[error.code] : error.message;

/** A file-system error (one with a code) as a {@link WriteError}; anything else as it is. */
const writeError = (path: string, error: unknown) => ((error as NodeJS.ErrnoException).code ? new WriteError(path, error as NodeJS.ErrnoException) : error);

/** Temporary files this process is writing: removed if it exits before renaming them. */
const live = new Set<string>();
/** Registered on exit with the first temporary file, so that importing this module changes nothing. */
function sweep() {
  for (const temp of live) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or removed
    }
  }
}

const discard = async (temp: string) => {
  await unlink(temp).catch(() => undefined);
  live.delete(temp);
};

/** `data` written whole and synced under a temporary name beside `path`; returns that name. */
async function stage(path: string, data: string | Uint8Array): Promise<string> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}${TMP}${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(dir, { recursive: true });
    // A folder at the target would only fail the rename, after the other formats were put in place.
    if ((await stat(path).catch(() => undefined))?.isDirectory()) throw Object.assign(new Error(`${path} is a folder`), { code: "EISDIR" });
    if (!process.listeners("exit").includes(sweep)) process.on("exit", sweep);
    live.add(temp);
    await writeFile(temp, data, { flag: "wx", flush: true });
    return temp;
  } catch (error) {
    await discard(temp);
    throw writeError(path, error);
  }
}

/**
 * Files written all or none: each staged beside its target, then all renamed into place; when one
 * cannot be written, none is. `renaming` runs the renames (to time them).
 */
export async function writeAll(
  files: readonly { path: string; data: string | Uint8Array }[],
  renaming = (rename: () => Promise<void>) => rename(),
): Promise<void> {
  const temps: string[] = [];
  try {
    for (const { path, data } of files) temps.push(await stage(path, data));
    await renaming(async () => {
      for (const [i, { path }] of files.entries()) {
        await rename(temps[i], path).catch((error: unknown) => Promise.reject(writeError(path, error)));
        live.delete(temps[i]);
      }
    });
  } catch (error) {
    await Promise.all(temps.map(discard));
    throw error;
  }
}

export const writeAtomic = (path: string, data: string | Uint8Array) => writeAll([{ path, data }]);

/** Remove temporary files that a killed build left in `dir` (not those of a live process). */
export async function sweepTemporaries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(".") && name.includes(TMP))
      .filter((name) => !alive(Number(/\.tmp-(\d+)-/.exec(name)?.[1])))
      .map((name) => unlink(join(dir, name)).catch(() => undefined)),
  );
}

/** Whether a process of this id runs (0 or NaN: none). */
function alive(pid: number): boolean {
  if (!pid) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
