/** WOFF 1.0 files (the `.woff` twin of each @fontsource `.woff2`): their tables, inflated, and the TrueType file they wrap. */
import { deflateSync, inflateSync } from "node:zlib";

/** The font's table directory, by tag: where each table's bytes are, nothing inflated yet. */
function woffDirectory(woff: Buffer) {
  if (woff.toString("latin1", 0, 4) !== "wOFF") throw new Error("not a WOFF file");
  const tables = new Map<string, { checksum: number; data: Buffer; original: number }>();
  const count = woff.readUInt16BE(12);
  for (let i = 0; i < count; i++) {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const data = woff.subarray(offset, offset + woff.readUInt32BE(at + 8));
    tables.set(woff.toString("latin1", at, at + 4), { checksum: woff.readUInt32BE(at + 16), data, original: woff.readUInt32BE(at + 12) });
  }
  return tables;
}

const inflated = ({ data, original }: { data: Buffer; original: number }) => (data.length < original ? inflateSync(data) : data);

/** One table of the font, inflated (only that one: a face's glyphs are most of its bytes). */
export function woffTable(woff: Buffer, tag: string): Buffer | undefined {
  const found = woffDirectory(woff).get(tag);
  return found && inflated(found);
}

/** The bytes, zero-padded to a multiple of 4 (font tables start on 4-byte boundaries). */
const padded = (data: Buffer) => Buffer.concat([data, Buffer.alloc(-data.length & 3)]);

/** The TrueType (sfnt) file inside a WOFF file. */
export function woffToSfnt(woff: Buffer): Buffer {
  const tables = [...woffDirectory(woff)].sort(([a], [b]) => (a < b ? -1 : 1));
  const count = tables.length;
  const selector = Math.floor(Math.log2(count));
  const head = Buffer.alloc(12 + 16 * count);
  head.writeUInt32BE(woff.readUInt32BE(4), 0);
  head.writeUInt16BE(count, 4);
  head.writeUInt16BE(2 ** selector * 16, 6);
  head.writeUInt16BE(selector, 8);
  head.writeUInt16BE(count * 16 - 2 ** selector * 16, 10);
  let offset = head.length;
  const bodies = tables.map(([tag, table], i) => {
    const data = inflated(table);
    const at = 12 + 16 * i;
    head.write(tag, at, "latin1");
    head.writeUInt32BE(table.checksum, at + 4);
    head.writeUInt32BE(offset, at + 8);
    head.writeUInt32BE(data.length, at + 12);
    const body = padded(data);
    offset += body.length;
    return body;
  });
  return Buffer.concat([head, ...bodies]);
}

/**
 * A TrueType (sfnt) file wrapped as WOFF 1.0, each table deflated by Node's zlib (the page's
 * subset faces: the JavaScript deflate of a WOFF library took longer than the subsetting).
 */
export function sfntToWoff(sfnt: Buffer): Buffer {
  const count = sfnt.readUInt16BE(4);
  const tables = Array.from({ length: count }, (_, i) => {
    const at = 12 + 16 * i;
    const offset = sfnt.readUInt32BE(at + 8);
    const data = sfnt.subarray(offset, offset + sfnt.readUInt32BE(at + 12));
    const deflated = deflateSync(data);
    return { tag: sfnt.subarray(at, at + 4), checksum: sfnt.readUInt32BE(at + 4), data, stored: deflated.length < data.length ? deflated : data };
  });
  const head = Buffer.alloc(44 + 20 * count);
  let offset = head.length;
  let sfntSize = 12 + 16 * count;
  const bodies = tables.map(({ tag, checksum, data, stored }, i) => {
    const at = 44 + 20 * i;
    tag.copy(head, at);
    head.writeUInt32BE(offset, at + 4);
    head.writeUInt32BE(stored.length, at + 8);
    head.writeUInt32BE(data.length, at + 12);
    head.writeUInt32BE(checksum, at + 16);
    sfntSize += Math.ceil(data.length / 4) * 4;
    const body = padded(stored);
    offset += body.length;
    return body;
  });
  head.write("wOFF", 0, "latin1");
  head.writeUInt32BE(sfnt.readUInt32BE(0), 4);
  head.writeUInt32BE(offset, 8);
  head.writeUInt16BE(count, 12);
  head.writeUInt32BE(sfntSize, 16);
  head.writeUInt16BE(1, 20);
  return Buffer.concat([head, ...bodies]);
}
