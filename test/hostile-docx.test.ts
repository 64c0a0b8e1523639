/**
 * The hostile .docx corpus (test/hostile-docx-corpus.ts) through the real command line: every
 * case answers with its exit code and its message (at its paragraph where there is one), within
 * a CPU-time and a memory bound, never prints the canary file kept outside the project, and
 * never connects to the listener on 127.0.0.1. The edition imported from a .docx that carries
 * configuration in its properties is then built, and reads nothing outside either.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, tempDir } from "./helpers.ts";
import { type HostileCase, hostileCases } from "./hostile-docx-corpus.ts";

/** CPU seconds (user + system) and peak memory one import may take, on a machine shared with other work. */
const MAX_CPU_SECONDS = 5;
const MAX_RSS_MB = 400;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  cpu: number;
  rssMb: number;
}

/** Run broadside under /usr/bin/time, which reports the finished child's own CPU time and peak memory. */
function run(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-f", "RUSAGE %U %S %M", process.execPath, BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const m = /RUSAGE ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      if (!m) return reject(new Error(`no resource usage in: ${stderr.slice(-500)}`));
      stderr = stderr.slice(0, m.index);
      resolve({ code, stdout, stderr, cpu: Number(m[1]) + Number(m[2]), rssMb: Number(m[3]) / 1024 });
    });
  });
}

async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

const root = tempDir("broadside-hostile-docx-");
const project = join(root, "project");
const canary = join(root, "canary.txt");
const CANARY = `CANARY-${Math.random().toString(36).slice(2)}-must-not-leak`;
let server: Server;
let connections = 0;
let cases: HostileCase[] = [];
const outcomes = new Map<string, Outcome>();
let built: Outcome | undefined;
let builtHtml = "";

beforeAll(async () => {
  mkdirSync(join(project, "out"), { recursive: true });
  writeFileSync(canary, `${CANARY}\n`);
  server = createServer((_, res) => res.end(`<!ENTITY leak "${CANARY}">`));
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cases = hostileCases({ canary, port: (server.address() as AddressInfo).port, seed: 22 });
  const results = await pool(cases, 2, (c) => {
    writeFileSync(join(project, c.file), c.bytes);
    const out = c.outIsFolder ? "out" : join("out", `${c.name}.md`);
    return run(["import", c.file, "--lang", "fr", "--out", out], project);
  });
  cases.forEach((c, i) => outcomes.set(c.name, results[i]));
  // The imported edition of the .docx that tried to set `packet:` and friends, built.
  if (outcomes.get("config-front-matter")?.code === 0) {
    built = await run(["build", join("out", "config-front-matter.md"), "--format", "html", "--out", "dist"], project);
    const dist = join(project, "dist");
    if (existsSync(dist))
      builtHtml = readdirSync(dist)
        .filter((n) => n.endsWith(".html"))
        .map((n) => readFileSync(join(dist, n), "utf8"))
        .join("\n");
  }
}, 240_000);

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("hostile .docx files", () => {
  it("the corpus is generated", () => expect(cases.length).toBeGreaterThan(25));

  for (const name of hostileCases({ canary: "/canary", port: 1, seed: 22 }).map((c) => c.name)) {
    it(name, () => {
      const c = cases.find((x) => x.name === name)!;
      const o = outcomes.get(name)!;
      const lines = o.stderr.split("\n");
      expect(o.stderr, "never an internal error").not.toMatch(/internal error|Maximum call stack|heap out of memory/);
      expect(o.code, o.stderr).toBe(c.code);
      for (const message of c.messages)
        expect(
          lines.some((line) => message.test(line)),
          `${message} in\n${o.stderr}`,
        ).toBe(true);
      if (c.code === 1) expect(o.stderr).toContain("nothing written");
      expect(o.cpu, "CPU seconds").toBeLessThan(MAX_CPU_SECONDS);
      expect(o.rssMb, "peak memory, MB").toBeLessThan(MAX_RSS_MB);
      expect(o.stdout + o.stderr).not.toContain(CANARY);
      if (c.code === 0) {
        const md = readFileSync(join(project, "out", `${name}.md`), "utf8");
        expect(md).not.toContain(CANARY);
        expect(md).not.toMatch(/javascript:|vbscript:|data:text|file:|secret\.docx/);
      }
    });
  }

  it("an imported .docx sets words, never what the next build reads", () => {
    const md = readFileSync(join(project, "out", "config-front-matter.md"), "utf8");
    const front = md.split("\n---\n")[0];
    expect(front).toContain("author: A translator");
    expect(front).toContain("heading: Signed by");
    expect(front).not.toMatch(/packet|images|template|out:|__proto__|polluted|from:|canary|passwd/);
    expect(built?.code, built?.stderr).toBe(0);
    expect(builtHtml).toContain("Dear friends,");
    expect(builtHtml + built!.stdout + built!.stderr).not.toContain(CANARY);
  });

  it("links a letter may carry are kept", () => {
    const md = readFileSync(join(project, "out", "links-forbidden.md"), "utf8");
    expect(md).toContain("[The report](https://example.org/report)");
    expect(md).toContain("[The annex](annex.pdf)");
    expect(md).toContain("Click here");
  });

  it("characters XML cannot hold are left out of an import, the text around them kept", () => {
    const md = readFileSync(join(project, "out", "text-forbidden-characters.md"), "utf8");
    expect(md).toContain("Dear friends, yours.");
    expect(md).toContain("[The report](https://example.org/report)");
  });

  it("nothing connected to the listener on 127.0.0.1", () => expect(connections).toBe(0));
});
