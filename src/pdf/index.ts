/**
 * PDF compiler: prints the HTML compiler's document (its print CSS comes from
 * templates/print.css, inlined there) in the given browser, then adds the document
 * facts Chromium does not write: Author, Subject, Keywords, Creator and Producer.
 */
import type { Browser } from "puppeteer";
import type { FrontMatter } from "../frontmatter.ts";
import { withInfo } from "./info.ts";

export interface PdfOptions {
  browser: Browser;
  meta: FrontMatter;
  /** How long one render may take, in ms. */
  timeout?: number;
}

export async function compilePdf(html: string, options: PdfOptions): Promise<Uint8Array> {
  const { browser, meta } = options;
  const timeout = options.timeout ?? 60_000;
  const page = await browser.newPage();
  try {
    // Everything the document needs is inlined: nothing may be fetched while it is printed.
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.url().startsWith("data:") || request.url() === "about:blank") void request.continue();
      else void request.abort("blockedbyclient");
    });
    await page.setContent(html, { waitUntil: "load", timeout });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const printed = await page.pdf({
      preferCSSPageSize: true,
      printBackground: true,
      tagged: true,
      outline: true,
      timeout,
    });
    return withDocumentFacts(printed, meta);
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

function withDocumentFacts(bytes: Uint8Array, meta: FrontMatter): Uint8Array {
  return withInfo(bytes, {
    title: meta.title,
    author: meta.author,
    subject: meta.subject ?? meta.description,
    keywords: meta.keywords.join(", "),
    creator: "broadside",
    producer: "broadside (Chromium)",
    date: buildDate(),
  });
}
