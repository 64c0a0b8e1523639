/**
 * The preview server as an editor uses it: start it, change the source, see the new text in the
 * served HTML and a new PDF, break the source, see the error over the last good output, stop
 * it with Ctrl-C and find nothing left running.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { appendFileSync, closeSync, copyFileSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";

let dir: string;
let child: ChildProcess;
let output = "";
let url = "";
let browserPid = 0;

const source = () => join(dir, "src", "a.md");

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fetchText = async (path: string) => (await fetch(new URL(path, url))).text();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dir = tempDir();
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "out"));
  copyFileSync(join(ROOT, "test/fixtures/notes.md"), source());
  child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), "dev", "--port", "0", "--source", join(dir, "src"), "--out", join(dir, "out")], { cwd: ROOT });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const line = await until("the server", () => /serving (http:\/\/127\.0\.0\.1:\d+\/) \(browser pid (\d+)\)/.exec(output) ?? undefined, 60_000);
  url = line[1];
  browserPid = Number(line[2]);
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
});

describe("npm run dev", () => {
  it("serves the letter with links to its PDF and DOCX", async () => {
    const page = await fetchText("a.html");
    expect(page).toContain("The first call is to zeta");
    expect(page).toContain('href="/a.pdf"');
    expect(await fetchText("/")).toContain('href="/a.html"');
    const pdf = await fetch(new URL("a.pdf", url));
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  });

  it("rebuilds once for a burst of saves, with the latest text, HTML first and then the PDF", async () => {
    const before = statSync(join(dir, "out", "a.pdf")).mtimeMs;
    const builds = (output.match(/preview in/g) ?? []).length;
    const text = readFileSync(source(), "utf8");
    // An editor that saves by writing a temporary file and renaming it over the source, 30 times in 300 ms.
    for (let i = 1; i <= 30; i++) {
      writeFileSync(join(dir, "src", ".a.md.swp"), text.replace("The first call is to zeta", `Save number ${i} calls zeta`));
      renameSync(join(dir, "src", ".a.md.swp"), source());
      await new Promise((r) => setTimeout(r, 10));
    }
    await until("the new text in the preview", async () => (await fetchText("a.html")).includes("Save number 30 calls zeta"));
    await until("a new PDF", () => statSync(join(dir, "out", "a.pdf")).mtimeMs > before);
    await until("the PDF's text", () => execFileSync("pdftotext", [join(dir, "out", "a.pdf"), "-"], { encoding: "utf8" }).includes("Save number 30 calls zeta"));
    await new Promise((r) => setTimeout(r, 500));
    const rebuilds = (output.match(/preview in/g) ?? []).length - builds;
    expect(rebuilds).toBeGreaterThanOrEqual(1);
    expect(rebuilds).toBeLessThanOrEqual(2); // one for the burst (a second only if the burst straddled a build)
    expect(output).not.toMatch(/Save number (?!30)\d+ calls zeta/);
  });

  it("rebuilds a letter whose check finds a mistake (a signatory listed twice), and shows the finding over it", async () => {
    writeFileSync(source(), `${readFileSync(source(), "utf8")}\n## Signed by\n\n- Friends of the Letter\n- Friends of the Letter\n`);
    const page = await until("the signatories in the preview", async () => {
      const html = await fetchText("a.html");
      return html.includes("Friends of the Letter") && html.includes("signatory-duplicate") ? html : undefined;
    });
    expect(page).not.toContain("Not rebuilt");
    await until("the PDF's signatories", () => execFileSync("pdftotext", [join(dir, "out", "a.pdf"), "-"], { encoding: "utf8" }).includes("Friends of the Letter"));
  });

  it("keeps the last good output and shows the error over it when the source breaks", async () => {
    writeFileSync(source(), readFileSync(source(), "utf8").replace("[^table]: Called from a table cell.", ""));
    const page = await until("the error in the preview", async () => {
      const html = await fetchText("a.html");
      return html.includes("broadside-dev-messages") && html.includes("missing-note-definition") ? html : undefined;
    });
    expect(page).toContain("Not rebuilt: the last good version is shown.");
    expect(page).toMatch(/a\.md:\d+:\d+: error: Note \[\^table\] is referenced but never defined/);
    expect(page).toContain("Save number 30 calls zeta");
    expect(execFileSync("pdftotext", [join(dir, "out", "a.pdf"), "-"], { encoding: "utf8" })).toContain("Save number 30 calls zeta");
    expect(output).toContain("a: not rebuilt (errors above)");
  });

  it("stops the browser and the server on Ctrl-C", async () => {
    expect(alive(browserPid)).toBe(true);
    child.kill("SIGINT");
    const code = await until("the exit", () => child.exitCode ?? undefined, 20_000);
    expect(code).toBe(0);
    expect(output).toContain("broadside dev: stopping");
    await until("the browser to end", () => !alive(browserPid), 10_000);
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe("the dev watcher", () => {
  it("reports a file that is still being written only once it holds still, whole", async () => {
    const { watchFolders } = await import("../src/dev/watch.ts");
    const folder = tempDir();
    const path = join(folder, "letter.md");
    const whole = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1} of a letter saved slowly.\n\n`).join("");
    const seen: { at: number; text: string }[] = [];
    let lastWrite = 0;
    const quietMs = 60;
    const watcher = watchFolders([folder], () => seen.push({ at: performance.now(), text: readFileSync(path, "utf8") }), quietMs);
    try {
      // An editor (or a network drive) writing the file in pieces, 10 ms apart: well under the quiet time.
      writeFileSync(path, "");
      for (let i = 0; i < whole.length; i += 60) {
        appendFileSync(path, whole.slice(i, i + 60));
        lastWrite = performance.now();
        await new Promise((r) => setTimeout(r, 10));
      }
      await until("the watcher's report", () => seen.length > 0 || undefined, 5_000);
      await new Promise((r) => setTimeout(r, quietMs * 3));
    } finally {
      watcher.close();
    }
    expect(seen.map((s) => s.text)).toEqual([whole]);
    expect(seen[0].at - lastWrite).toBeGreaterThanOrEqual(quietMs - 1);
  });
});

describe("npm run dev -- --settle 150 (a network drive that writes a file in pieces)", () => {
  it("never shows a save still being written: the whole file is previewed, and no error of its halves", async () => {
    const folder = tempDir();
    mkdirSync(join(folder, "src"));
    const letter = join(folder, "src", "a.md");
    copyFileSync(join(ROOT, "test/fixtures/notes.md"), letter);
    let said = "";
    const server = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), "dev", "--port", "0", "--settle", "150", "--source", join(folder, "src"), "--out", join(folder, "out")], { cwd: ROOT });
    server.stdout!.on("data", (d) => (said += d));
    server.stderr!.on("data", (d) => (said += d));
    try {
      const at = await until("the server", () => /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(said)?.[1], 60_000);
      const page = async () => (await fetch(new URL("a.html", at))).text();
      const events = await fetch(new URL("events", at));
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
      const pages: string[] = [];
      const kinds: string[] = [];
      const listening = (async () => {
        let buffered = "";
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done) return;
          buffered += value;
          for (let m = /data: (\{[^\n]*\})\n/.exec(buffered); m; m = /data: (\{[^\n]*\})\n/.exec(buffered)) {
            buffered = buffered.slice(m.index + m[0].length);
            const { what } = JSON.parse(m[1]);
            kinds.push(what);
            if (what === "html") pages.push(await page());
          }
        }
      })();
      // The whole letter in 8 pieces, 15 ms apart: every piece but the last leaves a letter whose
      // notes are cut off (an error, were it built).
      const whole = `${readFileSync(letter, "utf8")}\nA closing paragraph, written last: WHOLE-SAVE-MARK.\n`;
      const fd = openSync(letter, "w");
      const piece = Math.ceil(whole.length / 8);
      for (let i = 0; i < 8; i++) {
        writeSync(fd, whole.slice(i * piece, (i + 1) * piece));
        await new Promise((r) => setTimeout(r, 15));
      }
      closeSync(fd);
      await until("the whole text in the preview", async () => (await page()).includes("WHOLE-SAVE-MARK") || undefined);
      await new Promise((r) => setTimeout(r, 500));
      await reader.cancel();
      await listening;
      expect(pages.length).toBeGreaterThan(0);
      for (const shown of pages) expect(shown).toContain("WHOLE-SAVE-MARK");
      expect(kinds, said).not.toContain("error");
      expect(said).not.toContain("error:");
    } finally {
      server.kill("SIGINT");
      await new Promise((r) => server.once("close", r));
    }
  });
});
