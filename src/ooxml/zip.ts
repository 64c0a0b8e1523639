/**
 * The ZIP container of a .docx, read as a stranger's file: the central directory checked (count, offsets, overlaps, duplicate names, encryption,
 * methods; ZIP64 refused) before any part is inflated, each stopping at its ceiling, so no part takes more memory than its limit.
 */
import { inflateRawSync } from "node:zlib";
import { zipSync } from "fflate";

/** Far above a real letter (under 1 MB, some twenty entries, XML parts of a few hundred kB). */
export const ZIP_LIMITS = {
  /** The .docx file itself. */
  fileBytes: 100 * 1024 * 1024,
  /** Entries in the package (a letter has about 15; images add one each). */
  entries: 2_000,
  /** One XML part, inflated. */
  partBytes: 16 * 1024 * 1024,
  /** All the XML parts read, inflated. */
  totalBytes: 48 * 1024 * 1024,
};

const MB = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

/** What a translator can do about a .docx too large to import. */
export const SMALLER_IMAGES = "images can be made smaller in Word (File › Compress Pictures)";

/** The package could not be opened as a .docx at all; the message says why, for a user. */
export class PackageError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  size: number;
  /** Where the entry's data starts and ends in the file. */
  start: number;
  end: number;
  /** Where its local header and its record in the central directory start. */
  local: number;
  central: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The entries of the central directory, checked against the file's bytes. */
export function zipEntries(bytes: Uint8Array, limits = ZIP_LIMITS): ZipEntry[] {
  if (bytes.length > limits.fileBytes)
    throw new PackageError(`it is larger than ${MB(limits.fileBytes)} (${MB(bytes.length)}), far more than a letter; ${SMALLER_IMAGES}`);
  if (bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new PackageError(
      "it is an old Word document (.doc) or a .docx protected by a password; save it as a Word document (.docx) without a password and import that",
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  // The end-of-central-directory record: 22 bytes and a comment of at most 65,535.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === EOCD && at + 22 + u16(at + 20) === bytes.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0)
    throw new PackageError(
      "it is not a .docx (not a ZIP package, or it was cut off: its end is missing); open it in Word or LibreOffice and save it as a Word document (.docx)",
    );
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    throw new PackageError("it is a ZIP64 package, which no .docx of a letter's size needs");
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0 || u16(eocd + 8) !== count) throw new PackageError("it is a ZIP split over several files");
  if (count > limits.entries) throw new PackageError(`it has ${count} entries, more than the ${limits.entries} broadside reads (a letter has about 15)`);
  if (cdOffset + cdSize > eocd) throw new PackageError("it is damaged: its table of contents points past the end of the file");

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdOffset + cdSize || u32(at) !== CENTRAL) throw new PackageError("it is damaged: its table of contents is cut off or malformed");
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const compressedSize = u32(at + 20);
    const size = u32(at + 24);
    const nameLength = u16(at + 28);
    const local = u32(at + 42);
    const next = at + 46 + nameLength + u16(at + 30) + u16(at + 32);
    if (next > cdOffset + cdSize) throw new PackageError("it is damaged: its table of contents is cut off or malformed");
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (names.has(name)) throw new PackageError(`it is damaged: it holds two entries named ${name}`);
    names.add(name);
    if (flags & 1) throw new PackageError(`its entry ${name} is encrypted; save the document without a password and import that`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff)
      throw new PackageError("it is a ZIP64 package, which no .docx of a letter's size needs");
    if (local + 30 > cdOffset || u32(local) !== LOCAL) throw new PackageError(`it is damaged: its entry ${name} points past the end of its data`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    const end = start + compressedSize;
    if (end > cdOffset) throw new PackageError(`it is damaged: its entry ${name} points past the end of its data`);
    if (method !== 0 && method !== 8)
      throw new PackageError(`its entry ${name} is compressed with method ${method}; Word and LibreOffice use only deflate: save the document again`);
    entries.push({ name, method, size, start, end, local, central: at });
    at = next;
  }
  // Entries that share bytes are how a small file claims to hold many large parts.
  const sorted = [...entries].sort((a, b) => a.local - b.local);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].local < sorted[i - 1].end)
      throw new PackageError(`it is damaged or built to attack: its entries ${sorted[i - 1].name} and ${sorted[i].name} overlap`);
  }
  return entries;
}

/**
 * Inflate the entries `wanted` selects, each within `partBytes` and all together within
 * `totalBytes`, stopping the moment a part's output passes its ceiling.
 */
export function unzipParts(bytes: Uint8Array, entries: ZipEntry[], wanted: (name: string) => boolean, limits = ZIP_LIMITS): Record<string, Uint8Array> {
  const parts: Record<string, Uint8Array> = {};
  let total = 0;
  for (const entry of entries) {
    if (!wanted(entry.name) || entry.name.endsWith("/")) continue;
    const ceiling = Math.min(limits.partBytes, limits.totalBytes - total);
    if (entry.size > ceiling)
      throw new PackageError(
        ceiling < limits.partBytes
          ? `its XML parts inflate to more than ${MB(limits.totalBytes)} together (at ${entry.name}), far more than a letter`
          : `its part ${entry.name} inflates to more than ${MB(limits.partBytes)}, far more than a letter`,
      );
    const data = bytes.subarray(entry.start, entry.end);
    const wrongSize = (what: string) =>
      new PackageError(`it is damaged or built to attack: its part ${entry.name} inflates to ${what} than the ${entry.size} bytes its entry says`);
    let out: Uint8Array;
    if (entry.method === 0) {
      out = data;
    } else {
      try {
        // A part may not inflate to more than its entry says: one byte more and inflating stops.
        out = inflateRawSync(data, { maxOutputLength: entry.size + 1 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw wrongSize("more");
        throw new PackageError(`it is damaged: its part ${entry.name} cannot be inflated (${(error as Error).message})`);
      }
    }
    if (out.length !== entry.size) throw wrongSize(out.length > entry.size ? "more" : "fewer");
    total += out.length;
    parts[entry.name] = out;
  }
  return parts;
}

/** Files zipped in the order given, dated as `redate` dates them: the same files and SOURCE_DATE_EPOCH give the same bytes. */
export function zipAt(files: Record<string, Uint8Array>, date: Date): Uint8Array {
  return redate(zipSync(files, { level: 6 }), date);
}

/**
 * A ZIP package whose writer dated its entries by the clock (the `docx` library's Packer has no option
 * for it), every entry dated `date`'s UTC fields instead: the same parts and date give the same bytes.
 */
export function redate(zip: Uint8Array, date: Date): Uint8Array {
  const d = new Date(Math.max(date.getTime(), Date.UTC(1980, 0, 2)));
  if (d.getUTCFullYear() > 2099) throw new RangeError(`a ZIP entry cannot be dated ${d.toISOString()}`);
  // MS-DOS time and date, two-second steps: the time in the low half, the date in the high half.
  const day = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The package is our own: no limit on its size or entries.
  for (const entry of zipEntries(zip, { ...ZIP_LIMITS, fileBytes: Infinity, entries: Infinity })) {
    for (const at of [entry.local + 10, entry.central + 12]) {
      view.setUint16(at, time, true);
      view.setUint16(at + 2, day, true);
    }
  }
  return zip;
}
