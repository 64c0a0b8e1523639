/**
 * The build server: a process that keeps broadside loaded, its code compiled and one browser
 * open, and runs the builds its clients (src/server/client.mjs, from `npm run build`) hand it,
 * one at a time, each in the client's folder and environment, printing to the client. See
 * socket.mjs for where it listens and what it says.
 *
 * It closes its browser after BROADSIDE_SERVER_BROWSER_IDLE seconds without a build (600 by
 * default; the next PDF starts another), and stops after BROADSIDE_SERVER_IDLE seconds (3600), when
 * its bundle is gone (broadside's code changed: a newer server takes over), when its socket is
 * gone, and on `npm run server -- stop`, each once the build under way is done; and at once on
 * SIGINT, SIGTERM or SIGHUP. A client that goes away
 * during its build (Ctrl-C) stops it at once, as Ctrl-C stops a build in its own process: its
 * browser is killed and its temporary files are removed (both hook the process's exit), so
 * nothing half-written is left and no document the user stopped is written afterwards.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { buildAsksForPdf } from "../build-args.mjs";
import type { Io, ServedContext } from "../cli.ts";
import { spawnKnownBrowser } from "../pdf/chromium.mjs";
import { Printer } from "../pdf/printer.ts";
import { readMessages, REQUEST_ENV, send } from "./socket.mjs";

export type RunServed = (argv: string[], io: Io, served: ServedContext) => Promise<number>;

export interface ServerOptions {
  /** The socket to listen on. */
  socket: string;
  /** The bundle this server runs: when it is removed, the server stops. */
  bundle: string;
  /** Stop after this long without a build, in ms. */
  idleMs: number;
  /** Close the browser after this long without a build, in ms (the next PDF starts another). */
  browserIdleMs: number;
  /** The build that started the server: run (into a folder of the server's own) to warm up. */
  warmup?: { argv: string[]; cwd: string };
  /** Where the warm-up's documents go (a temporary folder in it, removed after). */
  scratch: string;
  log?: (line: string) => void;
}

interface BuildRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/** How long after a build the server gives back the memory the build held. */
const TRIM_AFTER_MS = 1000;

/** A page that printed more HTML than this is closed after the build (Printer.forget); the letter's is 0.24 MB. */
const LARGE_DOCUMENT_CHARS = 1_000_000;

/** A heap larger than this after a build is collected (the letter's stays under 150 MB; ×50's reaches 0.5 GB). */
const LARGE_HEAP_BYTES = 256 * 1024 * 1024;

/** Warm-up rounds: the second and third runs of a build in a process are the ones that get faster. */
const WARMUP_ROUNDS = 3;

/** Listen on `options.socket`; resolves when the server is up, undefined if another server already is. */
export async function serveBuilds(options: ServerOptions, run: RunServed): Promise<{ stopped: Promise<void> } | undefined> {
  const log = options.log ?? (() => undefined);
  const printer = new Printer({ log });
  let builds = 0;
  let building = false;
  let warm = false;
  let idleSince = performance.now();
  let stopping = false;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const server = createServer((socket) => accept(socket));
  if (!(await listen(server, options.socket))) return undefined;
  try {
    chmodSync(options.socket, 0o600);
  } catch {
    // its folder is this user's only (socket.mjs)
  }
  const removeSocket = () => {
    try {
      unlinkSync(options.socket);
    } catch {
      // gone already
    }
  };
  process.on("exit", removeSocket);

  // What runs while the server waits: its stop, the clean-up after a build, the browser's close.
  let idleTimer: NodeJS.Timeout | undefined;
  let trimTimer: NodeJS.Timeout | undefined;
  let browserTimer: NodeJS.Timeout | undefined;
  // A second after a build, what it left is given back (see idle()); a build waits for that.
  let trimming: Promise<void> = Promise.resolve();

  // Another version of broadside's code took over (its bundle is removed then), or the socket
  // was removed (a cleaned temporary folder): no client can reach this server any more.
  const watch = setInterval(() => {
    if (!existsSync(options.bundle)) void stop("its code was replaced");
    else if (!existsSync(options.socket)) void stop("its socket was removed");
  }, 5000);
  watch.unref();

  /** Stop once the build under way (if any) is done. */
  let stopAfterBuild: string | undefined;
  async function stop(reason: string) {
    if (building) {
      stopAfterBuild ??= reason;
      return;
    }
    if (stopping) return;
    stopping = true;
    log(`stopping: ${reason}`);
    clearTimeout(idleTimer);
    clearTimeout(trimTimer);
    clearTimeout(browserTimer);
    clearInterval(watch);
    server.close();
    removeSocket();
    await printer.close().catch(() => undefined);
    resolveStopped();
  }

  const idle = () => {
    clearTimeout(idleTimer);
    idleSince = performance.now();
    idleTimer = setTimeout(() => void stop("idle"), options.idleMs);
    // A second after a build, give back what it held: this process's garbage, and the page
    // that printed a long document (the letter ×50 leaves ~0.25 GB of each; measured: server
    // 528 → 318 MB, browser 575 → 301 MB). A build that arrives meanwhile waits for it.
    clearTimeout(trimTimer);
    trimTimer = setTimeout(() => {
      // Only after a long document: a full collection also makes the next build slower (the
      // letter's after 4 s idle: 0.36 against 0.29 s), and the letter leaves little to give back.
      const gc = process.memoryUsage().heapTotal > LARGE_HEAP_BYTES ? (globalThis as { gc?: () => void }).gc : undefined;
      trimming = printer.forget(LARGE_DOCUMENT_CHARS).then(() => gc?.());
    }, TRIM_AFTER_MS);
    clearTimeout(browserTimer);
    browserTimer = setTimeout(() => {
      log("closing the browser: no build for a while");
      trimming = trimming.then(() => printer.rest());
    }, options.browserIdleMs);
  };
  // A signal stops it at once, build or not, as it would stop a build in its own process (its
  // client then builds by itself); the exit hooks remove temporaries and kill the browser.
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.on(signal, () => {
      log(`stopped by ${signal}`);
      process.exit(code);
    });
  }

  // Warm up on the build that started the server, while no client waits.
  let warming: Promise<void> = Promise.resolve();
  let warmingStopped = false;
  if (options.warmup) {
    const { argv, cwd } = options.warmup;
    if (buildAsksForPdf(argv.slice(1))) printer.start();
    warming = (async () => {
      sweepWarmups(options.scratch);
      const out = mkdtempSync(join(options.scratch, `warm-${process.pid}-`));
      const quiet: Io = { log: () => undefined, error: () => undefined };
      try {
        for (let round = 0; round < WARMUP_ROUNDS && !warmingStopped && !stopping; round++) {
          await inFolder(cwd, {}, () => run([...argv, "--out", out], quiet, { printer, by: "", origin: performance.now() })).catch((error: unknown) => log(`warm-up: ${String(error)}`));
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
        warm = true;
        if (!building) idle();
      }
    })();
  } else {
    warm = true;
    idle();
  }

  function accept(socket: Socket) {
    socket.on("error", () => undefined);
    readMessages(socket, (message: { build?: BuildRequest; status?: boolean; stop?: boolean }) => {
      if (message.status) {
        void printer.pid().then((browserPid) => {
          send(socket, { status: { pid: process.pid, builds, warm, building, browserPid, idleMs: options.idleMs, idleFor: building ? 0 : performance.now() - idleSince } });
          socket.end();
        });
      } else if (message.stop) {
        send(socket, { stopping: process.pid });
        socket.end();
        void stop("asked to");
      } else if (message.build) void serve(socket, message.build);
      else socket.destroy();
    });
  }

  async function serve(socket: Socket, request: BuildRequest) {
    if (building || stopping) {
      send(socket, { busy: process.pid });
      socket.end();
      return;
    }
    building = true;
    clearTimeout(idleTimer);
    clearTimeout(trimTimer);
    clearTimeout(browserTimer);
    send(socket, { accepted: process.pid });
    await trimming;
    let done = false;
    // The client went away before its build was done (Ctrl-C): stop, as its own process would.
    socket.once("close", () => {
      if (!done) {
        log("the client went away during its build: stopping");
        process.exit(130);
      }
    });
    warmingStopped = true;
    await warming;
    const origin = performance.now();
    const io: Io = { log: (line) => send(socket, { out: line }), error: (line) => send(socket, { err: line }) };
    let code: number;
    try {
      code = await inFolder(request.cwd, request.env, () => run(request.argv, io, { printer, by: `by the build server (pid ${process.pid})`, origin }));
    } catch (error) {
      io.error(`broadside: the build server failed: ${String(error)}`);
      code = 3;
    }
    builds++;
    done = true;
    send(socket, { exit: code });
    socket.end();
    building = false;
    if (stopAfterBuild) void stop(stopAfterBuild);
    else idle();
  }

  return { stopped };
}

/** Remove the warm-up folders of servers that were killed while they warmed up. */
function sweepWarmups(scratch: string) {
  for (const name of readdirSync(scratch)) {
    const pid = Number(/^warm-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(scratch, name), { recursive: true, force: true });
    }
  }
}

/** Run `task` in `cwd`, with the environment variables builds read set as the client had them. */
async function inFolder<T>(cwd: string, env: Record<string, string>, task: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  const saved = Object.fromEntries(REQUEST_ENV.map((key) => [key, process.env[key]]));
  process.chdir(cwd);
  for (const key of REQUEST_ENV) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
  try {
    return await task();
  } finally {
    for (const key of REQUEST_ENV) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    process.chdir(before);
  }
}

/**
 * Listen on `path`. A socket file left by a server that was killed is removed first; one that
 * answers belongs to a live server: false.
 */
function listen(server: Server, path: string): Promise<boolean> {
  const attempt = () =>
    new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once("error", resolve);
      server.listen(path, () => {
        server.off("error", resolve);
        resolve(undefined);
      });
    });
  return attempt().then(async (error) => {
    if (!error) return true;
    if (error.code !== "EADDRINUSE") throw error;
    const alive = await new Promise<boolean>((resolve) => {
      const probe = createConnection(path);
      probe.once("connect", () => {
        probe.destroy();
        resolve(true);
      });
      probe.once("error", () => resolve(false));
    });
    if (alive) return false;
    unlinkSync(path);
    const again = await attempt();
    if (again) throw again;
    return true;
  });
}
