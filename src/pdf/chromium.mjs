/**
 * Starting Chromium, ourselves: one process with a DevTools pipe (fds 3 and 4), a temporary
 * profile, and the arguments Puppeteer would give it; Puppeteer then connects over the pipe
 * (browser.ts). Plain JavaScript with no dependencies, so that src/launch.mjs can start the
 * browser before Node has loaded anything else: Chromium's ~0.3 s start then runs on the second
 * core while the CLI loads and the Markdown is parsed, instead of after.
 *
 * The process is its own process group, so it is killed with everything it started. It ends
 * when this process ends, even on SIGKILL (the pipe closes), and its profile is removed when it
 * exits or when this process exits.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { printerEnvironment } from "./fontconfig.mjs";

/**
 * Puppeteer 24's default arguments for headless Chromium (`puppeteer.defaultArgs()`), less the
 * ones for a visible window, plus ours. `--export-tagged-pdf` and `--generate-pdf-document-outline`
 * give the PDF its structure tags and bookmarks.
 */
const CHROMIUM_ARGS = [
  "--allow-pre-commit-input",
  "--disable-background-networking",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
  "--disable-breakpad",
  "--disable-client-side-phishing-detection",
  "--disable-component-extensions-with-background-pages",
  "--disable-component-update",
  "--disable-crash-reporter",
  "--disable-default-apps",
  "--disable-dev-shm-usage",
  "--disable-extensions",
  "--disable-gpu",
  "--disable-hang-monitor",
  "--disable-infobars",
  "--disable-ipc-flooding-protection",
  "--disable-popup-blocking",
  "--disable-prompt-on-repost",
  "--disable-renderer-backgrounding",
  "--disable-search-engine-choice-screen",
  "--disable-sync",
  "--enable-automation",
  "--export-tagged-pdf",
  "--force-color-profile=srgb",
  "--generate-pdf-document-outline",
  "--metrics-recording-only",
  "--no-first-run",
  "--no-default-browser-check",
  "--password-store=basic",
  "--use-mock-keychain",
  "--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints,WebUIReloadButton,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes",
  "--headless=new",
  "--hide-scrollbars",
  "--mute-audio",
  "--no-sandbox", // we run as root on CI; the page holds only content we built and inlined
  "--font-render-hinting=none",
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Where the last browser found is noted, so that the next build can start it at once. */
const BROWSER_NOTE = join(ROOT, "node_modules", ".cache", "broadside", "browser.json");

/** The browser to start without looking: PUPPETEER_EXECUTABLE_PATH, else the one noted last time. */
function knownBrowser() {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  try {
    const { executablePath } = JSON.parse(readFileSync(BROWSER_NOTE, "utf8"));
    return typeof executablePath === "string" && existsSync(executablePath) ? executablePath : undefined;
  } catch {
    return undefined;
  }
}

/** Start the browser known without looking ({@link knownBrowser}), if there is one. */
export function spawnKnownBrowser() {
  const executablePath = knownBrowser();
  return executablePath ? spawnChromium(executablePath) : undefined;
}

/** Note the browser found (best effort: a read-only node_modules only costs the early start). */
export function noteBrowser(executablePath) {
  try {
    mkdirSync(dirname(BROWSER_NOTE), { recursive: true });
    const temp = `${BROWSER_NOTE}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ executablePath }) + "\n");
    renameSync(temp, BROWSER_NOTE);
  } catch {
    // not noted: the next build looks again
  }
}

const PROFILE_PREFIX = "broadside-chromium-";

/**
 * Remove the profiles of browsers whose builds are gone: a build killed with SIGKILL cannot
 * remove its own (its Chromium ends with it, as the pipe closes). A profile is named after the
 * process that started the browser.
 */
function sweepProfiles() {
  let names;
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(PROFILE_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name.slice(PROFILE_PREFIX.length))?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (error?.code === "ESRCH") rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/**
 * Start Chromium. Returns at once; `exited` settles when the process ends (or could not start),
 * with its exit code or signal and the end of what it wrote to stderr.
 *
 * @param {string} executablePath
 * @returns {import("./chromium.d.mts").SpawnedChromium}
 */
export function spawnChromium(executablePath) {
  sweepProfiles();
  const userDataDir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 2 });
  const child = spawn(executablePath, [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, "--remote-debugging-pipe", "about:blank"], {
    detached: true, // its own process group: killed with every process it started
    env: { ...process.env, ...printerEnvironment() }, // no host fonts (src/pdf/fontconfig.mjs)
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text) => (stderr = (stderr + text).slice(-4000)));
  // A browser killed with data in flight resets its pipes (ECONNRESET): not an error of ours.
  for (const stream of child.stdio) stream?.on("error", () => undefined);
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => {
    kill();
    try {
      removeProfile();
    } catch {
      // left in the temporary folder
    }
  };
  process.on("exit", onExit);
  const exited = new Promise((resolveExit) => {
    let settled = false;
    const done = (code, signal, error) => {
      if (settled) return;
      settled = true;
      process.off("exit", onExit);
      try {
        removeProfile();
      } catch {
        // left in the temporary folder
      }
      resolveExit({ code, signal, error, stderr: stderr.trim() });
    };
    child.once("error", (error) => done(null, null, error));
    child.once("exit", (code, signal) => {
      // Its stderr may still hold its last words: wait for the pipe to end (a moment at most:
      // a process it started may hold the pipe open a little longer).
      if (child.stderr.readableEnded || child.stderr.destroyed) return done(code, signal);
      const timer = setTimeout(() => done(code, signal), 200);
      child.stderr.once("close", () => {
        clearTimeout(timer);
        done(code, signal);
      });
    });
  });
  return { executablePath, child, userDataDir, exited, kill };
}
