/**
 * Run the CLI as a user would, from any folder, and keep hold of the process: for tests that
 * send it signals, limit what it may write, or point its output at a full disk.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { BIN, ROOT } from "./helpers.ts";

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run through `bash -c` with this prefix, e.g. `ulimit -f 40;`. */
  shellPrefix?: string;
  /** Where its stdout goes: piped (default) or an open file descriptor. */
  stdout?: "pipe" | number;
}

export function start(args: string[], options: StartOptions = {}): Run {
  const argv = [process.execPath, BIN, ...args];
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const child = options.shellPrefix
    ? spawn("bash", ["-c", `${options.shellPrefix} exec ${quoted}`], {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", options.stdout ?? "pipe", "pipe"],
      })
    : spawn(argv[0], argv.slice(1), { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ["ignore", options.stdout ?? "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

export function run(args: string[], options: StartOptions = {}) {
  return start(args, options).done;
}

/** Resolves once `test()` holds, checking every 20 ms; rejects after `ms`. */
export async function until(test: () => boolean, ms = 60_000, what = "the condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether process `pid` is there (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Live (not zombie) processes in process group `pgid`, read from /proc: only groups the test
 * started are ever asked about.
 */
export function liveInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [state, , pgrp] = fields;
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}
