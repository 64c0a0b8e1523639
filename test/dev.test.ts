/**
 * The preview server as an editor uses it: start it, change the source, see the new text in the
 * served HTML and a new PDF, break the source, see the error over the last good output, stop
 * it with Ctrl-C and find nothing left running; and edit the letter the ways a writer does, and
 * find after each save the HTML a build of the same text makes.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VFile } from "vfile";
import { compileHtml } from "../src/html/index.ts";
import { parseLetter } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { BIN, ROOT, tempDir } from "./helpers.ts";
import { alive } from "./spawn.ts";

let dir: string;
/** The server the tests of `npm run dev` share. */
let dev: DevProcess;

const source = () => join(dir, "src", "a.md");

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000, said = () => dev.said): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${said()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fetchText = async (path: string) => (await fetch(new URL(path, dev.url))).text();

/**
 * `npm run dev` on `folder`/src, writing to `folder`/out, with `extra` options: the process, what
 * it printed so far (`said`), the address it serves and its browser's pid.
 */
interface DevProcess {
  child: ChildProcess;
  said: string;
  url: string;
  browserPid: number;
}

/** Every server started, stopped after the file's tests even when one timed out before its own stop. */
const servers: ChildProcess[] = [];

async function startDev(folder: string, extra: string[] = []): Promise<DevProcess> {
  const server: DevProcess = { child: undefined as unknown as ChildProcess, said: "", url: "", browserPid: 0 };
  // A temporary folder of its own, which the session must leave empty.
  mkdirSync(join(folder, "tmp"), { recursive: true });
  server.child = spawn(process.execPath, [BIN, "dev", "--port", "0", ...extra, "--source", join(folder, "src"), "--out", join(folder, "out")], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: join(folder, "tmp") },
  });
  servers.push(server.child);
  server.child.stdout!.on("data", (d) => (server.said += d));
  server.child.stderr!.on("data", (d) => (server.said += d));
  const line = await until(
    "the server",
    () => /serving (http:\/\/127\.0\.0\.1:\d+\/) \(browser pid (\d+)\)/.exec(server.said) ?? undefined,
    60_000,
    () => server.said,
  ).catch((error) => {
    server.child.kill("SIGKILL");
    throw error;
  });
  server.url = line[1];
  server.browserPid = Number(line[2]);
  return server;
}

beforeAll(async () => {
  dir = tempDir();
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "out"));
  copyFileSync(join(ROOT, "test/fixtures/notes.md"), source());
  dev = await startDev(dir);
});

afterAll(() => {
  for (const child of servers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

describe("npm run dev", () => {
  it("serves the letter with links to its PDF and DOCX", async () => {
    const page = await fetchText("a.html");
    expect(page).toContain("The first call is to zeta");
    expect(page).toContain('href="/a.pdf"');
    expect(await fetchText("/")).toContain('href="/a.html"');
    const pdf = await fetch(new URL("a.pdf", dev.url));
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    // Any page the writer's browser opens can ask for a malformed address: it is refused, and dev goes on.
    expect((await fetch(new URL("%E0.html", dev.url))).status).toBe(400);
    expect(await fetchText("a.html")).toContain("The first call is to zeta");
  });

  it("answers only to requests that name this machine, not to a page whose own name was pointed at 127.0.0.1 (DNS rebinding)", async () => {
    const get = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((done, fail) => {
        const req = request(new URL(path, dev.url), { headers: { host } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => done({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", fail);
        req.end();
      });
    const port = new URL(dev.url).port;
    for (const path of ["/a.html", "/a.pdf", "/", "/events"]) {
      const answer = await get(path, `attacker.example:${port}`);
      expect(answer.status, path).toBe(421);
      expect(answer.body).not.toContain("zeta");
    }
    expect((await get("/a.html", `localhost:${port}`)).body).toContain("The first call is to zeta");
  });

  it("rebuilds once for a burst of saves, with the latest text, HTML first and then the PDF", async () => {
    const before = statSync(join(dir, "out", "a.pdf")).mtimeMs;
    const builds = (dev.said.match(/preview in/g) ?? []).length;
    const text = readFileSync(source(), "utf8");
    // An editor that saves by writing a temporary file and renaming it over the source, 30 times in 300 ms.
    for (let i = 1; i <= 30; i++) {
      writeFileSync(join(dir, "src", ".a.md.swp"), text.replace("The first call is to zeta", `Save number ${i} calls zeta`));
      renameSync(join(dir, "src", ".a.md.swp"), source());
      await new Promise((r) => setTimeout(r, 10));
    }
    await until("the new text in the preview", async () => (await fetchText("a.html")).includes("Save number 30 calls zeta"));
    await until("a new PDF", () => statSync(join(dir, "out", "a.pdf")).mtimeMs > before);
    await until("the PDF's text", () =>
      execFileSync("pdftotext", [join(dir, "out", "a.pdf"), "-"], { encoding: "utf8" }).includes("Save number 30 calls zeta"),
    );
    await new Promise((r) => setTimeout(r, 500));
    const rebuilds = (dev.said.match(/preview in/g) ?? []).length - builds;
    expect(rebuilds).toBeGreaterThanOrEqual(1);
    expect(rebuilds).toBeLessThanOrEqual(2); // one for the burst (a second only if the burst straddled a build)
    expect(dev.said).not.toMatch(/Save number (?!30)\d+ calls zeta/);
  });

  it("rebuilds a letter whose check finds a mistake (a signatory listed twice), and shows the finding over it", async () => {
    writeFileSync(source(), `${readFileSync(source(), "utf8")}\n## Signed by\n\n- Friends of the Letter\n- Friends of the Letter\n`);
    const page = await until("the signatories in the preview", async () => {
      const html = await fetchText("a.html");
      return html.includes("Friends of the Letter") && html.includes("signatory-duplicate") ? html : undefined;
    });
    expect(page).not.toContain("Not rebuilt");
    await until("the PDF's signatories", () =>
      execFileSync("pdftotext", [join(dir, "out", "a.pdf"), "-"], { encoding: "utf8" }).includes("Friends of the Letter"),
    );
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
    expect(dev.said).toContain("a: not rebuilt (errors above)");
  });

  it("stops the browser and the server on Ctrl-C", async () => {
    expect(alive(dev.browserPid)).toBe(true);
    dev.child.kill("SIGINT");
    const code = await until("the exit", () => dev.child.exitCode ?? undefined, 20_000);
    expect(code).toBe(0);
    expect(dev.said).toContain("broadside dev: stopping");
    await until("the browser to end", () => !alive(dev.browserPid), 10_000);
    await expect(fetch(dev.url)).rejects.toThrow();
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });
});

describe("npm run dev, templates", () => {
  it("previews an edited template: the HTML and the PDF are made with its new text", async () => {
    const folder = tempDir();
    mkdirSync(join(folder, "src"));
    mkdirSync(join(folder, "out"));
    cpSync(join(ROOT, "templates"), join(folder, "templates"), { recursive: true });
    copyFileSync(join(ROOT, "test/fixtures/notes.md"), join(folder, "src", "a.md"));
    const server = await startDev(folder, ["--templates", join(folder, "templates")]);
    try {
      const page = () => fetch(new URL("a.html", server.url)).then((r) => r.text());
      expect(await until("the first preview", async () => ((await page()).includes("The first call is to zeta") ? true : undefined))).toBe(true);
      const css = join(folder, "templates", "style.css");
      writeFileSync(css, `${readFileSync(css, "utf8")}\nh1::after { content: "edited template marker"; }\n`);
      await until("the edited style in the preview", async () => ((await page()).includes("edited template marker") ? true : undefined));
      await until("the edited style in the PDF", () =>
        execFileSync("pdftotext", [join(folder, "out", "a.pdf"), "-"], { encoding: "utf8" }).includes("edited template marker") ? true : undefined,
      );
    } finally {
      server.child.kill("SIGKILL");
    }
  });
});

describe("npm run dev --lang", () => {
  it("previews plain Markdown in the language given, without the default-language warning", async () => {
    const folder = tempDir();
    mkdirSync(join(folder, "src"));
    writeFileSync(join(folder, "src", "lettre.md"), "# Lettre ouverte\n\nNous écrivons[^a].\n\n[^a]: La note.\n");
    const server = await startDev(folder, ["--lang", "fr"]);
    try {
      const page = () => fetch(new URL("lettre.html", server.url)).then((r) => r.text());
      const html = await until("the preview", async () => {
        const text = await page();
        return text.includes("Nous écrivons") ? text : undefined;
      });
      expect(html).toMatch(/<html lang="fr"/);
      expect(html).toContain("<title>Lettre ouverte</title>");
      expect(server.said).not.toContain("lang-default");
    } finally {
      server.child.kill("SIGKILL");
    }
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
    // Quiet is timed from the watcher's look at the file, which the OS answers a moment after it
    // is asked (a few ms on a busy machine); the writes were 10 ms apart.
    expect(seen[0].at - lastWrite).toBeGreaterThanOrEqual(quietMs - 5);
  });
});

describe("npm run dev -- --settle 150 (a network drive that writes a file in pieces)", () => {
  it("never shows a save still being written: the whole file is previewed, and no error of its halves", async () => {
    const folder = tempDir();
    mkdirSync(join(folder, "src"));
    const letter = join(folder, "src", "a.md");
    copyFileSync(join(ROOT, "test/fixtures/notes.md"), letter);
    const server = await startDev(folder, ["--settle", "150"]);
    try {
      const at = server.url;
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
      expect(kinds, server.said).not.toContain("error");
      expect(server.said).not.toContain("error:");
    } finally {
      server.child.kill("SIGINT");
      await new Promise((r) => server.child.once("close", r));
    }
  }, 120_000); // seven saves, each printed and proved before it is written
});

describe("npm run dev, after each kind of edit", () => {
  // The letter is edited the ways a writer edits it, and after each save the HTML dev writes
  // must be the HTML a build of the same source gives.
  it("writes, after each edit, the HTML a parse of the whole source gives", async () => {
    const folder = tempDir();
    mkdirSync(join(folder, "src"));
    const letter = join(folder, "src", "letter.md");
    const written = join(folder, "out", "letter.html");
    const original = readFileSync(join(ROOT, "source/letter.md"), "utf8");
    writeFileSync(letter, original);
    const server = await startDev(folder);
    try {
      let before = await until(
        "the first build",
        () => (existsSync(written) ? readFileSync(written, "utf8") : undefined),
        60_000,
        () => server.said,
      );
      const firstNote = original.indexOf("\n[^1]:");
      expect(firstNote).toBeGreaterThan(0);
      const lines = original.split("\n");
      const from = lines.findIndex((l) => l.includes("[^2]"));
      const to = lines.findIndex((l) => l.includes("[^4]"));
      const edits: [string, string][] = [
        ["a word in a paragraph", original.replace(" the ", " the plainly ")],
        [
          "a new note and its call",
          original.replace(" the ", " the[^added] ").slice(0, firstNote) + "\n[^added]: A note added while editing.\n" + original.slice(firstNote),
        ],
        ["a note's text", original.replace("\n[^1]: ", "\n[^1]: Rewritten: ")],
        ["a paragraph removed", original.replace(/\n\n[^\n]*\[\^2\][^\n]*\n/, "\n\n")],
        // A raw-HTML block over blank lines, from one part into the next: the part it opens in
        // cannot be parsed alone (the block swallows what follows), so the whole is.
        [
          "a <pre> block over several paragraphs",
          [...lines.slice(0, from), "<pre>", "", ...lines.slice(from, to + 1), "</pre>", ...lines.slice(to + 1)].join("\n"),
        ],
        ["a fenced block with a blank line and a `#` line", original.replace("\n## ", "\n```sh\necho one\n\n# a comment\n```\n\n## ")],
        ["back to the original", original],
      ];
      for (const [what, text] of edits) {
        const said = server.said.length;
        writeFileSync(letter, text);
        // Each edit changes the page: wait for the new one, then compare it whole.
        const html = await until(
          `dev's HTML after "${what}"`,
          () => {
            if (server.said.slice(said).includes("not rebuilt")) throw new Error(`dev did not rebuild after "${what}":\n${server.said.slice(said)}`);
            const now = readFileSync(written, "utf8");
            return now !== before ? now : undefined;
          },
          30_000,
          () => server.said,
        );
        const whole = parseLetter(new VFile({ path: letter, value: text }), { features: FEATURES });
        expect(whole, what).toBeDefined();
        expect(html, what).toBe((await compileHtml(whole!, { templatesDir: join(ROOT, "templates") })).html);
        before = html;
      }
      // Stopped as a service manager stops it: no browser, nothing in the temporary folder.
      const closed = new Promise((r) => server.child.once("close", r));
      server.child.kill("SIGTERM");
      await closed;
      expect(server.child.exitCode).toBe(0);
      await until("the browser to end", () => !alive(server.browserPid) || undefined, 10_000);
      expect(readdirSync(join(folder, "tmp"))).toEqual([]);
    } finally {
      server.child.kill("SIGKILL");
    }
  }, 120_000); // seven saves, each printed and proved before it is written
});
