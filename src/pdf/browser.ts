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
  /** How long the browser may take to start, in ms. */
  timeout?: number;
  /**
   * Let Puppeteer close the browser and exit the process on Ctrl-C (its default). A caller
   * that stops cleanly by itself (the dev server) turns this off.
   */
  handleSignals?: boolean;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const [executablePath, { default: puppeteer }] = await Promise.all([findBrowser(), import("puppeteer")]);
  if (!executablePath) throw new BrowserMissingError();
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: options.timeout ?? 30_000,
    handleSIGINT: options.handleSignals ?? true,
    handleSIGTERM: options.handleSignals ?? true,
    handleSIGHUP: options.handleSignals ?? true,
    protocolTimeout: 120_000,
  });
}
