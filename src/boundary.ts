/**
 * The boundary: a file a source names must resolve, links followed, to a regular file inside the project folder; anything
 * else is refused with a reason the caller reports. No file is read past its limit, so none can take the memory.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, parse, relative, resolve, sep } from "node:path";
import type { VFile } from "vfile";
import { fail } from "./messages.ts";
import type { Point } from "unist";

/** A packet of more parts than this is refused before any part is looked at. */
export const MAX_PACKET_PARTS = 50;
/** The parts of one packet together may hold at most this many bytes. */
export const MAX_PACKET_BYTES = 24 * 1024 * 1024;

/** Folders of the system's own pseudo-files: never a letter's, whatever the project folder. */
const SYSTEM = ["/proc", "/sys", "/dev"];

export interface Refusal {
  rule: string;
  reason: string;
}

/** Where a named file was found: `path` as named (resolved), `real` with every link followed. */
export interface Inside {
  path: string;
  real: string;
  size: number;
}

const within = (dir: string, path: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The project folder of a source: `--project`; else the working folder when it holds the source, unless that is the root
 * or the home folder (a packet downloaded to ~/Downloads must not reach ~/.ssh); else the source's own folder.
 */
export function projectFolder(source: string, option?: string): string {
  return option !== undefined ? realOrSelf(option) : folderOf(realOrSelf(source), realOrSelf);
}

/** That rule for a path, its folders seen through `see` (links followed, or not). */
function folderOf(path: string, see: (path: string) => string): string {
  const cwd = see(process.cwd());
  const tooWide = cwd === parse(cwd).root || cwd === see(homedir());
  return within(cwd, path) && !tooWide ? cwd : dirname(path);
}

/** A source that is a link to a file outside its project folder is refused, as a part or an image would be (`a.md` → `~/.ssh/id_rsa`). */
export function sourceLinkOut(source: string): Refusal | undefined {
  const named = resolve(source);
  // A linked folder (source/ kept in a synced folder) is the user's own setup; a linked file is refused.
  if (!lstatSync(named, { throwIfNoEntry: false })?.isSymbolicLink()) return undefined;
  const project = realOrSelf(folderOf(named, resolve));
  const real = realOrSelf(named);
  if (within(project, real)) return undefined;
  return {
    rule: "path-outside-project",
    reason: `The source is a link to a file outside the project folder (${folderName(project)}): broadside reads only files inside it (build the file itself: ${real})`,
  };
}

/** A path as a message shows it: relative to the working folder below it, else as it is. */
export const shown = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
};

/** A project folder (links followed) as a message names it. */
const folderName = (real: string) => (real === realOrSelf(process.cwd()) ? "the folder broadside runs in" : shown(real));

function kind(stat: Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** Resolve `written` from `base` and check it against the boundary; `what` names the file in the reason (e.g. "Packet part `x.md`"). */
export function resolveInside(written: string, base: string, project: string, what: string, missingRule = "path-missing"): Inside | Refusal {
  if (written.includes("\0")) return { rule: "path-outside-project", reason: `${what} holds a NUL character` };
  const path = resolve(base, written);
  const realProject = realOrSelf(project);
  const named = within(resolve(project), path) || within(realProject, path);
  if (SYSTEM.some((dir) => within(dir, path))) return { rule: "path-special-file", reason: `${what} is a file of the system (${path}), not a letter's` };
  const outside = (how: string) => ({
    rule: "path-outside-project",
    reason: `${what} ${how} the project folder (${folderName(realProject)}): broadside reads only files inside it (build from the folder that holds them, or name it with --project)`,
  });
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return named ? { rule: missingRule, reason: `${what} not found (looked for ${shown(path)})` } : outside("is outside");
  }
  if (SYSTEM.some((dir) => within(dir, real)))
    return { rule: "path-special-file", reason: `${what} is a link to a file of the system (${real}), not a letter's` };
  if (!within(realProject, real)) return outside(named ? "is a link to a file outside" : "is outside");
  const stat = statSync(real);
  if (!stat.isFile()) return { rule: "path-not-file", reason: `${what} is ${kind(stat)}, not a file` };
  return { path, real, size: stat.size };
}

/** A file an edition names (`translation-of.source`, `signatories.from`): relative to the edition, inside its project folder. */
export function sourceBeside(editionPath: string, name: string): { path: string } | Refusal {
  const found = resolveInside(name, dirname(editionPath), projectFolder(editionPath), `\`${name}\``);
  if (isRefusal(found)) return found;
  return { path: relative(process.cwd(), found.path) || found.path };
}

/**
 * Read at most `limit` bytes of a regular file, without waiting on a pipe; reading stops at `limit` and one byte, so a file
 * that says it is empty (as /proc files do) or grows while it is read is refused too.
 */
export function readBounded(path: string, limit: number, what: string): Uint8Array | Refusal {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { rule: "path-not-file", reason: `${what} is ${kind(stat)}, not a file` };
    const tooLarge = (size: string): Refusal => ({ rule: "file-too-large", reason: `${what} is ${size}; broadside reads at most ${mb(limit)}` });
    if (stat.size > limit) return tooLarge(mb(stat.size));
    let bytes = new Uint8Array(Math.min(stat.size, limit) + 1);
    let read = 0;
    for (;;) {
      if (read === bytes.length) {
        if (read > limit) return tooLarge(`larger than ${mb(limit)}`);
        const larger = new Uint8Array(Math.min(limit + 1, bytes.length * 2 + 65536));
        larger.set(bytes);
        bytes = larger;
      }
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) return bytes.subarray(0, read);
      read += n;
    }
  } finally {
    closeSync(fd);
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export const isRefusal = (value: object): value is Refusal => "rule" in value && "reason" in value;

/** Characters a kit's file name may not hold: C0 and C1 controls, DEL and the bidi controls. */
const NAME_CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** What Windows takes as a folder separator, a drive or a stream, or refuses in a file name. */
const NAME_WINDOWS = /[\\:*?"<>|]/;

/** A packet's parts, resolved inside the project folder and bounded; refusals are errors at the part, and paths come back only when all passed. */
export function packetParts(file: VFile, matter: { parts: { path: string; place: Point }[] }, source: string, project: string): string[] | undefined {
  if (matter.parts.length > MAX_PACKET_PARTS) {
    fail(
      file,
      `The packet lists ${matter.parts.length} parts; a packet may have at most ${MAX_PACKET_PARTS} (make several packets)`,
      matter.parts[MAX_PACKET_PARTS].place,
      "packet-too-many-parts",
    );
    return undefined;
  }
  // The packet's own PDF is in the kit too, under the packet's file name.
  if (NAME_CONTROLS.test(basename(source)) || NAME_WINDOWS.test(basename(source))) {
    const name = basename(source).replace(new RegExp(NAME_CONTROLS, "g"), "�");
    fail(
      file,
      `The packet's file name \`${name}\` has a control character or one of \\ : * ? " < > |: rename the file (its name goes into the kit)`,
      { line: 1, column: 1 },
      "packet-part-name",
    );
    return undefined;
  }
  const paths: string[] = [];
  let total = 0;
  let ok = true;
  for (const part of matter.parts) {
    const what = `Packet part \`${part.path}\``;
    let found = resolveInside(part.path, dirname(source), project, what, "packet-part-missing");
    // The part's file name names its files in the kit, and its MANIFEST.txt's rows: a tab or a
    // line break in it would forge rows, a bidi control would disguise a name.
    if (!isRefusal(found) && NAME_CONTROLS.test(basename(part.path)))
      found = {
        rule: "packet-part-name",
        reason: `${what.replace(new RegExp(NAME_CONTROLS, "g"), "�")} has a control character in its file name: rename the file (its name goes into the kit and MANIFEST.txt)`,
      };
    // A reporter unzipping the kit on Windows would take `..\..\x` as folders: files out of the kit's folder.
    else if (!isRefusal(found) && NAME_WINDOWS.test(basename(part.path)))
      found = {
        rule: "packet-part-name",
        reason: `${what} has one of \\ : * ? " < > | in its file name, which Windows reads as a folder or refuses: rename the file (its name goes into the kit)`,
      };
    if (!isRefusal(found) && !/\.(md|markdown)$/i.test(part.path))
      found = { rule: "packet-part-type", reason: `${what} is not a Markdown source (its name must end in .md or .markdown)` };
    if (isRefusal(found)) {
      fail(file, found.reason, part.place, found.rule);
      ok = false;
      continue;
    }
    total += found.size;
    if (ok && total > MAX_PACKET_BYTES) {
      fail(
        file,
        `The packet's parts up to ${what} hold ${mb(total)}; a packet's parts may hold at most ${mb(MAX_PACKET_BYTES)} together`,
        part.place,
        "packet-too-large",
      );
      return undefined;
    }
    paths.push(found.path);
  }
  return ok ? paths : undefined;
}
