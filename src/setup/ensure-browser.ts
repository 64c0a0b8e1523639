/**
 * Runs after `npm install` (and as `npm run setup`): makes sure Puppeteer has a browser without
 * ever failing the install. Order: a browser already there (PUPPETEER_EXECUTABLE_PATH, a headless
 * shell, the system's Chromium or Chrome: see findBrowser); else Puppeteer's own download of the
 * headless shell; else, on Debian/Ubuntu as root, Debian's `chromium-headless-shell` (or
 * `chromium` where there is none); else the exact commands to run.
 */
import { spawnSync } from "node:child_process";
import { BROWSER_HELP, findBrowser } from "../pdf/browser.ts";
import { aptInstall, canAptInstall } from "./system.ts";

/** `npm run setup`, and after `npm install`: never fails the install. */
export async function ensureBrowser(): Promise<number> {
  let browser = await findBrowser();
  if (browser) {
    console.log(`broadside setup: PDF browser ${browser}`);
    return 0;
  }
  if (process.env.PUPPETEER_EXECUTABLE_PATH) {
    console.warn(`broadside setup: PUPPETEER_EXECUTABLE_PATH=${process.env.PUPPETEER_EXECUTABLE_PATH} does not exist; unset it or point it at Chrome/Chromium`);
    return 0;
  }
  console.log("broadside setup: no Chromium found; trying Puppeteer's own browser download");
  const download = spawnSync("npx", ["--no-install", "puppeteer", "browsers", "install", "chrome-headless-shell"], { stdio: "inherit", timeout: 180_000 });
  browser = download.status === 0 ? await findBrowser() : undefined;
  if (!browser && canAptInstall()) {
    console.log("broadside setup: the download failed; installing Debian's chromium-headless-shell");
    if (aptInstall(["chromium-headless-shell"]) || aptInstall(["chromium"])) browser = await findBrowser();
  }
  if (browser) console.log(`broadside setup: PDF browser ${browser}`);
  else console.warn(`broadside setup: HTML and DOCX will build, PDF will not until a browser is installed.\n${BROWSER_HELP}`);
  return 0;
}
