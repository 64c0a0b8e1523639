/**
 * broadside's command line; USAGE below says what each command takes. Exit codes: 0 done, 1 a
 * source has errors (nothing of it written), 2 wrong usage, 3 the tool itself failed (e.g. no browser).
 */
import { existsSync, statSync } from "node:fs";
import { constants } from "node:os";
import { inspect, parseArgs } from "node:util";
import { build, checkOptions, OptionsError } from "./build.ts";
import { toPoints } from "./paper.ts";
import { checkCommand } from "./check/cli.ts";
import { BrowserFailedError, BrowserMissingError } from "./pdf/browser.ts";
import { hasErrors } from "./messages.ts";
import { formatMessages, printable } from "./report.ts";
import { formatTimings, recordTimings } from "./timings.ts";
import { WriteError, explainFsError } from "./write.ts";
import { defaultTemplates, projectSources } from "./paths.ts";

const USAGE = `usage: npm run build -- [source.md …] [--out dir] [--format html,pdf,docx]
  With no source, builds every source/*.md into dist/.
  --out dir        where the documents go (default: dist)
  --format list    which formats, comma-separated (default: html,pdf,docx)
  --templates dir  the templates folder (default: templates)
  --lang tag       the language of sources whose front matter names none (e.g. fr,
                   zh-Hans); without it such sources are marked English, with a warning
  --notes where    footnotes (at the foot of each page) or endnotes (at the end), in the
                   PDF and the .docx; overrides the front matter's \`notes\`
  --paper size     a4 or letter: the paper of the PDF, the .docx and the HTML's print style;
                   overrides the front matter's \`paper\`
  --allow-html     keep raw HTML, cleaned of scripts, frames, styles and unsafe links, in
                   the HTML and PDF (default: left out of every output, with a warning)
  --no-verify      skip reading the documents back to prove their notes agree
  --timings        print how long each stage took (parse, each format, the browser, checks)
  --bleed size     a packet's PDF gets a TrimBox and a BleedBox this far out (e.g. 3mm)
  --marks          a packet's PDF gets crop marks outside the trim
  --project dir    the folder every file a source names (packet parts, images) must be
                   inside (default: the working folder, or the source's folder when the
                   source is not inside it or the working folder is / or your home)
  --timeout s      seconds the browser may take to start, and to print one PDF
                   (default: $BROADSIDE_TIMEOUT, else 120)
usage: npm run check -- [source.md …] [--format text|json] [--strict] [--outputs dir] [--lang tag]
  Checks the sources (every source/*.md by default) for the letter's own mistakes.
  --lang tag       as for build
  --format json    messages as JSON on stdout
  --strict         warnings count as errors
  --outputs dir    also read the built documents in dir back and prove they agree
usage: broadside init [folder]
  A new folder of letters (default: the current one): source/letter.md, .gitignore, README.md.
usage: broadside setup
  Finds a browser for the PDF, or downloads Chrome's headless shell, and says what it did.
usage: npm run dev -- [--port 4173] [--source dir] [--out dir] [--templates dir] [--settle ms] [--lang tag]
  Watches the sources and templates and serves a live preview on 127.0.0.1.
  --port n         the port (0: any free one, printed)
  --settle ms      how long a saved file must hold still before it is shown (default: 5;
                   more for a network drive that writes files in pieces)
  --lang tag       the language of a source whose front matter names none`;

/** `1 file`, `2 files`. */
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return 0;
  }
  if (command === "check") return checkCommand(rest);
  // For maintainers: what npm run setup, test and reference-docx run (npm run bench: bench/run.mjs).
  if (command === "setup") return (await import("./setup/index.ts")).setup(rest);
  if (command === "reference-docx") return (await import("./docx/reference.ts")).writeReference();
  if (command === "init") return (await import("./init.ts")).init(rest);
  if (command === "import") return (await import("./import/cli.ts")).importCommand(rest);
  if (command === "export") return (await import("./xliff/cli.ts")).exportCommand(rest);
  if (command === "dev") return (await import("./dev/index.ts")).devCommand(rest);
  if (command !== "build") throw new OptionsError(command ? `unknown command \`${command}\`` : "no command");
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      format: { type: "string" },
      templates: { type: "string" },
      "allow-html": { type: "boolean" },
      "no-verify": { type: "boolean" },
      timings: { type: "boolean" },
      timeout: { type: "string" },
      notes: { type: "string" },
      paper: { type: "string" },
      lang: { type: "string" },
      bleed: { type: "string" },
      marks: { type: "boolean" },
      project: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const asked = values.format ? values.format.split(",").map((f) => f.trim().toLowerCase()) : undefined;
  const { formats, notes, paper, timeout } = checkOptions({ ...values, formats: asked?.filter(Boolean) }, "--");
  stopCleanlyOnSignals();
  const sources = positionals.length ? positionals : projectSources();
  if (sources.length === 0) throw new OptionsError("no Markdown sources found in source/");
  const outDir = values.out ?? "dist"; // the project is the working folder
  if (existsSync(outDir) && !statSync(outDir).isDirectory())
    throw new OptionsError(`--out names ${outDir}, which is a file, not a folder: the documents go into a folder`);
  if (values.project !== undefined && !(existsSync(values.project) && statSync(values.project).isDirectory()))
    throw new OptionsError(`--project names ${values.project}, which is not a folder`);
  const started = performance.now();
  if (values.timings) recordTimings();
  console.log(`broadside: building ${count(sources.length, "source")} into ${outDir || "."}/ (${formats.join(", ")})`);
  // A source whose front matter has `packet:` is built as a packet (src/packet), the others as letters, in one browser.
  const bleed = values.bleed === undefined ? undefined : toPoints(values.bleed);
  if (bleed === null) throw new OptionsError(`--bleed takes a length such as 3mm, 0.125in or 9pt; not ${values.bleed}`);
  const { files, written } = await build({
    sources,
    outDir,
    formats,
    templatesDir: values.templates ?? defaultTemplates(),
    log: (line) => console.log(printable(line)),
    allowHtml: values["allow-html"],
    verify: !values["no-verify"],
    timeout,
    lang: values.lang,
    project: values.project,
    notes,
    paper,
    bleed,
    marks: values.marks,
  });
  if (values.timings) console.log(`broadside: timings\n${formatTimings()}`);
  const report = formatMessages(files);
  if (report) console.error(report);
  const failed = files.filter(hasErrors);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (failed.length) {
    console.error(
      `broadside: ${failed.length} of ${count(files.length, "source")} not built (errors above); ${count(written.length, "file")} written in ${seconds} s`,
    );
    return 1;
  }
  console.log(`broadside: ${count(written.length, "file")} written in ${seconds} s`);
  return 0;
}

/**
 * Ctrl-C, `kill` or a closed terminal: exit at once; the exit removes the temporary files and kills the browser, so the output
 * folder keeps the previous complete documents. Progress that cannot be printed (a full disk) does not stop a build.
 */
function stopCleanlyOnSignals() {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`broadside: stopped by ${signal}; documents not yet written keep their previous complete version`);
      process.exit(128 + constants.signals[signal]);
    });
  }
  let told = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (told) return;
    told = true;
    console.error(`broadside: cannot print progress: ${explainFsError(error)}; building on`);
  });
}

/** Run the CLI on `argv` (the arguments after the script), setting the process's exit code. */
export async function runCli(argv: string[]): Promise<void> {
  process.exitCode = await main(argv).catch(reportFailure);
}

function reportFailure(error: unknown): number {
  if (error instanceof OptionsError || (error as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`broadside: ${printable((error as Error).message)}\n${USAGE}`);
    return 2;
  }
  if (error instanceof WriteError && ["EISDIR", "ENOTDIR", "EEXIST"].includes((error.cause as NodeJS.ErrnoException).code ?? "")) {
    console.error(`broadside: ${printable(error.message)}`);
    return 1; // the output folder is in the way, not broadside
  }
  if (error instanceof BrowserMissingError || error instanceof BrowserFailedError || error instanceof WriteError) {
    console.error(`broadside: ${printable(error.message)}`);
    return 3;
  }
  console.error(`broadside: internal error (please report it with the source that caused it):\n${inspect(error)}`);
  return 3;
}
