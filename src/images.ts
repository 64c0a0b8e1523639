/**
 * PNG, JPEG, GIF or WebP files, known by their first bytes (never their name), with their size from the header; nothing
 * here decodes pixels. SVG is refused: it can carry scripts and fetch files.
 */

export type ImageFormat = "png" | "jpg" | "gif" | "webp";

export interface ImageInfo {
  format: ImageFormat;
  mime: string;
  width: number;
  height: number;
}

const MIME: Record<ImageFormat, string> = { png: "image/png", jpg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

const ascii = (b: Buffer, from: number, length: number) => b.toString("latin1", from, from + length);

/** JPEG start-of-frame markers: they carry the size (not DHT C4, JPG C8 or DAC CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan before any frame header
    if (SOF.has(marker)) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}

/**
 * A GIF's size: its screen, grown to hold every frame. A frame may be larger than the screen the
 * header gives, and Chromium draws it whole: a 10 × 10 screen can carry a 20000 × 20000 frame.
 */
function gifSize(b: Buffer): { width: number; height: number } {
  let width = b.readUInt16LE(6);
  let height = b.readUInt16LE(8);
  let i = 13 + (b[10] & 0x80 ? 3 << ((b[10] & 7) + 1) : 0); // after the global colour table
  const skipBlocks = () => {
    while (i < b.length && b[i] !== 0) i += b[i] + 1;
    i += 1;
  };
  while (i < b.length) {
    if (b[i] === 0x21) {
      i += 2; // an extension: its label, then its data blocks
      skipBlocks();
    } else if (b[i] === 0x2c && i + 10 <= b.length) {
      width = Math.max(width, b.readUInt16LE(i + 1) + b.readUInt16LE(i + 5));
      height = Math.max(height, b.readUInt16LE(i + 3) + b.readUInt16LE(i + 7));
      i += 10 + (b[i + 9] & 0x80 ? 3 << ((b[i + 9] & 7) + 1) : 0) + 1; // the local colour table, the LZW code size
      skipBlocks();
    } else break; // the trailer, or bytes no decoder reads
  }
  return { width, height };
}

function webpSize(b: Buffer): { width: number; height: number } | undefined {
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 " && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === "VP8L" && b.length >= 25 && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X" && b.length >= 30) return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}

/** What the bytes are, if they are an image broadside takes; `undefined` for anything else. */
export function sniffImage(bytes: Uint8Array): ImageInfo | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let size: { width: number; height: number } | undefined;
  let format: ImageFormat | undefined;
  if (b.length >= 24 && ascii(b, 0, 8) === "\x89PNG\r\n\x1a\n" && ascii(b, 12, 4) === "IHDR") {
    format = "png";
    size = { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  } else if (b.length >= 10 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) {
    format = "gif";
    size = gifSize(b);
  } else if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    format = "jpg";
    size = jpegSize(b);
  } else if (b.length >= 16 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
    format = "webp";
    size = webpSize(b);
  }
  if (!format || !size || size.width <= 0 || size.height <= 0) return undefined;
  return { format, mime: MIME[format], ...size };
}

/** A short name for what a refused file looks like, for the message. */
export function describeBytes(bytes: Uint8Array): string {
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg")))
    return "an SVG image (SVG can carry scripts and fetch files; export it as PNG)";
  if (head.startsWith("<")) return "HTML or XML, not an image";
  if (head.startsWith("%pdf")) return "a PDF, not an image";
  if (bytes.length === 0) return "empty";
  return "not a PNG, JPEG, GIF or WebP image";
}
