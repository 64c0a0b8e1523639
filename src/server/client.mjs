/**
 * The build server's client, in src/launch.mjs: hands a build to the server of this checkout
 * and code when one is running, prints what it prints, and exits with its exit code; else the
 * build runs in this process, and a server is started for the next builds.
 *
 * Why a server: a build is mostly Node starting cold. Loading the CLI, and running the parser,
 * the `docx` library and the readers for the first time in a process (V8 interprets them before
 * it compiles them), costs three times what the same build costs in a process that has built
 * before; and Chromium's start and first render cost more than a warm print. The server keeps
 * both warm: an HTML + DOCX build of the letter takes ~0.15 s instead of ~0.45 s, all three
 * formats ~0.35 s instead of ~1.3 s. It writes exactly what a build in the client's process
 * would (the same code, run on the client's folder, arguments and environment).
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname, join } from "node:path";
import { checkoutSockets, idleMs, readMessages, REQUEST_ENV, send } from "./socket.mjs";

/** How long a server may take to say it took a build before the client builds by itself. */
const ACCEPT_MS = 2000;

function connect(path) {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once("connect", () => resolve(socket));
    socket.once("error", () => resolve(undefined));
  });
}

/**
 * Ask the server at `path` to build `argv`. Resolves `{served: code}` when it built,
 * `{busy: true}` when it is building for another client, and `{}` when there is no server
 * (or it stopped before it took the build). Ctrl-C while it builds stops the client and the
 * server, with the build: nothing half-written stays (the server's temporaries go with it).
 */
export async function askServer(path, argv) {
  const socket = await connect(path);
  if (!socket) return {};
  const env = Object.fromEntries(REQUEST_ENV.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]));
  // Output that cannot be printed (a closed pipe, a full disk) does not stop the build, as in
  // the CLI's own process (src/cli.ts).
  let told = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error) => {
      if (told || stream === process.stderr) return;
      told = true;
      process.stderr.write(`broadside: cannot print progress: ${error.message}; building on\n`);
    });
  }
  return new Promise((resolve) => {
    let accepted = false;
    let settled = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const [signal] of signals) process.off(signal, stop);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => settle({}), ACCEPT_MS);
    const signals = [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]];
    const stop = (signal) => {
      socket.destroy();
      process.stderr.write(`broadside: stopped by ${signal}; documents not yet written keep their previous complete version\n`);
      process.exit(signals.find(([s]) => s === signal)[1]);
    };
    for (const [signal] of signals) process.on(signal, stop);
    readMessages(socket, (message) => {
      if (message.busy !== undefined) return settle({ busy: true });
      if (message.accepted !== undefined) {
        accepted = true;
        clearTimeout(timer);
      } else if (typeof message.out === "string") process.stdout.write(`${message.out}\n`);
      else if (typeof message.err === "string") process.stderr.write(`${message.err}\n`);
      else if (typeof message.exit === "number") settle({ served: message.exit });
    });
    socket.once("close", () => {
      if (accepted && !settled) process.stderr.write("broadside: the build server stopped before the build was done; building here instead\n");
      settle({});
    });
    socket.once("error", () => undefined); // followed by close
    send(socket, { build: { argv, cwd: process.cwd(), env } });
  });
}

/**
 * Start a server at `path` for the next builds, detached from this process; it warms itself
 * up on `argv` (built into a folder of its own, never into the user's). Returns its pid.
 */
export function startServer({ launcher, path, target, argv, root }) {
  let log = "ignore";
  try {
    const file = join(dirname(target), "server.log");
    // A few lines per server; started afresh once it passes a megabyte.
    log = openSync(file, existsSync(file) && statSync(file).size > 1_000_000 ? "w" : "a");
  } catch {
    // no log
  }
  // --expose-gc: the server collects its garbage once a build is done (src/server/index.ts).
  const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", launcher, "__serve", path, target, JSON.stringify({ argv, cwd: process.cwd() })], {
    cwd: root,
    detached: true,
    stdio: ["ignore", log, log],
    env: process.env,
  });
  child.unref();
  if (typeof log === "number") closeSync(log);
  return child.pid;
}

function request(path, message) {
  return new Promise((resolve) => {
    connect(path).then((socket) => {
      if (!socket) return resolve(undefined);
      readMessages(socket, (answer) => {
        socket.destroy();
        resolve(answer);
      });
      socket.once("close", () => resolve(undefined));
      send(socket, message);
    });
  });
}

/** `npm run server -- status|stop`: every server of this checkout. Returns the exit code. */
export async function serverCommand(args, { dir, root }) {
  const [what] = args;
  if (what !== "status" && what !== "stop") {
    process.stderr.write("usage: npm run server -- status|stop\n  status  which build servers of this checkout are running\n  stop    stop them (they stop by themselves after BROADSIDE_SERVER_IDLE seconds idle, 3600 by default)\n");
    return 2;
  }
  const sockets = dir ? checkoutSockets(dir, root) : [];
  let running = 0;
  for (const path of sockets) {
    const answer = await request(path, what === "stop" ? { stop: true } : { status: true });
    if (!answer) continue;
    running++;
    if (what === "stop") process.stdout.write(`broadside: stopped the build server (pid ${answer.stopping})\n`);
    else {
      const s = answer.status;
      process.stdout.write(`broadside: build server pid ${s.pid}: ${s.builds} build${s.builds === 1 ? "" : "s"} served, ${s.warm ? "warm" : "warming up"}, browser ${s.browserPid ? `pid ${s.browserPid}` : "not started"}, stops after ${Math.round(s.idleMs / 1000)} s idle (${Math.round(s.idleFor / 1000)} s so far); ${path}\n`);
    }
  }
  if (running === 0) process.stdout.write(`broadside: no build server is running for ${root} (it stops by itself after ${Math.round(idleMs() / 1000)} s idle)\n`);
  return 0;
}
