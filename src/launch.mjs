#!/usr/bin/env node
/**
 * Starts broadside's command line fast. Running TypeScript through tsx costs about half a second
 * a run (a loader thread, a transform per file); so the CLI is bundled once with esbuild into
 * node_modules/.cache/broadside/ — never into the tree — and run from there with plain Node. The
 * bundle is named after the sizes and times of every file under src/, so any edit makes a new
 * one; each module keeps its own `import.meta.url`, so paths relative to a source file still
 * work. Should the bundle fail to build, the CLI runs through tsx as before.
 *
 * The bundle is one CommonJS file, compiled with a V8 code cache: Node 20 has no compile cache
 * for ES modules, and a cold run spent ~0.1 s compiling the same functions every time. The
 * first run of a kind (a build with a PDF, one without, `check`, `dev`; and per set of Node
 * flags, which V8 checks) saves the code of every function it ran; the next ones start from
 * it (measured: loading the CLI 141 → 72 ms, an HTML + DOCX build 0.45 → 0.41 s). Puppeteer is in
 * the file too; V8 compiles it only for a PDF. Node 20 loses the callback a dynamic `import()`
 * needs in code run from a cache, so the bundle may not `import()` a module outside it: the
 * bundling fails if it does (use a static import or `require`).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, existsSync, writeFileSync } from "node:fs";
import Module, { createRequire, isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { buildAsksForPdf } from "./build-args.mjs";
import { askServer, serverCommand, startServer } from "./server/client.mjs";
import { browserIdleMs, idleMs, serverDir, serverWanted, socketPath } from "./server/socket.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const CACHE = join(ROOT, "node_modules", ".cache", "broadside");
// Loaded at run time from node_modules: heavy, or with files of their own beside them.
const EXTERNAL = ["puppeteer", "esbuild", "tsx", "@fontsource/*"];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : [path];
  });
}

function fingerprint() {
  const hash = createHash("sha256");
  for (const path of sources(SRC).sort()) {
    const { size, mtimeMs } = statSync(path);
    hash.update(`${path}\0${size}\0${mtimeMs}\n`);
  }
  hash.update(readFileSync(join(ROOT, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

async function bundle(target) {
  const esbuild = await import("esbuild");
  const temp = `${target}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [join(SRC, "cli.ts")],
    outfile: join(temp, "cli.cjs"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: EXTERNAL,
    logLevel: "silent",
    metafile: true,
    plugins: [
      {
        name: "own-import-meta-url-and-no-import-of-built-ins",
        setup(build) {
          build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
            const ours = args.path.startsWith(SRC);
            let text = readFileSync(args.path, "utf8");
            if (!ours && !text.includes("import(")) return undefined;
            if (ours) text = text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
            // `await import("node:path")` (Puppeteer has one): the same module, by require.
            text = text.replace(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g, (call, quote, name) => (isBuiltin(name) ? `Promise.resolve().then(() => require(${quote}${name}${quote}))` : call));
            return { contents: text, loader: /\.m?ts$/.test(args.path) ? "ts" : "js" };
          });
        },
      },
    ],
  });
  const outside = Object.entries(result.metafile.inputs).flatMap(([file, input]) => input.imports.filter((i) => i.kind === "dynamic-import" && i.external).map((i) => `${file} imports ${i.path}`));
  if (outside.length) {
    rmSync(temp, { recursive: true, force: true });
    throw new Error(`the CLI may not import() a module outside the bundle (Node 20 cannot run that from a code cache): ${outside.join("; ")}. Use a static import, or createRequire(import.meta.url)(…)`);
  }
  try {
    renameSync(temp, target);
  } catch (error) {
    // Another build of the same sources put its bundle there first: use that one.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
  for (const old of readdirSync(CACHE)) {
    if (old.startsWith("cli-") && join(CACHE, old) !== target && !old.endsWith(".tmp")) rmSync(join(CACHE, old), { recursive: true, force: true });
  }
}

/**
 * A build or `dev` that will print a PDF starts Chromium now, before anything else is loaded,
 * so that the browser's start overlaps loading the CLI and parsing. Only a browser known
 * without looking (PUPPETEER_EXECUTABLE_PATH, or the one a build noted) is started here;
 * the CLI finds one otherwise. A CLI that turns out not to need it kills it.
 */
async function startBrowserEarly(argv) {
  const [command, ...rest] = argv;
  if (command !== "build" && command !== "dev") return undefined;
  if (rest.includes("--help") || rest.includes("-h")) return undefined;
  if (command === "build" && !buildAsksForPdf(rest)) return undefined;
  const { spawnKnownBrowser } = await import("./pdf/chromium.mjs");
  return spawnKnownBrowser();
}

/**
 * Ctrl-C (or kill, or a closed terminal) while the CLI loads, with a browser started: exit, so
 * that the browser is killed and its profile removed (both hook the process's exit; Node's own
 * handling of the signal would skip them). The CLI calls `release` when it has its own handlers.
 */
function stopWhileLoading() {
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  const handlers = Object.entries(signals).map(([signal, code]) => {
    const handler = () => process.exit(code);
    process.on(signal, handler);
    return [signal, handler];
  });
  return { release: () => handlers.forEach(([signal, handler]) => process.off(signal, handler)) };
}

/** Flags V8 checks a code cache against, and the Node that made it. */
const FLAGS = createHash("sha256").update(`${process.version}\0${process.execArgv.join("\0")}`).digest("hex").slice(0, 8);

/**
 * Compile and run the bundle, with the code cache of this kind of run when there is one. Returns
 * its `runCli`, and `save`, which writes the cache once the run is over (only when there was none
 * or V8 refused it).
 */
function loadCli(dir, kind) {
  const file = join(dir, "cli.cjs");
  const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
  const cacheFile = join(dir, `code-${kind}-${FLAGS}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet: this run makes it
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dir);
  const save = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch (error) {
      if (process.env.BROADSIDE_DEBUG) console.error("broadside: code cache not saved:", error);
    }
  };
  return { runCli: module.exports.runCli, runServer: module.exports.runServer, save };
}

/** What the code cache is kept for: runs of one kind run the same functions. */
function runKind(argv, spawned) {
  const command = ["build", "check", "dev", "import"].includes(argv[0]) ? argv[0] : "other";
  return command === "build" && spawned ? "build-pdf" : command;
}

const duration = (ms) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** Hand a build to the build server when one is up; else note where one should be started. */
async function viaServer(argv, version) {
  if (!version || !serverWanted(argv)) return {};
  const dir = serverDir();
  const path = dir && socketPath(dir, ROOT, version);
  if (!path) return {};
  const answer = await askServer(path, argv);
  if (answer.served !== undefined) return { served: answer.served };
  return answer.busy ? {} : { start: path };
}

/** `__serve <socket> <bundle folder> <warm-up>`: run as the build server (started by startServer). */
async function serve([path, target, warmup]) {
  if (!existsSync(target)) return;
  const log = (line) => console.error(`${new Date().toISOString()} broadside build server (pid ${process.pid}): ${line}`);
  const cli = loadCli(target, "serve");
  log(`listening on ${path}`);
  await cli.runServer({ socket: path, bundle: target, idleMs: idleMs(), browserIdleMs: browserIdleMs(), warmup: JSON.parse(warmup), scratch: CACHE, log });
  cli.save();
  process.exit(0);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === "__serve") return serve(argv.slice(1));
  if (argv[0] === "server") {
    process.exitCode = await serverCommand(argv.slice(1), { dir: serverDir(), root: ROOT });
    return;
  }
  let version;
  try {
    mkdirSync(CACHE, { recursive: true });
    version = fingerprint();
  } catch (error) {
    if (process.env.BROADSIDE_DEBUG) console.error("broadside: running through tsx:", error);
  }
  const server = await viaServer(argv, version);
  if (server.served !== undefined) {
    process.exitCode = server.served;
    return;
  }

  // The handlers go in before the browser starts: a Ctrl-C between its start and theirs would
  // end this process by the signal itself, with no exit hook to kill the browser.
  let signals = stopWhileLoading();
  const spawned = await startBrowserEarly(argv).catch(() => undefined);
  if (!spawned) {
    signals.release();
    signals = undefined;
  }
  let target;
  try {
    if (!version) throw new Error("no fingerprint of the sources");
    target = join(CACHE, `cli-${version}`);
    if (!existsSync(target)) await bundle(target);
  } catch (error) {
    if (process.env.BROADSIDE_DEBUG) console.error("broadside: running through tsx:", error);
    target = undefined;
  }
  if (target) {
    let cli;
    try {
      cli = loadCli(target, runKind(argv, spawned));
    } catch (error) {
      // A bundle removed by a build of newer sources between our look and our load: run through
      // tsx. Any other error is the CLI's own and is not hidden by running it twice.
      if (!(error?.code === "ENOENT" && error.path === join(target, "cli.cjs"))) throw error;
    }
    if (cli) {
      await cli.runCli(argv, { spawned, signals });
      cli.save();
      if (server.start && (process.exitCode ?? 0) <= 1) {
        const pid = startServer({ launcher: fileURLToPath(import.meta.url), path: server.start, target, argv, root: ROOT });
        console.log(`broadside: started a build server for the next builds (pid ${pid}): it keeps broadside warm for ${duration(idleMs())} after the last build, and its browser for ${duration(browserIdleMs())}; \`npm run server -- stop\` stops it, --no-server or BROADSIDE_SERVER=off builds without it`);
      }
      return;
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  const { runCli } = await import(pathToFileURL(join(SRC, "cli.ts")).href);
  await runCli(argv, { spawned, signals });
}

await main();
