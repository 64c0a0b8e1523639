/**
 * Finding and starting Chromium. One browser per build, started by the caller as early as
 * it likes and closed by the caller: no global singleton. Puppeteer itself is loaded only when
 * a PDF is wanted.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { Readable, Writable } from "node:stream";
import type { Browser, ConnectionTransport } from "puppeteer-core";
import { type ChromiumExit, noteBrowser, type SpawnedChromium, spawnChromium } from "./chromium.mjs";

const SYSTEM_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/opt/google/chrome/chrome",
];

export const BROWSER_HELP =
  "No Chromium or Chrome for Puppeteer was found. Fix it with one of:\n" +
  "  npm run setup            (finds a browser, or installs Debian's chromium when run as root)\n" +
  "  sudo apt-get install chromium\n" +
  "  npx puppeteer browsers install chrome\n" +
  "  export PUPPETEER_EXECUTABLE_PATH=/path/to/chrome";

/** Where the browser is: PUPPETEER_EXECUTABLE_PATH, then Puppeteer's own cache, then the system's. */
export async function findBrowser(): Promise<string | undefined> {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  let found: string | undefined;
  try {
    // require, not import(): the CLI runs as a CommonJS bundle from a V8 code cache, where Node 20
    // loses the callback a dynamic import of a module outside the bundle needs (src/launch.mjs).
    const puppeteer = createRequire(import.meta.url)("puppeteer") as typeof import("puppeteer");
    const cached = puppeteer.executablePath();
    if (cached && existsSync(cached)) found = cached;
  } catch {
    // no browser in Puppeteer's cache: look on the system
  }
  found ??= SYSTEM_BROWSERS.find((path) => existsSync(path));
  if (found) noteBrowser(found); // the next build starts it without looking
  return found;
}

export class BrowserMissingError extends Error {
  constructor() {
    super(BROWSER_HELP);
    this.name = "BrowserMissingError";
  }
}

export interface LaunchOptions {
  /** How long the browser may take to start, in ms (default: {@link defaultTimeout}). */
  timeout?: number;
  /**
   * Kill the browser and exit the process on Ctrl-C, `kill` or a closed terminal (the default).
   * A caller that stops cleanly by itself (the CLI, the dev server) turns this off.
   */
  handleSignals?: boolean;
  /** A Chromium already started (by src/launch.mjs, before the CLI was loaded): connect to it. */
  spawned?: SpawnedChromium;
}

/** A browser that did not start in time, crashed, or did not print in time: broadside's own failure (exit 3). */
export class BrowserFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BrowserFailedError";
  }
}

/** The limit for starting the browser and for printing one document, in ms: BROADSIDE_TIMEOUT (seconds) or 120 s. */
export function defaultTimeout(): number {
  const env = process.env.BROADSIDE_TIMEOUT;
  if (env === undefined || env === "") return 120_000;
  const seconds = Number(env);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new BrowserFailedError(`BROADSIDE_TIMEOUT must be a number of seconds above 0 (got "${env}"): unset it or fix it`);
  return seconds * 1000;
}

export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** The process behind each browser we started. */
const processes = new WeakMap<Browser, SpawnedChromium>();

/** The Chromium process of a browser from {@link launchBrowser}. */
export function browserProcess(browser: Browser): SpawnedChromium | undefined {
  return processes.get(browser);
}

/**
 * Puppeteer's transport over Chromium's DevTools pipe: JSON messages, each ended by a NUL byte.
 * Puppeteer has one, but only as an internal module (`puppeteer-core/internal/node/…`), which a
 * minor release may move; the protocol is these few lines.
 */
class PipeTransport implements ConnectionTransport {
  onmessage?: (message: string) => void;
  onclose?: () => void;
  #pending: Buffer[] = [];
  #closed = false;

  constructor(
    private readonly write: Writable,
    read: Readable,
  ) {
    read.on("data", (chunk: Buffer) => this.#receive(chunk));
    read.on("close", () => this.onclose?.());
  }

  send(message: string): void {
    if (!this.#closed) this.write.write(`${message}\0`);
  }

  #receive(chunk: Buffer) {
    let end = chunk.indexOf(0);
    if (end === -1) {
      this.#pending.push(chunk);
      return;
    }
    let start = 0;
    let buffer = chunk;
    if (this.#pending.length) {
      buffer = Buffer.concat([...this.#pending, chunk]);
      end = buffer.indexOf(0);
      this.#pending = [];
    }
    while (end !== -1) {
      const message = buffer.toString("utf8", start, end);
      // Puppeteer expects each message in a task of its own.
      setImmediate(() => this.onmessage?.(message));
      start = end + 1;
      end = buffer.indexOf(0, start);
    }
    if (start < buffer.length) this.#pending.push(buffer.subarray(start));
  }

  close(): void {
    this.#closed = true;
  }
}

/** How Chromium ended, and the last lines it wrote: "exit code 1: …". */
function exitReason(exit: ChromiumExit): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const said = exit.stderr.split("\n").filter(Boolean).slice(-3).join(" / ");
  return said ? `${how}: ${said}` : how;
}

/**
 * Start Chromium (or take one started early by src/launch.mjs, `spawned`) and connect Puppeteer
 * to it over its DevTools pipe, not a port, so it ends when this process ends, even on SIGKILL.
 * If it has not answered within the timeout it is killed (with every process it started) and a
 * {@link BrowserFailedError} says so; if it exits while starting, the error says how (the caller
 * decides whether to try again).
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const timeout = options.timeout ?? defaultTimeout();
  let spawned = options.spawned;
  if (!spawned) {
    const executablePath = await findBrowser();
    if (!executablePath) throw new BrowserMissingError();
    spawned = spawnChromium(executablePath);
  }
  const chromium = spawned;
  const tooSlow = () => new BrowserFailedError(`Chromium (${chromium.executablePath}) did not start within ${seconds(timeout)}; it was stopped. Check it with \`npm run setup\`, or allow more time with --timeout or BROADSIDE_TIMEOUT`);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow()), timeout);
  });
  const ended = chromium.exited.then((exit): never => {
    if ((exit.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") throw new BrowserMissingError();
    if (exit.error) throw new BrowserFailedError(`Cannot start Chromium (${chromium.executablePath}): ${exit.error.message}`);
    throw new Error(exitReason(exit));
  });
  try {
    const { default: puppeteer } = await Promise.race([import("puppeteer-core"), ended, deadline]);
    const [write, read] = [chromium.child.stdio[3] as Writable, chromium.child.stdio[4] as Readable];
    const browser = await Promise.race([
      puppeteer.connect({ transport: new PipeTransport(write, read), protocolTimeout: Math.max(timeout, 120_000), defaultViewport: { width: 800, height: 600 } }),
      ended,
      deadline,
    ]);
    processes.set(browser, chromium);
    if (options.handleSignals ?? true) stopWithSignals(chromium);
    return browser;
  } catch (error) {
    chromium.kill();
    throw error;
  } finally {
    clearTimeout(timer);
    ended.catch(() => undefined);
  }
}

/**
 * Ctrl-C, `kill` or a closed terminal while a browser is up: kill it (its profile goes with it),
 * then exit as Node would. For callers that do not stop cleanly by themselves.
 */
function stopWithSignals(chromium: SpawnedChromium) {
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((signal) => {
    const handler = () => {
      chromium.kill();
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  void chromium.exited.then(() => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  });
}

/**
 * Close a browser we started, and wait for its process to end and its profile to be removed.
 * It is killed rather than asked to shut down: every document is printed by then, and nothing of
 * its profile is kept, while an orderly shutdown of a browser that laid out a long document
 * takes up to a second (0.7 s after the letter ×50). A browser we did not start is closed.
 */
export async function closeBrowser(browser: Browser): Promise<void> {
  const chromium = processes.get(browser);
  if (!chromium) {
    await browser.close().catch(() => undefined);
    return;
  }
  await browser.disconnect().catch(() => undefined);
  chromium.kill();
  await chromium.exited;
}

/** Kill a browser and every process it started, at once (it is its own process group). */
export function killBrowser(browser: Browser): void {
  processes.get(browser)?.kill();
}
