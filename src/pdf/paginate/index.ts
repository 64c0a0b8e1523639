/**
 * Pagination, the Node side: the in-page module (./in-page.ts), bundled into one browser script by
 * bin/bundle.mjs, is evaluated in the page through the DevTools protocol: the page's own JavaScript stays off.
 */
import inPageScript from "broadside:paginate-in-page";
import type { Page } from "puppeteer-core";
import type { PaginateOptions, PaginateResult } from "./in-page.ts";

export type { PaginateOptions, PaginateResult };

/**
 * The document to load for pagination, with a rule that keeps its body from being laid out as one
 * long page first (thrown away, and done twice: with fallback fonts, then the inlined ones).
 */
export function holdLayout(html: string): string {
  const hold = `<style id="bs-hold-layout">body>*{display:none!important}</style>`;
  // Right after <head>, before any text of the source: a front-matter value may write `</head>` into a <meta> attribute.
  const head = /<head>/i.exec(html);
  return head ? html.slice(0, head.index + 6) + hold + html.slice(head.index + 6) : hold + html;
}

/** Evaluate the in-page script in the page, then `call` on its exports. */
const inPage = (page: Page, call: string) => page.evaluate(`${inPageScript}\n;broadsidePaginate.${call}`);

/** Lay out the document in `page` (set for print media, loaded with `holdLayout`) into page boxes. */
export async function paginatePage(page: Page, options: PaginateOptions): Promise<PaginateResult> {
  return (await inPage(page, `paginate(${JSON.stringify(options)})`)) as PaginateResult;
}

/** Let Chromium make the pages (a vertical edition): no pages counted, the geometry read. */
export async function releaseLayout(page: Page): Promise<PaginateResult> {
  const geometry = (await inPage(page, "release()")) as PaginateResult["geometry"];
  return { pages: 0, geometry };
}

/** Pages in a PDF Chromium wrote (no object streams): its /Type /Page objects. */
export function countPdfPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  return text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}
