/**
 * `npm run dev`: watch the sources and templates, rebuild what changed with one browser kept
 * open, and serve a live preview on 127.0.0.1. The HTML preview is published as soon as it is
 * compiled; the PDF and DOCX follow, and the files in the output folder are replaced once the
 * three are proved to agree (src/edition.ts), all together. An error keeps the last good output on screen, with the
 * messages over it.
 */
import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join, resolve } from "node:path";
import type { Element, Root as HastRoot } from "hast";
import { toHtml } from "hast-util-to-html";
import { h } from "hastscript";
import type { VFile } from "vfile";
import { checkLetter } from "../check/index.ts";
import { FORMATS, makeEdition, writeEdition } from "../edition.ts";
import { compileHtmlTree, standaloneHtml } from "../html/index.ts";
import { parseLetter, readSource } from "../letter.ts";
import { FEATURES } from "../features.ts";
import { Printer } from "../pdf/printer.ts";
import { formatMessages } from "../report.ts";
import { sameFile, watchFolders, type Watcher } from "./watch.ts";

export interface DevOptions {
  sourceDir: string;
  templatesDir: string;
  outDir: string;
  port: number;
  log?: (line: string) => void;
  /**
   * How long a saved file must hold still before it is shown, in ms (default 5): more for a
   * network drive that writes a file in pieces.
   */
  settleMs?: number;
  /** The language of sources whose front matter names none (`--lang`). */
  lang?: string;
}

interface Document {
  source: string;
  name: string;
  /** The last good preview tree. */
  tree?: HastRoot;
  messages: string[];
  /** The messages as last printed to the terminal. */
  printed?: string;
  errors: boolean;
  /** The preview is new, but its edition's proof failed: dist/ keeps the last proved one. */
  unproved?: boolean;
  building?: Promise<void>;
  again: boolean;
}

export interface DevServer {
  url: string;
  browserPid?: number;
  /** Waits for the rebuilds under way. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const PREVIEW_SCRIPT = (name: string) => `
(() => {
  const key = "broadside-scroll-" + ${JSON.stringify(name)};
  const saved = sessionStorage.getItem(key);
  if (saved) window.scrollTo(0, Number(saved));
  addEventListener("scroll", () => sessionStorage.setItem(key, String(scrollY)), { passive: true });
  const events = new EventSource("/events");
  events.addEventListener("change", (event) => {
    const data = JSON.parse(event.data);
    if (data.name === ${JSON.stringify(name)}) location.reload();
  });
})();`;

export async function startDev(options: DevOptions): Promise<DevServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const sourceDir = resolve(options.sourceDir);
  const settleMs = options.settleMs ?? 5;
  const documents = new Map<string, Document>();
  const clients = new Set<ServerResponse>();
  // One browser for the whole session, with a page kept open between rebuilds.
  const printer = new Printer({ log });
  printer.start();

  const notify = (name: string, what: string) => {
    for (const client of clients) {
      client.write(`event: change\ndata: ${JSON.stringify({ name, what })}\n\n`);
      // Node's HTTP corks the socket on a write until this thread yields; the browser should
      // hear of the change now, not after the check and the start of the DOCX.
      client.socket?.uncork();
    }
  };

  /**
   * A save is built as soon as it is seen (the watcher does not wait for the file to hold still),
   * and shown only if the file was not written to meanwhile: the events of writes made while this
   * thread parsed are let in first, and the file must have the size and time it had when it was
   * read, `settleMs` (or the parse, if longer) after it was. Else the newer text is built
   * instead (`again`), so a half-saved file is never shown; the wait overlaps the parse.
   */
  async function writtenSince(doc: Document, read: Stats | undefined, readAt: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, Math.max(0, settleMs - (performance.now() - readAt))));
    await new Promise((r) => setImmediate(r));
    const now = await stat(doc.source).catch(() => undefined);
    if (!read || !now || !sameFile(read, now)) doc.again = true;
    return doc.again;
  }

  async function buildOnce(doc: Document) {
    const started = performance.now();
    const read = await stat(doc.source).catch(() => undefined);
    const file: VFile = await readSource(doc.source).catch((error: Error) => {
      throw new Error(`cannot read ${doc.source}: ${error.message}`);
    });
    const letter = parseLetter(file, { templatesDir: options.templatesDir, lang: options.lang, features: FEATURES });
    // What stops a build stops a rebuild; `npm run check`'s findings (a signatory listed twice)
    // are shown with it, as they are, but do not stop it, as they do not stop `npm run build`.
    const errors = !letter || file.messages.some((m) => m.fatal === true);
    const report = () => {
      doc.messages = formatMessages([file]).split("\n").filter(Boolean);
      // The same findings as last time are not printed again, only counted.
      const printed = doc.messages.join("\n");
      if (printed && printed === doc.printed) log(`${doc.name}: the same ${doc.messages.length - 1} message(s) as before`);
      else if (printed) log(printed);
      doc.printed = printed;
    };
    if (!letter || errors) {
      if (await writtenSince(doc, read, started)) return; // the errors of a file still being written are not shown
      doc.errors = true;
      report();
      log(`${doc.name}: not rebuilt (errors above); the preview keeps the last good version`);
      notify(doc.name, "error");
      return;
    }
    const tree = await compileHtmlTree(letter, { templatesDir: options.templatesDir });
    if (await writtenSince(doc, read, started)) return; // build the newer text instead
    doc.errors = false;
    doc.tree = tree;
    const htmlMs = performance.now() - started;
    // The preview is announced first, and the check runs right after: the page it reloads is
    // served by this thread, so only once the check's findings are in it.
    notify(doc.name, "html");
    checkLetter(letter);
    report();
    // The page's reload, asked for on that event, is answered by this thread: now.
    await new Promise((r) => setImmediate(r));
    // The edition, proved, as `build` makes it; dist/ is replaced only by a proved edition, whole.
    const edition = await makeEdition(letter, { formats: FORMATS, templatesDir: options.templatesDir, printer, html: standaloneHtml(tree), outDir: options.outDir });
    if (doc.again) return;
    if (!edition) {
      doc.unproved = true;
      report();
      log(`${doc.name}: the outputs disagree (above); ${options.outDir} keeps the last proved version`);
      notify(doc.name, "error");
      return;
    }
    await writeEdition(edition, options.outDir);
    doc.unproved = false;
    log(`${doc.name}: preview in ${htmlMs.toFixed(0)} ms, html+pdf+docx proved and written in ${(performance.now() - started).toFixed(0)} ms`);
    notify(doc.name, "outputs");
  }

  /** Rebuild a document; saves during a rebuild give one more rebuild, of the latest text. */
  function rebuild(doc: Document): Promise<void> {
    if (doc.building) {
      doc.again = true;
      return doc.building;
    }
    doc.building = (async () => {
      do {
        doc.again = false;
        try {
          await buildOnce(doc);
        } catch (error) {
          doc.errors = true;
          doc.messages = [`${doc.source}: error: ${(error as Error).message}`];
          log(doc.messages[0]);
          notify(doc.name, "error");
        }
      } while (doc.again);
      doc.building = undefined;
    })();
    return doc.building;
  }

  const documentFor = (path: string): Document | undefined => {
    if (!/\.md$/i.test(path)) return undefined;
    const source = resolve(path);
    let doc = documents.get(source);
    if (!doc) {
      doc = { source, name: basename(source).replace(/\.md$/i, ""), messages: [], errors: false, again: false };
      documents.set(source, doc);
    }
    return doc;
  };

  for (const name of (await readdir(sourceDir)).filter((n) => /\.md$/i.test(n)).sort()) documentFor(join(sourceDir, name));
  await Promise.all([...documents.values()].map(rebuild));

  // Reported at once (quiet time 0): buildOnce shows only what held still (writtenSince).
  const watcher: Watcher = watchFolders([sourceDir, resolve(options.templatesDir)], (paths) => {
    const templatesChanged = paths.some((p) => !p.startsWith(sourceDir + "/"));
    const targets = templatesChanged ? [...documents.values()] : paths.map(documentFor).filter((d): d is Document => d !== undefined);
    for (const doc of new Set(targets)) void rebuild(doc);
  }, 0);

  function preview(doc: Document, res: ServerResponse) {
    const nonce = randomBytes(12).toString("base64");
    const tree: HastRoot = doc.tree ? structuredClone(doc.tree) : { type: "root", children: [h("html", [h("head"), h("body")])] };
    const html = tree.children.find((n): n is Element => n.type === "element" && n.tagName === "html");
    const body = html?.children.find((n): n is Element => n.type === "element" && n.tagName === "body");
    const links = h("nav", { className: ["broadside-dev"], style: "position:fixed;top:0;right:0;font:13px system-ui,sans-serif;background:#fffdf9e6;padding:4px 8px;border-bottom-left-radius:6px" }, [
      h("a", { href: `/${doc.name}.pdf` }, "PDF"), " · ", h("a", { href: `/${doc.name}.docx` }, "DOCX"), " · ", h("a", { href: "/" }, "all letters"),
    ]);
    const overlay = doc.messages.length
      ? [h("aside", { className: ["broadside-dev-messages"], role: "status", style: `position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;padding:8px 12px;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;background:${doc.errors || doc.unproved ? "#7a1010" : "#5a4a00"};color:#fff` },
          [doc.errors ? "Not rebuilt: the last good version is shown.\n" : doc.unproved ? "The PDF, DOCX and HTML files were not replaced: their proof failed.\n" : "", doc.messages.join("\n")])]
      : [];
    body?.children.push(links, ...overlay, h("script", { nonce }, PREVIEW_SCRIPT(doc.name)));
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; script-src 'nonce-${nonce}'; connect-src 'self'`,
    });
    res.end(toHtml(tree));
  }

  function index(res: ServerResponse) {
    const items = [...documents.values()].map((doc) =>
      h("li", [h("a", { href: `/${doc.name}.html` }, doc.name), " — ", h("a", { href: `/${doc.name}.pdf` }, "PDF"), " · ", h("a", { href: `/${doc.name}.docx` }, "DOCX"), doc.errors ? " (errors)" : doc.unproved ? " (outputs not proved)" : ""]),
    );
    const page: HastRoot = { type: "root", children: [{ type: "doctype" }, h("html", { lang: "en" }, [h("head", [h("meta", { charset: "utf-8" }), h("title", "broadside preview")]), h("body", [h("h1", "broadside preview"), h("ul", items)])])] };
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(toHtml(page));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") return index(res);
    if (url.pathname === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write(": connected\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const match = /^\/([^/]+)\.(html|pdf|docx)$/.exec(url.pathname);
    const doc = match && [...documents.values()].find((d) => d.name === decodeURIComponent(match[1]));
    if (!match || !doc) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (match[2] === "html") return preview(doc, res);
    try {
      const data = await readFile(join(options.outDir, `${doc.name}.${match[2]}`));
      const type = match[2] === "pdf" ? "application/pdf" : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(data);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not built yet");
    }
  }

  /**
   * A fresh process parses a letter several times slower than a warm one: V8 compiles and
   * optimises the parser while it runs. So once the server is up, each letter is parsed and
   * compiled to HTML a few more times in the idle time, the results thrown away, and the first
   * saves of a session are previewed about as fast as later ones. A save stops it: a rebuild
   * waits for one round of one letter at most.
   */
  let closing = false;
  async function warmUp(rounds = 6) {
    const busy = () => closing || [...documents.values()].some((d) => d.building);
    for (let round = 0; round < rounds; round++) {
      for (const doc of documents.values()) {
        await new Promise((r) => setTimeout(r, 1));
        if (busy() || doc.errors) return;
        const file = await readSource(doc.source).catch(() => undefined);
        const letter = file && !busy() ? parseLetter(file, { templatesDir: options.templatesDir, lang: options.lang, features: FEATURES }) : undefined;
        if (!letter || busy()) return;
        standaloneHtml(await compileHtmlTree(letter, { templatesDir: options.templatesDir }));
      }
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  void warmUp();
  return {
    url: `http://127.0.0.1:${port}/`,
    browserPid: await printer.pid(),
    async idle() {
      await Promise.all([...documents.values()].map((d) => d.building));
    },
    async close() {
      closing = true;
      watcher.close();
      for (const client of clients) client.end();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...documents.values()].map((d) => d.building?.catch(() => undefined)));
      await printer.close();
    },
  };
}
