/** Types of pdf-file.mjs (plain JavaScript, so that the PDF reader's worker runs it without the TypeScript loader). */

/** [str, x, y (baseline), width, font size, end of line, marked-content depth, marked-content id] */
export type PdfItem = [string, number, number, number, number, boolean, number, string | null];

export interface PdfLink {
  rect: number[];
  /** The destination's name, for a link to a named destination. */
  name: string | null;
  /** [page index, x, y] (x, y null when the destination gives none); null when it resolves to no page. */
  dest: [number, number | null, number | null] | null;
  /** A link out of the document (a URI or other action). */
  external: boolean;
}

export interface PdfPage {
  links: PdfLink[];
}

/** A list item of a tagged page: the marked-content ids of its label and of the rest. */
export interface PdfListItem {
  label: string[];
  body: string[];
}

export interface PdfText {
  items: PdfItem[];
  lis: PdfListItem[];
}

/** A file this reader cannot read, and why. */
export declare class PdfError extends Error {}

/**
 * Every page's links, and the text and list items of the pages that can hold calls or notes:
 * pages with links to a destination named by `calls`, the pages those lead to and the page
 * after each; every page when no such link leads anywhere. Throws a {@link PdfError} for a file
 * it cannot read.
 */
export declare function readPdfBytes(bytes: Uint8Array, calls: RegExp): { pages: PdfPage[]; texts: Record<number, PdfText> };
