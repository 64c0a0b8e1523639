/**
 * The sheet and its margins as the document's own print CSS sets them (templates/print.css and the
 * per-document `@page{size:…}` rule): the one reader of `@page` rules, run in the page.
 */
import { PAPER_SIZE, POINTS } from "../../paper.ts";

const SIDES = ["top", "right", "bottom", "left"] as const;
/** The sheet and its margins, in CSS px. */
export type PageGeometry = Record<"width" | "height" | (typeof SIDES)[number], number>;

/** Named sizes, upright, in CSS px: the papers broadside sets (src/paper.ts). */
const PAPER = Object.fromEntries(Object.entries(PAPER_SIZE).map(([name, size]) => [name, size.map((points) => points / POINTS.px)]));

function toPx(value: string): number | undefined {
  const m = /^(-?\d*\.?\d+)([a-z]*)$/i.exec(value.trim());
  if (!m) return undefined;
  const unit = POINTS[(m[2] || "px").toLowerCase() as keyof typeof POINTS];
  return unit === undefined ? undefined : (Number(m[1]) * unit) / POINTS.px;
}

/** The sheet and margins the unnamed @page rules that apply to print set, the last one winning. */
export function readPageGeometry(): PageGeometry {
  let size = "";
  const margins = { top: "0", right: "0", bottom: "0", left: "0" };
  const read = (rules: CSSRuleList) => {
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSMediaRule) {
        if (matchMedia(rule.media.mediaText).matches) read(rule.cssRules);
      } else if (rule instanceof CSSPageRule && rule.selectorText.trim() === "") {
        size = rule.style.getPropertyValue("size") || size;
        for (const side of SIDES) margins[side] = rule.style.getPropertyValue(`margin-${side}`) || margins[side];
      }
    }
  };
  for (const sheet of Array.from(document.styleSheets)) {
    if (sheet.disabled || (sheet.media.mediaText && !matchMedia(sheet.media.mediaText).matches)) continue;
    read(sheet.cssRules);
  }
  let [width, height] = PAPER.letter; // what Chromium prints when no size is given
  const words = size.toLowerCase().split(/\s+/).filter(Boolean);
  const lengths = words.map(toPx).filter((n): n is number => n !== undefined);
  const named = words.find((w) => PAPER[w]);
  if (named) [width, height] = PAPER[named];
  else if (lengths.length) [width, height] = [lengths[0], lengths[1] ?? lengths[0]];
  const landscape = words.includes("landscape");
  if ((landscape || words.includes("portrait")) && landscape !== width > height) [width, height] = [height, width];
  const side = (name: (typeof SIDES)[number]) => {
    const px = toPx(margins[name]);
    if (px === undefined) throw new Error(`@page margin-${name}: ${margins[name]} is not a length broadside can read (use mm, cm, in, pt or px)`);
    return px;
  };
  return { width, height, top: side("top"), right: side("right"), bottom: side("bottom"), left: side("left") };
}
