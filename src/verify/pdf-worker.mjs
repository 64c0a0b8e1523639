// The PDF reader's extraction, run in a worker thread (see pdf.ts for why): pdf.js opens the
// file and hands back, as plain data, what the reader in pdf.ts works on. Plain JavaScript, so
// that it runs without the TypeScript loader; the shapes it sends are `PdfPage`/`PdfItem` in
// pdf.ts.
//
// Requests: { id, type: "read", path, calls, share: { of, index } } → { pages: [{ view, links }],
// texts: { [page]: { items, lis } } } (opened, read and closed in one go; the text of the
// index-th of every `of` pages wanted, when the reading is shared among workers).
import { readFile } from "node:fs/promises";
import { parentPort } from "node:worker_threads";

// pdf.js warns on the console (`Warning: …`), also while it loads if its optional canvas
// package is missing; reading text and links needs no canvas. Its warnings are not ours to print.
const warn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === "string" && args[0].startsWith("Warning: ")) return;
  warn(...args);
};
const log = console.log;
console.log = (...args) => {
  if (typeof args[0] === "string" && args[0].startsWith("Warning: ")) return;
  log(...args);
};

// pdf.js's build for Node ("legacy") replaces some of the engine's own functions with core-js
// versions, for engines that lack them or get them wrong: Array.prototype.push (for a V8 bug
// with read-only lengths), JSON.parse and JSON.stringify (for proposals pdf.js does not use).
// Node 20's are right, and much faster: core-js's push alone was a fifth of reading a long PDF.
// So they are put back once pdf.js has loaded (what it only adds, it keeps).
const NATIVE = [
  [Array.prototype, "push"],
  [JSON, "parse"],
  [JSON, "stringify"],
].map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)]);
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
// The "fake worker" pdf.js uses in Node, loaded here rather than on the first document.
globalThis.pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
for (const [owner, key, descriptor] of NATIVE) Object.defineProperty(owner, key, descriptor);


/** A destination as [page index, x, y] (x, y null when the destination gives none). */
async function destination(doc, dest) {
  const explicit = typeof dest === "string" ? await doc.getDestination(dest) : dest;
  if (!Array.isArray(explicit) || explicit.length < 2) return null;
  const [ref, kind, ...args] = explicit;
  const page = typeof ref === "number" ? ref : await doc.getPageIndex(ref).catch(() => null);
  if (page === null || page === undefined) return null;
  const num = (v) => (typeof v === "number" ? v : null);
  switch (kind?.name) {
    case "XYZ":
      return [page, num(args[0]), num(args[1])];
    case "FitH":
    case "FitBH":
      return [page, null, num(args[0])];
    case "FitV":
    case "FitBV":
      return [page, num(args[0]), null];
    case "FitR":
      return [page, num(args[0]), num(args[3])];
    default:
      return [page, null, null];
  }
}

async function open(path) {
  const data = new Uint8Array(await readFile(path));
  const doc = await pdfjs.getDocument({
    data,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
  }).promise;
  const pages = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    // The "print" intent: the "display" one also works out the text under every link, a
    // second text extraction of the page that we do not need.
    const annotations = await page.getAnnotations({ intent: "print" });
    const links = [];
    for (const a of annotations) {
      if (a.subtype !== "Link" || !Array.isArray(a.rect)) continue;
      if (a.dest === undefined || a.dest === null) {
        links.push({ rect: a.rect, name: null, dest: null, external: Boolean(a.url || a.unsafeUrl) });
        continue;
      }
      links.push({ rect: a.rect, name: typeof a.dest === "string" ? a.dest : null, dest: await destination(doc, a.dest), external: false });
    }
    pages.push({ view: page.view, links });
  }
  return { doc, pages };
}

/**
 * The list items of a page's structure tree (tagged PDF): for each LI, the marked-content ids
 * of its label (Lbl) and of the rest of it, nested lists included.
 */
function listItems(tree) {
  const items = [];
  const contents = (node, out) => {
    if (node.type === "content") out.push(node.id);
    for (const child of node.children ?? []) contents(child, out);
    return out;
  };
  const walk = (node) => {
    if (node.role === "LI") {
      const label = [];
      const body = [];
      for (const child of node.children ?? []) contents(child, child.role === "Lbl" && label.length === 0 ? label : body);
      items.push({ label, body });
    }
    for (const child of node.children ?? []) walk(child);
  };
  if (tree) walk(tree);
  return items;
}

/**
 * Text of some pages: items as [str, x, y, width, size, endOfLine, markedContentDepth,
 * markedContentId], and the list items of the page's structure tree.
 */
async function text(doc, pageNumbers) {
  const result = {};
  for (const p of pageNumbers) {
    const page = await doc.getPage(p + 1);
    const [content, tree] = await Promise.all([
      page.getTextContent({ includeMarkedContent: true, disableNormalization: true }),
      page.getStructTree().catch(() => null),
    ]);
    const items = [];
    const open = [];
    for (const item of content.items) {
      if (item.type === "beginMarkedContent" || item.type === "beginMarkedContentProps") open.push(item.id ?? null);
      else if (item.type === "endMarkedContent") open.pop();
      else if (typeof item.str === "string" && (item.str !== "" || item.hasEOL)) {
        const [a, b, c, d, x, y] = item.transform;
        const mc = open.findLast((id) => id) ?? null;
        items.push([item.str, x, y, item.width, Math.max(Math.hypot(a, b), Math.hypot(c, d)), Boolean(item.hasEOL), open.length, mc]);
      }
    }
    result[p] = { items, lis: listItems(tree) };
  }
  return result;
}

/**
 * Open, read and close in one go: the links of every page, and the text of the pages that can
 * hold calls or notes (pdf.ts, "Text, of the pages that can hold calls or notes only": pages
 * with call links, pages the calls lead to and the page after each; every page when no call
 * leads anywhere).
 */
async function read(path, callPattern, share = { of: 1, index: 0 }) {
  const { doc, pages } = await open(path);
  try {
    const calls = new RegExp(callPattern);
    const wanted = new Set();
    let targets = 0;
    pages.forEach((page, p) => {
      for (const link of page.links) {
        if (link.external || link.name === null || !calls.test(link.name)) continue;
        wanted.add(p);
        if (link.dest) {
          targets++;
          wanted.add(link.dest[0]).add(link.dest[0] + 1);
        }
      }
    });
    // With `share`, this worker takes every `of`-th of those pages (another worker the rest).
    const numbers = pages.map((_, p) => p).filter((p) => targets === 0 || wanted.has(p)).filter((_, i) => i % share.of === share.index);
    return { pages, texts: await text(doc, numbers) };
  } finally {
    await doc.destroy();
  }
}

parentPort.on("message", async (request) => {
  try {
    let result;
    if (request.type === "read") result = await read(request.path, request.calls, request.share);
    else throw new Error(`unknown request ${request.type}`);
    parentPort.postMessage({ id: request.id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, error: String(error?.message ?? error) });
  }
});
parentPort.postMessage({ ready: true });
