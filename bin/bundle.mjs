// How broadside's TypeScript under src/ becomes JavaScript that plain Node runs: one bundle with
// its dependencies, which loads much faster than Node's resolution of each module. Run as a
// script (`npm pack` runs it first), it writes lib/: the command line, the API and the API's types,
// so an installed package needs neither src/ nor esbuild.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * esbuild's options. Packages with files of their own beside them (fonts, Chromium, pdf.js's
 * worker, HarfBuzz's wasm) stay outside; CommonJS dependencies get a require of their own.
 * @returns {import("esbuild").BuildOptions}
 */
export const options = () => ({
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["puppeteer-core", "@puppeteer/browsers", "pdfjs-dist", "esbuild", "@fontsource/*", "subset-font"],
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "error",
  plugins: [inPagePlugin],
});

const IN_PAGE = "broadside:paginate-in-page";
const IN_PAGE_ENTRY = join(root, "src", "pdf", "paginate", "in-page.ts");

/**
 * The pagination that runs in Chromium (src/pdf/paginate/in-page.ts), bundled for the browser into
 * one script that sets the global `broadsidePaginate`.
 * @returns {Promise<string>}
 */
export async function bundleInPage() {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [IN_PAGE_ENTRY],
    bundle: true,
    format: "iife",
    globalName: "broadsidePaginate",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "error",
  });
  return out.outputFiles[0].text;
}

/** The module `broadside:paginate-in-page`: that script as a string. @type {import("esbuild").Plugin} */
const inPagePlugin = {
  name: "paginate-in-page",
  setup(build) {
    build.onResolve({ filter: /^broadside:paginate-in-page$/ }, () => ({ path: IN_PAGE, namespace: "in-page" }));
    build.onLoad({ filter: /.*/, namespace: "in-page" }, async () => ({ contents: `export default ${JSON.stringify(await bundleInPage())};`, loader: "js" }));
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { build } = await import("esbuild");
  const lib = join(root, "lib");
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(lib);
  // Two whole bundles, each as the checkout runs it: split into shared chunks, the packet's PDF
  // reading found pdf-lib not yet loaded.
  for (const name of ["cli", "api"]) await build({ ...options(), entryPoints: [join(root, "src", `${name}.ts`)], outfile: join(lib, `${name}.mjs`) });
  // api.ts writes out every type it names, so its declarations need no other file of src/.
  const { default: ts } = await import("typescript");
  const types = ts.transpileDeclaration(readFileSync(join(root, "src", "api.ts"), "utf8"), {
    fileName: "api.ts",
    compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
  });
  if (types.diagnostics?.length) throw new Error(ts.formatDiagnostics(types.diagnostics, ts.createCompilerHost({})));
  writeFileSync(join(lib, "api.d.mts"), types.outputText);
}
