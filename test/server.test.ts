/**
 * The build server (src/server): `npm run build` hands its build to a warm server when one is
 * up, and starts one after a build in its own process. What a user would notice: the served
 * build writes the same bytes, in the client's folder, with the client's environment; errors
 * come back with their places and exit codes; Ctrl-C stops it with nothing half-written and no
 * process left; a killed, busy or idle server never stops a build.
 */
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";
import { alive, liveInGroup, run, start, until } from "./spawn.ts";


interface Status {
  pid: number;
  builds: number;
  warm: boolean;
  browserPid?: number;
}

function serverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // Sockets (and Chromium's profiles) in a folder of this test's own, so that no server of
  // another run is found, and BROADSIDE_SERVER on whatever the test runner says.
  return { BROADSIDE_SERVER: "on", TMPDIR: tempDir("bs-srv-"), BROADSIDE_SERVER_IDLE: "300", SOURCE_DATE_EPOCH: "1700000000", ...extra };
}

async function status(env: NodeJS.ProcessEnv): Promise<Status | undefined> {
  const { stdout, code } = await run(["server", "status"], { launcher: true, env });
  expect(code).toBe(0);
  const m = /build server pid (\d+): (\d+) builds? served, (warm|warming up), browser (?:pid (\d+)|not started)/.exec(stdout);
  return m ? { pid: Number(m[1]), builds: Number(m[2]), warm: m[3] === "warm", browserPid: m[4] ? Number(m[4]) : undefined } : undefined;
}

async function untilWarm(env: NodeJS.ProcessEnv): Promise<Status> {
  let last: Status | undefined;
  const end = Date.now() + 60_000;
  while (!(last = await status(env))?.warm) {
    if (Date.now() > end) throw new Error(`the build server did not warm up: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

const startedPid = (stdout: string) => Number(/started a build server for the next builds \(pid (\d+)\)/.exec(stdout)?.[1]);

/** The letter `times` over, its notes under new labels each time: a build long enough to interrupt. */
function longLetter(dir: string, times: number): string {
  const letter = readFileSync(join(ROOT, "source/letter.md"), "utf8");
  const end = letter.indexOf("\n---\n", 4) + 5;
  const copies = Array.from({ length: times }, (_, i) => letter.slice(end).replace(/\[\^(\d+)\]/g, `[^c${i}n$1]`));
  const path = join(dir, `long.md`);
  writeFileSync(path, letter.slice(0, end) + copies.join("\n\n"));
  return "long.md";
}

describe("the build server", () => {
  const dir = tempDir();
  const env = serverEnv();
  const build = (args: string[], extra: NodeJS.ProcessEnv = {}) => run(["build", ...args], { launcher: true, cwd: dir, env: { ...env, ...extra } });

  beforeAll(() => {
    copyFileSync(join(ROOT, "source/letter.md"), join(dir, "letter.md"));
    writeFileSync(join(dir, "bad.md"), "---\ntitle: Bad\nlang: en\n---\n\nA claim.[^gone]\n");
  });

  afterAll(async () => {
    await run(["server", "stop"], { launcher: true, env });
  });

  it("serves the next build, which writes what a build in its own process writes, in the client's folder and environment", async () => {
    const first = await build(["letter.md", "--out", "one", "--format", "html,docx"]);
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain("by the build server");
    const pid = startedPid(first.stdout);
    expect(pid).toBeGreaterThan(0);
    expect((await untilWarm(env)).pid).toBe(pid);

    const served = await build(["letter.md", "--out", "two", "--format", "html,docx"]);
    expect(served.code).toBe(0);
    expect(served.stdout).toContain(`into two/ (html, docx) by the build server (pid ${pid})`);
    expect(served.stdout).toContain("verified: every note call and note text agrees in html, docx");
    expect(served.stdout).not.toContain("started a build server");
    const own = await build(["letter.md", "--out", "three", "--format", "html,docx", "--no-server"]);
    expect(own.code).toBe(0);
    expect(own.stdout).not.toContain("by the build server");
    for (const name of ["letter.html", "letter.docx"]) expect(readFileSync(join(dir, "two", name)).equals(readFileSync(join(dir, "three", name)))).toBe(true);

    // The client's SOURCE_DATE_EPOCH, not the server's, dates the .docx.
    const later = await build(["letter.md", "--out", "four", "--format", "docx"], { SOURCE_DATE_EPOCH: "1600000000" });
    expect(later.stdout).toContain(`by the build server (pid ${pid})`);
    const core = (name: string) => strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, name, "letter.docx"))))["docProps/core.xml"]);
    expect(core("four")).toContain("2020-09-13T12:26:40Z");
    expect(core("two")).toContain("2023-11-14T22:13:20Z");

    // A source's errors come back with their places, and its exit code; nothing is written.
    const bad = await build(["bad.md", "--out", "five"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`by the build server (pid ${pid})`);
    expect(bad.stderr).toMatch(/bad\.md:6:9: error: Note \[\^gone\] is referenced but never defined.*\[missing-note-definition\]/);
    expect(existsSync(join(dir, "five")) ? readdirSync(join(dir, "five")) : []).toEqual([]);
    const usage = await build(["letter.md", "--format", "odt"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--format takes html, pdf, docx");
    // A template edited between two builds shows in the second: the server reads it again.
    cpSync(join(ROOT, "templates"), join(dir, "templates"), { recursive: true });
    const styled = await build(["letter.md", "--out", "six", "--format", "html", "--templates", "templates"]);
    expect(readFileSync(join(dir, "six", "letter.html"), "utf8")).not.toContain("edited template marker");
    writeFileSync(join(dir, "templates", "style.css"), `${readFileSync(join(dir, "templates", "style.css"), "utf8")}\nh1::after { content: "edited template marker"; }\n`);
    const restyled = await build(["letter.md", "--out", "six", "--format", "html", "--templates", "templates"]);
    expect([styled.stdout, restyled.stdout].every((out) => out.includes(`by the build server (pid ${pid})`))).toBe(true);
    expect(readFileSync(join(dir, "six", "letter.html"), "utf8")).toContain("edited template marker");
    expect((await status(env))?.builds).toBe(6);
  });

  it("keeps one browser open between PDF builds", async () => {
    const one = await build(["letter.md", "--out", "pdf1"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("by the build server");
    expect(one.stdout).toContain("verified: every note call and note text agrees in html, pdf, docx");
    const browser = (await status(env))?.browserPid;
    expect(browser).toBeGreaterThan(0);
    const two = await build(["letter.md", "--out", "pdf2"]);
    expect(two.code).toBe(0);
    expect(two.stdout).toContain("verified: every note call and note text agrees in html, pdf, docx");
    expect((await status(env))?.browserPid).toBe(browser);
    expect(readFileSync(join(dir, "pdf2", "letter.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("builds by itself while the server is busy, and stops the server with a Ctrl-C of its build, leaving nothing behind", async () => {
    const long = longLetter(dir, 12);
    if (!(await status(env))) expect(startedPid((await build(["letter.md", "--out", "pdf0"])).stdout)).toBeGreaterThan(0);
    const server = (await untilWarm(env))!;
    const browser = server.browserPid!;
    expect(browser).toBeGreaterThan(0); // a PDF was built
    const busy = start(["build", long, "--out", "long"], { launcher: true, cwd: dir, env });
    await until(() => busy.stdout().includes("by the build server"), 30_000, "the long build to be taken");
    // A second build meanwhile runs in its own process, and starts no second server.
    const meanwhile = await build(["letter.md", "--out", "meanwhile", "--format", "html"]);
    expect(meanwhile.code).toBe(0);
    expect(meanwhile.stdout).not.toContain("by the build server");
    expect(meanwhile.stdout).not.toContain("started a build server");
    expect(readdirSync(join(dir, "meanwhile"))).toEqual(["letter.html"]);
    expect(busy.child.exitCode).toBe(null);
    busy.child.kill("SIGINT");
    const stopped = await busy.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("stopped by SIGINT");
    await until(() => !alive(server.pid) && liveInGroup(browser).length === 0, 10_000, "the server and its browser to stop");
    expect(existsSync(join(dir, "long")) ? readdirSync(join(dir, "long")) : []).toEqual([]);
    expect(await status(env)).toBeUndefined();
  });

  it("closes its browser when it has had no build for BROADSIDE_SERVER_BROWSER_IDLE seconds, and starts another for the next PDF", async () => {
    const restEnv = serverEnv({ BROADSIDE_SERVER_BROWSER_IDLE: "2" });
    const first = await run(["build", "letter.md", "--out", "r1"], { launcher: true, cwd: dir, env: restEnv });
    expect(first.stdout).toContain("and its browser for 2 s");
    const pid = startedPid(first.stdout);
    const warm = await untilWarm(restEnv);
    expect(warm.browserPid).toBeGreaterThan(0);
    await until(() => liveInGroup(warm.browserPid!).length === 0, 30_000, "the idle browser to close");
    expect((await status(restEnv))?.browserPid).toBeUndefined();
    expect(alive(pid)).toBe(true);
    const next = await run(["build", "letter.md", "--out", "r2"], { launcher: true, cwd: dir, env: restEnv });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain(`by the build server (pid ${pid})`);
    expect(next.stdout).toContain("verified: every note call and note text agrees in html, pdf, docx");
    const again = (await status(restEnv))?.browserPid;
    expect(again).toBeGreaterThan(0);
    expect(again).not.toBe(warm.browserPid);
    await run(["server", "stop"], { launcher: true, env: restEnv });
    await until(() => !alive(pid) && liveInGroup(again!).length === 0, 10_000, "the server and its browser to stop");
  });

  it("replaces a server that was killed, and stops on `npm run server -- stop`", async () => {
    const first = await build(["letter.md", "--out", "k1", "--format", "html"]);
    const pid = startedPid(first.stdout);
    expect(pid).toBeGreaterThan(0);
    await untilWarm(env);
    process.kill(pid, "SIGKILL");
    await until(() => !alive(pid), 5000, "the server to die");
    // Its socket is left behind; the next build finds no one there, builds, and starts another.
    const next = await build(["letter.md", "--out", "k2", "--format", "html"]);
    expect(next.code).toBe(0);
    expect(next.stdout).not.toContain("by the build server");
    const again = startedPid(next.stdout);
    expect(again).toBeGreaterThan(0);
    expect(again).not.toBe(pid);
    expect((await untilWarm(env)).pid).toBe(again);
    const stop = await run(["server", "stop"], { launcher: true, env });
    expect(stop.stdout).toContain(`stopped the build server (pid ${again})`);
    await until(() => !alive(again), 10_000, "the server to stop");
    expect(await status(env)).toBeUndefined();
  });

  it("stops by itself when idle, and is not started in CI or with --no-server", async () => {
    const idleEnv = serverEnv({ BROADSIDE_SERVER_IDLE: "1" });
    const first = await run(["build", "letter.md", "--out", "i1", "--format", "html,pdf"], { launcher: true, cwd: dir, env: idleEnv });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("keeps broadside warm for 1 s after the last build, and its browser for 1 s");
    const pid = startedPid(first.stdout);
    await until(() => !alive(pid), 30_000, "the idle server to stop");
    expect(await status(idleEnv)).toBeUndefined();
    expect(readdirSync(join(idleEnv.TMPDIR!, `broadside-${process.getuid!()}`))).toEqual([]);

    const ci = serverEnv({ BROADSIDE_SERVER: "", CI: "true" });
    const inCi = await run(["build", "letter.md", "--out", "ci", "--format", "html"], { launcher: true, cwd: dir, env: ci });
    expect(inCi.code).toBe(0);
    expect(inCi.stdout).not.toContain("build server");
    const off = await run(["build", "letter.md", "--out", "off", "--format", "html", "--no-server"], { launcher: true, cwd: dir, env: serverEnv() });
    expect(off.stdout).not.toContain("build server");
  });
});
