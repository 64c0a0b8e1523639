/**
 * `npm run bench -- dev`: `npm run dev` on a copy of a letter, timed as a writer sees it. Each
 * round changes a word of the body and saves; the served page is polled until it shows the new
 * word, and the output folder until its three files are new, carry the word and dev has said
 * they were proved. The session runs with a temporary folder of its own, which must be empty
 * once it has stopped.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";

export interface DevFigures {
  /** Seconds from each save to the served page showing the new word. */
  preview: number[];
  /** Seconds from each save to the three files written, carrying it, and proved. */
  all: number[];
  /** What dev's own log said of each of those saves, in seconds: [preview, all]. */
  logged: [number, number][];
  /** The 1-minute load average at each save. */
  load: number[];
  /** CPU seconds (user + system) of dev and its browser from each save to its outputs (Linux; else empty). */
  cpu: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds used so far by a process and its descendants, from /proc (at 100 ticks a second); NaN elsewhere. */
function treeCpu(root: number): number {
  if (!existsSync("/proc/self/stat")) return NaN;
  const procs = readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .flatMap((pid) => {
      try {
        // After the command's closing parenthesis: state, ppid, …, utime (14th field), stime (15th).
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
          .replace(/^.*\) /s, "")
          .split(" ");
        return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return []; // ended meanwhile
      }
    });
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!tree.has(p.pid) && tree.has(p.ppid)) grew = !!tree.add(p.pid);
  }
  return procs.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0) / 100;
}

export async function devTimes(bin: string, letter: string, runs: number, { warmUp = 3, pollMs = 5 } = {}): Promise<DevFigures> {
  const work = mkdtempSync(join(tmpdir(), "broadside-bench-dev-"));
  const [source, out, tmp] = ["source", "out", "tmp"].map((d) => join(work, d));
  for (const d of [source, tmp]) mkdirSync(d);
  const text = readFileSync(letter, "utf8");
  const file = join(source, "letter.md");
  writeFileSync(file, text);
  const child = spawn(process.execPath, [bin, "dev", "--port", "0", "--source", source, "--out", out], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TMPDIR: tmp },
  });
  let said = "";
  child.stdout.on("data", (d) => (said += d));
  child.stderr.on("data", (d) => (said += d));
  const until = async (what: string, probe: () => boolean | Promise<boolean>) => {
    const end = performance.now() + 60_000;
    while (!(await probe())) {
      if (performance.now() > end || child.exitCode !== null) throw new Error(`npm run dev: no ${what}:\n${said}`);
      await sleep(pollMs);
    }
    return performance.now();
  };
  const outputs = ["html", "pdf", "docx"].map((format) => join(out, `letter.${format}`));
  const times = () => outputs.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0));
  const proved = () => [...said.matchAll(/letter: preview in (\d+) ms, html\+pdf\+docx proved and written in (\d+) ms/g)];
  const figures: DevFigures = { preview: [], all: [], logged: [], load: [], cpu: [] };
  try {
    let url = "";
    await until("address", () => !!(url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(said)?.[1] ?? ""));
    await until("first build", () => proved().length > 0);
    const page = new URL("letter.html", url);
    // A word of the body's first paragraph, changed as a writer changes one.
    const at = text.indexOf("call for the immediate resignation");
    if (at < 0) throw new Error("the bench's letter lacks the sentence whose word it changes");
    for (let i = 0; i < runs + warmUp; i++) {
      await sleep(300);
      const before = times();
      const logs = proved().length;
      const word = `draftword${i}x`;
      figures.load.push(loadavg()[0]);
      const cpu = treeCpu(child.pid!);
      const saved = performance.now();
      writeFileSync(file, `${text.slice(0, at)}call for the ${word} resignation${text.slice(at + "call for the immediate resignation".length)}`);
      const shown = await until("new preview", async () => (await (await fetch(page)).text()).includes(word));
      const written = await until(
        "new outputs",
        () => proved().length > logs && times().every((t, k) => t > before[k]) && readFileSync(outputs[0], "utf8").includes(word),
      );
      const used = treeCpu(child.pid!) - cpu;
      // Not timed: the PDF and the DOCX carry the word too.
      const pdf = execFileSync("pdftotext", [outputs[1], "-"], { encoding: "utf8" }).replace(/-\n|\s+/g, "");
      const docx = strFromU8(unzipSync(readFileSync(outputs[2]), { filter: (f) => f.name === "word/document.xml" })["word/document.xml"]);
      if (!pdf.includes(word) || !docx.includes(word)) throw new Error(`npm run dev wrote a PDF or DOCX without the new word ${word}`);
      // The first saves warm the process up, as an editing session does.
      if (i < warmUp) continue;
      figures.preview.push((shown - saved) / 1000);
      figures.all.push((written - saved) / 1000);
      if (!Number.isNaN(used)) figures.cpu.push(used);
      const log = proved().at(-1)!;
      figures.logged.push([Number(log[1]) / 1000, Number(log[2]) / 1000]);
    }
    return figures;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once("close", r));
      child.kill("SIGINT");
      await closed;
    }
    const left = readdirSync(tmp);
    rmSync(work, { recursive: true, force: true });
    if (left.length) throw new Error(`npm run dev left ${left.join(", ")} in its temporary folder`);
  }
}
