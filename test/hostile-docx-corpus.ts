/**
 * The hostile .docx corpus, generated: each case is a file a stranger might send as a
 * "translation" (ZIP attacks, XML attacks, resource attacks, content meant as configuration,
 * macros, forbidden links), with what `broadside import` must answer. Made from a seed, so a
 * failure is reproduced by running again; nothing large is written (bombs repeat one
 * compressed block, so a 2 GB part costs a few MB of file).
 */
import { deflateRawSync, constants } from "node:zlib";

export const W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/* ---------------------------------------------------------------------------------------- */
/* A ZIP writer that does what it is told, lies included                                     */

export interface RawEntry {
  name: string;
  data: Uint8Array;
  /** Deflate the data (default) or store it. */
  deflate?: boolean;
  /** Already deflated bytes (the data is then the compressed stream) and the size to declare. */
  raw?: { size: number };
  /** Declare another uncompressed size than the real one. */
  declaredSize?: number;
}

export interface ZipTricks {
  /** Central directory entries: extra ones pointing at the local header of entry `to`. */
  aliases?: { name: string; to: number }[];
  /** Move entry i's local header offset (in the central directory) by this much. */
  offsetShift?: { entry: number; by: number };
}

const enc = (s: string) => new TextEncoder().encode(s);

function crc32(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

export function zip(entries: RawEntry[], tricks: ZipTricks = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const headers: { name: Uint8Array; method: number; crc: number; csize: number; size: number; offset: number }[] = [];
  for (const e of entries) {
    const name = enc(e.name);
    const method = e.raw || e.deflate !== false ? 8 : 0;
    const body = e.raw ? e.data : method === 8 ? deflateRawSync(e.data) : e.data;
    const size = e.declaredSize ?? (e.raw ? e.raw.size : e.data.length);
    const crc = e.raw ? 0 : crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    headers.push({ name, method, crc, csize: body.length, size, offset });
    chunks.push(local, name, body);
    offset += 30 + name.length + body.length;
  }
  const all = [...headers];
  for (const alias of tricks.aliases ?? []) all.push({ ...headers[alias.to], name: enc(alias.name) });
  if (tricks.offsetShift)
    all[tricks.offsetShift.entry] = { ...all[tricks.offsetShift.entry], offset: all[tricks.offsetShift.entry].offset + tricks.offsetShift.by };
  const cdStart = offset;
  for (const h of all) {
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(h.method, 10);
    c.writeUInt32LE(h.crc, 16);
    c.writeUInt32LE(h.csize, 20);
    c.writeUInt32LE(h.size, 24);
    c.writeUInt16LE(h.name.length, 28);
    c.writeUInt32LE(h.offset, 42);
    central.push(c, h.name);
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(all.length, 8);
  end.writeUInt16LE(all.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdStart, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

/**
 * A deflate stream that inflates to `blocks` MB of `byte` without ever holding them: one
 * flushed (non-final) block of 1 MB, repeated, then an empty final block.
 */
export function deflateBomb(blocks: number, byte = 0x20): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024, byte), { finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Uint8Array[] = [];
  for (let i = 0; i < blocks; i++) parts.push(block);
  parts.push(Uint8Array.of(0x03, 0x00)); // final, fixed Huffman, end of block
  return Buffer.concat(parts);
}

/* ---------------------------------------------------------------------------------------- */
/* A minimal .docx, with what an attack needs                                                 */

export interface DocxSpec {
  /** Inner XML of w:body. */
  body: string;
  /** Inner XML of w:footnotes (the separators are added). */
  footnotes?: string;
  /** docProps/custom.xml properties, name → text. */
  custom?: Record<string, string>;
  /** docProps/core.xml elements, e.g. { "dc:title": "…" }. */
  core?: Record<string, string>;
  /** Hyperlink relationships of the document, id → target (external). */
  links?: Record<string, string>;
  /** Raw text of parts that replace or add to the generated ones. */
  parts?: Record<string, string>;
  /** More relationships of the document, as XML. */
  rels?: string;
  /** Content type of the main part. */
  mainType?: string;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const para = (text: string, style?: string) =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}<w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r></w:p>`;
export const noteCall = (id: number) => `<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="${id}"/></w:r>`;
export const footnote = (id: number, text: string) =>
  `<w:footnote w:id="${id}"><w:p><w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r></w:p></w:footnote>`;

export function docxParts(spec: DocxSpec): Record<string, string> {
  const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  const parts: Record<string, string> = {};
  const custom = Object.entries(spec.custom ?? {});
  parts["[Content_Types].xml"] =
    `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/word/document.xml" ContentType="${spec.mainType ?? "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"}"/>` +
    `<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
    (spec.footnotes !== undefined
      ? `<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>`
      : "") +
    `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
    (custom.length ? `<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>` : "") +
    `</Types>`;
  parts["_rels/.rels"] =
    `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>` +
    `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
    (custom.length ? `<Relationship Id="rId3" Type="${REL}/custom-properties" Target="docProps/custom.xml"/>` : "") +
    `</Relationships>`;
  parts["word/_rels/document.xml.rels"] =
    `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/>` +
    (spec.footnotes !== undefined ? `<Relationship Id="rIdF" Type="${REL}/footnotes" Target="footnotes.xml"/>` : "") +
    Object.entries(spec.links ?? {})
      .map(([id, target]) => `<Relationship Id="${id}" Type="${REL}/hyperlink" Target="${xmlEscape(target)}" TargetMode="External"/>`)
      .join("") +
    (spec.rels ?? "") +
    `</Relationships>`;
  parts["word/document.xml"] = `${decl}<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>${spec.body}<w:sectPr/></w:body></w:document>`;
  parts["word/styles.xml"] =
    `${decl}<w:styles xmlns:w="${W_NS}"><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>` +
    `<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/></w:style></w:styles>`;
  if (spec.footnotes !== undefined) {
    parts["word/footnotes.xml"] =
      `${decl}<w:footnotes xmlns:w="${W_NS}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
      `<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>${spec.footnotes}</w:footnotes>`;
  }
  parts["docProps/core.xml"] =
    `${decl}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
    Object.entries(spec.core ?? {})
      .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
      .join("") +
    `</cp:coreProperties>`;
  if (custom.length) {
    parts["docProps/custom.xml"] =
      `${decl}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
      custom
        .map(
          ([name, value], i) =>
            `<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="${i + 2}" name="${xmlEscape(name)}"><vt:lpwstr>${xmlEscape(value)}</vt:lpwstr></property>`,
        )
        .join("") +
      `</Properties>`;
  }
  return { ...parts, ...(spec.parts ?? {}) };
}

export function docx(spec: DocxSpec, extra: RawEntry[] = []): Uint8Array {
  return zip([...Object.entries(docxParts(spec)).map(([name, text]) => ({ name, data: enc(text) })), ...extra]);
}

/** A letter's beginning: a Title paragraph and a paragraph of text. */
export const TITLE = para("A letter from strangers", "Title");

/* ---------------------------------------------------------------------------------------- */
/* Seeded randomness                                                                          */

export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "freedom",
  "of",
  "the",
  "press",
  "letter",
  "rights",
  "coalition,",
  "Tibet",
  "Uyghur",
  "Hong",
  "Kong",
  "https://example.org/a",
  "—",
  "«",
  "»",
  "1.",
  "(a)",
];
/** Characters Markdown counts as emphasis and link marks, of which a paragraph may hold only so many. */
const MARKS = ["*", "_", "[", "]"];

/** `length` characters of words, punctuation and Markdown-significant characters (one in 500 a mark), from a seed. */
export function longText(length: number, seed = 1): string {
  const next = random(seed);
  const out: string[] = [];
  let n = 0;
  while (n < length) {
    const w = next() < 0.01 ? MARKS[Math.floor(next() * MARKS.length)] : WORDS[Math.floor(next() * WORDS.length)];
    out.push(w);
    n += w.length + 1;
  }
  return out.join(" ").slice(0, length);
}

/** A paragraph of `length` characters, in runs of varied formatting as Word splits them. */
export function longParagraph(length: number, seed = 1): string {
  const text = longText(length, seed);
  const next = random(seed + 1);
  let xml = "";
  for (let i = 0; i < text.length;) {
    const n = 20 + Math.floor(next() * 200);
    const pr = next() < 0.2 ? "<w:rPr><w:b/></w:rPr>" : next() < 0.2 ? "<w:rPr><w:i/></w:rPr>" : "";
    xml += `<w:r>${pr}<w:t xml:space="preserve">${xmlEscape(text.slice(i, i + n))}</w:t></w:r>`;
    i += n;
  }
  return `<w:p>${xml}</w:p>`;
}

/** A letter with `count` footnotes, each called once. */
export function manyNotes(count: number): DocxSpec {
  let body = TITLE;
  let notes = "";
  for (let i = 1; i <= count; i++) {
    body += `<w:p><w:r><w:t xml:space="preserve">Claim ${i}.</w:t></w:r>${noteCall(i)}</w:p>`;
    notes += footnote(i, `Source ${i}.`);
  }
  return { body, footnotes: notes };
}

/* ---------------------------------------------------------------------------------------- */
/* The cases                                                                                  */

export interface HostileCase {
  name: string;
  /** File name of the .docx (its extension matters for .docm). */
  file: string;
  bytes: Uint8Array;
  /** Exit code of `broadside import`: 0 imported (with warnings), 1 refused with messages, 2 usage. */
  code: 0 | 1 | 2;
  /** Each must match a line the import prints (messages are `path:line:col: severity: reason [rule]`). */
  messages: RegExp[];
  /** Pass `--out` at a folder instead of a file. */
  outIsFolder?: boolean;
}

export interface CorpusSetting {
  /** A file outside the project whose content must appear nowhere. */
  canary: string;
  /** Port of a listener on 127.0.0.1 that must get no connection. */
  port: number;
  seed: number;
}

const body = (...paragraphs: string[]) => TITLE + paragraphs.join("");
const at = (paragraph: number, severity: "error" | "warning", text: string, rule: string) =>
  new RegExp(`:${paragraph}:1: ${severity}: paragraph ${paragraph} \\(.*${text}.*\\[${rule}\\]$`);
const refused = (text: string) => new RegExp(`: error: Cannot import .*${text}.*\\[import-unreadable\\]$`);

/** Replace one part of a normal letter's package. */
function withPart(name: string, text: string, spec: DocxSpec = { body: body(para("Dear friends,")) }): Uint8Array {
  return docx({ ...spec, parts: { ...(spec.parts ?? {}), [name]: text } });
}

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const documentXml = (inner: string, doctype = "") =>
  `${DECL}${doctype}<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>${inner}<w:sectPr/></w:body></w:document>`;

export function hostileCases({ canary, port, seed }: CorpusSetting): HostileCase[] {
  const next = random(seed);
  const letter = docxParts({ body: body(para("Dear friends,")) });
  const letterEntries = () => Object.entries(letter).map(([name, text]) => ({ name, data: enc(text) }));
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);

  // ZIP attacks.
  const bomb = deflateBomb(2048); // 2 GB of spaces
  add({
    name: "zip-bomb-declared",
    file: "bomb-declared.docx",
    code: 1,
    bytes: zip([
      ...letterEntries().filter((e) => e.name !== "word/document.xml"),
      { name: "word/document.xml", data: bomb, raw: { size: 2048 * 1024 * 1024 } },
    ]),
    messages: [refused("word/document.xml inflates to more than 16 MB")],
  });
  add({
    name: "zip-bomb-lying",
    file: "bomb-lying.docx",
    code: 1,
    bytes: zip([...letterEntries().filter((e) => e.name !== "word/document.xml"), { name: "word/document.xml", data: bomb, raw: { size: 15 * 1024 * 1024 } }]),
    messages: [refused("word/document.xml inflates to more than the 15728640 bytes its entry says")],
  });
  const big = deflateBomb(10);
  add({
    name: "zip-overlapping",
    file: "overlapping.docx",
    code: 1,
    bytes: zip([...letterEntries(), { name: "word/big.xml", data: big, raw: { size: 10 * 1024 * 1024 } }], {
      aliases: ["word/a.xml", "word/b.xml", "word/c.xml", "word/d.xml", "word/e.xml"].map((name) => ({ name, to: letterEntries().length })),
    }),
    messages: [refused("overlap")],
  });
  add({
    name: "zip-offset-past-end",
    file: "offset.docx",
    code: 1,
    bytes: zip(letterEntries(), { offsetShift: { entry: 2, by: 50_000_000 } }),
    messages: [refused("points past the end")],
  });
  const whole = docx({ body: body(para("Dear friends,")) });
  add({
    name: "zip-truncated",
    file: "truncated.docx",
    code: 1,
    bytes: whole.subarray(0, Math.floor(whole.length * 0.6)),
    messages: [refused("not a ZIP package, or it was cut off")],
  });
  const noise = new Uint8Array(4096).map(() => Math.floor(next() * 256));
  add({ name: "zip-not-a-zip", file: "noise.docx", code: 1, bytes: noise, messages: [refused("not a ZIP package")] });
  add({
    name: "zip-old-word",
    file: "old.docx",
    code: 1,
    bytes: Uint8Array.of(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...noise.subarray(0, 512)),
    messages: [refused("old Word document")],
  });
  add({
    name: "zip-too-many-entries",
    file: "entries.docx",
    code: 1,
    bytes: zip([
      ...letterEntries(),
      ...Array.from({ length: 2_100 }, (_, i) => ({ name: `word/media/image${i}.png`, data: new Uint8Array(0), deflate: false })),
    ]),
    messages: [refused("entries, more than the 2000")],
  });
  add({
    name: "zip-encrypted",
    file: "encrypted.docx",
    code: 1,
    bytes: (() => {
      const bytes = zip(letterEntries());
      bytes[6] |= 1; // the local header's flag; the central directory's is set below
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      const cd = view.readUInt32LE(bytes.length - 6);
      view[cd + 8] |= 1;
      return bytes;
    })(),
    messages: [refused("encrypted")],
  });

  // XML attacks: entities that read a file, fetch an address, blow up; depth; broken XML.
  const fileEntity = `<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file://${canary}">]>`;
  add({
    name: "xml-external-file",
    file: "xxe-file.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(`${para("Title", "Title")}<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>`, fileEntity)),
    messages: [refused("word/document.xml has a DOCTYPE")],
  });
  const httpEntity = `<!DOCTYPE w:footnotes [<!ENTITY % remote SYSTEM "http://127.0.0.1:${port}/dtd"> %remote;]>`;
  add({
    name: "xml-external-http",
    file: "xxe-http.docx",
    code: 1,
    bytes: docx({ ...manyNotes(1), parts: { "word/footnotes.xml": `${DECL}${httpEntity}<w:footnotes xmlns:w="${W_NS}">${footnote(1, "x")}</w:footnotes>` } }),
    messages: [refused("word/footnotes.xml has a DOCTYPE")],
  });
  const laughs = `<!DOCTYPE w:document [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join("")}]>`;
  add({
    name: "xml-billion-laughs",
    file: "laughs.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(`${TITLE}<w:p><w:r><w:t>&j;</w:t></w:r></w:p>`, laughs)),
    messages: [refused("has a DOCTYPE")],
  });
  const quadratic = `<!DOCTYPE w:document [<!ENTITY x "${"x".repeat(50_000)}">]>`;
  add({
    name: "xml-quadratic-blowup",
    file: "quadratic.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(`${TITLE}<w:p><w:r><w:t>${"&x;".repeat(50_000)}</w:t></w:r></w:p>`, quadratic)),
    messages: [refused("has a DOCTYPE")],
  });
  const nest = (open: string, close: string, n: number, inner: string) => open.repeat(n) + inner + close.repeat(n);
  add({
    name: "xml-deep-tables",
    file: "deep-tables.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(TITLE + nest("<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>", 20_000, para("deep")))),
    messages: [refused("nests elements more than 200 deep")],
  });
  add({
    name: "xml-deep-content-controls",
    file: "deep-sdt.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(TITLE + nest("<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>", 20_000, para("deep")))),
    messages: [refused("nests elements more than 200 deep")],
  });
  add({
    name: "xml-deep-runs",
    file: "deep-runs.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(`${TITLE}<w:p>${nest("<w:hyperlink>", "</w:hyperlink>", 20_000, "<w:r><w:t>deep</w:t></w:r>")}</w:p>`)),
    messages: [refused("nests elements more than 200 deep")],
  });
  add({
    name: "xml-not-well-formed",
    file: "malformed.docx",
    code: 1,
    bytes: withPart("word/document.xml", documentXml(`${TITLE}<w:p><w:r><w:t>open</w:p>`)),
    messages: [refused("word/document.xml is not well-formed XML")],
  });
  const full = documentXml(body(para("Dear friends, we write to you about the press.")));
  add({
    name: "xml-cut-mid-element",
    file: "cut.docx",
    code: 1,
    bytes: withPart("word/document.xml", full.slice(0, full.indexOf("we write") + 3)),
    messages: [refused("word/document.xml is not well-formed XML")],
  });
  add({
    name: "xml-properties-not-well-formed",
    file: "broken-properties.docx",
    code: 1,
    bytes: docx({
      body: body(para("Dear friends,")),
      custom: { "broadside-source": "letter.md" },
      parts: { "docProps/custom.xml": `${DECL}<Properties><p:x/></Properties>` },
    }),
    messages: [refused("docProps/custom.xml is not well-formed XML")],
  });
  add({
    name: "xml-no-main-part",
    file: "no-main.docx",
    code: 1,
    bytes: zip(letterEntries().filter((e) => e.name !== "word/document.xml")),
    messages: [refused("no main document part")],
  });
  add({
    name: "xml-no-body",
    file: "no-body.docx",
    code: 1,
    bytes: withPart("word/document.xml", `${DECL}<w:document xmlns:w="${W_NS}"/>`),
    messages: [refused("has no body")],
  });
  add({
    name: "xml-notes-part-missing",
    file: "no-notes.docx",
    code: 1,
    bytes: zip(
      Object.entries(docxParts(manyNotes(2)))
        .filter(([n]) => n !== "word/footnotes.xml")
        .map(([name, text]) => ({ name, data: enc(text) })),
    ),
    messages: [at(2, "error", "note 1 is called here, but the document has no footnote 1", "import-missing-note")],
  });

  add({
    name: "xml-too-many-elements",
    file: "elements.docx",
    code: 1,
    bytes: docx({ body: TITLE + "<w:p/>".repeat(250_000) }),
    messages: [refused("more than 200,000 elements \\(reading word/document.xml\\)")],
  });

  // Structures whose cost grew with the square of their size: fields inside fields, bookmarks
  // never closed, lists sharing one definition, sections sharing one header.
  const fieldBegin = `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`;
  add({
    name: "deep-fields",
    file: "fields.docx",
    code: 1,
    bytes: docx({ body: TITLE + `<w:p>${fieldBegin.repeat(20_000)}${"<w:r><w:t>x</w:t></w:r>".repeat(20_000)}</w:p>` }),
    messages: [at(2, "error", "fields .* nested more than 16 deep", "import-too-deep")],
  });
  add({
    name: "open-bookmarks",
    file: "bookmarks.docx",
    code: 0,
    bytes: docx({
      body:
        TITLE +
        `<w:p>${Array.from({ length: 30_000 }, (_, i) => `<w:bookmarkStart w:id="${i}" w:name="b${i}"/>`).join("")}${"<w:r><w:t>x</w:t></w:r>".repeat(30_000)}</w:p>`,
    }),
    messages: [],
  });
  add({
    name: "shared-list-definition",
    file: "lists.docx",
    code: 0,
    bytes: docx({
      body: body(para("Dear friends,")),
      rels: `<Relationship Id="rIdN" Type="${REL}/numbering" Target="numbering.xml"/>`,
      parts: {
        "word/numbering.xml": `${DECL}<w:numbering xmlns:w="${W_NS}"><w:abstractNum w:abstractNumId="0">${Array.from({ length: 40_000 }, (_, i) => `<w:lvl w:ilvl="${i}"/>`).join("")}</w:abstractNum>${Array.from({ length: 40_000 }, (_, i) => `<w:num w:numId="${i}"><w:abstractNumId w:val="0"/></w:num>`).join("")}</w:numbering>`,
      },
    }),
    messages: [],
  });
  add({
    name: "shared-header",
    file: "header.docx",
    code: 0,
    bytes: docx({
      body:
        TITLE +
        Array.from({ length: 9_000 }, () => `<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr></w:pPr></w:p>`).join("") +
        para("Dear friends,"),
      rels: `<Relationship Id="rIdH" Type="${REL}/header" Target="header1.xml"/>`,
      parts: { "word/header1.xml": `${DECL}<w:hdr xmlns:w="${W_NS}">${"<w:p/>".repeat(100_000)}</w:hdr>` },
    }),
    messages: [],
  });

  add({
    name: "symbol-past-unicode",
    file: "symbol.docx",
    code: 0,
    bytes: docx({ body: TITLE + `<w:p><w:r><w:sym w:font="Symbol" w:char="FFFFFFFF"/><w:t>Dear friends,</w:t></w:r></w:p>` }),
    messages: [],
  });
  // Characters XML cannot hold, written as references the parser lets through, as a symbol and in a link: left out, as a build leaves them out.
  add({
    name: "text-forbidden-characters",
    file: "controls.docx",
    code: 0,
    bytes: docx({
      body:
        TITLE +
        `<w:p><w:r><w:t xml:space="preserve">Dear&#0; friends,&#1; &#xD800;yours&#xFFFF;.</w:t><w:sym w:char="0"/></w:r></w:p>` +
        `<w:p><w:hyperlink r:id="rNul"><w:r><w:t>The report</w:t></w:r></w:hyperlink></w:p>`,
      links: { rNul: "https://example.org/\0report" },
    }),
    messages: [],
  });
  // A title of `<!--` becomes front matter, the body's are escaped: the Markdown reads back as the same letter.
  add({
    name: "html-comment-starts",
    file: "comments.docx",
    code: 0,
    bytes: docx({ body: para("<!--".repeat(30), "Title") + para(`Dear friends, ${"<!--<?".repeat(30)}`) }),
    messages: [],
  });
  add({
    name: "many-backtick-runs",
    file: "backticks.docx",
    code: 0,
    bytes: docx({ body: TITLE + Array.from({ length: 200 }, () => para("`a".repeat(900), "SourceCode")).join("") }),
    messages: [],
  });
  add({
    name: "long-table",
    file: "table.docx",
    code: 1,
    bytes: docx({ body: body(para("Dear friends,")) + `<w:tbl>${"<w:tr><w:tc><w:p/></w:tc></w:tr>".repeat(10_500)}</w:tbl>` }),
    messages: [at(10_001, "error", "more than 10,000 paragraphs", "import-too-many-paragraphs")],
  });
  add({
    name: "many-paragraphs",
    file: "paragraphs.docx",
    code: 1,
    bytes: docx({ body: TITLE + para("Paragraph of text.").repeat(10_500) }),
    messages: [at(10_001, "error", "more than 10,000 paragraphs", "import-too-many-paragraphs")],
  });

  // Resources: a long paragraph, one full of Markdown syntax, too many notes.
  add({
    name: "long-paragraph",
    file: "long.docx",
    code: 1,
    bytes: docx({ body: TITLE + longParagraph(120_000, seed) }),
    messages: [at(2, "error", "120,000 characters, more than the 100,000", "import-too-long")],
  });
  add({
    name: "much-text",
    file: "text.docx",
    code: 1,
    bytes: docx({ body: TITLE + para("word ".repeat(19_000)).repeat(6) }),
    messages: [at(7, "error", "text passes 500,000 characters here", "import-too-long")],
  });
  add({
    name: "many-marks",
    file: "marks.docx",
    code: 1,
    bytes: docx({ body: body(para("*_[<".repeat(400))) }),
    messages: [at(2, "error", "more than 1,000 characters Markdown must mark or escape", "import-too-many-marks")],
  });
  add({
    name: "many-notes",
    file: "notes.docx",
    code: 1,
    bytes: docx(manyNotes(2_001)),
    messages: [at(2_002, "error", "makes 2001 notes, more than the 2,000", "import-too-many-notes")],
  });

  // Notes whose part has thousands of relationships: read once for the part, not once a note.
  const noteLinks = Array.from(
    { length: 30_000 },
    (_, i) => `<Relationship Id="h${i}" Type="${REL}/hyperlink" Target="https://example.org/${i}" TargetMode="External"/>`,
  ).join("");
  add({
    name: "many-notes-many-links",
    file: "note-links.docx",
    code: 0,
    bytes: docx({
      ...manyNotes(500),
      parts: {
        "word/_rels/footnotes.xml.rels": `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${noteLinks}</Relationships>`,
      },
    }),
    messages: [],
  });

  // Content meant as configuration: front matter that would make the next build read files.
  const fm = (value: unknown) => JSON.stringify(value);
  add({
    name: "config-front-matter",
    file: "config.docx",
    code: 0,
    bytes: docx({
      body: body(para("Dear friends,")),
      custom: {
        "broadside-source": `../${canary}`,
        "broadside-fm-packet": fm({ parts: [canary, "../../outside/secret.md", "/etc/passwd"] }),
        "broadside-fm-images": fm(canary),
        "broadside-fm-template": fm(canary),
        "broadside-fm-out": fm("/tmp/overwritten"),
        "broadside-fm-__proto__": fm({ polluted: true }),
        "broadside-fm-signatories": fm({ heading: "Signed by", from: canary }),
        "broadside-fm-author": fm("A translator"),
      },
    }),
    messages: [/warning: Front matter not imported: `packet`.*`images`.*`template`.*`out`.*`__proto__`.*`signatories.from`.*\[import-front-matter-key\]$/],
  });

  // A long run of white space inside a paragraph: trimmed in linear time, not by a pattern tried at each of its characters.
  add({
    name: "text-long-space-run",
    file: "spaces.docx",
    code: 0,
    bytes: docx({ body: body(para(`Dear friends,${"\u00a0".repeat(99_000)}yours.`), para(`A second${"\u00a0".repeat(99_000)}one.`)) }),
    messages: [],
  });

  // Properties that read as front matter a build refuses: the import refuses them, writing nothing.
  add({
    name: "config-front-matter-invalid",
    file: "properties.docx",
    code: 1,
    bytes: docx({
      body: body(para("Dear friends,")),
      custom: { "broadside-fm-notes": fm("Notes"), "broadside-fm-paper": fm({ width: canary }) },
    }),
    messages: [
      /error: The document properties of .* give front matter that broadside cannot build: Front matter `notes` is .*not `Notes` \[import-front-matter\]$/,
    ],
  });

  // Macros.
  add({
    name: "macro-docm",
    file: "letter.docm",
    code: 1,
    bytes: docx({ body: body(para("Dear friends,")) }),
    messages: [/error: Cannot import .*macros \(\.docm\).*save it as a Word document \(\.docx\).*\[import-macros\]$/],
  });
  add({
    name: "macro-vba-project",
    file: "vba.docx",
    code: 1,
    bytes: docx({ body: body(para("Dear friends,")) }, [{ name: "word/vbaProject.bin", data: noise }]),
    messages: [refused("contains macros \\(word/vbaProject.bin\\).*save it as a Word document")],
  });
  add({
    name: "macro-content-type",
    file: "macro-type.docx",
    code: 1,
    bytes: docx({ body: body(para("Dear friends,")), mainType: "application/vnd.ms-word.document.macroEnabled.main+xml" }),
    messages: [refused("macros")],
  });

  // Links a letter must not carry, each reported at its paragraph.
  const link = (id: string, text: string) => `<w:p><w:hyperlink r:id="${id}"><w:r><w:t>${text}</w:t></w:r></w:hyperlink></w:p>`;
  const targets = {
    rJs: "javascript:alert(document.cookie)",
    rFile: `file://${canary}`,
    rData: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    rVbs: "vbscript:msgbox(1)",
    rPath: "..\\..\\secret.docx",
    rOk: "https://example.org/report",
    rAnnex: "annex.pdf",
  };
  add({
    name: "links-forbidden",
    file: "links.docx",
    code: 0,
    bytes: docx({
      body: body(
        para("Dear friends,"),
        link("rJs", "Click here"),
        link("rFile", "The file"),
        link("rData", "The data"),
        link("rVbs", "The script"),
        link("rPath", "The document"),
        `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "javascript:alert(2)" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>A field</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`,
        link("rOk", "The report"),
        link("rAnnex", "The annex"),
      ),
      links: targets,
    }),
    messages: [
      at(3, "warning", "a link to a javascript: address", "import-link"),
      at(4, "warning", "a link to a file: address", "import-link"),
      at(5, "warning", "a link to a data: address", "import-link"),
      at(6, "warning", "a link to a vbscript: address", "import-link"),
      at(7, "warning", "a link to a file ", "import-link"),
      at(8, "warning", "a link to a javascript: address", "import-link"),
    ],
  });

  // Usage: --out at a folder.
  add({
    name: "out-is-a-folder",
    file: "fine.docx",
    code: 2,
    outIsFolder: true,
    bytes: docx({ body: body(para("Dear friends,")) }),
    messages: [/--out .* is a folder/],
  });
  return cases;
}
