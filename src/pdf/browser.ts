/**
 * Finding and starting Chromium. One browser per build, started by the caller as early as
 * it likes and closed by the caller: no global singleton. Puppeteer itself is loaded only when
 * a PDF is wanted.
 */
import { existsSync } from "node:fs";
import type { Browser } from "puppeteer";

export const CHROMIUM_ARGS = [
  "--no-sandbox", // we run as root on CI; the page holds only content we built and inlined
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--no-default-browser-check",
  "--font-render-hinting=none",
];

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
  try {
    const { default: puppeteer } = await import("puppeteer");
    const cached = puppeteer.executablePath();
    if (cached && existsSync(cached)) return cached;
  } catch {
    // no browser in Puppeteer's cache: look on the system
  }
  return SYSTEM_BROWSERS.find((path) => existsSync(path));
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
   * Let Puppeteer close the browser and exit the process on Ctrl-C (its default). A caller
   * that stops cleanly by itself (the dev server) turns this off.
   */
  handleSignals?: boolean;
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

/**
 * Start Chromium. It talks to us over a pipe, not a port, so it ends when this process ends,
 * even on SIGKILL. If it has not started within the timeout it is killed (with every process it
 * started) and a {@link BrowserFailedError} says so; if it exits while starting, the error is
 * Puppeteer's (the caller decides whether to try again).
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const [executablePath, { default: puppeteer }] = await Promise.all([findBrowser(), import("puppeteer")]);
  if (!executablePath) throw new BrowserMissingError();
  const timeout = options.timeout ?? defaultTimeout();
  const deadline = new AbortController();
  const tooSlow = () => new BrowserFailedError(`Chromium (${executablePath}) did not start within ${seconds(timeout)}; it was stopped. Check it with \`npm run setup\`, or allow more time with --timeout or BROADSIDE_TIMEOUT`);
  const timer = setTimeout(() => deadline.abort(tooSlow()), timeout);
  try {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      args: CHROMIUM_ARGS,
      timeout: timeout + 5000, // ours (the abort above) comes first, and kills what started
      signal: deadline.signal,
      handleSIGINT: options.handleSignals ?? true,
      handleSIGTERM: options.handleSignals ?? true,
      handleSIGHUP: options.handleSignals ?? true,
      protocolTimeout: Math.max(timeout, 120_000),
    });
    // A browser killed with data in flight resets its pipes (ECONNRESET); Puppeteer leaves its
    // stdout and stderr without an 'error' listener, and the error would end this process.
    for (const stream of browser.process()?.stdio ?? []) stream?.on("error", () => undefined);
    return browser;
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    // Puppeteer's own wait for the first page ran out at the same moment: the same limit.
    if ((error as Error)?.name === "TimeoutError") throw tooSlow();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Kill a browser and every process it started, at once (it is its own process group). */
export function killBrowser(browser: Browser): void {
  const pid = browser.process()?.pid;
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
