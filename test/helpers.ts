import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VFile } from "vfile";
import { parseLetter } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
// The package's folder found as src/ finds it, so that it holds in the bench's bundle too.
import { ROOT } from "../src/paths.ts";

export { ROOT };

/** Parse Markdown given as text, as the build would parse a file. */
export function parse(markdown: string, path = "test.md") {
  const file = new VFile({ path, value: markdown });
  const letter = parseLetter(file, { features: FEATURES });
  return { file, letter };
}

/** Front matter enough for a letter to parse. */
export const FRONT = "---\ntitle: Test\nlang: en\n---\n\n";

/** Each message as `line:column rule severity`. */
export function messages(file: VFile) {
  return file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.fatal ? "error" : "warning"}`);
}

const made: string[] = [];

/** A new folder under the system's temp folder, removed when the test file has run (test/setup.ts). */
export function tempDir(prefix = "broadside-test-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove the folders {@link tempDir} made (kept with BROADSIDE_KEEP_TEST_DIRS=1, to look into a failure). */
export function removeTempDirs() {
  if (process.env.BROADSIDE_KEEP_TEST_DIRS) return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The command line as `npm run build` runs it: the bundled CLI, with plain Node. */
export const BIN = join(ROOT, "bin/broadside.mjs");

/** Run the CLI as a user would. */
export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}
