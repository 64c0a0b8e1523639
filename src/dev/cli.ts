/**
 * `npm run dev -- [--port 4173] [--source dir] [--out dir] [--templates dir] [--settle 5] [--lang tag]`
 * Ctrl-C stops the watcher, the server and the browser.
 */
import { once } from "node:events";
import { constants } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LANG_TAG } from "../frontmatter.ts";
import { startDev } from "./index.ts";
import { defaultTemplates } from "../paths.ts";

export async function devCommand(args: string[], root: string, usage: (message: string) => Error = (message) => new Error(message)): Promise<number> {
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
    throw usage(`--settle takes the milliseconds a saved file must hold still before it is shown (0 to 60000); not ${values.settle}`);
  if (values.lang !== undefined && !LANG_TAG.test(values.lang)) throw usage(`--lang takes a language tag like en, fr or zh-Hans; not ${values.lang}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`--port takes a port number (0 picks a free one); not ${values.port}`);
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
