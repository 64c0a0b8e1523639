/**
 * Where the build server listens, and how its client and it talk. Plain JavaScript with no
 * dependencies, shared by src/launch.mjs (the client, before anything else is loaded) and
 * src/server/index.ts (the server, in the bundle).
 *
 * One server per checkout, per version of broadside's code (the bundle's fingerprint), per Node
 * and per browser: each has its own Unix socket, `<tmp>/broadside-<uid>/<checkout>-<version>.sock`,
 * in a folder only this user may enter (0700, checked), so another user can neither connect nor
 * put a socket of their own there. A server never serves code other than its own: an edit of
 * `src/` or of the lockfile gives another socket, and the old server goes when its bundle does.
 *
 * The talk is JSON, one message a line. The client sends one request: `{build: {argv, cwd,
 * env}}`, `{status: true}` or `{stop: true}`. For a build the server answers `{accepted: pid}`
 * at once (or `{busy: pid}` when it is building for another client: that client builds by
 * itself), then `{out: line}` and `{err: line}` as the build prints, and `{exit: code}`.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a build in the server reads from its environment, taken from each client's. */
export const REQUEST_ENV = ["SOURCE_DATE_EPOCH", "BROADSIDE_TIMEOUT", "BROADSIDE_DEBUG", "TZ"];

const seconds = (value, fallback) => {
  const n = Number(value);
  return (Number.isFinite(n) && n > 0 ? n : fallback) * 1000;
};

/** How long a server waits for its next build before it stops, in ms (BROADSIDE_SERVER_IDLE, seconds; an hour). */
export function idleMs(env = process.env) {
  return seconds(env.BROADSIDE_SERVER_IDLE, 60 * 60);
}

/**
 * How long it keeps its browser open without a build, in ms (BROADSIDE_SERVER_BROWSER_IDLE,
 * seconds; ten minutes): the browser holds ~0.4 GB, the server alone ~0.15 GB. The next PDF
 * starts a new one (~0.4 s more than with a warm one, still far less than a build in its own process).
 */
export function browserIdleMs(env = process.env) {
  return Math.min(idleMs(env), seconds(env.BROADSIDE_SERVER_BROWSER_IDLE, 10 * 60));
}

const OFF = new Set(["0", "off", "false", "no"]);
const ON = new Set(["1", "on", "true", "yes"]);

/**
 * Whether this run may use (and start) the build server: builds only, not with `--no-server`
 * or `--help`, and not when BROADSIDE_SERVER is off. Unset, it is on except in CI (CI set), where
 * a process left behind would outlive the job's step.
 */
export function serverWanted(argv, env = process.env) {
  if (argv[0] !== "build" || argv.includes("--no-server") || argv.includes("--help") || argv.includes("-h")) return false;
  if (process.platform === "win32") return false;
  const setting = String(env.BROADSIDE_SERVER ?? "").trim().toLowerCase();
  if (OFF.has(setting)) return false;
  if (ON.has(setting)) return true;
  return !env.CI || OFF.has(String(env.CI).toLowerCase());
}

const short = (text) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/** This user's folder of sockets, made if need be; undefined if it is not safely this user's own. */
export function serverDir() {
  if (typeof process.getuid !== "function") return undefined;
  const uid = process.getuid();
  const dir = join(tmpdir(), `broadside-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700, recursive: true });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return dir;
}

/** The socket of the server for this checkout, code (`fingerprint`), Node and browser. */
export function socketPath(dir, root, fingerprint, env = process.env) {
  const version = short([fingerprint, process.version, process.execPath, process.execArgv.join(" "), env.PUPPETEER_EXECUTABLE_PATH ?? ""].join("\0"));
  const path = join(dir, `${short(root)}-${version}.sock`);
  // A Unix socket's path is limited to 107 bytes.
  return Buffer.byteLength(path) < 100 ? path : undefined;
}

/** The sockets of every server of this checkout (any version). */
export function checkoutSockets(dir, root) {
  const prefix = `${short(root)}-`;
  try {
    return readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name.endsWith(".sock"))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** Call `onMessage` with each JSON line that arrives on `socket`. */
export function readMessages(socket, onMessage) {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (!line.trim()) continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        socket.destroy(new Error("the build server's client and server do not speak the same language"));
        return;
      }
      onMessage(message);
    }
  });
}

export const send = (socket, message) => socket.write(`${JSON.stringify(message)}\n`);
