#!/usr/bin/env node
// Runs broadside's command line. In a checkout the TypeScript under src/ is bundled with esbuild
// (bin/bundle.mjs) into node_modules/.cache/broadside/cli.mjs whenever a file there (or the
// lockfile) is newer than the bundle, and the bundle runs with plain Node: it starts several times
// faster than a TypeScript loader.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
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

// A checkout bundles src/ on change; an installed package runs the bundle it ships (lib/cli.mjs).
const checkout = existsSync(join(root, "src", "cli.ts")) && !dirname(root).endsWith("node_modules");
if (checkout && builtAt() < Math.max(newest(join(root, "src")), statSync(join(root, "package-lock.json")).mtimeMs)) {
  const [{ build }, { options }] = await Promise.all([import("esbuild"), import("./bundle.mjs")]);
  mkdirSync(dirname(bundle), { recursive: true });
  const temp = `${bundle}.${process.pid}.tmp`;
  await build({ ...options(), entryPoints: [join(root, "src", "cli.ts")], outfile: temp });
  renameSync(temp, bundle); // atomic: a build running at the same time sees the old or the new bundle
}

const { runCli } = await import(pathToFileURL(checkout ? bundle : join(root, "lib", "cli.mjs")).href);
await runCli(process.argv.slice(2));
