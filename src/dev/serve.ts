/**
 * The dev server's pages on 127.0.0.1: each letter's live preview, its PDF and DOCX from the
 * output folder, an index, and the event stream that tells open previews to reload.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Root as HastRoot } from "hast";
import { toHtml } from "hast-util-to-html";
import { h } from "hastscript";

/** A letter of the source folder, as the session knows it. */
export interface Document {
  source: string;
  name: string;
  /** The last good preview tree. */
  tree?: HastRoot;
  /** The same as HTML, made when first served. */
  page?: string;
  messages: string[];
  /** The messages as last printed to the terminal. */
  printed?: string;
  errors: boolean;
  /** The preview is new, but its edition's proof failed: dist/ keeps the last proved one. */
  unproved?: boolean;
  building?: Promise<void>;
  again: boolean;
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

/** Tell the open previews that a document changed (`what`: html, outputs, error). */
export function notifyClients(clients: Set<ServerResponse>, name: string, what: string) {
  for (const client of clients) {
    client.write(`event: change\ndata: ${JSON.stringify({ name, what })}\n\n`);
    // Node's HTTP corks the socket on a write until this thread yields; the browser should
    // hear of the change now, not after the check and the start of the DOCX.
    client.socket?.uncork();
  }
}

const outputLinks = (doc: Document) => [h("a", { href: `/${doc.name}.pdf` }, "PDF"), " · ", h("a", { href: `/${doc.name}.docx` }, "DOCX")];

/** The last good preview, with the links, the messages and the reloading script at the end of its body. */
function preview(doc: Document, res: ServerResponse) {
  const nonce = randomBytes(12).toString("base64");
  // Serialized once per build, not per request: a preview open in several tabs, or polled, costs
  // the thread that builds next to nothing.
  doc.page ??= doc.tree ? toHtml(doc.tree) : "<html><head></head><body></body></html>";
  const links = h(
    "nav",
    {
      className: ["broadside-dev"],
      style: "position:fixed;top:0;right:0;font:13px system-ui,sans-serif;background:#fffdf9e6;padding:4px 8px;border-bottom-left-radius:6px",
    },
    [...outputLinks(doc), " · ", h("a", { href: "/" }, "all letters")],
  );
  const why = doc.errors
    ? "Not rebuilt: the last good version is shown.\n"
    : doc.unproved
      ? "The PDF, DOCX and HTML files were not replaced: their proof failed.\n"
      : "";
  const style = `position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;padding:8px 12px;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;background:${doc.errors || doc.unproved ? "#7a1010" : "#5a4a00"};color:#fff`;
  const overlay = doc.messages.length ? [h("aside", { className: ["broadside-dev-messages"], role: "status", style }, [why, doc.messages.join("\n")])] : [];
  const end = doc.page.lastIndexOf("</body>");
  const added = toHtml([links, ...overlay, h("script", { nonce }, PREVIEW_SCRIPT(doc.name))]);
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; script-src 'nonce-${nonce}'; connect-src 'self'`,
  });
  res.end(doc.page.slice(0, end) + added + doc.page.slice(end));
}

function index(documents: Iterable<Document>, res: ServerResponse) {
  const items = [...documents].map((doc) =>
    h("li", [
      h("a", { href: `/${doc.name}.html` }, doc.name),
      " — ",
      ...outputLinks(doc),
      doc.errors ? " (errors)" : doc.unproved ? " (outputs not proved)" : "",
    ]),
  );
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  const head = h("head", [h("meta", { charset: "utf-8" }), h("title", "broadside preview")]);
  res.end(toHtml(h(null, [{ type: "doctype" }, h("html", { lang: "en" }, [head, h("body", [h("h1", "broadside preview"), h("ul", items)])])])));
}

/** The server's answer to each request; `clients` collects the open event streams. */
export function previewHandler(documents: Map<string, Document>, outDir: string, clients: Set<ServerResponse>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, text: string) => res.writeHead(status, { "content-type": "text/plain" }).end(text);
    // A page on any site can point its own name at 127.0.0.1 (DNS rebinding) and then read an
    // embargoed letter as same-origin: only requests that name this machine are answered.
    if (!/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(req.headers.host ?? "")) return send(421, "this server answers only to 127.0.0.1 or localhost");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") return index(documents.values(), res);
    if (url.pathname === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" }).write(": connected\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const [, name, format] = /^\/([^/]+)\.(html|pdf|docx)$/.exec(url.pathname) ?? [];
    const doc = name && [...documents.values()].find((d) => d.name === decodeURIComponent(name));
    if (!doc) return send(404, "not found");
    if (format === "html") return preview(doc, res);
    const data = await readFile(join(outDir, `${doc.name}.${format}`)).catch(() => undefined);
    if (!data) return send(404, "not built yet");
    const type = format === "pdf" ? "application/pdf" : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(data);
  };
}
