/**
 * Untrusted sources: the hostile corpus in test/hostile/ (one source per attack, each with its
 * exact outcome), what reaches the built files, and a PDF renderer that fetches nothing. Every
 * file is made in a temp folder; the only network is a listener on 127.0.0.1.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { DOMParser } from "@xmldom/xmldom";
import { strFromU8, unzipSync } from "fflate";
import type { Element, Root } from "hast";
import { fromHtml } from "hast-util-from-html";
import { selectAll } from "hast-util-select";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../src/pdf/browser.ts";
import { safePage } from "../src/pdf/index.ts";
import { BIN, tempDir } from "./helpers.ts";
import { CANARY, corpusNames, expected, messagesFor, prepareCorpus, preparePathAttacks } from "./hostile-corpus.ts";
import { run } from "./spawn.ts";

const names = corpusNames();
const ALLOW = names.filter((n) => n.startsWith("allow-html-"));
const PLAIN = names.filter((n) => !n.startsWith("allow-html-"));

let corpus: { root: string; src: string };
const out = () => join(corpus.root, "out");
const stderr: Record<string, string> = {};

beforeAll(async () => {
  corpus = prepareCorpus();
  for (const [group, extra] of [
    [PLAIN, []],
    [ALLOW, ["--allow-html"]],
  ] as const) {
    const result = await run(["build", ...group.map((n) => `${n}.md`), "--out", out(), "--format", "html,docx", ...extra], { cwd: corpus.src });
    expect(result.code, result.stderr).toBe(group.some((n) => !expected(n).built) ? 1 : 0);
    for (const name of group) stderr[name] = result.stderr;
  }
});

describe("the hostile corpus, each source with its exact outcome", () => {
  it("has an outcome for every source and a source for every outcome", () => {
    const outcomes = readdirSync(join(corpus.src))
      .filter((n) => n.endsWith(".expected"))
      .map((n) => n.slice(0, -9))
      .sort();
    expect(outcomes).toEqual(names);
    expect(names.length).toBeGreaterThanOrEqual(35);
  });

  it.each(names)("%s", (name) => {
    const want = expected(name);
    expect(messagesFor(stderr[name], `${name}.md`)).toEqual(want.messages);
    for (const format of ["html", "docx"]) expect(existsSync(join(out(), `${name}.${format}`)), `${name}.${format}`).toBe(want.built);
  });
});

const built = () => names.filter((n) => expected(n).built);
const html = (name: string) => fromHtml(readFileSync(join(out(), `${name}.html`), "utf8"));
const OUR_STYLES = 4; // fonts, style.css, print.css, the running head

describe("what reaches the HTML", () => {
  it("no script, frame, object, base, link, refresh, form or style from a source", () => {
    for (const name of built()) {
      const tree = html(name);
      expect(
        selectAll("script, iframe, frame, object, embed, base, link, form, svg image, video, audio, source, meta[http-equiv=refresh]", tree),
        name,
      ).toEqual([]);
      expect(selectAll("meta[http-equiv]", tree).map((m) => m.properties.httpEquiv)).toEqual([["Content-Security-Policy"]]);
      expect(selectAll("style", tree), name).toHaveLength(OUR_STYLES);
      expect(readFileSync(join(out(), `${name}.html`), "utf8"), name).not.toContain("attacker.example");
    }
  });

  it("no event handler or style attribute, no link but http:, https:, mailto:, tel: or relative (not //host), no image but inlined ones", () => {
    for (const name of built()) {
      const walk = (node: Root | Element) => {
        for (const child of node.children) {
          if (child.type !== "element") continue;
          for (const key of Object.keys(child.properties)) {
            expect(key, `${name}: <${child.tagName} ${key}>`).not.toMatch(/^on/i);
            expect(key, `${name}: <${child.tagName} ${key}>`).not.toBe("style");
          }
          const href = child.properties.href;
          if (typeof href === "string") expect(href, name).toMatch(/^(?![\\/]{2})(https?:|mailto:|tel:|#|[^:]*$)/i);
          // An image from raw HTML (--allow-html) keeps no address; a Markdown image is inlined.
          if (child.tagName === "img" && child.properties.src !== undefined)
            expect(String(child.properties.src), name).toMatch(/^data:image\/(png|jpeg|gif|webp);base64,/);
          walk(child);
        }
      };
      walk(html(name));
    }
  });

  it("with --allow-html, keeps what is safe and drops the rest", () => {
    const text = readFileSync(join(out(), "allow-html-mixed.html"), "utf8");
    expect(text).toContain("<sup>Kept</sup>");
    expect(text).toContain("<b>bold</b>");
    expect(text).toContain('<a href="https://example.org/">a good one</a>');
    expect(text).toContain("<a>script link</a>");
    expect(text).not.toMatch(/alert|onclick|<script|<iframe|<base|http-equiv="refresh"|color: red/);
  });

  it("without it, says where raw HTML was and leaves it out, comments silently", () => {
    expect(readFileSync(join(out(), "html-script.html"), "utf8")).not.toContain("fetch(");
    expect(readFileSync(join(out(), "html-comment.html"), "utf8")).not.toContain("translators");
    expect(readFileSync(join(out(), "html-event-handler.html"), "utf8")).toContain("A photo  with a handler.");
  });
});

describe("what reaches the .docx", () => {
  const parts = (name: string) => Object.entries(unzipSync(readFileSync(join(out(), `${name}.docx`))));

  it("is well-formed XML without a character XML forbids, in every part of every built .docx", () => {
    for (const name of built()) {
      for (const [part, bytes] of parts(name)) {
        if (!part.endsWith(".xml") && !part.endsWith(".rels")) continue;
        const text = strFromU8(bytes);
        expect(text, `${name}:${part}`).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/);
        const errors: string[] = [];
        new DOMParser({ onError: (level, message) => void (level !== "warning" && errors.push(message)) }).parseFromString(text, "text/xml");
        expect(errors, `${name}:${part}`).toEqual([]);
      }
    }
  });

  it("keeps the text around the characters it leaves out", () => {
    const document = strFromU8(unzipSync(readFileSync(join(out(), "chars-control.docx")))["word/document.xml"]);
    expect(document).toContain("A formfeed and a start-of-heading mark.");
    expect(document).toContain("A verticaltab.");
    const core = strFromU8(unzipSync(readFileSync(join(out(), "frontmatter-escapes.docx")))["docProps/core.xml"]);
    expect(core).toContain("<dc:title>Formfeed and  half</dc:title>");
  });
});

describe("images", () => {
  it("are inlined in the HTML with their size, and placed in the .docx", () => {
    const images = selectAll("img", html("image-ok"));
    expect(images.map((i) => [String(i.properties.src).slice(0, 22), i.properties.width, i.properties.height, i.properties.alt])).toEqual([
      ["data:image/png;base64,", 40, 40, "A red square"],
      ["data:image/gif;base64,", 1, 1, "A dot"],
      ["data:image/jpeg;base64", 1, 1, "A grey pixel"],
    ]);
    const zip = unzipSync(readFileSync(join(out(), "image-ok.docx")));
    expect(
      Object.keys(zip)
        .filter((p) => p.startsWith("word/media/"))
        .map((p) => p.replace(/^.*\./, ""))
        .sort(),
    ).toEqual(["gif", "jpg", "png"]);
    const document = strFromU8(zip["word/document.xml"]);
    expect(document.match(/<wp:extent cx="\d+" cy="\d+"\/>/g)).toEqual([
      '<wp:extent cx="381000" cy="381000"/>',
      '<wp:extent cx="9525" cy="9525"/>',
      '<wp:extent cx="9525" cy="9525"/>',
    ]);
    expect(document).toContain('descr="A red square"');
  });

  it("WebP: in the HTML, its alt text in the .docx", () => {
    expect(String(selectAll("img", html("image-webp"))[0].properties.src)).toMatch(/^data:image\/webp;base64,/);
    const zip = unzipSync(readFileSync(join(out(), "image-webp.docx")));
    expect(Object.keys(zip).filter((p) => p.startsWith("word/media/"))).toEqual([]);
    expect(strFromU8(zip["word/document.xml"])).toContain("A green pixel");
  });
});

describe("a BOM and CRLF line endings", () => {
  it("build exactly what the same letter with LF and no BOM builds, byte for byte", async () => {
    const crlf = readFileSync(join(corpus.src, "encoding-bom-crlf.md"));
    expect(crlf.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(crlf.toString("utf8")).toContain("\r\n");
    const lf = crlf
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .replace(/\r\n/g, "\n");
    const builds = [];
    for (const text of [crlf, lf]) {
      const dir = tempDir();
      writeFileSync(join(dir, "letter.md"), text);
      const result = await run(["build", "letter.md", "--out", "out", "--format", "html,docx"], { cwd: dir, env: { SOURCE_DATE_EPOCH: "1700000000" } });
      expect(result.stderr).toBe("");
      builds.push({ html: readFileSync(join(dir, "out/letter.html"), "utf8"), docx: readFileSync(join(dir, "out/letter.docx")) });
    }
    expect(builds[0].html).toBe(builds[1].html);
    expect(Buffer.compare(builds[0].docx, builds[1].docx)).toBe(0);
    const document = strFromU8(unzipSync(builds[0].docx)["word/document.xml"]);
    expect(document).toContain("A paragraph");
    expect(document).not.toContain("\r");
    expect(builds[0].html).not.toContain("\r");
  });
});

/* ------------------------------------------------------------------ the PDF renderer */

/** A listener on 127.0.0.1 that counts what it is asked for. */
async function listen(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("fetched");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

describe("the PDF renderer", () => {
  let listener: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    listener = await listen();
  });
  afterAll(() => new Promise<void>((resolve) => listener.server.close(() => resolve())));

  const settle = () => new Promise((r) => setTimeout(r, 500)); // a request sent late (a refresh) would arrive by now

  it.each([
    ["by default", []],
    ["with --allow-html", ["--allow-html"]],
  ] as const)("fetches nothing a hostile source asks for, %s", async (_, extra) => {
    const dir = tempDir();
    writeFileSync(join(dir, "fetch.md"), readFileSync(join(corpus.src, "pdf-fetch.md"), "utf8").replaceAll("PORT", String(listener.port)));
    listener.requests.length = 0;
    const result = await run(["build", "fetch.md", "--out", "out", "--format", "pdf", ...extra], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    await settle();
    expect(listener.requests).toEqual([]);
    expect(execFileSync("pdftotext", [join(dir, "out/fetch.pdf"), "-"], { encoding: "utf8" })).toContain("Each line below tries to make a browser fetch");
  });

  it("its page fetches nothing, reads no file and runs no script even for raw hostile HTML no sanitiser saw; a plain page does fetch it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "secret.txt"), "SECRET-FILE-CONTENT");
    const base = `http://127.0.0.1:${listener.port}`;
    const hostile = `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=${base}/refresh">
<link rel="stylesheet" href="${base}/link.css"><link rel="preload" as="image" href="${base}/preload.png">
<style>@import url("${base}/import.css"); @font-face { font-family: Evil; src: url("${base}/font.woff2") } body { font-family: Evil; background: url("${base}/css-url.png") }</style>
</head><body>
<p>VISIBLE-TEXT</p>
<img src="${base}/img.png"><img src="file://${join(dir, "secret.txt")}">
<iframe src="${base}/iframe.html"></iframe><iframe src="file://${join(dir, "secret.txt")}"></iframe>
<object data="${base}/object"></object><embed src="${base}/embed">
<video poster="${base}/poster.png"></video><svg><image href="${base}/svg-image.png"/></svg>
<p style="background-image: url(${base}/style-attr.png)">styled</p>
<script src="${base}/script.js"></script>
<script>fetch("${base}/fetch"); new Image().src = "${base}/js-img"; document.write("SCRIPT-RAN")</script>
</body></html>`;
    const browser = await launchBrowser();
    try {
      listener.requests.length = 0;
      // The page compilePdf prints in, given the raw HTML as it is.
      const { page: safe } = await safePage(browser);
      await safe.setContent(hostile, { waitUntil: "load" });
      await settle();
      const pdf = await safe.pdf({ printBackground: true });
      await safe.close();
      expect(listener.requests).toEqual([]);
      writeFileSync(join(dir, "hostile.pdf"), pdf);
      const text = execFileSync("pdftotext", [join(dir, "hostile.pdf"), "-"], { encoding: "utf8" });
      expect(text).toContain("VISIBLE-TEXT");
      expect(text).not.toContain("SCRIPT-RAN");
      expect(text).not.toContain("SECRET-FILE-CONTENT");

      // The control: the same page in a page of the same browser without broadside's settings fetches.
      const page = await browser.newPage();
      await page.setContent(hostile, { waitUntil: "load" }).catch(() => undefined);
      await settle();
      await page.close();
      expect(listener.requests.length).toBeGreaterThan(3);
    } finally {
      await browser.close();
    }
  });
});

/* ------------------------------------------------------------------ paths and resources */

interface Bounded {
  code: number | null;
  stderr: string;
  ms: number;
  /** The CLI process's peak resident memory, sampled while it ran. */
  peakMb: number;
}

/** Run the CLI as a user would, timing it and sampling its peak memory (Linux's VmHWM). */
function runBounded(args: string[], cwd: string): Promise<Bounded> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let peakMb = 0;
  child.stderr.on("data", (d) => (stderr += d));
  const sample = () => {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
    peakMb = Math.max(peakMb, Number(hwm ?? 0) / 1024);
  };
  const timer = setInterval(() => {
    try {
      sample();
    } catch {
      // it has just exited
    }
  }, 20);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, stderr, ms: performance.now() - started, peakMb });
    });
  });
}

/** Every file under `dir`, with the entries of the zipped ones (.docx, the kit). */
function outputsUnder(dir: string): [name: string, bytes: Uint8Array][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).flatMap((name): [string, Uint8Array][] => {
    const path = join(dir, name);
    if (!statSync(path).isFile()) return [];
    const bytes = readFileSync(path);
    const zipped = /\.(docx|zip)$/.test(name) ? Object.entries(unzipSync(bytes)).map(([entry, data]): [string, Uint8Array] => [`${name}:${entry}`, data]) : [];
    return [[name, bytes], ...zipped];
  });
}

/** Bounds for a refusal: it must come quickly and small, whatever the input's size. */
const REFUSED_MS = 30_000; // with the packet's browser started; a hang would take minutes
const REFUSED_MB = 300;

describe("path and resource attacks (generated)", () => {
  let listener: Awaited<ReturnType<typeof listen>>;
  let connections = 0;
  let attack: ReturnType<typeof preparePathAttacks>;
  const runs: Record<string, Bounded> = {};

  beforeAll(async () => {
    listener = await listen();
    listener.server.on("connection", () => connections++);
    attack = preparePathAttacks(listener.port);
    const { project } = attack;
    // 20,000 notes (1.5 MB): refused at the first definition past the limit, before parsing.
    const body = Array.from({ length: 20_000 }, (_, i) => `Claim ${i + 1}.[^n${i + 1}]`).join("\n\n");
    const notes = Array.from({ length: 20_000 }, (_, i) => `[^n${i + 1}]: Source ${i + 1}.`).join("\n");
    writeFileSync(join(project, "notes.md"), `---\ntitle: Notes\nlang: en\n---\n\n${body}\n\n${notes}\n`);
    for (const [name, args] of [
      ["attack", ["build", "attack.packet.md", "--out", "out"]],
      ["many", ["build", "many.packet.md", "--out", "out"]],
      ["notes", ["build", "notes.md", "--out", "out", "--format", "html,docx"]],
      ["pipe", ["build", "pipe.md", "--out", "out", "--format", "html"]],
      ["zero", ["build", "/dev/zero", "--out", "out", "--format", "html"]],
      ["linkOut", ["build", "link.md", "chain.md", "--out", "out", "--format", "html"]],
      ["signatories", ["build", "sig-link.md", "sig-pipe.md", "--out", "out", "--format", "html"]],
    ] as const) {
      runs[name] = await runBounded([...args], project);
    }
  });
  afterAll(() => new Promise<void>((resolve) => listener.server.close(() => resolve())));

  it("a packet's parts outside the project, links out, system files, pipes, folders and images: each refused at its line, nothing written", () => {
    const { code, stderr } = runs.attack;
    expect(code, stderr).toBe(1);
    const got = messagesFor(stderr, "attack.packet.md");
    attack.parts.forEach(([part, message], i) => {
      const at = `${6 + i}:7: error: `; // the parts' list starts on the front matter's 6th line
      const line = got.find((m) => m.startsWith(at));
      if (message.source === "^$") expect(line, part).toBeUndefined();
      else expect(line, part).toMatch(message);
    });
    expect(got).toHaveLength(attack.parts.length - 1);
    expect(existsSync(join(attack.project, "out"))).toBe(false);
  });

  it("1,000 parts: refused by the parts limit, at the first part past it", () => {
    const { code, stderr } = runs.many;
    expect(code, stderr).toBe(1);
    expect(messagesFor(stderr, "many.packet.md")).toEqual([
      "56:7: error: The packet lists 1000 parts; a packet may have at most 50 (make several packets) [packet-too-many-parts]",
    ]);
  });

  it("20,000 notes: refused at the first note past the limit", () => {
    const { code, stderr } = runs.notes;
    expect(code, stderr).toBe(1);
    expect(messagesFor(stderr, "notes.md")).toEqual([
      "45006:1: error: This is note definition 5001: a source may have at most 5000 notes, more than any letter needs; split it [too-many-notes]",
    ]);
  });

  it("a pipe or a device given as the source: refused, not read", () => {
    expect(runs.pipe.code, runs.pipe.stderr).toBe(1);
    expect(messagesFor(runs.pipe.stderr, "pipe.md")).toEqual(["1:1: error: The source is a named pipe, not a file [source-not-file]"]);
    expect(runs.zero.code, runs.zero.stderr).toBe(1);
    expect(messagesFor(runs.zero.stderr, "/dev/zero")).toEqual(["1:1: error: The source is a device, not a file [source-not-file]"]);
  });

  it("a source that is a link (or a link to a link) to a file outside the project: refused, not published", () => {
    expect(runs.linkOut.code, runs.linkOut.stderr).toBe(1);
    for (const name of ["link.md", "chain.md"])
      expect(messagesFor(runs.linkOut.stderr, name)).toEqual([
        expect.stringMatching(
          /^1:1: error: The source is a link to a file outside the project folder \(the folder broadside runs in\).*\[path-outside-project\]$/,
        ),
      ]);
  });

  it("signatories taken from a link out or a pipe: refused at the front matter, not read", () => {
    const { code, stderr } = runs.signatories;
    expect(code, stderr).toBe(1);
    expect(messagesFor(stderr, "sig-link.md")).toEqual([
      expect.stringMatching(/^4:\d+: error: `signatories\.from`: `link\.md` is a link to a file outside the project folder.*\[path-outside-project\]$/),
    ]);
    expect(messagesFor(stderr, "sig-pipe.md")).toEqual(["4:1: error: `signatories.from`: `pipe.md` is a named pipe, not a file [path-not-file]"]);
  });

  it("each refusal comes within its time and memory bounds", () => {
    for (const [name, run] of Object.entries(runs)) {
      expect(run.ms, name).toBeLessThan(REFUSED_MS);
      expect(run.peakMb, name).toBeGreaterThan(0); // it was sampled
      expect(run.peakMb, name).toBeLessThan(REFUSED_MB);
    }
  });

  it("no output holds a file from outside the project, and nothing was fetched", () => {
    const secrets = [CANARY, Buffer.from(readFileSync(join(corpus.root, "secret.png"))).toString("base64")];
    const outputs = [...outputsUnder(out()), ...outputsUnder(join(attack.project, "out"))];
    expect(outputs.length).toBeGreaterThan(10); // the corpus's built sources are among them
    for (const [name, bytes] of outputs) {
      const text = Buffer.from(bytes).toString("latin1");
      for (const secret of secrets) expect(text.includes(secret), name).toBe(false);
    }
    expect(connections).toBe(0);
  });
});
