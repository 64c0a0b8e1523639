/**
 * `npm run dev`: rebuild each saved source with one browser kept open and serve a live preview on 127.0.0.1; the preview shows
 * as soon as its HTML is compiled, the output folder's files only once proved (src/edition.ts); an error keeps the last good.
 */
import { once } from "node:events";
import type { Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { VFile } from "vfile";
import { checkLetter } from "../check/index.ts";
import { editionName, FORMATS, makeEdition, writeEdition } from "../edition.ts";
import { compileHtmlTree, standaloneHtml } from "../html/index.ts";
import { parseLetter, readSource } from "../letter.ts";
import { FEATURES } from "../features.ts";
import { checkOptions, OptionsError } from "../build.ts";
import { defaultTemplates } from "../paths.ts";
import { Printer } from "../pdf/printer.ts";
import { hasErrors } from "../messages.ts";
import { formatMessages } from "../report.ts";
import { type Document, notifyClients, previewHandler } from "./serve.ts";
import { sameFile, watchFolders } from "./watch.ts";

interface DevOptions {
  sourceDir: string;
  templatesDir: string;
  outDir: string;
  port: number;
  log?: (line: string) => void;
  /** How long a saved file must hold still before it is shown, in ms (default 5; more for a network drive). */
  settleMs?: number;
  /** The language of sources whose front matter names none (`--lang`). */
  lang?: string;
}

/** What a session's rebuilds share; `notify` tells the open previews that a document changed. */
type Session = { options: DevOptions; log: (line: string) => void; printer: Printer; notify: (name: string, what: string) => void };

export async function startDev(options: DevOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  const sourceDir = resolve(options.sourceDir);
  const documents = new Map<string, Document>();
  const clients = new Set<ServerResponse>();
  // One browser for the whole session, with a page kept open between rebuilds.
  const printer = new Printer({ log });
  const session: Session = { options, log, printer, notify: (name, what) => notifyClients(clients, name, what) };

  const documentFor = (path: string): Document | undefined => {
    if (!/\.md$/i.test(path)) return undefined;
    const source = resolve(path);
    if (!documents.has(source)) documents.set(source, { source, name: editionName(source), messages: [], errors: false, again: false });
    return documents.get(source);
  };

  for (const name of (await readdir(sourceDir)).sort()) documentFor(join(sourceDir, name));
  await Promise.all([...documents.values()].map((doc) => rebuild(doc, session)));

  // Reported at once (quiet time 0): buildOnce shows only what held still (writtenSince).
  const watcher = watchFolders(
    [sourceDir, resolve(options.templatesDir)],
    (paths) => {
      const templatesChanged = paths.some((p) => !p.startsWith(sourceDir + "/"));
      const targets = templatesChanged ? [...documents.values()] : paths.map(documentFor).filter((d) => d !== undefined);
      for (const doc of new Set(targets)) void rebuild(doc, session);
    },
    0,
  );

  const handle = previewHandler(documents, options.outDir, clients);
  // A request the handler cannot take (a malformed address) is refused, and the session goes on.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.headersSent || res.writeHead(400).end()));
  server.listen(options.port, "127.0.0.1");
  await once(server, "listening"); // rejects on an "error" first (the port taken)
  let closing = false;
  const building = () => [...documents.values()].map((d) => d.building);
  void warmUp(documents, options, () => closing || building().some(Boolean));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    browserPid: await printer.pid(),
    /** Waits for the rebuilds under way. */
    idle: () => Promise.all(building()),
    async close() {
      closing = true;
      watcher.close();
      for (const client of clients) client.end();
      await new Promise((r) => server.close(r));
      await Promise.all(building().map((b) => b?.catch(() => undefined)));
      await printer.close();
    },
  };
}

/** `npm run dev -- [--port 4173] [--source dir] [--out dir] [--templates dir] [--settle 5] [--lang tag]`; Ctrl-C stops the watcher, the server and the browser. */
export async function devCommand(args: string[]): Promise<number> {
  const root = process.cwd();
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "4173" },
      source: { type: "string", default: join(root, "source") },
      out: { type: "string", default: join(root, "dist") },
      templates: { type: "string", default: defaultTemplates(root) },
      settle: { type: "string", default: "5" },
      lang: { type: "string" },
    },
  });
  const settleMs = Number(values.settle);
  if (!Number.isFinite(settleMs) || settleMs < 0 || settleMs > 60_000)
    throw new OptionsError(`--settle takes the milliseconds a saved file must hold still before it is shown (0 to 60000); not ${values.settle}`);
  checkOptions({ lang: values.lang }, "--");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError(`--port takes a port number (0 picks a free one); not ${values.port}`);
  // Ctrl-C while starting: exit at once (the browser is killed and its profile removed on exit).
  const signals = ["SIGINT", "SIGTERM"] as const;
  const starting = (signal: NodeJS.Signals) => process.exit(128 + constants.signals[signal]);
  for (const signal of signals) process.once(signal, starting);
  const dev = await startDev({ sourceDir: values.source, outDir: values.out, templatesDir: values.templates, port, settleMs, lang: values.lang });
  console.log(`broadside dev: serving ${dev.url} (browser pid ${dev.browserPid ?? "none"}); watching ${values.source} and ${values.templates}; Ctrl-C stops`);
  for (const signal of signals) process.off(signal, starting);
  await Promise.race(signals.map((signal) => once(process, signal)));
  console.log("broadside dev: stopping");
  await dev.close();
  return 0;
}

/**
 * A save is built at once and shown only if the file kept the size and time it had when read, `settleMs` (or the parse, if
 * longer) later; else the newer text is built instead (`again`), so a half-saved file is never shown.
 */
async function writtenSince(doc: Document, read: Stats | undefined, readAt: number, settleMs: number): Promise<boolean> {
  await new Promise((r) => setTimeout(r, Math.max(0, settleMs - (performance.now() - readAt))));
  await new Promise((r) => setImmediate(r));
  const now = await stat(doc.source).catch(() => undefined);
  if (!read || !now || !sameFile(read, now)) doc.again = true;
  return doc.again;
}

/** Print a document's messages; the same findings as last time are not printed again, only counted. */
function report(doc: Document, file: VFile, log: (line: string) => void) {
  doc.messages = formatMessages([file]).split("\n").filter(Boolean);
  const printed = doc.messages.join("\n");
  if (printed && printed === doc.printed) log(`${doc.name}: the same ${doc.messages.length - 1} message(s) as before`);
  else if (printed) log(printed);
  doc.printed = printed;
}

const parse = (file: VFile, options: DevOptions) => parseLetter(file, { templatesDir: options.templatesDir, lang: options.lang, features: FEATURES });

/** Read and preview a save, then make its edition and replace the files in the output folder once it is proved. */
async function buildOnce(doc: Document, { options, log, printer, notify }: Session) {
  const started = performance.now();
  const settleMs = options.settleMs ?? 5;
  const read = await stat(doc.source).catch(() => undefined);
  const file: VFile = await readSource(doc.source).catch((error: Error) => {
    throw new Error(`cannot read ${doc.source}: ${error.message}`);
  });
  const letter = parse(file, options);
  // What stops a build stops a rebuild; `npm run check`'s findings (a signatory listed twice)
  // are shown with it, as they are, but do not stop it, as they do not stop `npm run build`.
  const refuse = (why: string) => {
    report(doc, file, log);
    log(`${doc.name}: ${why}`);
    notify(doc.name, "error");
  };
  if (!letter || hasErrors(file)) {
    if (await writtenSince(doc, read, started, settleMs)) return; // the errors of a file still being written are not shown
    doc.errors = true;
    return refuse("not rebuilt (errors above); the preview keeps the last good version");
  }
  const tree = await compileHtmlTree(letter, { templatesDir: options.templatesDir });
  if (await writtenSince(doc, read, started, settleMs)) return; // build the newer text instead
  doc.errors = false;
  doc.tree = tree;
  doc.page = undefined;
  const htmlMs = performance.now() - started;
  notify(doc.name, "html");
  // The check runs once the preview is announced; the page's reload, answered by this thread, then has its findings.
  checkLetter(letter);
  report(doc, file, log);
  await new Promise((r) => setImmediate(r));
  // The edition, proved, as `build` makes it; dist/ is replaced only by a proved edition, whole.
  const edition = await makeEdition(letter, {
    formats: FORMATS,
    templatesDir: options.templatesDir,
    printer,
    html: standaloneHtml(tree),
    outDir: options.outDir,
  });
  if (doc.again) return;
  doc.unproved = !edition;
  if (!edition) return refuse(`the outputs disagree (above); ${options.outDir} keeps the last proved version`);
  await writeEdition(edition, options.outDir);
  log(`${doc.name}: preview in ${htmlMs.toFixed(0)} ms, html+pdf+docx proved and written in ${(performance.now() - started).toFixed(0)} ms`);
  notify(doc.name, "outputs");
}

/** Rebuild a document; saves during a rebuild give one more rebuild, of the latest text. */
function rebuild(doc: Document, session: Session): Promise<void> {
  if (doc.building) {
    doc.again = true;
    return doc.building;
  }
  doc.building = (async () => {
    do {
      doc.again = false;
      try {
        await buildOnce(doc, session);
      } catch (error) {
        doc.errors = true;
        doc.messages = [`${doc.source}: error: ${(error as Error).message}`];
        session.log(doc.messages[0]);
        session.notify(doc.name, "error");
      }
    } while (doc.again);
    doc.building = undefined;
  })();
  return doc.building;
}

/**
 * V8 optimises the parser while it runs: each letter is parsed and compiled a few more times in
 * the idle time, so that the first saves are previewed as fast as later ones. A save stops it.
 */
async function warmUp(documents: Map<string, Document>, options: DevOptions, busy: () => boolean, rounds = 6) {
  for (let round = 0; round < rounds; round++) {
    for (const doc of documents.values()) {
      await new Promise((r) => setTimeout(r, 1));
      if (busy() || doc.errors) return;
      const file = await readSource(doc.source).catch(() => undefined);
      const letter = file && !busy() ? parse(file, options) : undefined;
      if (!letter || busy()) return;
      standaloneHtml(await compileHtmlTree(letter, { templatesDir: options.templatesDir }));
    }
  }
}
