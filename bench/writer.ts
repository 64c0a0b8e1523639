/**
 * `npm run bench -- writer [--seed 1] [--count 100] [--no-build] [--jobs 2]`: a seeded crowd of
 * translators' sessions in LibreOffice Writer (test/writer-crowd.ts), all in one soffice, each
 * imported and its edition built with the proof. Prints each session whose outcome is not the
 * one its edits call for, with its edits, and keeps the folder of every .docx to run again by hand.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { cli } from "../test/helpers.ts";
import { calls, type Done, judge, ORIGINALS, type Outcome, sessions } from "../test/writer-crowd.ts";
import { editInWriter, type JobDone } from "../test/writer-edit.ts";

export async function benchWriter(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: "string", default: "1" },
      count: { type: "string", default: "100" },
      "no-build": { type: "boolean" },
      jobs: { type: "string", default: "2" },
    },
  });
  const seed = Number(values.seed);
  const work = mkdtempSync(join(tmpdir(), "broadside-writer-crowd-"));
  const built = join(work, "en");
  const b = await cli(["build", ...ORIGINALS, "--out", built, "--format", "docx"]);
  if (b.code !== 0) throw new Error(`the originals did not build:\n${b.stderr}`);
  const docxOf = (source: string) => join(built, basename(source).replace(/\.md$/, ".docx"));
  // Each original's .docx imported as it is: the note calls every session must keep.
  const want = new Map<string, number[]>();
  for (const source of ORIGINALS) {
    const md = join(work, `${basename(source)}.imported.md`);
    const r = await cli(["import", docxOf(source), "--lang", "fr", "--out", md, "--original", source]);
    if (r.code !== 0) throw new Error(`${source}'s own .docx did not import:\n${r.stderr}`);
    want.set(source, calls(readFileSync(md, "utf8")));
  }
  const crowd = sessions(seed, Number(values.count));
  mkdirSync(join(work, "s"));
  const jobs = crowd.map((s) => ({ in: docxOf(s.original), out: join(work, "s", `${s.name}.docx`), edits: s.edits, filter: s.filter }));
  const start = performance.now();
  // One soffice for the crowd; should it die, a new one takes the jobs it did not get to.
  const made: JobDone[] = [];
  for (let tries = 0; made.length < jobs.length && tries < 5; tries++) {
    const rest = jobs.slice(made.length);
    const got = await editInWriter(rest, work, true, 60_000 + 20_000 * rest.length);
    made.push(...got);
    if (!got.length) made.push({ out: rest[0].out, done: [], error: "Writer stopped on it" });
  }
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < crowd.length) {
      const i = next++;
      const entry = made.find((m) => m.out === jobs[i].out);
      if (!entry || entry.error) {
        outcomes.push({
          session: crowd[i],
          expected: { code: 0, rules: [] },
          code: null,
          problems: [`Writer: ${entry?.error ?? "did not get to it"}`],
          stderr: "",
        });
        continue;
      }
      outcomes.push(await judge(crowd[i], jobs[i].out, entry.done as Done[], join(work, "s"), want.get(crowd[i].original)!, !values["no-build"]));
    }
  };
  await Promise.all(Array.from({ length: Number(values.jobs) }, worker));
  outcomes.sort((a, b) => a.session.name.localeCompare(b.session.name, "en", { numeric: true }));
  const failed = outcomes.filter((o) => o.problems.length);
  for (const o of failed) {
    console.log(`\n${o.session.name} (${o.session.original}, ${o.session.filter}): ${o.problems.join("; ")}`);
    console.log(`  edits: ${JSON.stringify(o.session.edits)}`);
    const done = made.find((m) => m.out.endsWith(`/${o.session.name}.docx`))?.done;
    if (done) console.log(`  Writer did: ${JSON.stringify(done)}`);
    for (const line of o.stderr
      .split("\n")
      .filter((l) => /error|warning/.test(l))
      .slice(0, 4))
      console.log(`  ${line}`);
  }
  const by = (code: number | null) => outcomes.filter((o) => o.code === code).length;
  const skipped = made.flatMap((m) => m.done).filter((d) => d.skipped).length;
  console.log(
    `\nwriter crowd, seed ${seed}: ${outcomes.length} sessions (${by(0)} imported, ${by(1)} refused, ${outcomes.length - by(0) - by(1)} other; ` +
      `${skipped} edits skipped as not applicable), ${failed.length} not as expected; ${((performance.now() - start) / 1000).toFixed(0)} s`,
  );
  if (failed.length) console.log(`the sessions' files: ${work}`);
  else rmSync(work, { recursive: true, force: true });
  return failed.length ? 1 : 0;
}
