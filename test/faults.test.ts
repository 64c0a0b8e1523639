/**
 * Faults: a browser that is missing, crashes or hangs (fake browsers are small shell scripts in
 * a temp folder, set with PUPPETEER_EXECUTABLE_PATH); a build stopped by SIGINT or SIGKILL; a
 * disk that is full or a file-size limit; two builds into one folder at once. Processes are only
 * ever looked up by the process groups of the browsers these tests started.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";
import { liveInGroup, run, start, until } from "./spawn.ts";

const LETTER = readFileSync(join(ROOT, "source/letter.md"), "utf8");
const SMALL = "---\ntitle: A small letter\nlang: en\n---\n\nWe write[^a].\n\n[^a]: The note.\n";
const CHROMIUM = "/usr/bin/chromium";

/** A fake browser: a shell script that notes its pid (the process group Puppeteer gives it) and how often it ran. */
/** Folders of fake browsers: a test that fails midway (a timeout under load) must not leave a stopped browser behind. */
const fakes = new Set<string>();
afterAll(() => {
  for (const dir of fakes)
    for (const group of groups(dir)) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // gone already, as it should be
      }
    }
});

function fakeBrowser(dir: string, body: string): string {
  fakes.add(dir);
  const path = join(dir, "browser.sh");
  writeFileSync(
    path,
    `#!/bin/sh\ndir="${dir}"\necho $$ >> "$dir/pids"\nn=$(cat "$dir/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$dir/count"\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** A renderer prefix that makes every page of that browser wait 3 s for its renderer. */
function slowRenderers(dir: string): string {
  const path = join(dir, "slow-renderer.sh");
  writeFileSync(path, '#!/bin/sh\nsleep 3\nexec "$@"\n');
  chmodSync(path, 0o755);
  return path;
}

const launches = (dir: string) => Number(existsSync(join(dir, "count")) ? readFileSync(join(dir, "count"), "utf8") : 0);
const groups = (dir: string) => (existsSync(join(dir, "pids")) ? readFileSync(join(dir, "pids"), "utf8").trim().split("\n").map(Number) : []);

/** Every process group a fake browser started is empty (zombies aside) within a few seconds. */
async function nothingLeft(dir: string) {
  const pgids = groups(dir);
  expect(pgids.length).toBeGreaterThan(0);
  await until(() => pgids.every((g) => liveInGroup(g).length === 0), 10_000, `the browser processes of ${pgids.join(", ")} to end`).catch(() => undefined);
  for (const g of pgids) expect(liveInGroup(g), `processes left in group ${g}`).toEqual([]);
}

function letterIn(dir: string, text = SMALL, name = "letter.md") {
  writeFileSync(join(dir, name), text);
  return name;
}

/** The profile folders a fake browser made with {@link noting} was given. */
const profiles = (dir: string) =>
  existsSync(join(dir, "args")) ? [...readFileSync(join(dir, "args"), "utf8").matchAll(/--user-data-dir=(\S+)/g)].map((m) => m[1]) : [];
/** A fake browser's body that first notes its arguments. */
const noting = (body: string) => `echo "$@" >> "$dir/args"\n${body}`;

const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.includes(".tmp-"));

describe("a browser that is missing, crashes or hangs", () => {
  it("missing: says how to get one and exits 3", async () => {
    const dir = tempDir();
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "pdf"], {
      cwd: dir,
      env: { PUPPETEER_EXECUTABLE_PATH: join(dir, "no-such-browser") },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("broadside: No Chromium or Chrome for Puppeteer was found. Fix it with one of:");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("crashing at every start: started once more, then a clear error, exit 3, nothing left running", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, 'echo "fake browser: crashed" >&2\nexit 1');
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "html,pdf"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/Chromium crashed while starting \(.*\); starting it once more/);
    expect(result.stderr).toMatch(/^broadside: Chromium crashed while starting, and again after a restart: /m);
    expect(launches(dir)).toBe(2);
    expect(existsSync(join(dir, "out"))).toBe(false); // no HTML either: a source's formats are written together
    await nothingLeft(dir);
  });

  it("crashing once while starting: the second start builds the PDF", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, `[ "$n" = 1 ] && exit 1\nexec ${CHROMIUM} "$@"`);
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "pdf"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Chromium crashed while starting");
    expect(launches(dir)).toBe(2);
    expect(execFileSync("pdftotext", [join(dir, "out/letter.pdf"), "-"], { encoding: "utf8" })).toContain("We write");
    await nothingLeft(dir);
  });

  it("killed while it prints: started once more, the PDF is complete", async () => {
    const dir = tempDir();
    // The first browser's pages take 3 s to get a renderer, so at 1.5 s it is busy with ours.
    const browser = fakeBrowser(
      dir,
      `if [ "$n" = 1 ]; then\n  ${CHROMIUM} --renderer-cmd-prefix="${slowRenderers(dir)}" "$@" &\n  sleep 1.5\n  kill -9 $!\n  exit 137\nfi\nexec ${CHROMIUM} "$@"`,
    );
    const tmp = tempDir();
    const result = await run(["build", letterIn(dir, LETTER), "--out", "out", "--format", "pdf"], {
      cwd: dir,
      env: { PUPPETEER_EXECUTABLE_PATH: browser, TMPDIR: tmp },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Chromium crashed while (starting|printing letter\.md)/);
    expect(readdirSync(tmp), "left in the temporary folder by the killed browser and the one after it").toEqual([]);
    expect(launches(dir)).toBe(2);
    const text = execFileSync("pdftotext", [join(dir, "out/letter.pdf"), "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain("Activists slam Michelle Bachelet");
    expect(text).toContain("芝援香港"); // among the signatories, at the end
    expect(spawnSync("qpdf", ["--check", join(dir, "out/letter.pdf")]).status).toBe(0);
    await nothingLeft(dir);
  });

  it("killed twice while it prints: exit 3, nothing written, no temporary file", async () => {
    const dir = tempDir();
    // Each browser's pages take 3 s to get a renderer, so at 1.5 s it is busy with ours.
    const browser = fakeBrowser(dir, `${CHROMIUM} --renderer-cmd-prefix="${slowRenderers(dir)}" "$@" &\nsleep 1.5\nkill -9 $!\nexit 137`);
    const result = await run(["build", letterIn(dir, LETTER), "--out", "out"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/Chromium crashed while (starting|printing letter\.md)[^\n]*; starting it once more/);
    expect(result.stderr).toMatch(/^broadside: Chromium crashed/m);
    expect(launches(dir)).toBe(2);
    expect(existsSync(join(dir, "out")) ? readdirSync(join(dir, "out")) : []).toEqual([]);
    await nothingLeft(dir);
  });

  it("hanging at start: stopped after --timeout with a clear error, exit 3, nothing left running", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, "exec sleep 600");
    const started = Date.now();
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "pdf", "--timeout", "2"], {
      cwd: dir,
      env: { PUPPETEER_EXECUTABLE_PATH: browser },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `broadside: Chromium (${browser}) did not start within 2 s; it was stopped. Check it with \`npm run setup\`, or allow more time with --timeout or BROADSIDE_TIMEOUT`,
    );
    expect(Date.now() - started).toBeLessThan(60_000); // long before the fake browser's 600 s
    expect(launches(dir)).toBe(1); // a hang is not retried: the limit is the limit
    await nothingLeft(dir);
  });

  it("hanging after it started (frozen with SIGSTOP): stopped after BROADSIDE_TIMEOUT, exit 3, nothing left running", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, `${CHROMIUM} --renderer-cmd-prefix="${slowRenderers(dir)}" "$@" &\nsleep 1.5\nkill -STOP $!\nwait`);
    const result = await run(["build", letterIn(dir, LETTER), "--out", "out", "--format", "pdf"], {
      cwd: dir,
      env: { PUPPETEER_EXECUTABLE_PATH: browser, BROADSIDE_TIMEOUT: "3" },
    });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stderr).toMatch(/^broadside: Chromium (\(.*\) did not start|did not finish printing letter\.md) within 3 s; it was stopped\./m);
    expect(existsSync(join(dir, "out"))).toBe(false);
    await nothingLeft(dir);
  });

  it("refuses a timeout that is not a number of seconds, or longer than a timer keeps (it would fire at once)", async () => {
    for (const timeout of ["soon", "3000000"]) {
      const result = await run(["build", "x.md", "--timeout", timeout]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--timeout takes a number of seconds above 0, at most 24 days; not ${timeout}`);
    }
  });
});

describe("a build stopped midway", () => {
  /** Build once so that out/ holds complete documents, then start a second build of a changed letter. */
  async function previousBuild(dir: string, formats: string) {
    letterIn(dir, LETTER.replace("Activists slam", "FIRST BUILD: Activists slam"));
    const first = await run(["build", "letter.md", "--out", "out", "--format", formats], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const before = Object.fromEntries(readdirSync(join(dir, "out")).map((n) => [n, readFileSync(join(dir, "out", n))]));
    letterIn(dir, LETTER.replace("Activists slam", "SECOND BUILD: Activists slam"));
    return before;
  }

  /** Every document in out/ is the previous one or a complete new one; no temporary file is left. */
  function completeDocuments(dir: string, before: Record<string, Buffer>) {
    for (const [name, bytes] of Object.entries(before)) {
      const now = readFileSync(join(dir, "out", name));
      if (Buffer.compare(now, bytes) === 0) continue;
      if (name.endsWith(".html")) expect(now.toString("utf8")).toMatch(/SECOND BUILD[\s\S]*<\/html>\s*$/);
      if (name.endsWith(".docx")) expect(strFromU8(unzipSync(now)["word/document.xml"])).toContain("SECOND BUILD");
      if (name.endsWith(".pdf")) expect(spawnSync("qpdf", ["--check", join(dir, "out", name)]).status).toBe(0);
    }
  }

  it("by SIGINT: exits 130 and says so, out/ keeps complete documents, no temporary file, no browser left", async () => {
    const dir = tempDir();
    const before = await previousBuild(dir, "html,pdf,docx");
    const browser = fakeBrowser(dir, `exec ${CHROMIUM} "$@"`);
    const build = start(["build", "letter.md", "--out", "out"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    await until(() => groups(dir).length > 0, 60_000, "the browser to start");
    build.child.kill("SIGINT");
    const result = await build.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("broadside: stopped by SIGINT; documents not yet written keep their previous complete version");
    completeDocuments(dir, before);
    expect(temporaries(join(dir, "out"))).toEqual([]);
    await nothingLeft(dir);
  });

  it("by SIGKILL: out/ keeps complete documents, the browser ends with it, the next build removes what it left", async () => {
    const dir = tempDir();
    const before = await previousBuild(dir, "html,pdf,docx");
    const browser = fakeBrowser(dir, noting(`exec ${CHROMIUM} "$@"`));
    const tmp = tempDir();
    const build = start(["build", "letter.md", "--out", "out"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser, TMPDIR: tmp } });
    await until(() => groups(dir).length > 0, 60_000, "the browser to start");
    build.child.kill("SIGKILL");
    expect((await build.done).signal).toBe("SIGKILL");
    completeDocuments(dir, before);
    await nothingLeft(dir); // Chromium talks over a pipe: it ends when its parent does

    // What a build killed while writing leaves: a temporary file of a process that is gone.
    const dead = spawnSync("true").pid!;
    writeFileSync(join(dir, "out", `.letter.html.tmp-${dead}-0badf00d`), "<!doctype html><html><body>half a docu");
    // A live build's temporary file (this test's own pid stands in for it) is not touched.
    const live = `.letter.docx.tmp-${process.pid}-00c0ffee`;
    writeFileSync(join(dir, "out", live), "in progress");
    const next = await run(["build", "letter.md", "--out", "out", "--format", "html"], { cwd: dir });
    expect(next.code, next.stderr).toBe(0);
    expect(temporaries(join(dir, "out"))).toEqual([live]);
    expect(readFileSync(join(dir, "out/letter.html"), "utf8")).toMatch(/SECOND BUILD[\s\S]*<\/html>\s*$/);
    // The killed build's browser profile is removed by the next build that starts a browser.
    const [killedProfile] = profiles(dir);
    expect(killedProfile).toMatch(new RegExp(`broadside-chromium-${build.child.pid}-`));
    const withPdf = await run(["build", "letter.md", "--out", "out", "--format", "pdf"], { cwd: dir, env: { TMPDIR: tmp } });
    expect(withPdf.code, withPdf.stderr).toBe(0);
    expect(existsSync(killedProfile)).toBe(false);
    // Chromium's own temporary files (org.chromium.Chromium.*) were in the profile: nothing is left.
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe("the browser of a build run as npm run build runs it (bin/broadside.mjs)", () => {
  it("is the one browser of the build: one start, a complete PDF, its profile removed, nothing left in the temporary folder", async () => {
    const dir = tempDir();
    const tmp = tempDir();
    const browser = fakeBrowser(dir, noting(`exec ${CHROMIUM} "$@"`));
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "html,pdf"], {
      cwd: dir,
      env: { PUPPETEER_EXECUTABLE_PATH: browser, TMPDIR: tmp },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(launches(dir)).toBe(1);
    expect(execFileSync("pdftotext", [join(dir, "out/letter.pdf"), "-"], { encoding: "utf8" })).toContain("The note.");
    expect(profiles(dir)).toHaveLength(1);
    expect(existsSync(profiles(dir)[0])).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    await nothingLeft(dir);
  });

  it("several sources (editions) build on one browser, each with its own page, each PDF its own", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, noting(`exec ${CHROMIUM} "$@"`));
    const names = ["en", "fr", "zh"].map((lang) =>
      letterIn(dir, `---\ntitle: Edition ${lang}\nlang: ${lang}\n---\n\nThe ${lang} text[^a].\n\n[^a]: The ${lang} note.\n`, `letter-${lang}.md`),
    );
    const result = await run(["build", ...names, "--out", "out", "--format", "pdf"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    expect(result.code, result.stderr).toBe(0);
    expect(launches(dir)).toBe(1);
    for (const lang of ["en", "fr", "zh"]) {
      const text = execFileSync("pdftotext", [join(dir, `out/letter-${lang}.pdf`), "-"], { encoding: "utf8" });
      expect(text).toContain(`The ${lang} note.`);
      for (const other of ["en", "fr", "zh"].filter((l) => l !== lang)) expect(text).not.toContain(`The ${other} note.`);
    }
    await nothingLeft(dir);
  });

  it("is not started for a build without a PDF", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, `exec ${CHROMIUM} "$@"`);
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "html,docx"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    expect(result.code, result.stderr).toBe(0);
    expect(launches(dir)).toBe(0);
  });

  it("crashing at every start: started once more, then a clear error, exit 3, nothing left running", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, 'echo "fake browser: crashed" >&2\nexit 1');
    const result = await run(["build", letterIn(dir), "--out", "out", "--format", "html,pdf"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/Chromium crashed while starting \(.*\); starting it once more/);
    expect(result.stderr).toMatch(/^broadside: Chromium crashed while starting, and again after a restart: /m);
    expect(launches(dir)).toBe(2);
    expect(existsSync(join(dir, "out"))).toBe(false);
    await nothingLeft(dir);
  });

  it("a source with errors: exit 1, and the browser started for it is stopped, its profile removed", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, noting(`exec ${CHROMIUM} "$@"`));
    const result = await run(["build", letterIn(dir, "---\ntitle: T\nlang: en\n---\n\nA call[^missing].\n"), "--out", "out"], {
      cwd: dir,
      env: { PUPPETEER_EXECUTABLE_PATH: browser },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/letter\.md:6:7: error: .*\[missing-note-definition\]/);
    await nothingLeft(dir);
    for (const profile of profiles(dir)) expect(existsSync(profile)).toBe(false);
  });

  it("by SIGINT as soon as the browser starts: exits 130, no browser left and no profile left behind", async () => {
    const dir = tempDir();
    const browser = fakeBrowser(dir, noting(`exec ${CHROMIUM} "$@"`));
    const build = start(["build", letterIn(dir, LETTER), "--out", "out"], { cwd: dir, env: { PUPPETEER_EXECUTABLE_PATH: browser } });
    // The fake browser notes its arguments (its profile) just before it becomes Chromium.
    await until(() => groups(dir).length > 0 && profiles(dir).length > 0, 60_000, "the browser to start");
    build.child.kill("SIGINT");
    const result = await build.done;
    expect(result.code).toBe(130);
    await nothingLeft(dir);
    expect(profiles(dir)).toHaveLength(1);
    expect(existsSync(profiles(dir)[0])).toBe(false);
  });
});

describe("the bundle bin/broadside.mjs runs", () => {
  // Here, not in cli.test.ts: this file's tests run one after another, so no build of it under
  // a file-size limit has to bundle src/ again.
  it("is made again after an edit under src/", async () => {
    const dir = tempDir();
    letterIn(dir, SMALL);
    expect((await run(["build", "letter.md", "--out", "out", "--format", "html"], { cwd: dir })).code).toBe(0);
    const bundle = join(ROOT, "node_modules/.cache/broadside/cli.mjs");
    const before = statSync(bundle).mtimeMs;
    const edited = join(ROOT, "src/report.ts");
    const now = new Date(before + 1);
    utimesSync(edited, now, now);
    const checked = await run(["check", "letter.md"], { cwd: dir });
    expect(checked.code, checked.stderr).toBe(0);
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(before);
  });
});

describe("a full disk", () => {
  it("a file-size limit (ulimit -f): a clear error, exit 3, the previous documents kept, no temporary file", async () => {
    const dir = tempDir();
    letterIn(dir, SMALL);
    expect((await run(["build", "letter.md", "--out", "out", "--format", "html,docx"], { cwd: dir })).code).toBe(0);
    const before = readdirSync(join(dir, "out")).map((n) => [n, readFileSync(join(dir, "out", n))] as const);
    letterIn(dir, SMALL.replace("We write", "We write again"));
    // The HTML carries its fonts (over 20 kB); 20 blocks of 1 kB is too little for it.
    const result = await run(["build", "letter.md", "--out", "out", "--format", "html,docx"], { cwd: dir, shellPrefix: "ulimit -f 20;" });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `broadside: Cannot write ${join("out", "letter.html")}: the file is larger than this process may write (EFBIG: a file-size limit such as \`ulimit -f\`); the previous letter.html (if any) is kept as it was`,
    );
    for (const [name, bytes] of before) expect(Buffer.compare(readFileSync(join(dir, "out", name)), bytes), name).toBe(0);
    expect(temporaries(join(dir, "out"))).toEqual([]);
  });

  it("progress printed to a full disk (/dev/full): the documents are still written, exit 0", async () => {
    const dir = tempDir();
    letterIn(dir, SMALL);
    const full = openSync("/dev/full", "w");
    try {
      const result = await run(["build", "letter.md", "--out", "out", "--format", "html,docx"], { cwd: dir, stdout: full });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("broadside: cannot print progress: the disk is full (ENOSPC); building on\n");
    } finally {
      closeSync(full);
    }
    expect(readFileSync(join(dir, "out/letter.html"), "utf8")).toMatch(/We write[\s\S]*<\/html>\s*$/);
  });

  it("never writes through a link in the output folder: a document linked to /dev/full is replaced, not written into", async () => {
    const dir = tempDir();
    letterIn(dir, SMALL);
    const first = await run(["build", "letter.md", "--out", "out", "--format", "html"], { cwd: dir });
    expect(first.code).toBe(0);
    symlinkSync("/dev/full", join(dir, "out/letter.docx"));
    const result = await run(["build", "letter.md", "--out", "out", "--format", "docx"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(lstatSync(join(dir, "out/letter.docx")).isFile()).toBe(true);
    expect(strFromU8(unzipSync(readFileSync(join(dir, "out/letter.docx")))["word/document.xml"])).toContain("We write");
  });
});

describe("two builds at once into one folder", () => {
  it("both finish; every document is complete and from one of them", async () => {
    const dir = tempDir();
    for (const who of ["alpha", "beta"]) {
      execFileSync("mkdir", ["-p", join(dir, who)]);
      writeFileSync(join(dir, who, "letter.md"), LETTER.replace("Activists slam", `BUILD-${who.toUpperCase()}: Activists slam`));
    }
    const [a, b] = await Promise.all(["alpha", "beta"].map((who) => run(["build", join(who, "letter.md"), "--out", "out"], { cwd: dir })));
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["letter.docx", "letter.html", "letter.pdf"]);
    const from = (text: string) => ["BUILD-ALPHA", "BUILD-BETA"].filter((marker) => text.includes(marker));
    const html = readFileSync(join(dir, "out/letter.html"), "utf8");
    expect(html).toMatch(/<\/html>\s*$/);
    expect(from(html)).toHaveLength(1);
    expect(from(strFromU8(unzipSync(readFileSync(join(dir, "out/letter.docx")))["word/document.xml"]))).toHaveLength(1);
    expect(spawnSync("qpdf", ["--check", join(dir, "out/letter.pdf")]).status).toBe(0);
    expect(from(execFileSync("pdftotext", [join(dir, "out/letter.pdf"), "-"], { encoding: "utf8" }))).toHaveLength(1);
  });
});
