/**
 * Pagination, the Node side: the in-page module (./in-page.ts), bundled into one browser script by
 * bin/bundle.mjs, is evaluated in the page through the DevTools protocol: the page's own JavaScript stays off.
 */
import inPageScript from "broadside:paginate-in-page";
import type { Page } from "puppeteer-core";
import type { Letter } from "../../letter.ts";
import { fail } from "../../messages.ts";
import { type PaginateOptions, type PaginateResult, STUCK, type Stuck } from "./in-page.ts";

export type { PaginateOptions, PaginateResult };

/** Pagination stopped making progress at a page: a bug of broadside's, reported against the source (`where` tells what was left). */
export class PaginationStuckError extends Error {
  constructor(readonly where: Stuck) {
    const text = !where.text ? "" : where.clipped ? `, starting “${where.text}”` : `, where the text left starts “${where.text}”`;
    super(
      where.clipped
        ? `Page ${where.page} would cut off a block taller than a page, with no place for a page to end${text}`
        : `broadside's pagination made no progress at page ${where.page}${text}`,
    );
    this.name = "PaginationStuckError";
  }
}

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

/** A stuck pagination, or a page that would cut its text off, as an error on the letter at the note call or note it names (if any); any other error is thrown again. */
export function reportStuck(letter: Letter, error: unknown): undefined {
  if (!(error instanceof PaginationStuckError)) throw error;
  const { call, note } = error.where;
  const called = call && /^note-call-(\d+)(?:-(\d+))?$/.exec(call);
  const entry = letter.notes.notes[Number(called ? called[1] : note) - 1];
  const place = called ? entry?.references[Number(called[2] ?? 1) - 1] : entry?.definition;
  const near = called ? " (in the block with this note call)" : place ? " (in this note)" : "";
  // Cut off: a block of the letter that no page can hold; else a bug of broadside's.
  const [reason, rule] = error.where.clipped
    ? [`${error.message}${near}: break it into shorter parts`, "pagination-clipped"]
    : [
        `${error.message}${near}: a bug of broadside's, please report it with the source; \`notes: endnotes\` may print the letter meanwhile`,
        "pagination-stuck",
      ];
  fail(letter.file, reason, place, rule);
}

/** Evaluate the in-page script in the page, then `call` on its exports. */
const inPage = (page: Page, call: string) => page.evaluate(`${inPageScript}\n;broadsidePaginate.${call}`);

/** Lay out the document in `page` (set for print media, loaded with `holdLayout`) into page boxes. */
export async function paginatePage(page: Page, options: PaginateOptions): Promise<PaginateResult> {
  try {
    return (await inPage(page, `paginate(${JSON.stringify(options)})`)) as PaginateResult;
  } catch (error) {
    const message = (error as Error)?.message ?? "";
    const at = message.indexOf(STUCK);
    if (at < 0) throw error;
    throw new PaginationStuckError(JSON.parse(message.slice(at + STUCK.length).split("\n")[0]) as Stuck);
  }
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
