/** PDF compiler: prints the HTML compiler's document in a page of the build's browser (./printer.ts), then adds what Chromium does not write (./info.ts). */
import type { Browser, Page } from "puppeteer-core";
import type { FrontMatter } from "../frontmatter.ts";
import { timed } from "../timings.ts";
import { withInfo } from "./info.ts";
import { isVertical } from "../language.ts";
import { POINTS } from "../paper.ts";
import { countPdfPages, holdLayout, paginatePage, releaseLayout } from "./paginate/index.ts";

export interface PdfOptions {
  meta: FrontMatter;
  /** How long one request to the browser may take, in ms. */
  timeout: number;
  /** Names each step in the timings. */
  label: string;
  /** Called once the document is loaded, when Chromium starts the long part: the caller's thread has nothing to do until the PDF comes back. */
  onLayout?: () => void;
}

/** The page the document was printed in crashed (the browser may still be up). */
export class PageCrashedError extends Error {
  constructor() {
    super("Chromium's page crashed while printing");
    this.name = "PageCrashedError";
  }
}

/** A page that runs no script of its own (pagination runs through the DevTools protocol) and fetches nothing but `data:` URLs. */
export interface SafePage {
  page: Page;
  /** Rejects when the page's renderer crashes. */
  crash: Promise<never>;
}

/** A new {@link SafePage} of `browser`, or `existing` made safe (the blank tab Chromium opens as it starts). */
export async function safePage(browser: Browser, existing?: Page): Promise<SafePage> {
  const page = existing ?? (await browser.newPage());
  let crashed: (error: Error) => void = () => undefined;
  const crash = new Promise<never>((_, reject) => (crashed = reject));
  crash.catch(() => undefined);
  page.on("error", () => crashed(new PageCrashedError()));
  try {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
  } catch (error) {
    await page.close().catch(() => undefined);
    throw error;
  }
  page.on("request", (request) => {
    if (request.url().startsWith("data:")) void request.continue().catch(() => undefined);
    else if (request.isNavigationRequest()) void request.respond({ status: 204, body: "" }).catch(() => undefined);
    else void request.abort("blockedbyclient").catch(() => undefined);
  });
  return { page, crash };
}

/** Print `html`, everything inlined, as the content of a {@link SafePage} (no URL is loaded); Puppeteer waits for its fonts. */
export async function compilePdf(html: string, { page, crash }: SafePage, { meta, timeout, label, onLayout }: PdfOptions): Promise<Uint8Array> {
  const step = <T>(what: string, run: () => T) => timed(`${label}: pdf ${what}`, run);
  const printed = await Promise.race([
    crash,
    (async () => {
      // Laid out for print from the start, then cut into page boxes with the notes at their feet.
      await step("load", async () => {
        await page.emulateMediaType("print");
        await page.setContent(holdLayout(html), { waitUntil: "load", timeout });
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
          timeout,
        }),
      );
      if (laidOut.pages && countPdfPages(pdf) !== laidOut.pages)
        throw new Error(`Chromium printed ${countPdfPages(pdf)} pages where broadside laid out ${laidOut.pages}: please report this with the source`);
      return { pdf, laidOut };
    })(),
  ]);
  // Chromium's named destinations leave the page margins out.
  const { left, top } = printed.laidOut.geometry;
  return step("metadata", () => withInfo(printed.pdf, meta, buildDate(), { left: left * POINTS.px, top: top * POINTS.px }));
}

/** Build time: SOURCE_DATE_EPOCH (seconds) when set, so rebuilds can be compared; else now. */
export function buildDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date();
  if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (got "${epoch}"): unset it or fix it`);
  return new Date(Number(epoch) * 1000);
}
