/** Finding and starting Chromium, over a pipe rather than a port: the browser ends when this process ends, even on SIGKILL. */
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Browser } from "puppeteer-core";
import { cachedBrowser } from "../setup/puppeteer-cache.ts";
import { woffToSfnt } from "../woff.ts";

/** The headless shell: the printer Puppeteer documents for automation, which starts faster than a whole browser. */
const SYSTEM_SHELL = "/usr/bin/chromium-headless-shell";
const SYSTEM_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/opt/google/chrome/chrome",
];

/** Beyond Puppeteer's defaults: structure tags and bookmarks in the PDF, no sandbox for root in CI, the same glyph shapes on every machine. */
const CHROMIUM_ARGS = [
  "--export-tagged-pdf",
  "--generate-pdf-document-outline",
  "--no-sandbox",
  "--font-render-hinting=none",
  "--disable-gpu",
  "--disable-dev-shm-usage",
];

export const BROWSER_HELP =
  "No Chromium or Chrome for Puppeteer was found. Fix it with one of:\n" +
  "  npx broadside setup      (finds a browser, else downloads Chrome's headless shell into Puppeteer's cache)\n" +
  "  sudo apt-get install chromium-headless-shell   (or chromium)\n" +
  "  export PUPPETEER_EXECUTABLE_PATH=/path/to/chrome";

/** PUPPETEER_EXECUTABLE_PATH; else a headless shell, else a whole Chrome or Chromium (each from Puppeteer's cache, then the system's). */
export async function findBrowser(): Promise<string | undefined> {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const shell = existsSync(SYSTEM_SHELL) ? SYSTEM_SHELL : undefined;
  return (await cachedBrowser("chrome-headless-shell")) ?? shell ?? (await cachedBrowser("chrome")) ?? SYSTEM_BROWSERS.find((path) => existsSync(path));
}

/** A headless shell is started in Puppeteer's `headless: 'shell'` mode; a whole browser in its new headless mode. */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell$/.test(basename(executablePath));
}

export class BrowserMissingError extends Error {
  constructor() {
    super(BROWSER_HELP);
    this.name = "BrowserMissingError";
  }
}

/** A browser that did not start in time, crashed, or did not print in time: broadside's own failure (exit 3). */
export class BrowserFailedError extends Error {
  override name = "BrowserFailedError";
}

/** The longest limit a timer keeps (about 24 days, in ms): Node fires a longer one at once. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** The limit for starting the browser and for printing one document, in ms: BROADSIDE_TIMEOUT (seconds) or 120 s. */
export function defaultTimeout(): number {
  const env = process.env.BROADSIDE_TIMEOUT;
  if (env === undefined || env === "") return 120_000;
  const seconds = Number(env);
  if (!(seconds > 0 && seconds * 1000 <= MAX_TIMEOUT))
    throw new BrowserFailedError(`BROADSIDE_TIMEOUT must be a number of seconds above 0, at most 24 days (got "${env}"): unset it or fix it`);
  return seconds * 1000;
}

export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * Chromium's own fontconfig, written into its profile `dir`, so the same PDF comes out on every host: no host font (its glyphs or hinting
 * would move text), fixed rendering, one fallback (Noto Serif) to draw a character no face has as an empty box: with no font Chromium crashes.
 */
function printerEnvironment(dir: string): Record<string, string> {
  const fonts = join(dir, "fonts");
  mkdirSync(fonts);
  const root = dirname(createRequire(import.meta.url).resolve("@fontsource/noto-serif/package.json"));
  writeFileSync(join(fonts, "NotoSerif-Regular.ttf"), woffToSfnt(readFileSync(join(root, "files", "noto-serif-latin-400-normal.woff"))));
  const conf = join(dir, "fonts.conf");
  writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${escape(fonts)}</dir>
  <cachedir>${escape(join(dir, "fc-cache"))}</cachedir>
  <match target="font">
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>true</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintslight</const></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
  </match>
</fontconfig>
`,
  );
  return { FONTCONFIG_FILE: conf };
}

const PROFILE_PREFIX = "broadside-chromium-";

/** A new profile folder named after this process, for the browser's temporary files too; first those of processes gone (SIGKILL) are removed. */
function newProfile(): string {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PROFILE_PREFIX))) {
    const pid = Number(/^(\d+)-/.exec(name.slice(PROFILE_PREFIX.length))?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  mkdirSync(join(dir, "tmp"));
  return dir;
}

const profiles = new WeakMap<Browser, () => Promise<void>>();

/** Start Chromium and connect to it: killed if it has not answered within `timeout`; one that exits while starting throws Puppeteer's error. */
export async function launchBrowser(timeout = defaultTimeout()): Promise<Browser> {
  const executablePath = await findBrowser();
  if (!executablePath) throw new BrowserMissingError();
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = newProfile();
  // Removed by closeBrowser, else when this process exits.
  const remove = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // A killed browser's last process may still be writing in it: the next build removes it.
    }
  };
  process.on("exit", remove);
  // Puppeteer can wait forever on a browser that died at one moment of its start, with nothing
  // left to wait on: if Node runs out of work while it waits, the browser is gone.
  const started = new AbortController();
  const died = once(process, "beforeExit", { signal: started.signal }).then(() => Promise.reject(new Error("Chromium exited while it was starting")));
  died.catch(() => undefined); // it rejects too when the wait is aborted, the browser up or failed
  try {
    const launching = puppeteer.launch({
      executablePath,
      userDataDir: join(profile, "profile"),
      // No host fonts (printerEnvironment); temporary files in the profile, removed with it.
      env: { ...process.env, ...printerEnvironment(profile), TMPDIR: join(profile, "tmp") },
      pipe: true,
      headless: isHeadlessShell(executablePath) ? "shell" : true,
      args: CHROMIUM_ARGS,
      timeout,
      // Also bounds the start over the pipe, which waits for the browser's first answer.
      protocolTimeout: timeout,
      defaultViewport: { width: 800, height: 600 },
      // Signals are the caller's to handle; Puppeteer still kills the browser when this process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const browser = await Promise.race([launching, died]);
    // Off this thread, which reads the PDF back meanwhile; on failure the exit hook tries again.
    const removeAsync = () =>
      rm(profile, { recursive: true, force: true, maxRetries: 2 }).then(
        () => void process.off("exit", remove),
        () => undefined,
      );
    profiles.set(browser, removeAsync);
    // A browser killed with data in flight resets its pipe (ECONNRESET): not an error of ours.
    for (const stream of browser.process()?.stdio ?? []) stream?.on("error", () => undefined);
    return browser;
  } catch (error) {
    remove(); // and again at exit: the dead browser's last processes may still write in it
    const message = (error as Error).message ?? String(error);
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || /ENOENT|not found|no such file/i.test(message)) throw new BrowserMissingError();
    if ((error as Error).name === "TimeoutError" || / timed out\b/.test(message))
      throw new BrowserFailedError(
        `Chromium (${executablePath}) did not start within ${seconds(timeout)}; it was stopped. Check it with \`npm run setup\`, or allow more time with --timeout or BROADSIDE_TIMEOUT`,
      );
    throw error;
  } finally {
    started.abort();
  }
}

/** Kill a browser and every process it started, at once (Puppeteer starts it as its own process group). */
export function killBrowser(browser: Browser): void {
  const pid = browser.process()?.pid;
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    browser.process()?.kill("SIGKILL");
  }
}

/** Close a browser we started and wait for its process to end: killed, as nothing of it is kept and an orderly shutdown is slow. */
export async function closeBrowser(browser: Browser): Promise<void> {
  const child = browser.process();
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    killBrowser(browser);
    await exited;
  }
  await browser.disconnect().catch(() => undefined);
  await profiles.get(browser)?.();
}
