/**
 * `broadside setup`: makes sure there is a browser for the PDF, and says what it did. Installing
 * broadside runs nothing; this runs only when asked. Order: a browser already there
 * (PUPPETEER_EXECUTABLE_PATH, Puppeteer's cache, the system's Chromium or Chrome); else a download
 * of Chrome's headless shell into Puppeteer's cache (in the user's home, nothing system-wide);
 * else, on Debian/Ubuntu as root, Debian's `chromium-headless-shell` (or `chromium`); else the
 * exact commands to run.
 */
import { BROWSER_HELP, findBrowser } from "../pdf/browser.ts";
import { downloadBrowser, puppeteerCacheDir } from "./puppeteer-cache.ts";
import { aptInstall, canAptInstall } from "./system.ts";

/** 0 when there is a browser at the end, else 1 (HTML and DOCX still build). */
export async function ensureBrowser(): Promise<number> {
  let browser = await findBrowser();
  if (browser) {
    console.log(`broadside setup: found the PDF browser ${browser}; nothing installed`);
    return 0;
  }
  if (process.env.PUPPETEER_EXECUTABLE_PATH) {
    console.warn(`broadside setup: PUPPETEER_EXECUTABLE_PATH=${process.env.PUPPETEER_EXECUTABLE_PATH} does not exist; unset it or point it at Chrome/Chromium`);
    return 1;
  }
  console.log(`broadside setup: no Chromium found; downloading Chrome's headless shell into ${puppeteerCacheDir()}`);
  browser = await downloadBrowser("chrome-headless-shell");
  if (!browser && canAptInstall()) {
    console.log("broadside setup: installing Debian's chromium-headless-shell instead");
    browser = aptInstall(["chromium-headless-shell"]) || aptInstall(["chromium"]) ? await findBrowser() : undefined;
  }
  if (browser) {
    console.log(`broadside setup: installed the PDF browser ${browser}`);
    return 0;
  }
  console.warn(`broadside setup: HTML and DOCX will build, PDF will not until a browser is installed.\n${BROWSER_HELP}`);
  return 1;
}
