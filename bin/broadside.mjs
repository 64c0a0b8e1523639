#!/usr/bin/env node
// Runs broadside's command line. The TypeScript under src/ is bundled with esbuild into
// node_modules/.cache/broadside/cli.mjs whenever a file there (or the lockfile) is newer than the
// bundle, and the bundle runs with plain Node: it starts several times faster than a TypeScript loader.
import { mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "node_modules", ".cache", "broadside", "cli.mjs");

/** The newest modification time of the files under `dir`. @param {string} dir @returns {number} */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return -1;
  }
}

if (builtAt() < Math.max(newest(join(root, "src")), statSync(join(root, "package-lock.json")).mtimeMs)) {
  const { build } = await import("esbuild");
  mkdirSync(dirname(bundle), { recursive: true });
  const temp = `${bundle}.${process.pid}.tmp`;
  // One file, dependencies included, loads much faster than Node's resolution of each module.
  // Packages with files of their own beside them (fonts, Chromium, pdf.js's worker, HarfBuzz's wasm) stay outside;
  // CommonJS dependencies get a require of their own.
  await build({
    entryPoints: [join(root, "src", "cli.ts")],
    outfile: temp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["puppeteer", "puppeteer-core", "pdfjs-dist", "esbuild", "@fontsource/*", "subset-font"],
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel: "error",
  });
  renameSync(temp, bundle); // atomic: a build running at the same time sees the old or the new bundle
}

const { runCli } = await import(pathToFileURL(bundle).href);
await runCli(process.argv.slice(2));
