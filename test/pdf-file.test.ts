/**
 * src/verify/pdf-file.mjs, the PDF reader behind the build's proof, on small PDFs written
 * here by hand: the PDF features Chromium does not use but other writers do (TJ arrays with
 * kerning, literal strings with escapes, simple fonts without ToUnicode, T* and TL, named
 * destinations in a name tree, GoTo and URI actions, role maps, marked-content references),
 * and the files it must refuse rather than misread. Chromium's own PDFs are read in
 * verify.test.ts, pdf.test.ts and agreement.test.ts, against poppler and qpdf.
 */
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type PdfItem, readPdfBytes } from "../src/verify/pdf-file.mjs";

type Item = PdfItem;

/** A PDF from object bodies (object k + 1 is bodies[k]); a body may be [dict, stream bytes]. */
function pdf(bodies: (string | [string, Buffer])[], trailer = ""): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0].length;
  const offsets: number[] = [];
  const add = (b: Buffer) => {
    parts.push(b);
    length += b.length;
  };
  bodies.forEach((body, k) => {
    offsets.push(length);
    if (typeof body === "string") add(Buffer.from(`${k + 1} 0 obj\n${body}\nendobj\n`, "latin1"));
    else {
      const [dict, data] = body;
      add(Buffer.from(`${k + 1} 0 obj\n${dict.replace(/>>\s*$/, ` /Length ${data.length} >>`)}\nstream\n`, "latin1"));
      add(data);
      add(Buffer.from("\nendstream\nendobj\n", "latin1"));
    }
  });
  const xrefAt = length;
  const entries = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  add(Buffer.from(`xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n${entries}trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xrefAt}\n%%EOF\n`, "latin1"));
  return Buffer.concat(parts);
}

const stream = (dict: string, text: string, compress = false): [string, Buffer] =>
  compress ? [`${dict.replace(/>>\s*$/, "")} /Filter /FlateDecode >>`, deflateSync(Buffer.from(text, "latin1"))] : [dict, Buffer.from(text, "latin1")];

/** Helvetica-like widths: every code 500/1000 wide, the space 250. */
const WIDTHS = `[${Array.from({ length: 95 }, (_, i) => (i === 0 ? 250 : 500)).join(" ")}]`;
const SIMPLE_FONT = `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 126 /Widths ${WIDTHS} >>`;

const text = (bytes: Buffer, page = 0) => (readPdfBytes(bytes, /^note-\d+$/).texts[page]?.items ?? []) as Item[];

describe("the PDF reader", () => {
  it("reads literal strings, TJ kerning, T* and a simple font's widths, compressed or not", () => {
    const content = [
      "BT /F1 10 Tf 12 TL 100 700 Td",
      "(Hello \\(world\\)) Tj",
      "T* [(A) -1000 (B)] TJ",
      "T* (caf\\351 \\134o/) Tj",
      "ET",
    ].join("\n");
    for (const compress of [false, true]) {
      const file = pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        stream("<< >>", content, compress),
        SIMPLE_FONT,
      ]);
      const items = text(file);
      expect(items.map((i) => i[0])).toEqual(["Hello (world)", "A", " ", "B", "café \\o/"]);
      const [hello, a, space, b] = items;
      expect([hello[1], hello[2], hello[4]]).toEqual([100, 700, 10]);
      // 13 characters, the space 2.5 wide and the others 5: 62.5.
      expect(hello[3]).toBeCloseTo(62.5, 6);
      expect(hello[5]).toBe(true); // the line ends there
      expect(a[2]).toBe(688); // T* moved down by the leading
      // A -1000 kern moves B one em (10) right of A's end: a gap, read as a space.
      expect(b[1]).toBeCloseTo(100 + 5 + 10, 6);
      expect(space[1]).toBeCloseTo(105, 6);
      expect(items[4][2]).toBe(676);
    }
  });

  it("reads a Type0 font's codes through its ToUnicode map (bfchar, bfrange, ligatures)", () => {
    const cmap = [
      "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
      "1 begincodespacerange <0000> <FFFF> endcodespacerange",
      "2 beginbfchar <0003> <0020> <0010> <00660069> endbfchar",
      "1 beginbfrange <0020> <0022> <0061> endbfrange",
      "1 beginbfrange <0030> <0031> [<4E2D> <6587>] endbfrange",
      "endcmap CMapName currentdict /CMap defineresource pop end end",
    ].join("\n");
    const file = pdf([
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      stream("<< >>", "BT /F1 20 Tf 1 0 0 1 50 500 Tm <0020002100220003001000030030 0031> Tj ET"),
      "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 1000 /W [16 [500] 32 34 600] >>",
      stream("<< >>", cmap),
    ]);
    const [item] = text(file);
    expect(item[0]).toBe("abc fi 中文");
    // a b c at 600 (a range in W), spaces and 中 文 at 1000 (DW), fi at 500: 6300/1000 × 20.
    expect(item[3]).toBeCloseTo(126, 6);
  });

  it("finds links by named destination (name tree), GoTo action and URI, and lists items by page", () => {
    const page = (n: number, contents: number) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contents} 0 R /StructParents ${n} /Annots [${n === 0 ? "9 0 R 10 0 R 11 0 R" : ""}] /Resources << /Font << /F1 8 0 R >> >> >>`;
    const file = pdf([
      "<< /Type /Catalog /Pages 2 0 R /Names << /Dests 12 0 R >> /StructTreeRoot 13 0 R >>",
      "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
      page(0, 5),
      page(1, 6),
      stream("<< >>", "/P <</MCID 0>> BDC BT /F1 10 Tf 72 700 Td (Text with a call) Tj ET EMC /Span <</MCID 1>> BDC BT /F1 6 Tf 160 704 Td (1) Tj ET EMC"),
      stream("<< >>", "/Lbl <</MCID 0>> BDC BT /F1 8 Tf 72 100 Td (1.) Tj ET EMC /P <</MCID 1>> BDC BT /F1 8 Tf 90 100 Td (The note.) Tj ET EMC"),
      "",
      SIMPLE_FONT,
      "<< /Type /Annot /Subtype /Link /Rect [159 700 164 712] /Dest (note-1) >>",
      "<< /Type /Annot /Subtype /Link /Rect [72 690 100 699] /A << /S /GoTo /D [4 0 R /XYZ 72 110 0] >> >>",
      "<< /Type /Annot /Subtype /Link /Rect [72 680 100 689] /A << /S /URI /URI (https://example.org/) >> >>",
      "<< /Kids [14 0 R] >>",
      "<< /Type /StructTreeRoot /K [15 0 R] /RoleMap << /Footnote /LI /Label /Lbl >> >>",
      "<< /Limits [(note-1) (note-1)] /Names [(note-1) [4 0 R /XYZ 72 110 0]] >>",
      "<< /S /Document /P 13 0 R /K [16 0 R 17 0 R] >>",
      "<< /S /P /P 15 0 R /Pg 3 0 R /K [0 << /Type /MCR /MCID 1 >>] >>",
      "<< /S /Footnote /P 15 0 R /K [18 0 R 19 0 R] >>",
      "<< /S /Label /P 17 0 R /K << /Type /MCR /Pg 4 0 R /MCID 0 >> >>",
      "<< /S /P /P 17 0 R /Pg 4 0 R /K 1 >>",
    ]);
    const { pages, texts } = readPdfBytes(file, /^note-\d+$/);
    expect(pages[0].links).toEqual([
      { rect: [159, 700, 164, 712], name: "note-1", dest: [1, 72, 110], external: false },
      { rect: [72, 690, 100, 699], name: null, dest: [1, 72, 110], external: false },
      { rect: [72, 680, 100, 689], name: null, dest: null, external: true },
    ]);
    // Text is read from the page with the call and the page it leads to.
    expect(Object.keys(texts)).toEqual(["0", "1"]);
    expect(texts[1].lis).toEqual([{ label: ["1_mc0"], body: ["1_mc1"] }]);
    expect(texts[0].lis).toEqual([]);
    const call = (texts[0].items as Item[]).find((i) => i[0] === "1")!;
    expect([call[4], call[6], call[7]]).toEqual([6, 1, "0_mc1"]);
  });

  it("reads a PDF that refers to itself in circles once, and ends", () => {
    const file = pdf([
      "<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 8 0 R >>",
      // The page tree holds itself and the page twice.
      "<< /Type /Pages /Kids [3 0 R 2 0 R 3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R /Y 7 0 R >> >> /StructParents 0 >>",
      stream("<< >>", "/P <</MCID 0>> BDC BT /F1 10 Tf 72 700 Td (Once) Tj ET EMC /X Do /Y Do"),
      SIMPLE_FONT,
      // A form that draws itself, twice over.
      stream("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> >>", "BT /F1 10 Tf 72 600 Td (Form) Tj ET /X Do /X Do"),
      // A form whose length is itself.
      "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nstream\nBT /F1 10 Tf 72 500 Td (Seven) Tj ET\nendstream",
      "<< /Type /StructTreeRoot /K [9 0 R] >>",
      // A list item that holds itself.
      "<< /S /LI /P 8 0 R /Pg 3 0 R /K [0 9 0 R 9 0 R] >>",
    ]);
    const { pages, texts } = readPdfBytes(file, /^note-\d+$/);
    expect(pages).toHaveLength(1);
    expect((texts[0].items as Item[]).map((i) => i[0]).filter((t) => t.trim())).toEqual(["Once", "Form", "Seven"]);
    expect(texts[0].lis).toEqual([{ label: [], body: ["0_mc0"] }]);
  });

  it("refuses what it cannot read, saying why", () => {
    const base = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"];
    expect(() => readPdfBytes(pdf([...base, ["<< /Filter /LZWDecode >>", Buffer.from("x")]]), /^note-/)).toThrow(/LZWDecode filter/);
    expect(() => readPdfBytes(pdf([...base, stream("<< >>", "")], "/Encrypt << /Filter /Standard >> "), /^note-/)).toThrow(/encrypted/);
    expect(() => readPdfBytes(Buffer.from("%PDF-1.7\n1 0 obj << >> endobj\n"), /^note-/)).toThrow(/no startxref/);
  });
});
