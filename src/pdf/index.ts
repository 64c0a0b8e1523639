/**
 * PDF compiler: prints the HTML compiler's document (its print CSS comes from
 * templates/print.css, inlined there) in the given browser, then adds the document
 * facts Chromium does not write: Author, Subject, Keywords, Creator and Producer.
 */
import type { Browser, Page } from "puppeteer";
import type { FrontMatter } from "../frontmatter.ts";
import { withInfo } from "./info.ts";
import { countPdfPages, holdLayout, paginatePage } from "./paginate.ts";

export interface PdfOptions {
  browser: Browser;
  meta: FrontMatter;
  /** How long one render may take, in ms. */
  timeout?: number;
}

/** The page the document was printed in crashed (the browser may still be up). */
export class PageCrashedError extends Error {
  constructor() {
    super("Chromium's page crashed while printing");
    this.name = "PageCrashedError";
  }
}

/**
 * A blank page that runs no script of its own and fetches nothing: JavaScript is off (broadside's
 * own measuring runs from outside, through the DevTools protocol), and every request but an inlined
 * `data:` URL is aborted; a navigation (a refresh, a frame) is answered "204 No Content" by us, so
 * the page stays as it is. `crash` rejects if the page's renderer crashes.
 */
export async function safePage(browser: Browser): Promise<{ page: Page; crash: Promise<never> }> {
  const page = await browser.newPage();
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

/**
 * Print in a {@link safePage}: the HTML is set as the page's content (no URL is loaded) and
 * carries everything it needs inlined, fonts included, so nothing is fetched from the network or
 * read from a file. Puppeteer waits for the fonts from outside the page before printing.
 */
export async function compilePdf(html: string, options: PdfOptions): Promise<Uint8Array> {
  const { browser, meta } = options;
  const timeout = options.timeout ?? 60_000;
  const { page, crash } = await safePage(browser);
  try {
    const printed = await Promise.race([
      crash,
      (async () => {
        // Laid out for print from the start, then cut into page boxes with the notes at their feet.
        await page.emulateMediaType("print");
        await page.setContent(holdLayout(html), { waitUntil: "load", timeout });
        const laidOut = await paginatePage(page, { notes: meta.notes });
        const pdf = await page.pdf({
          preferCSSPageSize: true,
          printBackground: true,
          tagged: true,
          outline: true,
          waitForFonts: true,
          timeout,
        });
        if (countPdfPages(pdf) !== laidOut.pages) throw new Error(`Chromium printed ${countPdfPages(pdf)} pages where broadside laid out ${laidOut.pages}: please report this with the source`);
        return { pdf, laidOut };
      })(),
    ]);
    // Chromium's named destinations leave the page margins out (CSS px → pt: × 0.75).
    const { left, top } = printed.laidOut.geometry;
    return withDocumentFacts(printed.pdf, meta, { left: left * 0.75, top: top * 0.75 });
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Build time: SOURCE_DATE_EPOCH (seconds) when set, so rebuilds can be compared; else now. */
export function buildDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date();
  if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (got "${epoch}"): unset it or fix it`);
  return new Date(Number(epoch) * 1000);
}

function withDocumentFacts(bytes: Uint8Array, meta: FrontMatter, destinationOffset: { left: number; top: number }): Uint8Array {
  return withInfo(bytes, {
    title: meta.title,
    author: meta.author,
    subject: meta.subject ?? meta.description,
    keywords: meta.keywords.join(", "),
    creator: "broadside",
    producer: "broadside (Chromium)",
    date: buildDate(),
  }, { destinationOffset });
}
