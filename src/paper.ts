/** Paper and units, one home for each: the papers a letter is set on, their sizes, and CSS, PDF and Word lengths in points. */

/** The papers a user asks for, as CSS `@page { size }` keywords. */
export const PAPERS = ["a4", "letter"] as const;
/** Papers a letter may be set on: the two a user asks for, and the half sizes of a packet's booklet. */
export type Paper = (typeof PAPERS)[number] | "a5" | "half-letter";
/** The page of a packet's booklet: half its paper, two to a sheet. */
export const BOOKLET_PAPER = { a4: "a5", letter: "half-letter" } as const satisfies Record<(typeof PAPERS)[number], Paper>;

/** Points (PDF's unit, 1/72 in) in one unit of each length; `px` is CSS's (96 to the inch). */
export const POINTS = { mm: 72 / 25.4, cm: 720 / 25.4, in: 72, pt: 1, px: 0.75 } as const;

/** Each paper upright, [width, height] in points. */
export const PAPER_SIZE: Record<Paper, readonly [number, number]> = {
  a4: [210 * POINTS.mm, 297 * POINTS.mm],
  letter: [8.5 * POINTS.in, 11 * POINTS.in],
  a5: [148 * POINTS.mm, 210 * POINTS.mm],
  "half-letter": [5.5 * POINTS.in, 8.5 * POINTS.in],
};

/** Points in Word's unit, the twentieth of a point. */
export const twips = (points: number) => Math.round(points * 20);
/** Word's twips in whole CSS pixels, rounded down: 20 twips to the point, 0.75 point to the pixel. */
export const twipsToPx = (value: number) => Math.floor(value / 15);

/** `3mm`, `0.125in`, `9pt` (no unit: millimetres) in points; null when it is not a length. */
export function toPoints(value: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*$/i.exec(value);
  return m ? Number(m[1]) * POINTS[(m[2]?.toLowerCase() ?? "mm") as keyof typeof POINTS] : null;
}
