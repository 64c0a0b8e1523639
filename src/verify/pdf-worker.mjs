// The PDF reader, run in a worker thread (see pdf.ts for why): it opens the file and hands
// back, as plain data, what the reader in pdf.ts works on. Plain JavaScript, so that it runs
// without the TypeScript loader; the shapes it sends are typed in pdf-file.d.mts.
//
// Requests: { id, type: "read", path, calls } → { pages: [{ links }], texts: { [page]:
// { items, lis } } } (see readPdfBytes in pdf-file.mjs).
import { readFile } from "node:fs/promises";
import { parentPort } from "node:worker_threads";
import { readPdfBytes } from "./pdf-file.mjs";

parentPort.on("message", async (request) => {
  try {
    if (request.type !== "read") throw new Error(`unknown request ${request.type}`);
    const result = readPdfBytes(await readFile(request.path), new RegExp(request.calls));
    parentPort.postMessage({ id: request.id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, error: String(error?.message ?? error) });
  }
});
parentPort.postMessage({ ready: true });
