/** Page renderings (`pdftoppm -png`) read and compared, for the reference-image tests. */
import { inflateSync } from "node:zlib";

/** Grey levels of an 8-bit, non-interlaced grey or RGB PNG (what pdftoppm writes). */
export function readPng(bytes: Buffer): { width: number; height: number; grey: Uint8Array } {
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const chunk = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      [width, height] = [chunk.readUInt32BE(0), chunk.readUInt32BE(4)];
      const [depth, colour, interlace] = [chunk[8], chunk[9], chunk[12]];
      if (depth !== 8 || interlace !== 0 || (colour !== 0 && colour !== 2)) throw new Error(`PNG not 8-bit grey or RGB, non-interlaced`);
      channels = colour === 0 ? 1 : 3;
    } else if (type === "IDAT") data.push(chunk);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      pixels[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth][filter]) & 0xff;
    }
  }
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = channels === 1 ? pixels[i] : Math.round((pixels[i * 3] + pixels[i * 3 + 1] + pixels[i * 3 + 2]) / 3);
  return { width, height, grey };
}

/** Mean grey level of each `size` × `size` block of pixels. */
function blocks(image: ReturnType<typeof readPng>, size: number): Float64Array {
  const [w, h] = [Math.floor(image.width / size), Math.floor(image.height / size)];
  const out = new Float64Array(w * h);
  for (let by = 0; by < h; by++) {
    for (let bx = 0; bx < w; bx++) {
      let sum = 0;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) sum += image.grey[(by * size + y) * image.width + bx * size + x];
      out[by * w + bx] = sum / (size * size);
    }
  }
  return out;
}

/** Mean absolute difference of two renderings' `size` × `size` px blocks (default 5), in grey levels (0–255). */
export function meanDifference(a: ReturnType<typeof readPng>, b: ReturnType<typeof readPng>, size = 5): number {
  if (a.width !== b.width || a.height !== b.height) return Number.POSITIVE_INFINITY;
  const [x, y] = [blocks(a, size), blocks(b, size)];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
  return sum / x.length;
}
