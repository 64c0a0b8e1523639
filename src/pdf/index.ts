/**
 * PDF compiler: prints the HTML compiler's document (its print CSS comes from
 * templates/print.css, inlined there) in the given browser, then writes the document
 * facts Chromium does not: Author, Subject, Keywords, Creator, Producer and /Lang.
 */
import { PDFDocument, PDFName, PDFString } from "pdf-lib";
import type { Browser } from "puppeteer";
import type { FrontMatter } from "../frontmatter.ts";

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
    return await withDocumentFacts(printed, meta);
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function withDocumentFacts(bytes: Uint8Array, meta: FrontMatter): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  pdf.setTitle(meta.title, { showInWindowTitleBar: true });
  if (meta.author) pdf.setAuthor(meta.author);
  const subject = meta.subject ?? meta.description;
  if (subject) pdf.setSubject(subject);
  if (meta.keywords.length) pdf.setKeywords(meta.keywords);
  pdf.setCreator("broadside");
  pdf.setProducer("broadside (Chromium, pdf-lib)");
  pdf.setLanguage(meta.lang);
  pdf.catalog.set(PDFName.of("Lang"), PDFString.of(meta.lang));
  return pdf.save({ useObjectStreams: false });
}
