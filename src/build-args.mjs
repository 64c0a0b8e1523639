/**
 * What a build's arguments ask for, read before the CLI is loaded: src/launch.mjs starts
 * Chromium at once for a build with a PDF, and the build server (src/server) starts its browser
 * for a warm-up with one. Plain JavaScript, as the launcher loads it before anything else.
 */

/** Whether `npm run build` with these arguments (after `build`) makes a PDF: every format does without `--format`; the last `--format` counts, as in the CLI. */
export function buildAsksForPdf(args) {
  let at = -1;
  args.forEach((arg, i) => {
    if (arg === "--format" || arg.startsWith("--format=")) at = i;
  });
  if (at === -1) return true;
  const formats = args[at].startsWith("--format=") ? args[at].slice(9) : (args[at + 1] ?? "");
  return formats.toLowerCase().split(",").some((format) => format.trim() === "pdf");
}
