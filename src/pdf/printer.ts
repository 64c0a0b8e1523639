/**
 * The PDF compiler and the build's one browser it prints in, started early and killed at the end. A crash, while starting or printing,
 * restarts it once and prints again; a second crash or a timeout is a {@link BrowserFailedError}, the browser killed, no process left behind.
 */
import type { Browser, Page } from "puppeteer-core";
import type { FrontMatter } from "../frontmatter.ts";
import { isVertical } from "../language.ts";
import { POINTS } from "../paper.ts";
import { BrowserFailedError, BrowserMissingError, closeBrowser, defaultTimeout, killBrowser, launchBrowser, seconds } from "./browser.ts";
import { buildDate, PageCrashedError, type SafePage, safePage } from "./index.ts";
import { withInfo } from "./info.ts";
import { countPdfPages, holdLayout, paginatePage, releaseLayout } from "./paginate/index.ts";
import { timed } from "../timings.ts";

export interface PrinterOptions {
  /** The limit for starting the browser and for printing one document, in ms. */
  timeout?: number;
  /** Told when a crashed browser is started again. */
  log?: (line: string) => void;
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split("\n")[0];

export class Printer {
  timeout: number;
  #log: (line: string) => void;
  #browser: Promise<Browser>;
  /** Bumped when a crashed browser is replaced: once per build at most. */
  #generation = 0;
  #closed = false;
  /** Pages of the current browser ready to print in (its first tab, then each that printed): the next document skips a new page's cost. */
  #idle: Promise<SafePage>[] = [];

  constructor(options: PrinterOptions = {}) {
    this.timeout = options.timeout ?? defaultTimeout();
    this.#log = options.log ?? (() => undefined);
    this.#browser = this.#launch(); // now: it takes longer than the work before the first print
  }

  #openPage(browser: Browser, existing?: Promise<Page | undefined>): Promise<SafePage> {
    const page = timed("browser: open a page", async () => safePage(browser, await existing));
    page.catch(() => undefined); // a page that failed to open is opened again when it is needed
    return page;
  }

  /** Spend the build's one restart (and say so), or throw `exhausted` if it is spent. */
  #restart(exhausted: BrowserFailedError, log: string): void {
    if (this.#generation > 0) throw exhausted;
    this.#generation++;
    this.#log(log);
  }

  #launch(): Promise<Browser> {
    const once = async () => {
      const browser = await timed("browser: start", () => launchBrowser(this.timeout));
      // The blank tab Chromium opened as it started: its renderer is already up, so printing in it skips the cost of a new page.
      const initial = browser.pages().then((pages) => pages.find((page) => page.url() === "about:blank"));
      this.#idle = [this.#openPage(browser, initial)];
      return browser;
    };
    const failed = (cause: unknown) => new BrowserFailedError(`Chromium crashed while starting, and again after a restart: ${firstLine(cause)}`, { cause });
    const launching = once().catch((error: unknown) => {
      if (error instanceof BrowserMissingError || error instanceof BrowserFailedError) throw error;
      this.#restart(failed(error), `  Chromium crashed while starting (${firstLine(error)}); starting it once more`);
      return once().catch((again: unknown) => {
        throw again instanceof BrowserFailedError ? again : failed(again);
      });
    });
    launching.catch(() => undefined); // awaited, and its failure reported, where a PDF is made
    return launching;
  }

  /** Print one document (`name` is for messages, `label` for timings); `onLayout` is called again if a crashed print is retried. */
  async print(html: string, meta: FrontMatter, name: string, { label = name, onLayout }: { label?: string; onLayout?: () => void } = {}): Promise<Uint8Array> {
    for (let retried = false; ; retried = true) {
      const generation = this.#generation;
      const browser = await this.#browser;
      try {
        return await this.#printIn(browser, html, meta, name, label, onLayout);
      } catch (error) {
        const crashed = error instanceof PageCrashedError || !browser.connected;
        if (error instanceof BrowserFailedError || this.#closed || !crashed) throw error;
        if (retried) throw new BrowserFailedError(`Chromium crashed while printing ${name}, and again after a restart: ${firstLine(error)}`, { cause: error });
        if (generation === this.#generation) {
          // This crash is news: replace the browser (once per build).
          const message = `Chromium crashed while printing ${name}, after it had already been restarted once: ${firstLine(error)}`;
          this.#restart(new BrowserFailedError(message, { cause: error }), `  Chromium crashed while printing ${name}; starting it once more`);
          killBrowser(browser);
          this.#browser = this.#launch();
        }
      }
    }
  }

  async #printIn(browser: Browser, html: string, meta: FrontMatter, name: string, label: string, onLayout?: () => void): Promise<Uint8Array> {
    // A hung browser is killed: the build ends now, and leaves no process behind. Started before any of the print's requests,
    // this limit comes before Puppeteer's own (the same length).
    const tooSlow = () => {
      killBrowser(browser);
      return new BrowserFailedError(
        `Chromium did not finish printing ${name} within ${seconds(this.timeout)}; it was stopped. Allow more time with --timeout or BROADSIDE_TIMEOUT`,
      );
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(tooSlow()), this.timeout)));
    const generation = this.#generation;
    let page: SafePage | undefined;
    try {
      // A kept page, or a new one (also when the kept one failed to open).
      page = await Promise.race([this.#idle.pop()?.catch(() => this.#openPage(browser)) ?? this.#openPage(browser), deadline]);
      const pdf = await Promise.race([this.#compile(html, page.page, meta, label, onLayout), page.crash, deadline]);
      if (generation === this.#generation && !this.#closed) {
        this.#idle.push(Promise.resolve(page));
        page = undefined; // kept for the next document, not closed below
      }
      return pdf;
    } finally {
      clearTimeout(timer);
      void page?.page.close().catch(() => undefined);
    }
  }

  /** The PDF compiler: `html`, everything inlined, set as a safe page's content (no URL is loaded), paginated, printed once its fonts are in. */
  async #compile(html: string, page: Page, meta: FrontMatter, label: string, onLayout?: () => void): Promise<Uint8Array> {
    const step = <T>(what: string, run: () => T) => timed(`${label}: pdf ${what}`, run);
    // Laid out for print from the start, then cut into page boxes with the notes at their feet.
    await step("load", async () => {
      await page.emulateMediaType("print");
      await page.setContent(holdLayout(html), { waitUntil: "load", timeout: this.timeout });
    });
    onLayout?.();
    // A vertical edition (Mongolian script) is left to Chromium's own pages: broadside's
    // pagination measures lines by height, and a vertical page fills by width.
    const laidOut = await step("paginate", () => (isVertical(meta.lang) ? releaseLayout(page) : paginatePage(page, { notes: meta.notes })));
    const pdf = await step("print", () =>
      page.pdf({
        preferCSSPageSize: true,
        printBackground: true,
        tagged: true,
        outline: true,
        waitForFonts: true,
        timeout: this.timeout,
      }),
    );
    if (laidOut.pages && countPdfPages(pdf) !== laidOut.pages)
      throw new Error(`Chromium printed ${countPdfPages(pdf)} pages where broadside laid out ${laidOut.pages}: please report this with the source`);
    // Chromium's named destinations leave the page margins out.
    const { left, top } = laidOut.geometry;
    return step("metadata", () => withInfo(pdf, meta, buildDate(), { left: left * POINTS.px, top: top * POINTS.px }));
  }

  /** The browser's process id, once it is up (undefined if it could not start). */
  async pid(): Promise<number | undefined> {
    const browser = await this.#browser.catch(() => undefined);
    return browser?.process()?.pid;
  }

  /** Close the browser (it is killed: see closeBrowser). */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#browser;
    this.#idle = [];
    const browser = await pending.catch(() => undefined);
    if (browser) await closeBrowser(browser);
  }
}
