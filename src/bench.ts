/**
 * `npm run bench`: how long a build takes, against what a user would otherwise run.
 * Medians of several runs, printed as a table. Speed targets are read here, never in tests.
 *
 *   npm run bench [-- --runs 5] [--big 50] [--skip-large]
 *
 * The large inputs (a 10 MB source, 5,000 notes) are built once each, cold, with the peak memory
 * of the whole build; they take several minutes (`--skip-large` leaves them out).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "puppeteer";
import { parseArgs } from "node:util";
import { compileHtml } from "./html/index.ts";
import { parseLetter, readSource } from "./letter.ts";
import { launchBrowser } from "./pdf/browser.ts";
import { compilePdf } from "./pdf/index.ts";
import { holdLayout, paginatePage } from "./pdf/paginate.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TEMPLATES = join(ROOT, "templates");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, big: { type: "string", default: "50" }, "skip-large": { type: "boolean", default: false } } });
const RUNS = Math.max(1, Number(values.runs));
const work = mkdtempSync(join(tmpdir(), "broadside-bench-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

async function timeAsync(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

/** Medians of two tasks run in turns (a, b, a, b, …). */
async function timeTurns(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    for (const [k, run] of [a, b].entries()) {
      const start = performance.now();
      await run();
      times[k].push((performance.now() - start) / 1000);
    }
  }
  return [median(times[0]), median(times[1])];
}

function cliBuild(source: string, formats: string) {
  // As `npm run build` runs it: plain Node on the bundled CLI (src/launch.mjs).
  const result = spawnSync(process.execPath, [join(ROOT, "src/launch.mjs"), "build", source, "--out", join(work, "out"), "--format", formats], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`build failed: ${result.stderr}`);
}

/** The letter repeated: the same notes under new labels each time, so the note count grows too. */
function repeated(times: number): string {
  const letter = readFileSync(join(ROOT, "source/letter.md"), "utf8");
  const end = letter.indexOf("\n---\n", 4) + 5;
  const front = letter.slice(0, end);
  const body = letter.slice(end);
  const copies = Array.from({ length: times }, (_, i) => body.replace(/\[\^(\d+)\]/g, `[^c${i}n$1]`));
  const path = join(work, `letter-x${times}.md`);
  writeFileSync(path, front + copies.join("\n\n"));
  return path;
}

/** Chromium's own print of the HTML, as it is: what any Chromium-based PDF costs at least. */
async function barePrint(browser: Browser, html: string) {
  const page = await browser.newPage();
  await page.setContent(html, { waitUntil: "load" });
  await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true, waitForFonts: true });
  await page.close();
}

/** The resident memory of `pid` and every process under it, in MB, read from /proc. */
function treeRssMb(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      rss.set(Number(entry), (Number(fields[21]) * 4096) / 1e6); // field 24 of stat: resident pages
    } catch {
      // gone while we looked
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** One cold CLI build, timed, with the peak memory of its whole process tree. */
function measuredBuild(source: string, args: string[]): Promise<{ seconds: number; peakMb: number; code: number | null; stderr: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), "build", source, "--out", join(work, "out"), ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let peakMb = 0;
    child.stderr.on("data", (d) => (stderr += d));
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, treeRssMb(child.pid!))), 250);
    child.on("close", (code) => {
      clearInterval(sampler);
      resolvePromise({ seconds: (performance.now() - started) / 1000, peakMb, code, stderr });
    });
  });
}

function pandocAvailable() {
  return spawnSync("pandoc", ["--version"]).status === 0;
}

const rows: [string, number, string][] = [];
const letter = join(ROOT, "source/letter.md");
const big = repeated(Number(values.big));

console.log(`broadside bench: median of ${RUNS} run(s) on ${process.platform}, node ${process.version}`);

// Cold: a user's `npm run build` of the letter, a new process and a new browser each time.
const cold = time(() => cliBuild(letter, "html,pdf,docx"));
rows.push(["letter, html+pdf+docx, cold CLI (page-foot notes)", cold, ""]);
const coldHtmlDocx = time(() => cliBuild(letter, "html,docx"));
rows.push(["letter, html+docx, cold CLI", coldHtmlDocx, ""]);

// Warm, in one process with one browser: what a rebuild costs once everything is loaded.
const browser = await launchBrowser();
try {
  for (const [name, source] of [["letter", letter], [`letter x${values.big}`, big]] as const) {
    const file = await readSource(source);
    const parsed = parseLetter(file);
    if (!parsed) throw new Error(`${source} has errors`);
    const { html } = await compileHtml(parsed, { templatesDir: TEMPLATES });
    const warmHtml = await timeAsync(async () => compileHtml(parseLetter(await readSource(source))!, { templatesDir: TEMPLATES }));
    // Against a bare print of the same HTML, with the same print options (its notes stay at the
    // end): the floor for any Chromium-based PDF. Run in turns, so that both see the same load.
    const meta = { ...parsed.meta, notes: "footnotes" as const };
    const [warmPdf, bare] = await timeTurns(
      () => compilePdf(html, { browser, meta }),
      () => barePrint(browser, html),
    );
    // In a browser started for the one document, as a one-off build does.
    const inNewBrowser = (print: (b: Browser) => Promise<unknown>) => async () => {
      const fresh = await launchBrowser();
      try {
        await print(fresh);
      } finally {
        await fresh.close();
      }
    };
    const [coldPdf, coldBare] = await timeTurns(
      inNewBrowser((b) => compilePdf(html, { browser: b, meta })),
      inNewBrowser((b) => barePrint(b, html)),
    );
    // The pagination step alone, as timed inside the page.
    const steps: number[] = [];
    let pages = 0;
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      await page.emulateMediaType("print");
      await page.setContent(holdLayout(html), { waitUntil: "load" });
      const laidOut = await paginatePage(page, { notes: "footnotes" });
      steps.push(laidOut.ms / 1000);
      pages = laidOut.pages;
      await page.close();
    }
    rows.push([`${name}, parse+html, warm`, warmHtml, ""]);
    rows.push([`${name}, pdf with page-foot notes, warm`, warmPdf, `${(warmPdf / bare).toFixed(2)}× bare print; ${pages} pages`]);
    rows.push([`${name}, bare Chromium print`, bare, ""]);
    rows.push([`${name}, pdf with page-foot notes, new browser`, coldPdf, `${(coldPdf / coldBare).toFixed(2)}× bare print in a new browser`]);
    rows.push([`${name}, bare Chromium print, new browser`, coldBare, ""]);
    rows.push([`${name}, the pagination step alone`, median(steps), `${((median(steps) / bare) * 100).toFixed(0)} % of a bare print`]);
  }
} finally {
  await browser.close();
}
const bigCold = time(() => cliBuild(big, "html,pdf,docx"));
rows.push([`letter x${values.big}, html+pdf+docx, cold CLI`, bigCold, ""]);

if (pandocAvailable()) {
  const pandocHtml = time(() => execFileSync("pandoc", [letter, "-s", "-o", join(work, "p.html")]));
  const pandocDocx = time(() => execFileSync("pandoc", [letter, "-o", join(work, "p.docx")]));
  rows.push(["pandoc → html", pandocHtml, ""]);
  rows.push(["pandoc → docx", pandocDocx, ""]);
  const coldRow = rows.find((r) => r[0].startsWith("letter, html+pdf+docx, cold CLI"));
  const htmlDocxRow = rows.find((r) => r[0] === "letter, html+docx, cold CLI");
  if (htmlDocxRow) htmlDocxRow[2] = `${(coldHtmlDocx / (pandocHtml + pandocDocx)).toFixed(2)}× pandoc's two runs`;
  if (spawnSync("weasyprint", ["--version"]).status === 0) {
    const pandocPdf = time(() => execFileSync("pandoc", [letter, "--pdf-engine=weasyprint", "-o", join(work, "p.pdf")], { stdio: "ignore" }));
    rows.push(["pandoc → pdf (weasyprint)", pandocPdf, ""]);
    if (coldRow) coldRow[2] = `${(cold / (pandocHtml + pandocDocx + pandocPdf)).toFixed(2)}× pandoc's three runs`;
  }
} else {
  rows.push(["pandoc", Number.NaN, "not installed: no comparison"]);
}

// Large inputs (once each: they take minutes): a 10 MB source and one with 5,000 notes, timed with
// the peak memory of the whole build (the CLI's process and the browser's, sampled from /proc).
if (!values["skip-large"]) {
  const tenMb = (() => {
    const text = readFileSync(join(ROOT, "source/letter.md"), "utf8");
    const end = text.indexOf("\n---\n", 4) + 5;
    const body = text.slice(end);
    const copies: string[] = [];
    let size = end;
    for (let i = 0; size < 10_000_000; i++) {
      const copy = body.replace(/\[\^(\d+)\]/g, `[^c${i}n$1]`);
      copies.push(copy);
      size += Buffer.byteLength(copy) + 2;
    }
    const path = join(work, "ten-mb.md");
    writeFileSync(path, text.slice(0, end) + copies.join("\n\n"));
    return path;
  })();
  const notes = (() => {
    const body = Array.from({ length: 5000 }, (_, i) => `Claim ${i + 1}, with its source.[^n${i + 1}]`).join("\n\n");
    const defs = Array.from({ length: 5000 }, (_, i) => `[^n${i + 1}]: Source ${i + 1}, <https://example.org/report/${i + 1}>.`).join("\n");
    const path = join(work, "notes-5000.md");
    writeFileSync(path, `---\ntitle: Five thousand notes\nlang: en\n---\n\n${body}\n\n${defs}\n`);
    return path;
  })();
  const mb = (path: string) => (statSync(path).size / 1e6).toFixed(1);
  for (const [what, source, args] of [
    [`10 MB source (${mb(tenMb)} MB), html+docx`, tenMb, ["--format", "html,docx"]],
    [`10 MB source, pdf, default time limit`, tenMb, ["--format", "pdf"]],
    [`10 MB source, pdf, --timeout 1800`, tenMb, ["--format", "pdf", "--timeout", "1800"]],
    ["5,000 notes, html+pdf+docx", notes, []],
  ] as const) {
    const result = await measuredBuild(source, [...args]);
    const outcome = result.code === 0 ? "built" : `exit ${result.code}: ${result.stderr.trim().split("\n").pop()}`;
    rows.push([what, result.seconds, `peak ${result.peakMb.toFixed(0)} MB (CLI + browser); ${outcome}`]);
  }
}

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${"what".padEnd(width)}  seconds  note`);
for (const [what, seconds, note] of rows) console.log(`${what.padEnd(width)}  ${Number.isNaN(seconds) ? "    -  " : seconds.toFixed(3).padStart(7)}  ${note}`);
console.log(`peak memory of this process: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
