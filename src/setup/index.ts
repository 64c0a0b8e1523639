/**
 * `broadside setup [--tests]`: a browser for the PDF (and the tests' own readers) found, else installed where we can, else
 * the commands printed. It runs only when asked: installing broadside downloads nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { BROWSER_HELP, findBrowser, isHeadlessShell } from "../pdf/browser.ts";
import { downloadBrowser, puppeteerCacheDir } from "./puppeteer-cache.ts";

/** `broadside setup [--tests]`: 0 when everything asked for is there at the end, else 1. */
export const setup = (args: string[]) => (args.includes("--tests") ? ensureTestTools() : ensureBrowser());

function which(command: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

function canAptInstall(): boolean {
  return process.platform === "linux" && typeof process.getuid === "function" && process.getuid() === 0 && existsSync("/usr/bin/apt-get");
}

/** `apt-get install` the packages (after one `apt-get update`); true when it worked. */
function aptInstall(packages: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  console.log(`broadside setup: apt-get install ${packages.join(" ")}`);
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  if (update.status !== 0) return false;
  const install = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  return install.status === 0;
}

/**
 * A browser already there; else Chrome's headless shell downloaded; else, as root on Debian/Ubuntu, Debian's own.
 * 0 when there is a browser at the end, else 1 (HTML and DOCX still build).
 */
async function ensureBrowser(): Promise<number> {
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

/** What the tests read the outputs with, by Debian package: python3-uno lets them edit in Writer, translate-toolkit and OmegaT read and translate the XLIFF. */
const TOOLS: Record<string, string[]> = {
  "poppler-utils": ["pdftotext", "pdfinfo", "pdffonts"],
  qpdf: ["qpdf"],
  "libreoffice-writer-nogui": ["soffice"],
  "python3-uno": ["/usr/lib/python3/dist-packages/uno.py"],
  "translate-toolkit": ["pofilter"],
  omegat: ["omegat"],
  // The tests' fake browsers run Debian's chromium; builds print with the headless shell, unless told otherwise.
  chromium: ["chromium"],
};

async function missingPackages(): Promise<string[]> {
  const packages = new Set(Object.keys(TOOLS).filter((debian) => !TOOLS[debian].every(which)));
  const browser = await findBrowser();
  if (!browser || (!isHeadlessShell(browser) && !process.env.PUPPETEER_EXECUTABLE_PATH)) packages.add("chromium-headless-shell");
  return [...packages];
}

/** Before `npm test`: 1 when a tool is missing and cannot be installed here. */
async function ensureTestTools(): Promise<number> {
  let missing = await missingPackages();
  if (missing.length && canAptInstall()) {
    aptInstall(missing);
    missing = await missingPackages();
  }
  if (missing.length) {
    console.error(`broadside: the tests need ${missing.join(", ")}. Install them with:\n  sudo apt-get install ${missing.join(" ")}`);
    return 1;
  }
  return 0;
}
