/**
 * The characters a font file really has, from its `cmap` table: a subset's `unicode-range` can claim characters it has no
 * glyph for, and a browser then moves on to the host's fonts. Read from the `.woff` twin (zlib, no WOFF2 decoder needed).
 */
import { readFileSync } from "node:fs";
import { woffTable } from "../woff.ts";

const cache = new Map<string, Set<number>>();

function readCmap(cmap: Buffer): Set<number> {
  const points = new Set<number>();
  const count = cmap.readUInt16BE(2);
  for (let i = 0; i < count; i++) {
    const platform = cmap.readUInt16BE(4 + i * 8);
    const encoding = cmap.readUInt16BE(6 + i * 8);
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue;
    const at = cmap.readUInt32BE(8 + i * 8);
    const format = cmap.readUInt16BE(at);
    if (format === 4) {
      const segments = cmap.readUInt16BE(at + 6) / 2;
      const ends = at + 14;
      const starts = ends + segments * 2 + 2;
      const deltas = starts + segments * 2;
      const offsets = deltas + segments * 2;
      for (let s = 0; s < segments; s++) {
        const end = cmap.readUInt16BE(ends + s * 2);
        const start = cmap.readUInt16BE(starts + s * 2);
        const delta = cmap.readUInt16BE(deltas + s * 2);
        const rangeOffset = cmap.readUInt16BE(offsets + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          // Without a range offset the glyph is the code plus delta, else the glyph array's entry (0: none) plus delta.
          const g = rangeOffset === 0 ? c : cmap.readUInt16BE(offsets + s * 2 + rangeOffset + (c - start) * 2);
          if ((rangeOffset === 0 || g !== 0) && ((g + delta) & 0xffff) !== 0) points.add(c);
        }
      }
    } else if (format === 12) {
      const groups = cmap.readUInt32BE(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = cmap.readUInt32BE(at + 16 + g * 12);
        const end = cmap.readUInt32BE(at + 20 + g * 12);
        const glyph = cmap.readUInt32BE(at + 24 + g * 12);
        for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) points.add(c);
      }
    }
  }
  return points;
}

/** The code points a `.woff2` face draws (read from its `.woff` twin). */
export function characters(woff2: string): Set<number> {
  let points = cache.get(woff2);
  if (!points) {
    const woff = woff2.replace(/\.woff2$/, ".woff");
    try {
      const cmap = woffTable(readFileSync(woff), "cmap");
      if (!cmap) throw new Error("no cmap table");
      points = readCmap(cmap);
    } catch (error) {
      throw new Error(`Cannot read the characters of the font ${woff}: ${(error as Error).message}`);
    }
    cache.set(woff2, points);
  }
  return points;
}
