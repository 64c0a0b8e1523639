/**
 * `npm run bench`: how long a build takes, against what a user would otherwise run.
 * Medians of several runs, printed as a table. Speed targets are read here, never in tests.
 *
 *   npm run bench [-- --runs 5] [--big 50] [--skip-large]
 *
 * What it measures, against the targets of issue #7:
 * - builds handed to a warm build server (src/server), as `npm run build` runs them once a build
 *   has started one, after a one-sentence edit, against the same comparisons;
 * - cold builds as `npm run build` runs them (a new process and a new browser each, and no
 *   parse cache: a first build), with the peak memory of the whole build, against pandoc's runs
 *   on the same source, in turns; and builds after an edit (the parse cache of the build before);
 * - `npm run dev`: from a save to the new preview, and to all three documents;
 * - the letter repeated, against a bare Chromium print of the same HTML (in turns: every ratio
 *   is taken between runs made in turns, as this machine's speed drifts), and every stage of a
 *   build of the letter and of the repeated letter, to show that none grows faster than its
 *   input;
 * - editions: several sources in one build, on one browser.
 * The large inputs (a 10 MB source, 5,000 notes) are built once each, cold, with the peak memory
 * of the whole build; they take several minutes (`--skip-large` leaves them out).
 */
import { ROOT } from "./paths.ts";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "puppeteer";
import { parseArgs } from "node:util";
import { compileHtml } from "./html/index.ts";
import { parseLetter, readSource } from "./letter.ts";
import { launchBrowser } from "./pdf/browser.ts";
import { compilePdf } from "./pdf/index.ts";
import { holdLayout, paginatePage } from "./pdf/paginate.ts";
import { build } from "./build.ts";
import { cacheFileOf, PARSE_CACHE_DIR } from "./parse-cache.ts";
import { Timings } from "./timings.ts";


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

/**
 * The memory of `pid` and every process under it, in MB, read from /proc: each process's
 * proportional set size (its own pages, and its share of the pages it shares with others),
 * so that Chromium's processes, which share most of their code, are not counted several times.
 */
function treeMemoryMb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone while we looked
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      total += pss ? Number(pss[1]) / 1024 : 0;
    } catch {
      // gone while we looked
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/**
 * One cold build as `npm run build` runs it (the launcher). With `sample`, the memory of its
 * whole process tree (CLI and browser) is sampled every 50 ms, which costs CPU: times are taken
 * from builds without sampling.
 */
function measuredBuild(sources: string | string[], args: string[], sample = false, env: NodeJS.ProcessEnv = NO_SERVER): Promise<{ seconds: number; peakMb: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, "src/launch.mjs"), "build", ...[sources].flat(), "--out", join(work, "out"), ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    let peakMb = 0;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const sampler = sample ? setInterval(() => (peakMb = Math.max(peakMb, treeMemoryMb(child.pid!))), 50) : undefined;
    child.on("close", (code) => {
      clearInterval(sampler);
      resolvePromise({ seconds: (performance.now() - started) / 1000, peakMb, code, stdout, stderr });
    });
  });
}

/** Builds measured as first builds run without the build server (src/server)… */
const NO_SERVER: NodeJS.ProcessEnv = { BROADSIDE_SERVER: "off" };
/** …and these with it: its socket (and its browser's profile) in the bench's own folder. */
const WITH_SERVER: NodeJS.ProcessEnv = { BROADSIDE_SERVER: "on", TMPDIR: join(work, "server") };
mkdirSync(WITH_SERVER.TMPDIR!);

function serverCommand(what: "status" | "stop"): string {
  return spawnSync(process.execPath, [join(ROOT, "src/launch.mjs"), "server", what], { encoding: "utf8", env: { ...process.env, ...WITH_SERVER } }).stdout;
}

/**
 * Builds after an edit handed to a warm build server, as `npm run build` runs them once a build
 * has started one: the first build (in its own process) starts it; it warms up; then each
 * build, after a one-sentence edit, is timed with what it is compared with, in turns. Each must
 * say it was served. Returns also what the server and its browser hold between builds.
 */
async function servedBuilds(source: string, edited: (i: number) => string, args: string[], against?: () => unknown): Promise<{ seconds: number; against: number; serverMb: number }> {
  let i = 0;
  writeFileSync(source, edited(i++));
  const first = await measuredBuild(source, args, false, WITH_SERVER);
  const pid = Number(/started a build server for the next builds \(pid (\d+)\)/.exec(first.stdout)?.[1]);
  if (first.code !== 0 || !pid) throw new Error(`the first build did not start a build server: ${first.stdout}${first.stderr}`);
  try {
    const end = Date.now() + 120_000;
    while (!/, warm, /.test(serverCommand("status"))) {
      if (Date.now() > end) throw new Error(`the build server did not warm up: ${serverCommand("status")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const times: number[] = [];
    const others: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      writeFileSync(source, edited(i++));
      const result = await measuredBuild(source, args, false, WITH_SERVER);
      if (result.code !== 0 || !result.stdout.includes(`by the build server (pid ${pid})`)) throw new Error(`a build was not served: ${result.stdout}${result.stderr}`);
      times.push(result.seconds);
      if (!against) continue;
      const start = performance.now();
      await against();
      others.push((performance.now() - start) / 1000);
    }
    // What it holds while it waits for the next build: it gives back what a build left a second after it.
    await new Promise((r) => setTimeout(r, 3000));
    return { seconds: median(times), against: others.length ? median(others) : Number.NaN, serverMb: treeMemoryMb(pid) };
  } finally {
    serverCommand("stop");
  }
}

function pandocAvailable() {
  return spawnSync("pandoc", ["--version"]).status === 0;
}

/**
 * WeasyPrint draws with the host's fonts (fontconfig). A host without a CJK font drops the
 * Chinese names of the signatory list (芝援香港) from pandoc's PDF and saves the work of
 * embedding a CJK font: 0.9 s instead of 4.3 s for the letter on this machine, which is why the
 * brief measured 4.2 s. pandoc is compared as a user who needs those names runs it: with a CJK
 * font. When the host has none, Debian's Noto CJK fonts are unpacked into node_modules/.cache
 * (never installed on the host: our own builds must not see them) and given to WeasyPrint alone,
 * through a fontconfig file of its own. Undefined when neither works: the table then says that
 * pandoc's PDF is not the same document.
 */
function cjkFontConfig(): { config: string; what: string } | undefined {
  if (spawnSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" }).stdout?.trim()) return undefined;
  const dir = join(ROOT, "node_modules", ".cache", "broadside", "bench-fonts");
  const fonts = join(dir, "root", "usr", "share", "fonts");
  if (!existsSync(fonts)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const fetched = spawnSync("apt-get", ["download", "fonts-noto-cjk"], { cwd: dir, stdio: "ignore" });
    const deb = readdirSync(dir).find((f) => f.endsWith(".deb"));
    if (fetched.status !== 0 || !deb || spawnSync("dpkg", ["-x", deb, "root"], { cwd: dir, stdio: "ignore" }).status !== 0) {
      console.log("bench: no CJK font for WeasyPrint (apt-get download fonts-noto-cjk failed): pandoc's PDF will lack the letter's Chinese names");
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
    rmSync(join(dir, deb));
  }
  const config = join(dir, "fonts.conf");
  writeFileSync(config, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${fonts}</dir>\n  <cachedir>${join(dir, "cache")}</cachedir>\n</fontconfig>\n`);
  return { config, what: "the host's fonts and Debian's Noto CJK (for the Chinese names)" };
}

/** The letter's CJK characters that the text of `pdf` lacks (pdftotext), or [] without pdftotext. */
function missingFrom(pdf: string): string[] {
  const read = spawnSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
  if (read.status !== 0) return [];
  const han = new Set(readFileSync(letter, "utf8").match(/\p{Script=Han}/gu) ?? []);
  return [...han].filter((c) => !read.stdout.includes(c));
}

type Row = [what: string, seconds: number, note: string];
const rows: Row[] = [];
const letter = join(ROOT, "source/letter.md");
const big = repeated(Number(values.big));
const BIG = `letter x${values.big}`;
const mb = (path: string) => (statSync(path).size / 1e6).toFixed(2);

console.log(`broadside bench: median of ${RUNS} run(s) on ${process.platform}, node ${process.version}, ${(await import("node:os")).cpus().length} cores`);

/**
 * Median time of cold builds (a new process and a new browser each), and the peak memory of one
 * more. Each is a first build: the parse cache kept for its sources by the build before is
 * removed first (src/parse-cache.ts). With `against`, that is run after each build, and its
 * median time is returned too: the two see the same load (this machine's speed drifts by a
 * quarter from one minute to the next), so their ratio holds.
 */
async function coldBuilds(sources: string | string[], args: string[], against?: () => unknown): Promise<{ seconds: number; peakMb: number; against: number }> {
  const forget = () => [sources].flat().forEach((source) => rmSync(cacheFileOf(PARSE_CACHE_DIR, source), { force: true }));
  return builds(sources, args, forget, against);
}

/**
 * The same for a build after an edit, as a user rebuilds a letter being written: before each
 * build, one sentence of `source` changes (`edited(i)` gives the text), and the build before
 * kept its parse cache.
 */
async function editedBuilds(source: string, edited: (i: number) => string, args: string[], against?: () => unknown): Promise<{ seconds: number; peakMb: number; against: number }> {
  let i = 0;
  writeFileSync(source, edited(i++));
  const first = await measuredBuild(source, args);
  if (first.code !== 0) throw new Error(`build failed: ${first.stderr}`);
  return builds(source, args, () => writeFileSync(source, edited(i++)), against);
}

async function builds(sources: string | string[], args: string[], before: () => void, against?: () => unknown): Promise<{ seconds: number; peakMb: number; against: number }> {
  const times: number[] = [];
  const others: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    before();
    const result = await measuredBuild(sources, args);
    if (result.code !== 0) throw new Error(`build failed: ${result.stderr}`);
    times.push(result.seconds);
    if (!against) continue;
    const start = performance.now();
    await against();
    others.push((performance.now() - start) / 1000);
  }
  before();
  const { peakMb } = await measuredBuild(sources, args, true);
  return { seconds: median(times), peakMb, against: others.length ? median(others) : Number.NaN };
}

/** `text` with a few words added to the first sentence of its body (after the front matter) that has " the ". */
function withEdit(text: string, i: number): string {
  const at = text.indexOf(" the ", text.indexOf("\n---\n", 4) + 5);
  return `${text.slice(0, at)} the (draft ${i})${text.slice(at + 4)}`;
}

/** Run `print` in a browser started for it alone, as a one-off build does. */
const inNewBrowser = (print: (b: Browser) => Promise<unknown>) => async () => {
  const fresh = await launchBrowser();
  try {
    await print(fresh);
  } finally {
    await fresh.close();
  }
};

// 1. Cold builds of the letter, as a user runs them, each followed by pandoc's runs on the same
//    source, when pandoc (and WeasyPrint) are installed.
const pandoc = pandocAvailable();
const weasyprint = pandoc && spawnSync("weasyprint", ["--version"]).status === 0;
const pandocHtml = () => execFileSync("pandoc", [letter, "-s", "-o", join(work, "p.html")]);
const pandocDocx = () => execFileSync("pandoc", [letter, "-o", join(work, "p.docx")]);
const pandocPdfWith = (env: NodeJS.ProcessEnv) => () => execFileSync("pandoc", [letter, "--pdf-engine=weasyprint", "-o", join(work, "p.pdf")], { stdio: "ignore", env });
const hostFontsOnly = pandocPdfWith(process.env);
const cjk = weasyprint ? cjkFontConfig() : undefined;
const pandocPdf = cjk ? pandocPdfWith({ ...process.env, FONTCONFIG_FILE: cjk.config }) : hostFontsOnly;
// The first run also makes fontconfig's cache of the fonts given: not timed.
const pandocDrops = weasyprint ? (pandocPdf(), missingFrom(join(work, "p.pdf"))) : [];
const pandocThree = weasyprint ? () => (pandocHtml(), pandocDocx(), pandocPdf()) : undefined;
const pandocTwo = pandoc ? () => (pandocHtml(), pandocDocx()) : undefined;
const cold = await coldBuilds(letter, [], pandocThree);
const coldHtmlDocx = await coldBuilds(letter, ["--format", "html,docx"], pandocTwo);
const coldUnverified = await coldBuilds(letter, ["--no-verify"]);
const draft = join(work, "draft", "letter.md");
mkdirSync(dirname(draft));
const letterText = readFileSync(letter, "utf8");
const edited = await editedBuilds(draft, (i) => withEdit(letterText, i), [], pandocThree);
const editedHtmlDocx = await editedBuilds(draft, (i) => withEdit(letterText, i), ["--format", "html,docx"], pandocTwo);
const servedLetter = await servedBuilds(draft, (i) => withEdit(letterText, i), [], pandocThree);
const servedHtmlDocx = await servedBuilds(draft, (i) => withEdit(letterText, i), ["--format", "html,docx"], pandocTwo);
const inTurns = (ratio: number, what: string, seconds: number) => `; ${ratio.toFixed(2)}× ${what}, run in turns with it (${seconds.toFixed(2)} s)`;
rows.push(["letter, html+pdf+docx, cold (npm run build)", cold.seconds, `target ≤ 1.5 s; peak ${cold.peakMb.toFixed(0)} MB (CLI + browser)${weasyprint ? inTurns(cold.seconds / cold.against, "pandoc's three runs (target ≤ 0.4)", cold.against) : ""}`]);
rows.push(["letter, html+pdf+docx, cold, --no-verify", coldUnverified.seconds, `peak ${coldUnverified.peakMb.toFixed(0)} MB`]);
rows.push(["letter, html+docx, cold", coldHtmlDocx.seconds, `peak ${coldHtmlDocx.peakMb.toFixed(0)} MB${pandoc ? inTurns(coldHtmlDocx.seconds / coldHtmlDocx.against, "pandoc's two runs (target ≤ 1)", coldHtmlDocx.against) : ""}`]);
rows.push(["letter, html+pdf+docx, after an edit", edited.seconds, `a new process, the parse cache of the build before; peak ${edited.peakMb.toFixed(0)} MB${weasyprint ? inTurns(edited.seconds / edited.against, "pandoc's three runs", edited.against) : ""}`]);
rows.push(["letter, html+docx, after an edit", editedHtmlDocx.seconds, `peak ${editedHtmlDocx.peakMb.toFixed(0)} MB${pandoc ? inTurns(editedHtmlDocx.seconds / editedHtmlDocx.against, "pandoc's two runs", editedHtmlDocx.against) : ""}`]);
rows.push(["letter, html+pdf+docx, after an edit, build server warm", servedLetter.seconds, `the server and its browser hold ${servedLetter.serverMb.toFixed(0)} MB between builds${weasyprint ? inTurns(servedLetter.seconds / servedLetter.against, "pandoc's three runs", servedLetter.against) : ""}`]);
rows.push(["letter, html+docx, after an edit, build server warm", servedHtmlDocx.seconds, `the server holds ${servedHtmlDocx.serverMb.toFixed(0)} MB between builds${pandoc ? inTurns(servedHtmlDocx.seconds / servedHtmlDocx.against, "pandoc's two runs (target ≤ 1)", servedHtmlDocx.against) : ""}`]);
if (pandoc) {
  rows.push(["pandoc → html", time(pandocHtml), ""]);
  rows.push(["pandoc → docx", time(pandocDocx), ""]);
  const drops = pandocDrops.length ? `; its PDF lacks ${pandocDrops.join("")}: not the same document, the ratios above are not like for like` : "; its PDF has every character of the letter";
  rows.push(["pandoc → pdf (weasyprint)", weasyprint ? time(pandocPdf) : Number.NaN, weasyprint ? `${cjk ? cjk.what : "with the host's fonts"}${drops}` : "WeasyPrint not installed: no comparison"]);
  if (weasyprint && cjk) {
    hostFontsOnly();
    const dropped = missingFrom(join(work, "p.pdf"));
    rows.push(["pandoc → pdf (weasyprint), host's fonts only", time(hostFontsOnly), dropped.length ? `faster, but its PDF lacks ${dropped.join("")}: not compared` : "its PDF has every character too"]);
  }
} else {
  rows.push(["pandoc", Number.NaN, "not installed: no comparison"]);
}

// 2. `npm run dev`: a save, then the preview (the server's "html" event), then all three documents.
{
  const dir = join(work, "dev");
  mkdirSync(join(dir, "source"), { recursive: true });
  const text = readFileSync(letter, "utf8");
  writeFileSync(join(dir, "source", "letter.md"), text);
  // As `npm run dev` runs it (package.json's flags, the launcher).
  const script = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.dev.split(" ").slice(1);
  const child = spawn(process.execPath, [...script.map((a: string) => (a.startsWith("src/") ? join(ROOT, a) : a)).filter((a: string) => a !== "node"), "--port", "0", "--source", join(dir, "source"), "--out", join(dir, "out")], { stdio: ["ignore", "pipe", "pipe"] });
  let said = "";
  child.stdout.on("data", (d) => (said += d));
  child.stderr.on("data", (d) => (said += d));
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setInterval(() => {
        const match = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(said);
        if (match) {
          clearInterval(timer);
          resolveUrl(match[1]);
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`npm run dev stopped: ${said}`));
        }
      }, 20);
    });
    const events = await fetch(new URL("events", url));
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    const next = async (what: string) => {
      for (;;) {
        const match = new RegExp(`data: (\\{[^\\n]*"what":"${what}"[^\\n]*\\})\\n`).exec(buffered);
        if (match) {
          buffered = buffered.slice(match.index + match[0].length);
          return performance.now();
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("the dev server's events ended");
        buffered += value;
      }
    };
    const preview: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      await new Promise((r) => setTimeout(r, 300));
      buffered = "";
      const saved = performance.now();
      writeFileSync(join(dir, "source", "letter.md"), `${text}\nA sentence added in draft ${i}.\n`);
      const html = await next("html");
      const outputs = await next("outputs");
      if (i >= 3) {
        // the first rebuilds warm the process up, as an editing session does
        preview.push((html - saved) / 1000);
        all.push((outputs - saved) / 1000);
      }
    }
    await reader.cancel();
    rows.push(["letter, dev: save → HTML preview", median(preview), "target ≤ 0.05 s (from the save, watcher included)"]);
    rows.push(["letter, dev: save → html+pdf+docx written", median(all), "target ≤ 0.3 s"]);
  } finally {
    child.kill("SIGINT");
    await new Promise((r) => child.once("close", r));
  }
}

// 3. Warm, in one process with one browser: the PDF step against a bare print of the same HTML.
const browser = await launchBrowser();
/** Each source's HTML, for the bare prints of section 4. */
const htmlOf: Record<string, string> = {};
try {
  for (const [name, source] of [["letter", letter], [BIG, big]] as const) {
    const file = await readSource(source);
    const parsed = parseLetter(file);
    if (!parsed) throw new Error(`${source} has errors`);
    const { html } = await compileHtml(parsed, { templatesDir: TEMPLATES });
    const meta = { ...parsed.meta, notes: "footnotes" as const };
    // Against a bare print of the same HTML, with the same print options (its notes stay at the
    // end): the floor for any Chromium-based PDF. Run in turns, so that both see the same load.
    const [warmPdf, bare] = await timeTurns(
      () => compilePdf(html, { browser, meta }),
      () => barePrint(browser, html),
    );
    htmlOf[name] = html;
    // In a browser started for the one document, as a one-off build does.
    const [coldPdf, coldBare] = await timeTurns(
      inNewBrowser((b) => compilePdf(html, { browser: b, meta })),
      inNewBrowser((b) => barePrint(b, html)),
    );
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
    rows.push([`${name}, pdf with page-foot notes, warm`, warmPdf, `${(warmPdf / bare).toFixed(2)}× bare print; ${pages} pages`]);
    rows.push([`${name}, bare Chromium print, warm`, bare, ""]);
    rows.push([`${name}, pdf with page-foot notes, new browser`, coldPdf, `${(coldPdf / coldBare).toFixed(2)}× bare print in a new browser`]);
    rows.push([`${name}, bare Chromium print, new browser`, coldBare, "Puppeteer's launch, setContent, pdf"]);
    rows.push([`${name}, the pagination step alone`, median(steps), `${((median(steps) / bare) * 100).toFixed(0)} % of a bare print`]);
  }
} finally {
  await browser.close();
}

// 4. The repeated letter, all three, cold, each build followed by a bare print of its HTML in a
//    new browser.
const bare = inNewBrowser((b) => barePrint(b, htmlOf[BIG]));
const bigCold = await coldBuilds(big, [], bare);
rows.push([`${BIG} (${mb(big)} MB), html+pdf+docx, cold`, bigCold.seconds, `peak ${bigCold.peakMb.toFixed(0)} MB${inTurns(bigCold.seconds / bigCold.against, "a bare print in a new browser (target ≤ 1.2)", bigCold.against)}`]);
const bigUnverified = await coldBuilds(big, ["--no-verify"], bare);
rows.push([`${BIG}, html+pdf+docx, cold, --no-verify`, bigUnverified.seconds, `peak ${bigUnverified.peakMb.toFixed(0)} MB${inTurns(bigUnverified.seconds / bigUnverified.against, "a bare print in a new browser", bigUnverified.against)}`]);
const bigText = readFileSync(big, "utf8");
const bigEdited = await editedBuilds(join(work, "draft", basename(big)), (i) => withEdit(bigText, i), [], bare);
rows.push([`${BIG}, html+pdf+docx, after an edit`, bigEdited.seconds, `the parse cache of the build before; peak ${bigEdited.peakMb.toFixed(0)} MB${inTurns(bigEdited.seconds / bigEdited.against, "a bare print in a new browser (target ≤ 1.2)", bigEdited.against)}`]);
{
  // The server's browser is warm: so is the one the bare print is made in, for this row.
  const warmBrowser = await launchBrowser();
  try {
    const bareWarm = () => barePrint(warmBrowser, htmlOf[BIG]);
    await bareWarm();
    const bigServed = await servedBuilds(join(work, "draft", basename(big)), (i) => withEdit(bigText, i), [], bareWarm);
    rows.push([`${BIG}, html+pdf+docx, after an edit, build server warm`, bigServed.seconds, `the server and its browser hold ${bigServed.serverMb.toFixed(0)} MB between builds${inTurns(bigServed.seconds / bigServed.against, "a bare print in a warm browser (target ≤ 1.2)", bigServed.against)}`]);
  } finally {
    await warmBrowser.close();
  }
}

// 5. Editions: several sources in one build share one browser, with a page each.
{
  const editions = Array.from({ length: 4 }, (_, i) => {
    const path = join(work, `edition-${i + 1}.md`);
    writeFileSync(path, readFileSync(letter, "utf8"));
    return path;
  });
  const four = await coldBuilds(editions, []);
  rows.push(["4 editions of the letter in one build, html+pdf+docx", four.seconds, `${(four.seconds / cold.seconds).toFixed(2)}× one letter; one browser, a page each; peak ${four.peakMb.toFixed(0)} MB`]);
}

// 6. Every stage of a build, the letter against the repeated letter: none may grow faster than
//    its input. In this process, warm, so that the first build's start-up is not counted.
const stageTable: string[] = [];
{
  const stages = async (source: string) => {
    const all: Record<string, number[]> = {};
    for (let i = 0; i < RUNS; i++) {
      const timings = new Timings();
      await build({ sources: [source], outDir: join(work, "stages"), formats: ["html", "pdf", "docx"], templatesDir: TEMPLATES, timings, parseCache: false });
      for (const span of timings.spans) (all[span.stage.replace(/^[^:]+: /, "")] ??= []).push(span.end - span.start);
    }
    return Object.fromEntries(Object.entries(all).map(([stage, ms]) => [stage, median(ms)]));
  };
  const small = await stages(letter);
  const large = await stages(big);
  const inputRatio = statSync(big).size / statSync(letter).size;
  stageTable.push(`stages of a build (ms, median of ${RUNS}, warm), ${BIG} against the letter (input ${inputRatio.toFixed(0)}× larger):`);
  const width = Math.max(...Object.keys(large).map((s) => s.length));
  for (const stage of Object.keys(large)) {
    const a = small[stage];
    const b = large[stage];
    if (a === undefined) continue;
    const ratio = b / a;
    // A stage with a fixed cost (a page to open) grows less than its input; one that grows more is
    // a bug to profile. A wait is no stage: it is the part of other stages that did not overlap
    // (for the letter the read-backs end as its .docx is made, for a long letter the PDF's comes
    // after the print), so it is shown, not judged.
    const wait = /^wait /.test(stage);
    const flag = wait ? "  (a wait, not work: the read-backs that outlast the rest)" : ratio > inputRatio * 1.25 && b > 50 ? "  ← grows faster than its input" : "";
    stageTable.push(`  ${stage.padEnd(width)}  ${a.toFixed(0).padStart(7)}  ${b.toFixed(0).padStart(8)}  ${ratio.toFixed(1).padStart(6)}×${flag}`);
  }
}

// 7. Large inputs (once each: they take minutes): a 10 MB source and one with 5,000 notes, timed with
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
  for (const [what, source, args] of [
    [`10 MB source (${mb(tenMb)} MB), html+docx`, tenMb, ["--format", "html,docx"]],
    [`10 MB source, pdf, default time limit`, tenMb, ["--format", "pdf"]],
    [`10 MB source, pdf, --timeout 1800`, tenMb, ["--format", "pdf", "--timeout", "1800"]],
    ["5,000 notes, html+pdf+docx", notes, []],
  ] as const) {
    const result = await measuredBuild(source, [...args], true);
    const outcome = result.code === 0 ? "built" : `exit ${result.code}: ${result.stderr.trim().split("\n").pop()}`;
    rows.push([what, result.seconds, `peak ${result.peakMb.toFixed(0)} MB (CLI + browser); ${outcome}`]);
  }
}

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${"what".padEnd(width)}  seconds  note`);
for (const [what, seconds, note] of rows) console.log(`${what.padEnd(width)}  ${Number.isNaN(seconds) ? "    -  " : seconds.toFixed(3).padStart(7)}  ${note}`);
console.log("");
console.log(stageTable.join("\n"));
console.log(`peak memory of this process: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
rmSync(work, { recursive: true, force: true }); // the inputs and documents it built: hundreds of MB with the large inputs
