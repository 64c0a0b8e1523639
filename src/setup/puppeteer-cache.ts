/**
 * Puppeteer's browser cache, read and filled with @puppeteer/browsers at puppeteer-core's own build. broadside depends on
 * puppeteer-core, not puppeteer, so that installing it downloads nothing: `broadside setup` does, when asked.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type CachedBrowser = "chrome-headless-shell" | "chrome";

export const puppeteerCacheDir = () => process.env.PUPPETEER_CACHE_DIR || join(homedir(), ".cache", "puppeteer");

/** @puppeteer/browsers, and the browser at puppeteer-core's pinned build (exported at run time, not in its types) in Puppeteer's cache. */
async function pinned(browser: CachedBrowser) {
  const [browsers, core] = await Promise.all([import("@puppeteer/browsers"), import("puppeteer-core")]);
  const { PUPPETEER_REVISIONS } = core as unknown as { PUPPETEER_REVISIONS: Record<CachedBrowser, string> };
  return { browsers, pin: { browser: browser as never, buildId: PUPPETEER_REVISIONS[browser], cacheDir: puppeteerCacheDir() } };
}

/** The browser in Puppeteer's cache at puppeteer-core's own version, when it is there. */
export async function cachedBrowser(browser: CachedBrowser): Promise<string | undefined> {
  try {
    const { browsers, pin } = await pinned(browser);
    const path = browsers.computeExecutablePath(pin);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined; // a platform Puppeteer has no builds for
  }
}

/** Download the browser into Puppeteer's cache; its path, or undefined when the download failed (said on stderr). */
export async function downloadBrowser(browser: CachedBrowser): Promise<string | undefined> {
  try {
    const { browsers, pin } = await pinned(browser);
    return (await browsers.install(pin)).executablePath;
  } catch (error) {
    console.warn(`broadside setup: the download failed: ${(error as Error).message}`);
    return undefined;
  }
}
