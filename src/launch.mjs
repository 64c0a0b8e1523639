#!/usr/bin/env node
/**
 * Starts broadside's command line fast. Running TypeScript through tsx costs about half a second
 * a run (a loader thread, a transform per file); so the CLI is bundled once with esbuild into
 * node_modules/.cache/broadside/ — never into the tree — and run from there with plain Node. The
 * bundle is named after the sizes and times of every file under src/, so any edit makes a new
 * one; each module keeps its own `import.meta.url`, so paths relative to a source file still
 * work. Should the bundle fail to build, the CLI runs through tsx as before.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const CACHE = join(ROOT, "node_modules", ".cache", "broadside");
// Loaded at run time from node_modules: heavy, or with files of their own beside them.
const EXTERNAL = ["puppeteer", "puppeteer-core", "pdfjs-dist", "esbuild", "tsx", "@fontsource/*"];

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
  await esbuild.build({
    entryPoints: [join(SRC, "cli.ts")],
    outfile: temp,
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
  renameSync(temp, target);
  for (const old of readdirSync(CACHE)) if (old.startsWith("cli-") && join(CACHE, old) !== target) rmSync(join(CACHE, old), { force: true });
}

async function main() {
  let target;
  try {
    mkdirSync(CACHE, { recursive: true });
    target = join(CACHE, `cli-${fingerprint()}.mjs`);
    if (!existsSync(target)) await bundle(target);
  } catch (error) {
    if (process.env.BROADSIDE_DEBUG) console.error("broadside: running through tsx:", error);
    target = undefined;
  }
  if (target) {
    try {
      await import(pathToFileURL(target).href);
      return;
    } catch (error) {
      // A bundle removed by a build of newer sources between our look and our load: run through
      // tsx. Any other error is the CLI's own and is not hidden by running it twice.
      if (!(error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(target))) throw error;
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(SRC, "cli.ts")).href);
}

await main();
