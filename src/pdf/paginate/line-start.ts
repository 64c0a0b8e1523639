import { indexIn, type Point } from "./dom.ts";

const LETTERS = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** The first character of the line below `threshold` (a client y) in `texts`, as a point to cut at. */
export function lineStart(range: Range, texts: Text[], threshold: number, container: Element): Point | undefined {
  const starts: number[] = [];
  let total = 0;
  for (const t of texts) {
    starts.push(total);
    total += t.data.length;
  }
  /** Character `g` of the texts taken as one string. */
  const at = (g: number): [Text, number] => {
    let lo = 0;
    let hi = texts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= g) lo = mid;
      else hi = mid - 1;
    }
    return [texts[lo], g - starts[lo]];
  };
  const middle = (g: number): number | undefined => {
    const [t, o] = at(g);
    if (o >= t.data.length || /\s/.test(t.data[o])) return undefined;
    range.setStart(t, o);
    range.setEnd(t, Math.min(t.data.length, o + 1));
    const r = range.getClientRects()[0];
    return r && (r.width > 0 || r.height > 0) ? (r.top + r.bottom) / 2 : undefined;
  };
  /** Is character g on the line below? (Unmeasurable characters go with the next one.) */
  const below = (g: number): boolean => {
    for (let next = g; next < total; next++) {
      const m = middle(next);
      if (m !== undefined) return m > threshold;
    }
    return true;
  };
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (below(mid)) hi = mid;
    else lo = mid + 1;
  }
  while (lo < total && middle(lo) === undefined) lo++; // start at a character, not at the space before it
  if (lo <= 0 || lo >= total) return undefined;
  const [text, offset] = at(lo);
  const [prevText, prevOffset] = at(lo - 1);
  if (offset === 0) {
    // Cut before the outermost inline element this text starts, so that no empty copy of it stays behind.
    let node: Node = text;
    while (node.parentNode && node.parentNode !== container && !node.previousSibling) node = node.parentNode;
    return { node: node.parentNode!, offset: indexIn(node) };
  }
  // A word cut in two (no hyphenation dictionary: only overlong words are) gets a hyphen; a URL does not.
  const hyphen = prevText === text && LETTERS.test(prevText.data[prevOffset]) && LETTERS.test(text.data[offset]) && !text.parentElement?.closest("a");
  return { node: text, offset, hyphen };
}
