/**
 * The build's browser, with the faults a browser has: one per build, started early, closed (or
 * killed) at the end. A browser that crashes, while starting or while printing, is started once
 * more and the documents it was printing are printed again; a second crash, a browser that does
 * not start in time or a document that does not print in time is a {@link BrowserFailedError}
 * with a plain message, and the browser is killed, so no process is left behind.
 */
import type { Browser } from "puppeteer";
import type { FrontMatter } from "../frontmatter.ts";
import { BrowserFailedError, BrowserMissingError, defaultTimeout, killBrowser, launchBrowser, seconds } from "./browser.ts";
import { compilePdf, PageCrashedError } from "./index.ts";

export interface PrinterOptions {
  /** The limit for starting the browser and for printing one document, in ms. */
  timeout?: number;
  /** Told when a crashed browser is started again. */
  log?: (line: string) => void;
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split("\n")[0];

export class Printer {
  readonly timeout: number;
  #log: (line: string) => void;
  #browser: Promise<Browser> | undefined;
  /** Bumped each time a crashed browser is replaced. */
  #generation = 0;
  /** One restart per build. */
  #restarts = 1;
  #closed = false;

  constructor(options: PrinterOptions = {}) {
    this.timeout = options.timeout ?? defaultTimeout();
    this.#log = options.log ?? (() => undefined);
  }

  /** Start the browser now (printing starts it anyway). */
  start(): void {
    if (!this.#browser) this.#browser = this.#launch();
  }

  async #launchOnce(): Promise<Browser> {
    return launchBrowser({ timeout: this.timeout, handleSignals: false });
  }

  #launch(): Promise<Browser> {
    const launching = (async () => {
      try {
        return await this.#launchOnce();
      } catch (error) {
        if (error instanceof BrowserMissingError || error instanceof BrowserFailedError) throw error;
        if (this.#restarts <= 0) throw new BrowserFailedError(`Chromium crashed while starting, and again after a restart: ${firstLine(error)}`, { cause: error });
        this.#restarts--;
        this.#generation++;
        this.#log(`  Chromium crashed while starting (${firstLine(error)}); starting it once more`);
        try {
          return await this.#launchOnce();
        } catch (again) {
          if (again instanceof BrowserFailedError) throw again;
          throw new BrowserFailedError(`Chromium crashed while starting, and again after a restart: ${firstLine(again)}`, { cause: again });
        }
      }
    })();
    launching.catch(() => undefined); // awaited, and its failure reported, where a PDF is made
    return launching;
  }

  /** Print one document (`name` is for messages). */
  async print(html: string, meta: FrontMatter, name: string): Promise<Uint8Array> {
    this.start();
    let retried = false;
    for (;;) {
      const generation = this.#generation;
      const browser = await this.#browser!;
      try {
        return await this.#printIn(browser, html, meta, name);
      } catch (error) {
        if (error instanceof BrowserFailedError || this.#closed) throw error;
        const crashed = error instanceof PageCrashedError || !browser.connected;
        if (!crashed) throw error;
        if (retried) throw new BrowserFailedError(`Chromium crashed while printing ${name}, and again after a restart: ${firstLine(error)}`, { cause: error });
        retried = true;
        if (generation === this.#generation) {
          // This crash is news: replace the browser (once per build).
          if (this.#restarts <= 0) throw new BrowserFailedError(`Chromium crashed while printing ${name}, after it had already been restarted once: ${firstLine(error)}`, { cause: error });
          this.#restarts--;
          this.#generation++;
          killBrowser(browser);
          this.#log(`  Chromium crashed while printing ${name}; starting it once more`);
          this.#browser = this.#launch();
        }
      }
    }
  }

  async #printIn(browser: Browser, html: string, meta: FrontMatter, name: string): Promise<Uint8Array> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A hung browser is killed: the build ends now, and leaves no process behind.
        killBrowser(browser);
        reject(new BrowserFailedError(`Chromium did not finish printing ${name} within ${seconds(this.timeout)}; it was stopped. Allow more time with --timeout or BROADSIDE_TIMEOUT`));
      }, this.timeout);
    });
    try {
      return await Promise.race([compilePdf(html, { browser, meta, timeout: this.timeout }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Close the browser; kill it if it does not close within a few seconds. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#browser;
    if (!pending) return;
    const browser = await pending.catch(() => undefined);
    if (!browser) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      browser.close().then(() => true, () => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!closed) killBrowser(browser);
  }
}
