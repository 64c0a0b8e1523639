/**
 * WOFF 1.0 files (the `.woff` twin of each `.woff2` in the @fontsource packages): their tables,
 * inflated, and the plain TrueType file they wrap.
 */
import { deflateSync, inflateSync } from "node:zlib";

/** The font's table directory, by tag: where each table's bytes are, nothing inflated yet. */
function woffDirectory(woff: Buffer): Map<string, { checksum: number; data: Buffer; original: number }> {
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

/** The font's tables, by tag, inflated. */
export function woffTables(woff: Buffer): { flavor: number; tables: Map<string, { checksum: number; data: Buffer }> } {
  const tables = new Map([...woffDirectory(woff)].map(([tag, table]) => [tag, { checksum: table.checksum, data: inflated(table) }]));
  return { flavor: woff.readUInt32BE(4), tables };
}

/** The TrueType (sfnt) file inside a WOFF file. */
export function woffToSfnt(woff: Buffer): Buffer {
  const { flavor, tables } = woffTables(woff);
  const count = tables.size;
  const selector = Math.floor(Math.log2(count));
  const head = Buffer.alloc(12 + 16 * count);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(count, 4);
  head.writeUInt16BE(2 ** selector * 16, 6);
  head.writeUInt16BE(selector, 8);
  head.writeUInt16BE(count * 16 - 2 ** selector * 16, 10);
  const bodies: Buffer[] = [];
  let offset = head.length;
  let i = 0;
  for (const [tag, { checksum, data }] of [...tables].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const at = 12 + 16 * i++;
    head.write(tag, at, "latin1");
    head.writeUInt32BE(checksum, at + 4);
    head.writeUInt32BE(offset, at + 8);
    head.writeUInt32BE(data.length, at + 12);
    const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
    data.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  }
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
  const bodies: Buffer[] = [];
  let offset = head.length;
  let sfntSize = 12 + 16 * count;
  tables.forEach(({ tag, checksum, data, stored }, i) => {
    const at = 44 + 20 * i;
    tag.copy(head, at);
    head.writeUInt32BE(offset, at + 4);
    head.writeUInt32BE(stored.length, at + 8);
    head.writeUInt32BE(data.length, at + 12);
    head.writeUInt32BE(checksum, at + 16);
    const padded = Buffer.alloc(Math.ceil(stored.length / 4) * 4);
    stored.copy(padded);
    bodies.push(padded);
    offset += padded.length;
    sfntSize += Math.ceil(data.length / 4) * 4;
  });
  head.write("wOFF", 0, "latin1");
  head.writeUInt32BE(sfnt.readUInt32BE(0), 4);
  head.writeUInt32BE(offset, 8);
  head.writeUInt16BE(count, 12);
  head.writeUInt32BE(sfntSize, 16);
  head.writeUInt16BE(1, 20);
  return Buffer.concat([head, ...bodies]);
}
