#!/usr/bin/env node
/**
 * Starts broadside's command line fast. Running TypeScript through tsx costs about half a second
 * a run (a loader thread, a transform per file); so the CLI is bundled once with esbuild into
 * node_modules/.cache/broadside/ — never into the tree — and run from there with plain Node. The
 * bundle is named after the sizes and times of every file under src/, so any edit makes a new
 * one; each module keeps its own `import.meta.url`, so paths relative to a source file still
 * work. What is loaded only for a PDF (Puppeteer) goes into a chunk of its own, loaded as one
 * file (a third of the time its 300 modules take one by one), and only when a PDF is made.
 * Should the bundle fail to build, the CLI runs through tsx as before.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const CACHE = join(ROOT, "node_modules", ".cache", "broadside");
// Loaded at run time from node_modules: heavy, or with files of their own beside them.
const EXTERNAL = ["puppeteer", "pdfjs-dist", "esbuild", "tsx", "@fontsource/*"];

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
  await esbuild.build({
    entryPoints: { cli: join(SRC, "cli.ts") },
    outdir: temp,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    logLevel: "silent",
    banner: { js: 'import { createRequire as __broadsideRequire } from "node:module"; const require = __broadsideRequire(import.meta.url);' },
    plugins: [
      {
        name: "own-import-meta-url",
        setup(build) {
          build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
            if (!args.path.startsWith(SRC)) return undefined;
            const text = readFileSync(args.path, "utf8").replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
            return { contents: text, loader: args.path.endsWith("ts") ? "ts" : "js" };
          });
        },
      },
    ],
  });
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
  if (command === "build") {
    const at = rest.findIndex((a) => a === "--format" || a.startsWith("--format="));
    const formats = at === -1 ? "pdf" : rest[at].startsWith("--format=") ? rest[at].slice(9) : (rest[at + 1] ?? "");
    if (!formats.toLowerCase().split(",").some((f) => f.trim() === "pdf")) return undefined;
  }
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

async function main() {
  const argv = process.argv.slice(2);
  const spawned = await startBrowserEarly(argv).catch(() => undefined);
  const signals = spawned ? stopWhileLoading() : undefined;
  let target;
  try {
    mkdirSync(CACHE, { recursive: true });
    target = join(CACHE, `cli-${fingerprint()}`);
    if (!existsSync(target)) await bundle(target);
    target = join(target, "cli.mjs");
  } catch (error) {
    if (process.env.BROADSIDE_DEBUG) console.error("broadside: running through tsx:", error);
    target = undefined;
  }
  if (target) {
    try {
      const { runCli } = await import(pathToFileURL(target).href);
      await runCli(argv, { spawned, signals });
      return;
    } catch (error) {
      // A bundle removed by a build of newer sources between our look and our load: run through
      // tsx. Any other error is the CLI's own and is not hidden by running it twice.
      if (!(error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(target))) throw error;
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  const { runCli } = await import(pathToFileURL(join(SRC, "cli.ts")).href);
  await runCli(argv, { spawned, signals });
}

await main();
