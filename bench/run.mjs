#!/usr/bin/env node
// `npm run bench`: bundles bench/index.ts (with the parts of src/ it times) with esbuild, as
// bin/broadside.mjs does the command line, and runs it. The bench is not part of the package:
// it is bundled afresh on every run, which costs little beside the builds it times.
import { mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { options, root } from "../bin/bundle.mjs";

const bundle = join(root, "node_modules", ".cache", "broadside", "bench.mjs");
mkdirSync(dirname(bundle), { recursive: true });
const temp = `${bundle}.${process.pid}.tmp`;
await build({ ...options(), entryPoints: [join(root, "bench", "index.ts")], outfile: temp });
renameSync(temp, bundle); // atomic: a bench starting at the same time runs the old or the new one

const { bench } = await import(pathToFileURL(bundle).href);
try {
  process.exitCode = await bench(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
