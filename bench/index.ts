/**
 * `npm run bench`: how long builds take against what a user would otherwise run, as medians of
 * runs made in turns (this machine's speed drifts, so only ratios of runs taken in turns are
 * compared). Speed targets are read here, never in tests. `docs/performance.md` keeps the figures.
 *
 *   npm run bench [-- --runs 5]
 *   npm run bench -- proof [--count 1000]   (the proof on its randomized corpus: bench/proof.ts)
 *   npm run bench -- dev     only `npm run dev`'s times (bench/dev.ts)
 *   npm run bench -- fuzz [--seed 1] [--count 400]   (mutated inputs from strangers: bench/fuzz.ts)
 *   npm run bench -- writer [--seed 1] [--count 100]   (translators in LibreOffice Writer: bench/writer.ts)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { VFile } from "vfile";
import { compileDocx } from "../src/docx/index.ts";
import { compileHtml } from "../src/html/index.ts";
import { parseLetter } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { ROOT } from "../src/paths.ts";
import { HOSTILE_MARKDOWN } from "../src/safety.ts";
import { importDocx } from "../src/import/index.ts";
import { docx, longParagraph, manyNotes, TITLE } from "../test/hostile-docx-corpus.ts";
import { type DevFigures, devTimes } from "./dev.ts";

export async function bench(args: string[]): Promise<number> {
  if (args[0] === "proof") return (await import("./proof.ts")).benchProof(args.slice(1));
  if (args[0] === "fuzz") return (await import("./fuzz.ts")).benchFuzz(args.slice(1));
  if (args[0] === "writer") return (await import("./writer.ts")).benchWriter(args.slice(1));
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { runs: { type: "string", default: "5" }, only: { type: "string" } } });
  const only = positionals[0];
  if (only !== undefined && only !== "dev") throw new Error(`npm run bench takes no argument, \`proof\` or \`dev\`; not ${only}`);
  const runs = Math.max(1, Number(values.runs));
  if (values.only === "scaling") return printRows(await scalingRows(runs), runs); // `-- --only scaling`: section 4 alone
  const work = mkdtempSync(join(tmpdir(), "broadside-bench-"));
  if (values.only === "import") return printRows(await importRows(work, runs).finally(() => rmSync(work, { recursive: true, force: true })), runs);
  const rows: Row[] = [];
  const bin = join(ROOT, "bin", "broadside.mjs");
  const letter = join(ROOT, "source", "letter.md");
  const cli =
    (...args: string[]) =>
    () =>
      run(process.execPath, [bin, ...args]);
  try {
    if (only === "dev") {
      devRows(rows, await devTimes(bin, letter, runs));
      return printRows(rows, runs);
    }
    // 1. The letter's first build, all three formats, in a new process, as users run it.
    run(process.execPath, [bin, "build", letter, "--out", join(work, "warm")]); // bundles src/ once
    const html = join(work, "warm", "letter.html");
    const npmBuild = () => run("npm", ["run", "--silent", "build", "--", letter, "--out", join(work, "npm")]);
    const nodeBuild = cli("build", letter, "--out", join(work, "node"));
    const bare = () => run(process.execPath, ["--input-type=module", "-e", BARE_PRINT, html, join(work, "bare.pdf")], { cwd: ROOT });
    const [viaNpm, viaNode, barePrint] = turns(runs, [npmBuild, nodeBuild, bare]);
    rows.push(["letter, html+pdf+docx, npm run build", s(viaNpm), `${ratio(viaNpm, barePrint)} a bare print (target ≤ 1.0×)`]);
    rows.push(["letter, html+pdf+docx, node bin/broadside.mjs", s(viaNode), `${ratio(viaNode, barePrint)} a bare print`]);
    rows.push(["bare Puppeteer print of the same HTML, new process", s(barePrint), "what any Chromium PDF costs at least"]);
    const pandoc = pandocRuns(letter, work);
    if (pandoc) {
      const [ours, theirs] = turns(runs, [npmBuild, pandoc.three]);
      rows.push(["pandoc: html, docx, pdf (WeasyPrint)", s(theirs), `${pandoc.fonts}; npm run build is ${ratio(ours, theirs)} of it (target ≤ 0.40×)`]);
    } else rows.push(["pandoc", "—", "not installed (apt-get install pandoc weasyprint): no comparison"]);
    const [htmlDocx] = turns(runs, [cli("build", letter, "--out", join(work, "hd"), "--format", "html,docx")]);
    rows.push(["letter, html+docx", s(htmlDocx), "no browser"]);

    // 2. Editions: ten sources in one build, against one of them alone.
    const editions = join(ROOT, "test", "fixtures", "editions");
    const sources = existsSync(editions)
      ? readdirSync(editions)
          .filter((n) => n.endsWith(".md"))
          .map((n) => join(editions, n))
          .slice(0, 10)
      : [];
    if (sources.length > 1) {
      const [all, one] = turns(runs, [cli("build", ...sources, "--out", join(work, "ed")), cli("build", sources[0], "--out", join(work, "ed1"))]);
      rows.push([`${sources.length} editions in one build`, s(all), `${ratio(all, one)} one edition (${basename(sources[0])}, ${s(one)}; target ≤ 4×)`]);
      // What a reader downloads: the fonts are subset to what each page draws.
      const kb = (file: string) => (existsSync(file) ? `${Math.round(readFileSync(file).length / 1000)} kB` : "—");
      const sizes = ["fr", "mn", "ug", "zh-CN", "ja", "zh-Hant-HK"].map((lang) => `${lang} ${kb(join(work, "ed", `${lang}.html`))}`);
      rows.push(["HTML size, one-page editions", sizes.join(", "), "target ≤ 120 kB Latin, Cyrillic, Arabic; ≤ 250 kB Chinese, Japanese"]);
      rows.push(["HTML size, the letter", kb(join(work, "warm", "letter.html")), "target ≤ 200 kB"]);
    }

    // 3. A press packet, against the builds of its parts one by one.
    const packet = join(ROOT, "test", "fixtures", "packet", "hrc50.packet.md");
    if (existsSync(packet)) {
      const parts = packetParts(packet);
      const [whole, each] = turns(runs, [
        cli("build", packet, "--out", join(work, "pk")),
        () => parts.reduce((sum, part) => sum + cli("build", part, "--out", join(work, "pp"))(), 0),
      ]);
      rows.push([
        "press packet (parts, cover, contents, booklet, kit)",
        s(whole),
        `${ratio(whole, each)} its ${parts.length} parts built one by one (${s(each)}; target ≤ 1×)`,
      ]);
    }

    // 4. Markdown that makes parsers slow: twice the input must take about twice as long, not four times.
    rows.push(...(await scalingRows(runs)));

    // 4b. Importing a .docx: a long paragraph and many notes, ×2 must take about twice as long.
    rows.push(...(await importRows(work, runs)));

    // 5. `npm run dev`: from a save to the preview, and to all three documents.
    devRows(rows, await devTimes(bin, letter, runs));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return printRows(rows, runs);
}

type Row = [what: string, value: string, note: string];

/** Section 4b (`-- --only import`): importing a .docx twice as large takes about twice as long. */
async function importRows(work: string, runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [what, make, n] of [
    ["a long paragraph (characters)", (k: number) => docx({ body: TITLE + longParagraph(k) }), 40_000],
    ["notes", (k: number) => docx(manyNotes(k)), 500],
  ] as const) {
    const [once, twice] = await importTimes(work, make(n), make(2 * n), runs);
    rows.push([
      `import .docx: ${what} ${n.toLocaleString("en")}, ×2`,
      `${(twice / once).toFixed(2)}×`,
      `the time of ×1 (${s(once)}; linear 2×, quadratic 4×; target < 3×)`,
    ]);
  }
  return rows;
}

function printRows(rows: Row[], runs: number): number {
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`broadside bench: medians of ${runs} runs, taken in turns\n`);
  for (const [what, value, note] of rows) console.log(`${what.padEnd(width)}  ${value.padStart(8)}  ${note}`);
  return 0;
}

/** A letter of `n` paragraphs, each calling its own note, the notes defined at the end. */
const withNotes = (n: number) =>
  Array.from({ length: n }, (_, i) => `Claim ${i + 1}, with its source.[^n${i + 1}]`).join("\n\n") +
  "\n\n" +
  Array.from({ length: n }, (_, i) => `[^n${i + 1}]: Source ${i + 1}, <https://example.org/${i + 1}>.`).join("\n") +
  "\n";
/** About `kb` kB of plain paragraphs. */
const ofLength = (kb: number) => `${"A sentence of the letter, long enough to wrap on a page. ".repeat(8)}\n\n`.repeat(Math.round((kb * 1024) / 458));

/** Section 4: Markdown that makes parsers slow, many notes, a long text: twice the input, about twice the time. */
async function scalingRows(runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  const cases: [string, (n: number) => string, number][] = [
    ...HOSTILE_MARKDOWN.map(([what, make, n]): [string, (n: number) => string, number] => [`hostile Markdown: ${what}`, make, n]),
    ["a letter: notes (1,000 and 2,000)", withNotes, 1000],
    ["a letter: length (250 and 500 kB)", ofLength, 250],
  ];
  for (const [what, make, n] of cases) {
    const [once, twice] = await hostileTimes(make(n), make(2 * n), runs);
    rows.push([`${what}, ×2`, `${(twice / once).toFixed(2)}×`, "the time of ×1 (linear 2×, quadratic 4×; target < 3×)"]);
  }
  return rows;
}

function devRows(rows: Row[], dev: DevFigures) {
  const load = `load average ${Math.min(...dev.load).toFixed(1)}–${Math.max(...dev.load).toFixed(1)}`;
  const more = (k: 0 | 1, times: number[]) => `fastest ${s(Math.min(...times))}, dev's log ${s(median(dev.logged.map((l) => l[k])))}`;
  const cpu = dev.cpu.length ? `; CPU of dev and its browser ${s(median(dev.cpu))}` : "";
  rows.push(["letter, dev: save → served page shows the new word", s(median(dev.preview)), `target ≤ 0.15 s (${more(0, dev.preview)}; ${load})`]);
  rows.push(["letter, dev: save → html+pdf+docx written and proved", s(median(dev.all)), `target ≤ 0.6 s (${more(1, dev.all)}${cpu})`]);
}

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Run a command to its end; its time in seconds. A failure stops the bench. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const start = performance.now();
  const done = spawnSync(command, args, { encoding: "utf8", cwd: options.cwd, env: options.env ?? process.env });
  if (done.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${done.stderr}`);
  return (performance.now() - start) / 1000;
}

/** The median time of each task, run in turns (a, b, c, a, b, c, …). */
function turns(runs: number, tasks: (() => number)[]): number[] {
  const times = tasks.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) tasks.forEach((task, k) => times[k].push(task()));
  return times.map(median);
}

/** Puppeteer's plainest print of a finished HTML file, with Chromium started as broadside starts it. */
const BARE_PRINT = `
import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";
const [html, out] = process.argv.slice(-2);
const browser = await puppeteer.launch({ executablePath: process.env.PUPPETEER_EXECUTABLE_PATH ?? "/usr/bin/chromium", pipe: true, args: ["--no-sandbox", "--export-tagged-pdf", "--font-render-hinting=none", "--disable-gpu"] });
const page = await browser.newPage();
await page.setContent(readFileSync(html, "utf8"), { waitUntil: "load" });
await page.pdf({ path: out, preferCSSPageSize: true, printBackground: true, tagged: true, waitForFonts: true });
await browser.close();
`;

/**
 * pandoc's three runs on the same source, when pandoc and WeasyPrint are installed. WeasyPrint
 * draws with the host's fonts: on a host without a CJK face it drops the letter's Chinese names
 * and skips embedding a CJK font, so it is given Debian's Noto CJK, unpacked into a folder of
 * the bench's own (never installed on the host, where broadside's builds could see it).
 */
function pandocRuns(source: string, work: string): { three: () => number; fonts: string } | undefined {
  if (spawnSync("pandoc", ["--version"]).status !== 0 || spawnSync("weasyprint", ["--version"]).status !== 0) return undefined;
  let env = process.env;
  let fonts = "the host's fonts";
  if (!spawnSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" }).stdout?.trim()) {
    const dir = join(ROOT, "node_modules", ".cache", "broadside", "bench-fonts");
    if (!existsSync(join(dir, "root"))) {
      mkdirSync(dir, { recursive: true });
      spawnSync("apt-get", ["download", "fonts-noto-cjk"], { cwd: dir, stdio: "ignore" });
      const deb = readdirSync(dir).find((f) => f.endsWith(".deb"));
      if (deb) spawnSync("dpkg", ["-x", deb, "root"], { cwd: dir, stdio: "ignore" });
    }
    if (existsSync(join(dir, "root"))) {
      const config = join(dir, "fonts.conf");
      writeFileSync(
        config,
        `<?xml version="1.0"?>\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${join(dir, "root", "usr", "share", "fonts")}</dir>\n  <cachedir>${join(dir, "cache")}</cachedir>\n</fontconfig>\n`,
      );
      env = { ...process.env, FONTCONFIG_FILE: config };
      fonts = "with Debian's Noto CJK for the Chinese names";
    } else fonts = "the host's fonts, WITHOUT the Chinese names: not the same document";
  }
  const pdf = join(work, "pandoc.pdf");
  const three = () =>
    run("pandoc", [source, "-s", "-o", join(work, "pandoc.html")]) +
    run("pandoc", [source, "-o", join(work, "pandoc.docx")]) +
    run("pandoc", [source, "--pdf-engine=weasyprint", "-o", pdf], { env });
  three(); // fontconfig makes its cache of the fonts given: not timed
  return { three, fonts };
}

/** Parse and compile (HTML and DOCX) two sources in turns, in this process: the fastest of each. */
async function hostileTimes(a: string, b: string, runs: number): Promise<[number, number]> {
  const templatesDir = join(ROOT, "templates");
  const once = async (markdown: string) => {
    const start = performance.now();
    const letter = parseLetter(new VFile({ path: "x.md", value: `---\ntitle: T\nlang: en\n---\n\n${markdown}` }), { features: FEATURES });
    if (!letter) throw new Error("a hostile source did not parse");
    await compileHtml(letter, { templatesDir });
    await compileDocx(letter, { templatesDir });
    return performance.now() - start;
  };
  let best: [number, number] = [Infinity, Infinity];
  for (let i = 0; i < runs; i++) best = [Math.min(best[0], await once(a)), Math.min(best[1], await once(b))];
  return best;
}

/** Import two .docx files in turns, in this process: the fastest of each. */
async function importTimes(work: string, a: Uint8Array, b: Uint8Array, runs: number): Promise<[number, number]> {
  const paths = [a, b].map((bytes, i) => {
    const path = join(work, `import-${i}.docx`);
    writeFileSync(path, bytes);
    return path;
  });
  const once = async (path: string) => {
    const start = performance.now();
    const { markdown, file } = await importDocx(path, { lang: "en" });
    if (markdown === undefined) throw new Error(`the bench's .docx did not import: ${file.messages.join("; ")}`);
    return (performance.now() - start) / 1000;
  };
  let best: [number, number] = [Infinity, Infinity];
  for (let i = 0; i < runs; i++) best = [Math.min(best[0], await once(paths[0])), Math.min(best[1], await once(paths[1]))];
  return best;
}

/** The parts a packet names (`packet: parts: […]`), as paths. */
function packetParts(packet: string): string[] {
  const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(packet, "utf8"))?.[1] ?? "";
  const list = /parts:\s*\[([^\]]*)\]/.exec(front)?.[1] ?? "";
  return list
    .split(",")
    .map((p) => p.trim().replace(/^["']|["']$/g, ""))
    .filter(Boolean)
    .map((p) => join(packet, "..", p));
}
