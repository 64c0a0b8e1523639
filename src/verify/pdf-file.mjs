// A PDF reader for proving what a built PDF shows: the objects of the file, each page's links,
// the text a viewer draws (with where it draws it) and the document's structure tree. Plain
// JavaScript, so that the PDF reader's worker thread runs it without the TypeScript loader; it
// shares no code with the compilers (it knows PDF, not our HTML).
//
// It reads what PDF writers write for text (ISO 32000-1): cross-reference tables and streams
// (with their PNG predictors) over any number of incremental updates, object streams, Flate
// streams, Type0 fonts with 2-byte codes and simple fonts with 1-byte codes, both through their
// ToUnicode maps, the text operators with their state (Tm, Td, TD, T*, TL, Tc, Tw, Tz, Ts, Tf,
// Tj, TJ, ', "), the graphics state (q, Q, cm), form XObjects, marked content (BMC, BDC, EMC),
// link annotations with destinations by name (the catalog's Dests, or its Names tree) or
// explicit, and the structure tree from its root (with its role map). A file it cannot read
// (another filter, an encrypted file, a broken cross-reference table) is an error, never a wrong
// reading; one that refers to itself in circles is read once through each node.
//
// It replaced pdf.js here: pdf.js reads everything a viewer needs (fonts, images, every glyph's
// transform through its general text-layout code), and took 12 ms a page; this takes what the
// proof needs, and reads the letter ×50 (231 pages) several times faster.
import { inflateSync } from "node:zlib";

/** Bytes as a latin1 string (one character a byte), without a copy. */
const latin1 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

class Name {
  constructor(name) {
    this.name = name;
  }
}
class Ref {
  constructor(num, gen) {
    this.num = num;
    this.gen = gen;
  }
  /** What identifies the object here: its number (the file's newest generation is the one read). */
  get key() {
    return this.num;
  }
}
/** A keyword or an operator of a content stream. */
class Op {
  constructor(op) {
    this.op = op;
  }
}
const OPS = new Map();
/** The content stream's operators (literals, so that a switch on them compares pointers), by their codes. */
const SHORT_OPS = new Map();
for (const name of "b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf TJ Tj TL Tm Tr Ts Tw Tz v w W W* y ' \" R obj".split(" ")) {
  const op = new Op(name);
  OPS.set(name, op);
  if (name.length <= 3) SHORT_OPS.set([...name].reduce((k, ch) => k * 256 + ch.charCodeAt(0), 0), op);
}
/** A stream: its dictionary and where its bytes are (decoded on demand). */
class Stream {
  constructor(dict, bytes) {
    this.dict = dict;
    this.bytes = bytes;
  }
}

export class PdfError extends Error {}

const WHITE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITE[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of "()<>[]{}/%") DELIM[c.charCodeAt(0)] = 1;
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX["0123456789abcdef".charCodeAt(i)] = HEX["0123456789ABCDEF".charCodeAt(i)] = i;

/** Where the number {@link scanNumber} read last ends (a second result, without an object made for two). */
let numberEnd = 0;

/** The number at `i` (digits, a sign, a point), read without slicing: numbers are most of a content stream. */
function scanNumber(s, i) {
  const c = s.charCodeAt(i);
  const negative = c === 45;
  if (c === 43 || c === 45) i++;
  let value = 0;
  let d = s.charCodeAt(i);
  while (d >= 48 && d <= 57) {
    value = value * 10 + (d - 48);
    d = s.charCodeAt(++i);
  }
  if (d === 46) {
    let fraction = 0;
    let divisor = 1;
    d = s.charCodeAt(++i);
    while (d >= 48 && d <= 57) {
      if (divisor < 1e15) {
        fraction = fraction * 10 + (d - 48);
        divisor *= 10;
      }
      d = s.charCodeAt(++i);
    }
    value += fraction / divisor;
  }
  numberEnd = i;
  return negative ? -value : value;
}

/**
 * Tokens and objects of PDF syntax over a latin1 string (one character a byte). Strings come
 * back as latin1 strings of their bytes; names as Name; `R` references as Ref; keywords and
 * operators as Op.
 */
class Lexer {
  constructor(text, pos = 0) {
    this.s = text;
    this.pos = pos;
  }

  skip() {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (WHITE[c] === 1) this.pos++;
      else if (c === 37 /* % */) {
        while (this.pos < s.length && s.charCodeAt(this.pos) !== 10 && s.charCodeAt(this.pos) !== 13) this.pos++;
      } else return;
    }
  }

  /** The next object, or undefined at the end. `]` and `>>` come back as Op. */
  token() {
    this.skip();
    const s = this.s;
    if (this.pos >= s.length) return undefined;
    const c = s.charCodeAt(this.pos);
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      const value = scanNumber(s, this.pos);
      this.pos = numberEnd;
      return value;
    }
    if (c === 47 /* / */) {
      const start = ++this.pos;
      while (this.pos < s.length && WHITE[s.charCodeAt(this.pos)] === 0 && DELIM[s.charCodeAt(this.pos)] === 0) this.pos++;
      const raw = s.slice(start, this.pos);
      return new Name(raw.includes("#") ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))) : raw);
    }
    if (c === 40 /* ( */) return this.literal();
    if (c === 60 /* < */) {
      if (s.charCodeAt(this.pos + 1) === 60) {
        this.pos += 2;
        return this.dict();
      }
      return this.hex();
    }
    if (c === 62 /* > */ && s.charCodeAt(this.pos + 1) === 62) {
      this.pos += 2;
      return new Op(">>");
    }
    if (c === 91 /* [ */) {
      this.pos++;
      return this.array();
    }
    if (c === 93 /* ] */) {
      this.pos++;
      return new Op("]");
    }
    const start = this.pos;
    // Operators of up to three characters, looked up by their codes without a string made.
    let key = 0;
    while (this.pos < s.length && WHITE[s.charCodeAt(this.pos)] === 0 && DELIM[s.charCodeAt(this.pos)] === 0) key = key * 256 + s.charCodeAt(this.pos++);
    if (this.pos === start) this.pos++; // a stray delimiter: skip it
    if (this.pos - start <= 3) {
      const known = SHORT_OPS.get(key);
      if (known) return known;
    }
    const word = s.slice(start, this.pos);
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    let op = OPS.get(word);
    if (!op) OPS.set(word, (op = new Op(word)));
    return op;
  }

  /** An object, with `n g R` read as a reference. */
  object() {
    const value = this.token();
    if (typeof value !== "number" || !Number.isInteger(value)) return value;
    const save = this.pos;
    const gen = this.token();
    if (typeof gen === "number" && Number.isInteger(gen)) {
      const r = this.token();
      if (r instanceof Op && r.op === "R") return new Ref(value, gen);
    }
    this.pos = save;
    return value;
  }

  array() {
    const out = [];
    for (;;) {
      const v = this.object();
      if (v === undefined) throw new PdfError("unterminated array");
      if (v instanceof Op && v.op === "]") return out;
      out.push(v);
    }
  }

  dict() {
    const out = Object.create(null);
    for (;;) {
      const key = this.token();
      if (key === undefined) throw new PdfError("unterminated dictionary");
      if (key instanceof Op && key.op === ">>") return out;
      if (!(key instanceof Name)) continue; // a malformed entry: skip it
      out[key.name] = this.object();
    }
  }

  literal() {
    const s = this.s;
    let depth = 1;
    let out = "";
    let i = this.pos + 1;
    let from = i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 40) depth++;
      else if (c === 41) {
        if (--depth === 0) break;
      } else if (c === 92 /* \ */) {
        out += s.slice(from, i);
        const e = s[++i];
        const simple = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "(": "(", ")": ")", "\\": "\\" }[e];
        if (simple !== undefined) out += simple;
        else if (e >= "0" && e <= "7") {
          let oct = e;
          while (oct.length < 3 && s[i + 1] >= "0" && s[i + 1] <= "7") oct += s[++i];
          out += String.fromCharCode(parseInt(oct, 8) & 255);
        } else if (e === "\r") {
          if (s[i + 1] === "\n") i++;
        } else if (e !== "\n") out += e;
        from = i + 1;
      }
    }
    out += s.slice(from, i);
    this.pos = i + 1;
    return out;
  }

  hex() {
    const s = this.s;
    let out = "";
    let high = -1;
    let i = this.pos + 1;
    for (; i < s.length && s.charCodeAt(i) !== 62; i++) {
      const v = HEX[s.charCodeAt(i)];
      if (v < 0) continue;
      if (high < 0) high = v;
      else {
        out += String.fromCharCode((high << 4) | v);
        high = -1;
      }
    }
    if (high >= 0) out += String.fromCharCode(high << 4);
    this.pos = i + 1;
    return out;
  }
}

/* ---------------------------------------------------------------------------------------- */
/* The file: cross references, objects, streams                                              */
/* ---------------------------------------------------------------------------------------- */

export class PdfFile {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    this.bytes = bytes;
    this.text = latin1(bytes);
    /** object number → { offset } | { stream, index } */
    this.xref = new Map();
    this.cache = new Map();
    this.trailer = this.readXref();
    if (this.trailer.Encrypt) throw new PdfError("the PDF is encrypted");
  }

  readXref() {
    const at = this.text.lastIndexOf("startxref");
    if (at < 0) throw new PdfError("no startxref: not a PDF, or cut short");
    let offset = new Lexer(this.text, at + 9).token();
    let trailer;
    const seen = new Set();
    while (typeof offset === "number" && !seen.has(offset)) {
      seen.add(offset);
      const lexer = new Lexer(this.text, offset);
      const first = lexer.token();
      let section;
      if (first instanceof Op && first.op === "xref") section = this.xrefTable(lexer);
      else section = this.xrefStream(offset);
      trailer ??= section;
      // A hybrid file's table points at a stream as well.
      if (typeof section.XRefStm === "number" && !seen.has(section.XRefStm)) {
        seen.add(section.XRefStm);
        this.xrefStream(section.XRefStm);
      }
      offset = section.Prev;
    }
    if (!trailer?.Root) throw new PdfError("no catalog in the trailer");
    return trailer;
  }

  /** A table section: newer sections were read first, so an entry already known is kept. */
  xrefTable(lexer) {
    for (;;) {
      const start = lexer.token();
      if (start instanceof Op) {
        if (start.op !== "trailer") throw new PdfError(`bad cross-reference table (${start.op})`);
        return lexer.token();
      }
      const count = lexer.token();
      lexer.skip();
      for (let i = 0; i < count; i++) {
        // "oooooooooo ggggg n": a 10-digit offset, a 5-digit generation, in use (n) or free (f).
        const t = this.text;
        const at = lexer.pos;
        let offset = 0;
        for (let k = 0; k < 10; k++) {
          const digit = t.charCodeAt(at + k) - 48;
          if (digit < 0 || digit > 9) throw new PdfError("bad cross-reference entry");
          offset = offset * 10 + digit;
        }
        const kind = t[at + 17];
        if (kind !== "n" && kind !== "f") throw new PdfError("bad cross-reference entry");
        const num = start + i;
        if (!this.xref.has(num)) this.xref.set(num, kind === "n" ? { offset } : null);
        lexer.pos += 18;
        lexer.skip();
      }
    }
  }

  xrefStream(offset) {
    const stream = this.objectAt(offset);
    if (!(stream instanceof Stream) || stream.dict.Type?.name !== "XRef") throw new PdfError("startxref points at no cross-reference");
    const data = this.decode(stream);
    const [w0, w1, w2] = stream.dict.W;
    const index = stream.dict.Index ?? [0, stream.dict.Size];
    const field = (pos, width, fallback) => {
      if (width === 0) return fallback;
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + data[pos + i];
      return v;
    };
    let pos = 0;
    for (let k = 0; k < index.length; k += 2) {
      for (let i = 0; i < index[k + 1] && pos + w0 + w1 + w2 <= data.length; i++) {
        const type = field(pos, w0, 1);
        const a = field(pos + w0, w1, 0);
        const b = field(pos + w0 + w1, w2, 0);
        pos += w0 + w1 + w2;
        const num = index[k] + i;
        if (this.xref.has(num)) continue;
        this.xref.set(num, type === 1 ? { offset: a } : type === 2 ? { stream: a, index: b } : null);
      }
    }
    return stream.dict;
  }

  /** The object at a file offset (`n g obj …`), streams included. */
  objectAt(offset) {
    const lexer = new Lexer(this.text, offset);
    lexer.token();
    lexer.token();
    const obj = lexer.token();
    if (!(obj instanceof Op) || obj.op !== "obj") throw new PdfError(`no object at offset ${offset}`);
    const value = lexer.object();
    const next = lexer.token();
    if (next instanceof Op && next.op === "stream") {
      let start = lexer.pos;
      if (this.text.charCodeAt(start) === 13) start++;
      if (this.text.charCodeAt(start) === 10) start++;
      let length = this.resolve(value.Length);
      if (typeof length !== "number" || !this.text.startsWith("endstream", this.endOf(start + length))) {
        // A wrong /Length: the stream runs to its `endstream`.
        const end = this.text.indexOf("endstream", start);
        if (end < 0) throw new PdfError(`stream at offset ${offset} has no end`);
        length = end - start;
        while (length > 0 && (this.text.charCodeAt(start + length - 1) === 10 || this.text.charCodeAt(start + length - 1) === 13)) length--;
      }
      return new Stream(value, this.bytes.subarray(start, start + length));
    }
    return value;
  }

  endOf(pos) {
    while (WHITE[this.text.charCodeAt(pos)] === 1) pos++;
    return pos;
  }

  /** The value of a reference (or the value itself); a missing object is null. */
  resolve(value) {
    if (!(value instanceof Ref)) return value;
    const key = value.num;
    if (this.cache.has(key)) return this.cache.get(key);
    // An object whose reading needs itself (a /Length or an object stream that refers to its
    // own object) is no object.
    this.cache.set(key, null);
    const entry = this.xref.get(key);
    let result = null;
    if (entry && "offset" in entry) result = this.objectAt(entry.offset);
    else if (entry) result = this.fromObjectStream(entry.stream, entry.index, key);
    this.cache.set(key, result);
    return result;
  }

  fromObjectStream(streamNum, index, num) {
    let objects = this.cache.get(`objstm ${streamNum}`);
    if (!objects) {
      const stream = this.resolve(new Ref(streamNum, 0));
      if (!(stream instanceof Stream)) throw new PdfError(`object stream ${streamNum} is missing`);
      const text = latin1(this.decode(stream));
      const lexer = new Lexer(text);
      const header = [];
      for (let i = 0; i < stream.dict.N; i++) header.push([lexer.token(), lexer.token()]);
      objects = new Map(header.map(([n, off]) => [n, () => new Lexer(text, stream.dict.First + off).object()]));
      this.cache.set(`objstm ${streamNum}`, objects);
    }
    const read = objects.get(num);
    return read ? read() : null;
  }

  /** A stream's decoded bytes. */
  decode(stream) {
    const filters = [this.resolve(stream.dict.Filter) ?? []].flat().map((f) => f.name);
    const params = [this.resolve(stream.dict.DecodeParms) ?? []].flat();
    let data = stream.bytes;
    filters.forEach((filter, i) => {
      if (filter !== "FlateDecode" && filter !== "Fl") throw new PdfError(`a stream uses the ${filter} filter, which this reader does not read`);
      try {
        data = inflateSync(data);
      } catch {
        data = inflateSync(data, { finishFlush: 2 /* Z_SYNC_FLUSH: keep what a truncated stream has */ });
      }
      const p = this.resolve(params[i]);
      if (p && p.Predictor >= 10) data = unpredict(data, p.Columns ?? 1, p.Colors ?? 1, p.BitsPerComponent ?? 8);
      else if (p && p.Predictor === 2) throw new PdfError("TIFF predictors are not read");
    });
    return data;
  }

  get catalog() {
    return this.resolve(this.trailer.Root);
  }

  /** The pages in order: their object number, dictionary and (inherited) resources. */
  pages() {
    const out = [];
    const seen = new Set();
    const walk = (ref, inherited, depth) => {
      // A page tree that holds a node twice (or itself) is read once through each node.
      if (ref instanceof Ref) {
        if (seen.has(ref.key)) return;
        seen.add(ref.key);
      }
      const node = this.resolve(ref);
      if (!node || typeof node !== "object" || depth > 64) return;
      const resources = node.Resources ?? inherited;
      if (node.Type?.name === "Pages" || (node.Kids && node.Type?.name !== "Page")) {
        for (const kid of this.resolve(node.Kids) ?? []) walk(kid, resources, depth + 1);
      } else out.push({ key: ref instanceof Ref ? ref.key : null, dict: node, resources: this.resolve(resources) });
    };
    walk(this.catalog.Pages, undefined, 0);
    return out;
  }

  /** A named destination, from the catalog's Dests dictionary or its Names tree. */
  namedDestination(name) {
    this.destinations ??= this.readDestinations();
    let dest = this.resolve(this.destinations.get(name));
    if (dest && !Array.isArray(dest)) dest = this.resolve(dest.D);
    return Array.isArray(dest) ? dest : null;
  }

  readDestinations() {
    const map = new Map();
    const dests = this.resolve(this.catalog.Dests);
    if (dests) for (const key of Object.keys(dests)) map.set(key, dests[key]);
    const tree = this.resolve(this.resolve(this.catalog.Names)?.Dests);
    this.walkTree(tree, "Names", (key, value) => map.set(key, value));
    return map;
  }

  /** Every entry of a name tree (`Names`) or number tree (`Nums`). */
  walkTree(node, field, visit, depth = 0) {
    node = this.resolve(node);
    if (!node || depth > 64) return;
    const leaf = this.resolve(node[field]);
    if (Array.isArray(leaf)) for (let i = 0; i + 1 < leaf.length; i += 2) visit(this.resolve(leaf[i]), leaf[i + 1]);
    for (const kid of this.resolve(node.Kids) ?? []) this.walkTree(kid, field, visit, depth + 1);
  }
}

/** Undo PNG predictors (Predictor ≥ 10): each row starts with its filter type. */
function unpredict(data, columns, colors, bits) {
  const bpp = Math.max(1, (colors * bits) >> 3);
  const rowLength = (columns * colors * bits + 7) >> 3;
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)];
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[src + i];
      const left = i >= bpp ? out[dst + i - bpp] : 0;
      const up = r > 0 ? out[dst - rowLength + i] : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp] : 0;
      let v;
      if (type === 0) v = raw;
      else if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[dst + i] = v & 255;
    }
  }
  return out;
}

/* ---------------------------------------------------------------------------------------- */
/* Fonts                                                                                     */
/* ---------------------------------------------------------------------------------------- */

/** UTF-16BE bytes (a latin1 string) to a string. */
function utf16(bytes) {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1));
  return out;
}

/** A ToUnicode CMap: code → text. */
function toUnicode(pdf, stream) {
  const map = new Map();
  if (!(stream instanceof Stream)) return map;
  const lexer = new Lexer(latin1(pdf.decode(stream)));
  const code = (s) => {
    let v = 0;
    for (let i = 0; i < s.length; i++) v = v * 256 + s.charCodeAt(i);
    return v;
  };
  for (let t = lexer.token(); t !== undefined; t = lexer.token()) {
    if (!(t instanceof Op)) continue;
    if (t.op === "beginbfchar") {
      for (;;) {
        const src = lexer.token();
        if (src instanceof Op || src === undefined) break;
        map.set(code(src), utf16(lexer.token()));
      }
    } else if (t.op === "beginbfrange") {
      for (;;) {
        const lo = lexer.token();
        if (lo instanceof Op || lo === undefined) break;
        const hi = lexer.token();
        const dst = lexer.object();
        const [a, b] = [code(lo), code(hi)];
        if (Array.isArray(dst)) {
          for (let c = a; c <= b && c - a < dst.length; c++) map.set(c, utf16(dst[c - a]));
        } else if (typeof dst === "string" && b - a < 65536) {
          // The last byte counts up over the range.
          const base = utf16(dst);
          const head = base.slice(0, -1);
          const last = base.charCodeAt(base.length - 1);
          for (let c = a; c <= b; c++) map.set(c, head + String.fromCharCode(last + c - a));
        }
      }
    }
  }
  return map;
}

const STANDARD = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
// WinAnsi's 128–159 where they differ from latin1 (a simple font without ToUnicode).
"€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ".split("").forEach((c, i) => (STANDARD[128 + i] = c));

/** What a font's codes are: their byte length, text and advance (in text space units). */
function loadFont(pdf, dict) {
  dict = pdf.resolve(dict);
  if (!dict) return { bytes: 1, text: () => "", width: () => 0 };
  const unicode = toUnicode(pdf, pdf.resolve(dict.ToUnicode));
  if (dict.Subtype?.name === "Type0") {
    const cid = pdf.resolve(pdf.resolve(dict.DescendantFonts)?.[0]) ?? {};
    const widths = new Map();
    const w = pdf.resolve(cid.W) ?? [];
    for (let i = 0; i < w.length; ) {
      const first = pdf.resolve(w[i]);
      const next = pdf.resolve(w[i + 1]);
      if (Array.isArray(next)) {
        next.forEach((v, k) => widths.set(first + k, pdf.resolve(v)));
        i += 2;
      } else {
        const width = pdf.resolve(w[i + 2]);
        // Codes are 2 bytes: a wider range is a broken (or hostile) font.
        for (let c = Math.max(first, 0); c <= Math.min(next, 0xffff); c++) widths.set(c, width);
        i += 3;
      }
    }
    const fallback = pdf.resolve(cid.DW) ?? 1000;
    return { bytes: 2, text: (c) => unicode.get(c) ?? "", width: (c) => (widths.get(c) ?? fallback) / 1000 };
  }
  const first = pdf.resolve(dict.FirstChar) ?? 0;
  const widths = (pdf.resolve(dict.Widths) ?? []).map((v) => pdf.resolve(v));
  const scale = dict.Subtype?.name === "Type3" ? (pdf.resolve(dict.FontMatrix)?.[0] ?? 0.001) : 0.001;
  const missing = pdf.resolve(pdf.resolve(dict.FontDescriptor)?.MissingWidth) ?? 0;
  return {
    bytes: 1,
    text: (c) => unicode.get(c) ?? (unicode.size ? "" : STANDARD[c]),
    width: (c) => (widths[c - first] ?? missing) * scale,
  };
}

/* ---------------------------------------------------------------------------------------- */
/* Text                                                                                      */
/* ---------------------------------------------------------------------------------------- */

const mul = (a, b) => [
  a[0] * b[0] + a[1] * b[2],
  a[0] * b[1] + a[1] * b[3],
  a[2] * b[0] + a[3] * b[2],
  a[2] * b[1] + a[3] * b[3],
  a[4] * b[0] + a[5] * b[2] + b[4],
  a[4] * b[1] + a[5] * b[3] + b[5],
];
const IDENTITY = [1, 0, 0, 1, 0, 0];

/**
 * The text a page draws, as items [str, x, y (baseline), width, font size, end of line,
 * marked-content depth, marked-content id], in drawing order, in page coordinates (PDF points,
 * y upwards). An item is a run of glyphs drawn one after the other on a line, in one font
 * size and one piece of marked content; a gap wider than a fifth of the size between two runs
 * of a line (a table's cells, a list's marker and its text) reads as a space, as it would in a
 * viewer's text selection; the last item of a line ends the line. Marked-content ids are
 * `<page index>_mc<MCID>`, as `structure` gives them.
 */
export function pageText(pdf, page, pageIndex) {
  const items = [];
  const fonts = new Map();
  /** The run being read: its glyphs so far. */
  let run = null;
  // Numbers that change with every glyph live in typed arrays: a number held by a closure is
  // a new heap object each time it changes, which was a third of the reading's time.
  // The last glyph drawn: where it starts and ends, and its size.
  let hasLast = false;
  const LAST = new Float64Array(4);
  const [LX, LY, LEND, LSIZE] = [0, 1, 2, 3];
  const marked = [];
  const flush = () => {
    if (run && run.glyphs.length) items.push([run.glyphs.join(""), run.x, run.y, LAST[LEND] - run.x, run.size, false, run.depth, run.mc]);
    run = null;
  };
  const mcId = () => {
    for (let i = marked.length - 1; i >= 0; i--) if (marked[i] !== null) return marked[i];
    return null;
  };
  /** A glyph at NEXT's [x, y, end, size] (numbers passed as arguments would each be a heap object). */
  const NEXT = new Float64Array(4);
  const glyph = (str) => {
    const x = NEXT[0];
    const y = NEXT[1];
    const size = NEXT[3];
    const depth = marked.length;
    const mc = mcId();
    if (hasLast) {
      const larger = Math.max(size, LAST[LSIZE]);
      if (Math.abs(y - LAST[LY]) > larger * 0.6 || x < LAST[LX] - larger) {
        flush();
        // The line ends with the last text drawn.
        if (items.length) items[items.length - 1][5] = true;
      } else {
        const gap = x - LAST[LEND];
        const space = gap > larger * 0.2;
        if (run && (space || Math.abs(size - run.size) > 0.01 || Math.abs(y - run.y) > 0.01 || depth !== run.depth || mc !== run.mc)) flush();
        if (space) {
          const before = items.length ? items[items.length - 1][0] : "";
          if (!/\s$/.test(before) && !/^\s/.test(str)) items.push([" ", LAST[LEND], LAST[LY], gap, LAST[LSIZE], false, depth, mc]);
        }
      }
    }
    if (!run) run = { glyphs: [], x, y, size, depth, mc };
    if (str !== "") run.glyphs.push(str);
    hasLast = true;
    LAST[LX] = x;
    LAST[LY] = y;
    LAST[LEND] = NEXT[2];
    LAST[LSIZE] = size;
  };

  const forms = new Set();
  const draw = (content, resources, ctm0, depth) => {
    if (depth > 16) return;
    const xobjects = pdf.resolve(resources?.XObject);
    const fontDicts = pdf.resolve(resources?.Font);
    const properties = pdf.resolve(resources?.Properties);
    let ctm = ctm0;
    const stack = [];
    let font = null;
    let size = 0;
    let charSpace = 0;
    let wordSpace = 0;
    let scale = 1;
    let leading = 0;
    let rise = 0;
    // The text matrix [a b c d e f] and the text line matrix, as numbers: a matrix object for
    // every glyph was most of the reading's time.
    // [a b c d e f] of the text matrix, then of the text line matrix.
    const M = new Float64Array([1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
    const setLine = (ma, mb, mc, md, me, mf) => {
      M[0] = M[6] = ma;
      M[1] = M[7] = mb;
      M[2] = M[8] = mc;
      M[3] = M[9] = md;
      M[4] = M[10] = me;
      M[5] = M[11] = mf;
    };
    /** To the start of the next line, (tx, ty) from the start of this one. */
    const moveLine = (tx, ty) => setLine(M[6], M[7], M[8], M[9], M[10] + tx * M[6] + ty * M[8], M[11] + tx * M[7] + ty * M[9]);

    // Showing text: `begin` takes the state every glyph of a string shares, `code` draws one.
    // The CTM's [A B C D E F] while a string is shown, and the size it is shown in.
    const G = new Float64Array(7);
    const begin = () => {
      for (let k = 0; k < 6; k++) G[k] = ctm[k];
      // The size on the page: the text matrix's linear part, then the CTM's.
      const m0 = M[0] * G[0] + M[1] * G[2];
      const m1 = M[0] * G[1] + M[1] * G[3];
      const m2 = M[2] * G[0] + M[3] * G[2];
      const m3 = M[2] * G[1] + M[3] * G[3];
      G[6] = Math.max(Math.sqrt((m0 * m0 + m1 * m1) * size * scale * size * scale), Math.sqrt((m2 * m2 + m3 * m3) * size * size));
    };
    const code = (value) => {
      const advance = (font.width(value) * size + charSpace + (font.bytes === 1 && value === 32 ? wordSpace : 0)) * scale;
      // The glyph's origin (0, rise) and the point after it (advance, 0), in text space.
      const ox = M[2] * rise + M[4];
      const oy = M[3] * rise + M[5];
      const ex = M[0] * advance + M[4];
      const ey = M[1] * advance + M[5];
      NEXT[0] = G[0] * ox + G[2] * oy + G[4];
      NEXT[1] = G[1] * ox + G[3] * oy + G[5];
      NEXT[2] = G[0] * ex + G[2] * ey + G[4];
      NEXT[3] = G[6];
      glyph(font.text(value));
      M[4] = ex;
      M[5] = ey;
    };
    /** A string operand (latin1). */
    const show = (bytes) => {
      if (!font) return;
      begin();
      const step = font.bytes;
      for (let i = 0; i + step <= bytes.length; i += step) code(step === 2 ? (bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1) : bytes.charCodeAt(i));
    };
    /** A hex string operand, read where it stands in the content (most strings are). */
    const showHex = (from, to) => {
      if (!font) return;
      begin();
      let value = 0;
      let digits = 0;
      const wanted = font.bytes * 2;
      for (let i = from; i < to; i++) {
        const v = HEX[content.charCodeAt(i)];
        if (v < 0) continue;
        value = value * 16 + v;
        if (++digits === wanted) {
          code(value);
          value = 0;
          digits = 0;
        }
      }
    };

    // The operands of the operator to come: numbers apart (no object made for one), the others
    // (names, arrays, dictionaries, literal strings) in order; a hex string by where it is.
    const nums = new Float64Array(32);
    let n = 0;
    const ops = [];
    let hexFrom = -1;
    let hexTo = -1;
    const num = (k) => (n > k ? nums[n - 1 - k] : 0); // the k-th number from the last
    const lexer = new Lexer(content);
    const s = content;
    let i = 0;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (WHITE[ch] === 1) {
        i++;
        continue;
      }
      if ((ch >= 48 && ch <= 57) || ch === 45 || ch === 46 || ch === 43) {
        const value = scanNumber(s, i);
        i = numberEnd;
        if (n === nums.length) nums.copyWithin(0, 1), n--;
        nums[n++] = value;
        continue;
      }
      if (ch === 60 /* < */ && s.charCodeAt(i + 1) !== 60) {
        hexFrom = i + 1;
        const end = s.indexOf(">", i);
        hexTo = end < 0 ? s.length : end;
        i = hexTo + 1;
        continue;
      }
      if (ch === 37 /* % */) {
        while (i < s.length && s.charCodeAt(i) !== 10 && s.charCodeAt(i) !== 13) i++;
        continue;
      }
      if (ch === 47 || ch === 40 || ch === 91 || ch === 60 /* / ( [ << */) {
        lexer.pos = i;
        ops.push(lexer.object());
        i = lexer.pos;
        continue;
      }
      // An operator: most are short, and known by their codes without a string made.
      const start = i;
      let key = 0;
      while (i < s.length && WHITE[s.charCodeAt(i)] === 0 && DELIM[s.charCodeAt(i)] === 0) key = key * 256 + s.charCodeAt(i++);
      let t = i - start <= 3 ? SHORT_OPS.get(key) : undefined;
      if (!t) {
        lexer.pos = start;
        t = lexer.token();
        i = Math.max(lexer.pos, start + 1);
        if (!(t instanceof Op)) continue; // true, false, null: no operator takes them
      }
      switch (t.op) {
        case "q":
          stack.push(ctm);
          break;
        case "Q":
          ctm = stack.pop() ?? ctm;
          break;
        case "cm":
          if (n >= 6) ctm = mul([num(5), num(4), num(3), num(2), num(1), num(0)], ctm);
          break;
        case "BT":
          setLine(1, 0, 0, 1, 0, 0);
          break;
        case "Tf": {
          const ref = fontDicts?.[ops[0]?.name];
          const key = ref instanceof Ref ? ref.key : ops[0]?.name;
          if (!fonts.has(key)) fonts.set(key, loadFont(pdf, ref));
          font = fonts.get(key);
          size = num(0);
          break;
        }
        case "Tm":
          if (n >= 6) setLine(num(5), num(4), num(3), num(2), num(1), num(0));
          break;
        case "Td":
          moveLine(num(1), num(0));
          break;
        case "TD":
          leading = -num(0);
          moveLine(num(1), num(0));
          break;
        case "T*":
          moveLine(0, -leading);
          break;
        case "TL":
          leading = num(0);
          break;
        case "Tc":
          charSpace = num(0);
          break;
        case "Tw":
          wordSpace = num(0);
          break;
        case "Tz":
          scale = (n ? num(0) : 100) / 100;
          break;
        case "Ts":
          rise = num(0);
          break;
        case "'":
        case '"':
        case "Tj":
          if (t.op === '"' && n >= 2) {
            wordSpace = num(1);
            charSpace = num(0);
          }
          if (t.op !== "Tj") moveLine(0, -leading);
          if (hexFrom >= 0) showHex(hexFrom, hexTo);
          else if (typeof ops[ops.length - 1] === "string") show(ops[ops.length - 1]);
          break;
        case "TJ":
          for (const part of Array.isArray(ops[0]) ? ops[0] : []) {
            if (typeof part === "string") show(part);
            else if (typeof part === "number") {
              const shift = (-part / 1000) * size * scale;
              M[4] += M[0] * shift;
              M[5] += M[1] * shift;
            }
          }
          break;
        case "BMC":
          marked.push(null);
          break;
        case "BDC": {
          const props = ops[1] instanceof Name ? pdf.resolve(properties?.[ops[1].name]) : pdf.resolve(ops[1]);
          const mcid = props ? pdf.resolve(props.MCID) : undefined;
          marked.push(Number.isInteger(mcid) ? `${pageIndex}_mc${mcid}` : null);
          break;
        }
        case "EMC":
          marked.pop();
          break;
        case "Do": {
          const form = pdf.resolve(xobjects?.[ops[0]?.name]);
          // A form drawn inside itself is drawn once.
          if (form instanceof Stream && form.dict.Subtype?.name === "Form" && !forms.has(form)) {
            const matrix = pdf.resolve(form.dict.Matrix) ?? IDENTITY;
            forms.add(form);
            draw(latin1(pdf.decode(form)), pdf.resolve(form.dict.Resources) ?? resources, mul(matrix, ctm), depth + 1);
            forms.delete(form);
          }
          break;
        }
        case "BI": {
          // An inline image: skip its data (ID … EI).
          const end = s.indexOf("EI", i);
          i = end < 0 ? s.length : end + 2;
          break;
        }
      }
      n = 0;
      if (ops.length) ops.length = 0;
      hexFrom = hexTo = -1;
    }
  };

  const contents = pdf.resolve(page.dict.Contents);
  const streams = (Array.isArray(contents) ? contents.map((c) => pdf.resolve(c)) : [contents]).filter((s) => s instanceof Stream);
  draw(streams.map((s) => latin1(pdf.decode(s))).join("\n"), page.resources, IDENTITY, 0);
  flush();
  if (items.length) items[items.length - 1][5] = true;
  return items;
}

/* ---------------------------------------------------------------------------------------- */
/* Links                                                                                     */
/* ---------------------------------------------------------------------------------------- */

/** A destination as [page index, x, y] (x, y null when the destination gives none). */
function destination(pdf, dest, pageIndex) {
  const explicit = typeof dest === "string" || dest instanceof Name ? pdf.namedDestination(typeof dest === "string" ? dest : dest.name) : pdf.resolve(dest);
  if (!Array.isArray(explicit) || explicit.length < 2) return null;
  const [ref, kind, ...rest] = explicit;
  const page = typeof ref === "number" ? ref : ref instanceof Ref ? pageIndex.get(ref.key) : undefined;
  if (page === undefined) return null;
  const num = (v) => (typeof pdf.resolve(v) === "number" ? pdf.resolve(v) : null);
  switch (kind?.name) {
    case "XYZ":
      return [page, num(rest[0]), num(rest[1])];
    case "FitH":
    case "FitBH":
      return [page, null, num(rest[0])];
    case "FitV":
    case "FitBV":
      return [page, num(rest[0]), null];
    case "FitR":
      return [page, num(rest[0]), num(rest[3])];
    default:
      return [page, null, null];
  }
}

/** A page's links: rectangle, destination name (if by name), destination, and whether it leaves the document. */
export function pageLinks(pdf, page, pageIndex) {
  const links = [];
  for (const ref of pdf.resolve(page.dict.Annots) ?? []) {
    const a = pdf.resolve(ref);
    if (a?.Subtype?.name !== "Link") continue;
    const rect = (pdf.resolve(a.Rect) ?? []).map((v) => pdf.resolve(v));
    if (rect.length !== 4) continue;
    const action = pdf.resolve(a.A);
    const external = action && action.S?.name !== "GoTo";
    const target = external ? undefined : pdf.resolve(a.Dest ?? action?.D);
    if (target === undefined || target === null) {
      links.push({ rect, name: null, dest: null, external: Boolean(external) });
      continue;
    }
    const name = typeof target === "string" ? utf8OrLatin1(target) : target instanceof Name ? target.name : null;
    links.push({ rect, name, dest: destination(pdf, target, pageIndex), external: false });
  }
  return links;
}

/** A PDF text string (UTF-16 with a byte-order mark, or PDFDocEncoding, here read as latin1). */
function utf8OrLatin1(s) {
  return s.startsWith("\xfe\xff") ? utf16(s.slice(2)) : s;
}

/* ---------------------------------------------------------------------------------------- */
/* The structure tree                                                                        */
/* ---------------------------------------------------------------------------------------- */

/**
 * The list items of every page: for each structure element LI with content on a page, the
 * marked-content ids on that page of its label (its first Lbl child with content there) and
 * of the rest of it, nested lists included, in the tree's order.
 */
export function listItemsByPage(pdf, pageIndex) {
  const byPage = new Map();
  const root = pdf.resolve(pdf.catalog.StructTreeRoot);
  if (!root) return byPage;
  const roleMap = pdf.resolve(root.RoleMap) ?? {};
  const role = (elem) => {
    const s = pdf.resolve(elem.S);
    const name = s instanceof Name ? s.name : "";
    const mapped = pdf.resolve(roleMap[name]);
    return mapped instanceof Name ? mapped.name : name;
  };
  const seen = new Set();
  /** An element's kids, resolved: MCIDs (numbers), marked-content and object references, elements. */
  const kidsOf = (elem) => {
    const kids = pdf.resolve(elem.K);
    return (Array.isArray(kids) ? kids : kids === undefined || kids === null ? [] : [kids]).map((kid) => pdf.resolve(kid));
  };
  const isDict = (value) => value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Stream) && !(value instanceof Name);
  const typeOf = (dict) => (dict.Type instanceof Name ? dict.Type.name : null);
  /** The contents of an element, by page: page index → ids in order. */
  /** The elements being read, outer first: an element inside itself is not read again. */
  const path = new Set();
  const contents = (elem, out, depth) => {
    if (depth > 256 || path.has(elem)) return out;
    path.add(elem);
    const pg = elem.Pg instanceof Ref ? pageIndex.get(elem.Pg.key) : undefined;
    for (const kid of kidsOf(elem)) {
      if (Number.isInteger(kid)) {
        if (pg !== undefined) add(out, pg, `${pg}_mc${kid}`);
      } else if (isDict(kid)) {
        if (typeOf(kid) === "MCR") {
          const page = kid.Pg instanceof Ref ? pageIndex.get(kid.Pg.key) : pg;
          const mcid = pdf.resolve(kid.MCID);
          if (page !== undefined && Number.isInteger(mcid) && !kid.Stm) add(out, page, `${page}_mc${mcid}`);
        } else if (typeOf(kid) !== "OBJR") {
          contents(kid, out, depth + 1);
        }
      }
    }
    path.delete(elem);
    return out;
  };
  const add = (out, page, id) => {
    let list = out.get(page);
    if (!list) out.set(page, (list = []));
    list.push(id);
  };
  const walk = (ref, depth) => {
    if (depth > 256) return;
    if (Array.isArray(ref)) {
      for (const kid of ref) walk(kid, depth + 1);
      return;
    }
    if (ref instanceof Ref) {
      if (seen.has(ref.key)) return;
      seen.add(ref.key);
    }
    const elem = pdf.resolve(ref);
    if (!isDict(elem) || typeOf(elem) === "MCR" || typeOf(elem) === "OBJR") return;
    if (role(elem) === "LI") {
      const label = new Map();
      const body = new Map();
      path.add(elem);
      for (const kid of kidsOf(elem)) {
        // A kid that is an element is read whole; an MCID or a reference, as the LI's own content.
        const element = isDict(kid) && typeOf(kid) !== "MCR" && typeOf(kid) !== "OBJR";
        const own = contents(element ? kid : { K: [kid], Pg: elem.Pg }, new Map(), 0);
        const isLabel = element && role(kid) === "Lbl";
        for (const [page, ids] of own) {
          const target = isLabel && !label.has(page) ? label : body;
          for (const id of ids) add(target, page, id);
        }
      }
      path.delete(elem);
      const pages = [...new Set([...label.keys(), ...body.keys()])];
      for (const page of pages) add(byPage, page, { label: label.get(page) ?? [], body: body.get(page) ?? [] });
    }
    walk(pdf.resolve(elem.K) ?? [], depth + 1);
  };
  walk(root.K, 0);
  return byPage;
}

/* ---------------------------------------------------------------------------------------- */
/* The reading the proof takes                                                               */
/* ---------------------------------------------------------------------------------------- */

/**
 * Every page's links, and the text and list items of the pages that can hold calls or notes:
 * pages with links to a destination named by `calls`, the pages those lead to and the page after
 * each; every page when no such link leads anywhere.
 */
export function readPdfBytes(bytes, calls) {
  const pdf = new PdfFile(bytes);
  const pages = pdf.pages();
  const pageIndex = new Map(pages.map((p, i) => [p.key, i]));
  const read = pages.map((page) => ({ links: pageLinks(pdf, page, pageIndex) }));
  const wanted = new Set();
  let targets = 0;
  read.forEach((page, p) => {
    for (const link of page.links) {
      if (link.external || link.name === null || !calls.test(link.name)) continue;
      wanted.add(p);
      if (link.dest) {
        targets++;
        wanted.add(link.dest[0]).add(link.dest[0] + 1);
      }
    }
  });
  const numbers = pages.map((_, p) => p).filter((p) => targets === 0 || wanted.has(p));
  const lis = numbers.length ? listItemsByPage(pdf, pageIndex) : new Map();
  const texts = {};
  for (const p of numbers) texts[p] = { items: pageText(pdf, pages[p], p), lis: lis.get(p) ?? [] };
  return { pages: read, texts };
}
