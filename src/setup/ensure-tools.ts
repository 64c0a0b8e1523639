/**
 * Before the tests: the independent readers they use (poppler's pdftotext/pdfinfo/pdffonts,
 * qpdf, LibreOffice) and the browser. Installs what is missing on Debian/Ubuntu as root;
 * anywhere else prints the exact command and exits 1.
 */
import { findBrowser, isHeadlessShell } from "../pdf/browser.ts";
import { aptInstall, canAptInstall, which } from "./system.ts";

const TOOLS: { command: string; debian: string }[] = [
  { command: "pdftotext", debian: "poppler-utils" },
  { command: "pdfinfo", debian: "poppler-utils" },
  { command: "pdffonts", debian: "poppler-utils" },
  { command: "qpdf", debian: "qpdf" },
  { command: "soffice", debian: "libreoffice-writer-nogui" },
  { command: "/usr/lib/python3/dist-packages/uno.py", debian: "python3-uno" }, // Writer editing in the import tests
  { command: "pofilter", debian: "translate-toolkit" }, // XLIFF read by others' tools
  { command: "omegat", debian: "omegat" }, // XLIFF translated by a translation tool, headless
];

async function missingPackages(): Promise<string[]> {
  const packages = new Set(TOOLS.filter((t) => !which(t.command)).map((t) => t.debian));
  // The tests' fake browsers run Debian's chromium; builds print with the headless shell, unless told otherwise.
  const browser = await findBrowser();
  if (!which("chromium")) packages.add("chromium");
  if (!browser || (!isHeadlessShell(browser) && !process.env.PUPPETEER_EXECUTABLE_PATH)) packages.add("chromium-headless-shell");
  return [...packages];
}

/** Before `npm test`: 1 when a tool is missing and cannot be installed here. */
export async function ensureTestTools(): Promise<number> {
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
