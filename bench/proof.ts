/**
 * `npm run bench -- proof [--count 1000] [--seed 1] [--batch 40] [--no-mutations] [--tables] [--long-notes]`: the proof on
 * the randomized corpus (bench/corpus.ts). Every document is built with the proof on, many
 * sources to one build (one browser); any disagreement the proof reports is a false alarm. Then
 * every letter built is mutated (bench/mutations.ts, one mutation each, in turn) and read
 * back with the proof, which must report the mutated note in the mutated format; every packet
 * loses a page and gets wrong contents numbers, which the packet's proof must report.
 * Exit 1 on any false alarm or mutation missed. docs/testing.md keeps the figures.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { unzipSync } from "fflate";
import { PDFDocument } from "pdf-lib";
import { VFile } from "vfile";
import { proveLayout, readPages } from "../src/packet/proof.ts";
import { ROOT } from "../src/paths.ts";
import { type CorpusDocument, languagePools, makeCorpus } from "./corpus.ts";
import { readPdf, verifyOutputs } from "../src/verify/index.ts";
import { LETTER_MUTATIONS, MUTATED_FORMAT, mutateLetter } from "./mutations.ts";
import { FORMAT_NAMES, type Format } from "../src/verify/reading.ts";

/** The rule ids of the proof: an error with one of these on a correct document is a false alarm. */
const PROOF_RULES = /\[(outputs-disagree|outputs-unreadable|packet-disagrees)\]$/;

export interface CorpusRun {
  documents: number;
  builtOk: number;
  falseAlarms: string[];
  otherErrors: string[];
  mutations: { kind: string; name: string; caught: boolean; message: string }[];
}

/** Build `docs` in `work` (many sources per build), and mutate what was built. */
export async function runCorpus(
  docs: CorpusDocument[],
  work: string,
  options: { batch?: number; mutations?: boolean; log?: (line: string) => void } = {},
): Promise<CorpusRun> {
  const log = options.log ?? (() => undefined);
  const bin = join(ROOT, "bin", "broadside.mjs");
  const out = join(work, "out");
  mkdirSync(out, { recursive: true });
  for (const doc of docs) for (const [name, text] of Object.entries(doc.files)) writeFileSync(join(work, name), text);
  const run: CorpusRun = { documents: docs.length, builtOk: 0, falseAlarms: [], otherErrors: [], mutations: [] };
  const batch = options.batch ?? 40;
  for (let i = 0; i < docs.length; i += batch) {
    const names = docs.slice(i, i + batch).map((d) => d.name);
    const done = spawnSync(process.execPath, [bin, "build", ...names, "--out", out], { cwd: work, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const lines = `${done.stdout}\n${done.stderr}`.split("\n");
    for (const line of lines) {
      if (!/: error: /.test(line)) continue;
      (PROOF_RULES.test(line) ? run.falseAlarms : run.otherErrors).push(line);
    }
    if (done.status !== 0 && done.status !== 1) run.otherErrors.push(`build of ${names[0]}… exited ${done.status}: ${done.stderr.slice(-2000)}`);
    log(`  built ${Math.min(i + batch, docs.length)} of ${docs.length}: ${run.falseAlarms.length} false alarms, ${run.otherErrors.length} other errors`);
  }
  const failed = new Set([...run.falseAlarms, ...run.otherErrors].map((line) => line.split(":")[0]));
  run.builtOk = docs.filter((d) => !failed.has(d.name)).length;
  if (options.mutations === false) return run;

  let turn = 0;
  for (const doc of docs) {
    if (failed.has(doc.name)) continue;
    if (doc.kind === "packet") {
      run.mutations.push(...(await mutatePacket(doc, out)));
      continue;
    }
    const base = doc.name.replace(/\.md$/, "");
    const files = { html: join(out, `${base}.html`), pdf: join(out, `${base}.pdf`), docx: join(out, `${base}.docx`) } as Record<Format, string>;
    if (!existsSync(files.pdf)) continue;
    // One mutation per letter, in turn, on a copy; the next kind when a letter has nothing it could change.
    const copies = Object.fromEntries(Object.entries(files).map(([f, path]) => [f, `${path}.mutated.${f}`])) as Record<Format, string>;
    for (let attempt = 0; attempt < LETTER_MUTATIONS.length; attempt++) {
      const kind = LETTER_MUTATIONS[turn % LETTER_MUTATIONS.length];
      turn++;
      const n = 1 + (turn % 3 === 0 ? 1 : 0);
      let mutated = false;
      for (let variant = 0; variant < 12 && !mutated; variant++) {
        for (const f of Object.keys(files) as Format[]) copyFileSync(files[f], copies[f]);
        if (!mutateLetter(kind, copies, n, variant)) break;
        // A PDF's glyph remapped that note n does not use: the next letter.
        mutated = kind !== "pdf-letter-changed" || (await readPdf(copies.pdf)).notes.get(n) !== (await readPdf(files.pdf)).notes.get(n);
      }
      if (!mutated) continue;
      const report = new VFile({ path: doc.name });
      await verifyOutputs(copies, report);
      const format = FORMAT_NAMES[MUTATED_FORMAT[kind]];
      const named = report.messages.find((m) => /\bNote \d+\b/.test(m.reason) && m.reason.includes(format));
      run.mutations.push({ kind, name: doc.name, caught: !!named, message: (named ?? report.messages[0])?.reason ?? "(no message)" });
      break;
    }
  }
  return run;
}

/** A packet with a page dropped, and with the contents' numbers wrong: both must be reported. */
async function mutatePacket(doc: CorpusDocument, out: string): Promise<CorpusRun["mutations"]> {
  const base = doc.name.replace(/(\.packet)?\.md$/, "");
  const pdf = join(out, `${base}.pdf`);
  if (!existsSync(pdf)) return [];
  const bytes = new Uint8Array(readFileSync(pdf));
  const kit = unzipSync(readFileSync(join(out, `${base}.zip`)));
  const readings = await readPages(bytes);
  const contents = readings.findIndex((page) => page.rightNumbers.length > 0);
  const starts = readings[contents]?.rightNumbers ?? [];
  const partNames = Object.keys(doc.files)
    .filter((name) => name !== doc.name)
    .map((name) => name.replace(/\.md$/, ""));
  const layouts = await Promise.all(partNames.map(async (name, i) => ({ name, start: (starts[i] ?? 0) - 1, edition: await readPages(kit[`${name}.pdf`]) })));
  const results: CorpusRun["mutations"] = [];
  const record = (kind: string, problems: string[], expect: RegExp) => {
    const named = problems.find((p) => expect.test(p));
    results.push({ kind, name: doc.name, caught: !!named, message: named ?? problems[0] ?? "(no message)" });
  };
  const packetDoc = await PDFDocument.load(bytes);
  const last = layouts[layouts.length - 1];
  packetDoc.removePage(last.start + last.edition.length - 1); // the last part's last page
  record("packet-page-dropped", proveLayout(await readPages(await packetDoc.save()), layouts, [contents], []), new RegExp(`^${last.name}`));
  const wrong = readings.map((page, i) => (i === contents ? { ...page, rightNumbers: page.rightNumbers.map((n, k) => (k === 0 ? n + 1 : n)) } : page));
  record("packet-contents-wrong", proveLayout(wrong, layouts, [contents], []), /^The contents list the parts at pages/);
  return results;
}

export async function benchProof(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: "string", default: "1000" },
      seed: { type: "string", default: "1" },
      batch: { type: "string", default: "40" },
      "no-mutations": { type: "boolean", default: false },
      tables: { type: "boolean", default: false },
      "long-notes": { type: "boolean", default: false },
    },
  });
  const pools = languagePools(join(ROOT, "test", "fixtures", "editions"));
  const docs = makeCorpus(pools, Number(values.seed), Number(values.count), 25, values.tables, values["long-notes"]);
  const work = mkdtempSync(join(tmpdir(), "broadside-proof-corpus-"));
  const started = performance.now();
  try {
    const run = await runCorpus(docs, work, { batch: Number(values.batch), mutations: !values["no-mutations"], log: console.log });
    const letters = docs.filter((d) => d.kind === "letter").length;
    const caught = run.mutations.filter((m) => m.caught).length;
    console.log(
      `\nbroadside bench proof: seed ${values.seed}, ${docs.length} documents (${letters} letters in ${pools.map((p) => p.lang).join(", ")}; ${docs.length - letters} packets, half of them booklets)`,
    );
    console.log(`  built and proved: ${run.builtOk} of ${docs.length}`);
    console.log(`  false alarms: ${run.falseAlarms.length}`);
    for (const line of run.falseAlarms.slice(0, 20)) console.log(`    ${line}`);
    console.log(`  other errors: ${run.otherErrors.length}`);
    for (const line of run.otherErrors.slice(0, 20)) console.log(`    ${line}`);
    const kinds = [...new Set(run.mutations.map((m) => m.kind))];
    console.log(
      `  mutations caught: ${caught} of ${run.mutations.length}${run.mutations.length ? ` (${((100 * caught) / run.mutations.length).toFixed(1)} %)` : ""}`,
    );
    for (const kind of kinds) {
      const of = run.mutations.filter((m) => m.kind === kind);
      console.log(`    ${kind}: ${of.filter((m) => m.caught).length} of ${of.length}`);
    }
    for (const m of run.mutations.filter((m) => !m.caught).slice(0, 20)) console.log(`    missed ${m.kind} in ${m.name}: ${m.message}`);
    console.log(`  ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return run.falseAlarms.length || run.otherErrors.length || caught < run.mutations.length ? 1 : 0;
  } finally {
    if (!process.env.BROADSIDE_KEEP_CORPUS) rmSync(work, { recursive: true, force: true });
    else console.log(`  kept in ${work}`);
  }
}
