/**
 * `npm run bench`: how long a build takes, against what a user would otherwise run.
 * Medians of several runs, printed as a table. Speed targets are read here, never in tests.
 *
 *   npm run bench [-- --runs 5] [--big 50]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, big: { type: "string", default: "50" } } });
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

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${"what".padEnd(width)}  seconds  note`);
for (const [what, seconds, note] of rows) console.log(`${what.padEnd(width)}  ${Number.isNaN(seconds) ? "    -  " : seconds.toFixed(3).padStart(7)}  ${note}`);
console.log(`peak memory of this process: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
