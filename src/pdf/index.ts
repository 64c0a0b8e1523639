/** What the PDF compiler (./printer.ts) prints in: a page safe from what the document asks for; and the build date all formats carry. */
import type { Browser, Page } from "puppeteer-core";

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
  const crash = new Promise<never>((_, reject) => page.on("error", () => reject(new PageCrashedError())));
  crash.catch(() => undefined);
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

/** Build time: SOURCE_DATE_EPOCH (seconds) when set, so rebuilds can be compared; else now. */
export function buildDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date();
  if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (got "${epoch}"): unset it or fix it`);
  return new Date(Number(epoch) * 1000);
}
