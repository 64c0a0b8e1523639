/**
 * The .docx a translator receives: styles only, the look from templates/reference.docx,
 * notes as real notes, the language set, page furniture, properties, repeatable bytes, and
 * LibreOffice's reading of it.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DOMParser, type Element as XmlElement } from "@xmldom/xmldom";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { scriptRuns } from "../src/language.ts";
import { zipEntries } from "../src/ooxml/zip.ts";
import { cli, ROOT, tempDir } from "./helpers.ts";
import { libreOfficeEnv, libreOfficeFamilies } from "./libreoffice.ts";

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
let out: string;

function parts(path: string): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(readFileSync(path))).map(([name, data]) => [name, strFromU8(data)]));
}
const xml = (text: string) => new DOMParser().parseFromString(text, "text/xml");
const elements = (text: string, name: string) => Array.from(xml(text).getElementsByTagNameNS(W, name));
const signatoryNames = () =>
  readFileSync(join(ROOT, "source/letter.md"), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("- "))
    .map((line) =>
      line
        .slice(2)
        .replace(/\\([*_])/g, "$1")
        .trim(),
    );

beforeAll(async () => {
  out = tempDir();
  const { code, stderr } = await cli(["build", "source/letter.md", "test/fixtures/endnotes.md", "--out", out, "--format", "docx"], {
    env: { SOURCE_DATE_EPOCH: "1654041600" },
  });
  expect(stderr).toBe("");
  expect(code).toBe(0);
});

describe("styles only", () => {
  it("gives every paragraph of the body and the notes a named style", () => {
    for (const name of ["letter.docx", "endnotes.docx"]) {
      const docx = parts(join(out, name));
      for (const part of ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"]) {
        const notes = elements(docx[part], part.includes("notes") ? (part.includes("foot") ? "footnote" : "endnote") : "body");
        const paragraphs = notes
          .filter((n) => !part.includes("notes") || Number(n.getAttributeNS(W, "id")) > 0)
          .flatMap((n) => Array.from(n.getElementsByTagNameNS(W, "p")));
        for (const p of paragraphs) expect(p.getElementsByTagNameNS(W, "pStyle").length, `${name} ${part}: ${p.textContent}`).toBe(1);
      }
    }
  });

  it("has no direct fonts, sizes or colours, no manual breaks, no tracked changes or comments", () => {
    const docx = parts(join(out, "letter.docx"));
    for (const part of ["word/document.xml", "word/footnotes.xml"]) {
      for (const tag of ["rFonts", "sz", "color", "br", "ins", "del", "commentReference", "txbxContent"]) {
        expect(elements(docx[part], tag), `${tag} in ${part}`).toHaveLength(0);
      }
    }
    expect(Object.keys(docx)).not.toContain("word/comments.xml");
  });

  it("prints Markdown's formatting as character styles, with adjacent runs merged", () => {
    const docx = parts(join(out, "endnotes.docx"));
    const body = elements(docx["word/document.xml"], "p").filter((p) => p.getElementsByTagNameNS(W, "pStyle")[0]?.getAttributeNS(W, "val") === "BodyText");
    const runs = body.flatMap((p) => Array.from(p.getElementsByTagNameNS(W, "r"))).filter((r) => r.getElementsByTagNameNS(W, "t").length);
    const styled = runs.map((r) => {
      const style = r.getElementsByTagNameNS(W, "rStyle")[0]?.getAttributeNS(W, "val") ?? "";
      const direct = ["b", "i", "strike"].filter((t) => r.getElementsByTagNameNS(W, t).length);
      return `${r.textContent}|${style}|${direct.join(",")}`;
    });
    expect(styled).toEqual(
      expect.arrayContaining(["accent|Emphasis|", "gras|Strong|", "les deux|Strong|i", "code|VerbatimChar|", "barré||strike", "lien|Hyperlink|"]),
    );
    // One run for the text between the formatted pieces: nothing split without a reason.
    expect(styled[0]).toBe("Un appel||");
    for (let i = 1; i < runs.length; i++) {
      const a = runs[i - 1];
      const b = runs[i];
      if (a.parentNode !== b.parentNode || a.nextSibling !== b) continue;
      const props = (r: XmlElement) => r.getElementsByTagNameNS(W, "rPr")[0]?.toString() ?? "";
      expect(props(a) === props(b), `runs "${a.textContent}" and "${b.textContent}" could be one`).toBe(false);
    }
  });
});

describe("notes", () => {
  it("writes endnotes when the source says notes: endnotes, a repeat as a NOTEREF", () => {
    const docx = parts(join(out, "endnotes.docx"));
    expect(elements(docx["word/document.xml"], "footnoteReference")).toHaveLength(0);
    expect(elements(docx["word/document.xml"], "endnoteReference").map((e) => e.getAttributeNS(W, "id"))).toEqual(["1", "2"]);
    const instructions = elements(docx["word/document.xml"], "instrText").map((e) => e.textContent);
    expect(instructions).toEqual([" NOTEREF _RefNote1 \\f \\h "]);
    const endnotes = elements(docx["word/endnotes.xml"], "endnote").filter((n) => Number(n.getAttributeNS(W, "id")) > 0);
    // A space after the number, as in Word's own notes.
    expect(endnotes.map((n) => n.textContent)).toEqual([" Note A, with emphasis.", " Note B."]);
  });

  it("puts a space between each note's number and its text", () => {
    for (const [name, part, kind] of [
      ["letter.docx", "word/footnotes.xml", "footnote"],
      ["endnotes.docx", "word/endnotes.xml", "endnote"],
    ]) {
      const notes = elements(parts(join(out, name))[part], kind).filter((n) => Number(n.getAttributeNS(W, "id")) > 0);
      expect(notes.length).toBeGreaterThan(0);
      for (const note of notes) {
        const run = note.getElementsByTagNameNS(W, `${kind}Ref`)[0].parentNode as XmlElement;
        let next = run.nextSibling as XmlElement | null;
        while (next && next.nodeType !== 1) next = next.nextSibling as XmlElement | null;
        expect(next?.textContent, `${name} ${kind} ${note.getAttributeNS(W, "id")}`).toMatch(/^[ \t]/);
      }
    }
  });
});

describe("the same in Word and LibreOffice", () => {
  it("gives every line spacing an explicit rule, in every part", () => {
    for (const name of ["letter.docx", "endnotes.docx"]) {
      const docx = parts(join(out, name));
      const spacings = Object.keys(docx)
        .filter((n) => n.startsWith("word/") && n.endsWith(".xml"))
        .flatMap((n) =>
          elements(docx[n], "spacing")
            .filter((s) => s.hasAttributeNS(W, "line"))
            .map((s) => ({ n, s })),
        );
      expect(spacings.length).toBeGreaterThan(3);
      for (const { n, s } of spacings) expect(s.getAttributeNS(W, "lineRule"), `${name} ${n}`).toBe("auto");
    }
  });
});

describe("language, furniture and properties", () => {
  it("sets the language in the document defaults, East Asian and bidi slots included", () => {
    const styles = parts(join(out, "endnotes.docx"))["word/styles.xml"];
    const defaults = elements(styles, "docDefaults")[0];
    const lang = defaults.getElementsByTagNameNS(W, "lang")[0];
    expect([lang.getAttributeNS(W, "val"), lang.getAttributeNS(W, "eastAsia"), lang.getAttributeNS(W, "bidi")]).toEqual(["fr-FR", "zh-CN", "ar-SA"]);
    expect(parts(join(out, "endnotes.docx"))["docProps/core.xml"]).toContain("<dc:language>fr</dc:language>");
  });

  it("puts the short title in the header, the page number in the footer, the signatories in three columns", () => {
    const docx = parts(join(out, "letter.docx"));
    const headers = Object.keys(docx)
      .filter((n) => /^word\/header\d+\.xml$/.test(n))
      .map((n) => xml(docx[n]).documentElement!.textContent);
    expect(headers).toContain("Bachelet’s visit whitewashed repression");
    const footers = Object.keys(docx)
      .filter((n) => /^word\/footer\d+\.xml$/.test(n))
      .map((n) => docx[n]);
    expect(footers.some((f) => /PAGE/.test(f) && /NUMPAGES/.test(f))).toBe(true);
    const sections = elements(docx["word/document.xml"], "sectPr");
    const columns = sections.map((s) => s.getElementsByTagNameNS(W, "cols")[0]?.getAttributeNS(W, "num"));
    expect(columns).toEqual(["1", "3", "1"]);
    // The three-column section holds exactly the signatories.
    const body = elements(docx["word/document.xml"], "body")[0];
    const paragraphs = Array.from(body.getElementsByTagNameNS(W, "p"));
    const end = paragraphs.findIndex((p) => p.getElementsByTagNameNS(W, "cols")[0]?.getAttributeNS(W, "num") === "3");
    const start = paragraphs.findIndex((p, i) => i < end && p.getElementsByTagNameNS(W, "pStyle")[0]?.getAttributeNS(W, "val") === "Signatory");
    expect(end - start + 1).toBe(230);
  });

  it("fills title, subject, author, keywords, description and dates from SOURCE_DATE_EPOCH", () => {
    const core = parts(join(out, "letter.docx"))["docProps/core.xml"];
    expect(core).toMatch(/<dc:title>Activists slam/);
    expect(core).toMatch(/<dc:subject>230 Uyghur/);
    expect(core).toMatch(/<dc:creator>230 Uyghur/);
    expect(core).toMatch(/<cp:keywords>Michelle Bachelet, OHCHR/);
    expect(core).toMatch(/<dc:description>230 Uyghur/);
    expect(core).toContain(">2022-06-01T00:00:00Z</dcterms:created>");
    expect(core).toContain(">2022-06-01T00:00:00Z</dcterms:modified>");
  });

  it("is the same bytes when built again with the same SOURCE_DATE_EPOCH", async () => {
    const again = tempDir();
    // Another source built first, in the same process: nothing of it may leak into the letter's bytes.
    const { code } = await cli(["build", "test/fixtures/notes.md", "source/letter.md", "--out", again, "--format", "docx"], {
      env: { SOURCE_DATE_EPOCH: "1654041600", TZ: "Asia/Tokyo" },
    });
    expect(code).toBe(0);
    expect(Buffer.compare(readFileSync(join(again, "letter.docx")), readFileSync(join(out, "letter.docx")))).toBe(0);
  });

  it("dates every entry of the package, in its local header and in the central directory, by SOURCE_DATE_EPOCH", () => {
    const bytes = readFileSync(join(out, "letter.docx"));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // 2022-06-01 00:00:00 in MS-DOS fields: the time (0), then the date (years since 1980, month, day).
    const dos = [0, ((2022 - 1980) << 9) | (6 << 5) | 1];
    const entries = zipEntries(bytes);
    expect(entries.length).toBeGreaterThan(10);
    for (const entry of entries)
      for (const at of [entry.local + 10, entry.central + 12]) expect([view.getUint16(at, true), view.getUint16(at + 2, true)], entry.name).toEqual(dos);
  });
});

describe("the look comes from templates/reference.docx", () => {
  it("takes a style, the page size and the header someone changed in a copy of it", async () => {
    const templates = tempDir();
    cpSync(join(ROOT, "templates"), templates, { recursive: true });
    const reference = unzipSync(readFileSync(join(templates, "reference.docx")));
    const styles = strFromU8(reference["word/styles.xml"]).replace(/(<w:style [^>]*w:styleId="Heading2"[^>]*>[\s\S]*?<w:rPr>)/, '$1<w:color w:val="C00000"/>');
    expect(styles).toContain('<w:color w:val="C00000"/>');
    reference["word/styles.xml"] = strToU8(styles);
    const document = strFromU8(reference["word/document.xml"]).replace(/<w:pgSz [^>]*\/>/, '<w:pgSz w:w="12240" w:h="15840" w:orient="portrait"/>');
    reference["word/document.xml"] = strToU8(document);
    for (const name of Object.keys(reference).filter((n) => /^word\/header\d+\.xml$/.test(n))) {
      reference[name] = strToU8(strFromU8(reference[name]).replace("[short-title]", "Coalition — [short-title]"));
    }
    writeFileSync(join(templates, "reference.docx"), zipSync(reference));
    const dir = tempDir();
    const { code, stderr } = await cli(["build", "source/letter.md", "--out", dir, "--format", "docx", "--templates", templates]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const docx = parts(join(dir, "letter.docx"));
    const heading2 = elements(docx["word/styles.xml"], "style").find((s) => s.getAttributeNS(W, "styleId") === "Heading2")!;
    expect(heading2.getElementsByTagNameNS(W, "color")[0].getAttributeNS(W, "val")).toBe("C00000");
    const sizes = elements(docx["word/document.xml"], "pgSz").map((s) => s.getAttributeNS(W, "w"));
    expect(new Set(sizes)).toEqual(new Set(["12240"]));
    const headers = Object.keys(docx)
      .filter((n) => /^word\/header\d+\.xml$/.test(n))
      .map((n) => xml(docx[n]).documentElement!.textContent);
    expect(headers).toContain("Coalition — Bachelet’s visit whitewashed repression");
  });
});

describe("LibreOffice, a real word processor", () => {
  let pdf = "";
  beforeAll(() => {
    const dir = tempDir();
    mkdirSync(join(dir, "profile"));
    // broadside's faces only (test/libreoffice.ts): the host's fonts would decide where lines wrap.
    const families = libreOfficeFamilies();
    expect(families).toContain("Noto Serif");
    expect(families.some((family) => family.startsWith("Noto Serif SC"))).toBe(true);
    expect(families.filter((family) => !family.startsWith("Noto "))).toEqual([]);
    execFileSync(
      "soffice",
      [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", dir, join(out, "letter.docx")],
      { timeout: 180_000, stdio: "ignore", env: libreOfficeEnv() },
    );
    expect(readdirSync(dir)).toContain("letter.pdf");
    pdf = join(dir, "letter.pdf");
  }, 180_000);

  /** Words of a page as pdftotext places them, in points from the top left. */
  const words = (page: number) =>
    [
      ...execFileSync("pdftotext", ["-f", String(page), "-l", String(page), "-bbox", pdf, "-"], { encoding: "utf8" }).matchAll(
        /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
      ),
    ].map((m) => ({ left: Number(m[1]), top: Number(m[2]), right: Number(m[3]), bottom: Number(m[4]), text: m[5] }));

  /**
   * The text of every page read one third of its text area at a time: the signatories' three
   * columns each top to bottom, so a name wrapped inside its column reads whole.
   */
  const columnsText = () => {
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    const [width, height] = /^Page size:\s+([\d.]+) x ([\d.]+)/m.exec(info)!.slice(1).map(Number);
    const margin = Math.min(...words(1).map((w) => w.left));
    const third = (width - 2 * margin) / 3;
    const crop = (page: number, column: number) =>
      execFileSync(
        "pdftotext",
        [
          "-f",
          String(page),
          "-l",
          String(page),
          "-x",
          String(Math.round(margin + column * third)),
          "-y",
          String(Math.round(margin)),
          "-W",
          String(Math.round(third)),
          "-H",
          String(Math.round(height - 2 * margin)),
          pdf,
          "-",
        ],
        { encoding: "utf8" },
      );
    return Array.from({ length: pages }, (_, page) => [0, 1, 2].map((column) => crop(page + 1, column)).join("\n")).join("\n");
  };

  it("converts it to PDF with the title, the heading and all 230 signatories", () => {
    const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
    // pdftotext joins a name wrapped at its hyphen ("Ardèche-/Tibet"): compare without spaces and hyphens.
    const squash = (t: string) => t.normalize("NFC").replace(/[\s\-‐]+/g, "");
    const flat = squash(text);
    expect(flat).toContain(squash("Activists slam Michelle Bachelet’s six-day visit"));
    expect(text).toContain("Signed by:");
    const names = signatoryNames();
    expect(names).toHaveLength(230);
    const columns = squash(columnsText());
    const missing = names.filter((name) => !columns.includes(squash(name)));
    expect(missing).toEqual([]);
  });

  it("sets the title's lines apart, at least its 20 pt size from one to the next", () => {
    // The title's words come first on page 1, however its lines wrap.
    const title = /^title: "?(.*?)"?$/m.exec(readFileSync(join(ROOT, "source/letter.md"), "utf8"))![1].split(" ");
    const page = words(1).slice(0, title.length);
    expect(page.map((w) => w.text)).toEqual(title);
    const tops = [...new Set(page.map((w) => Math.round(w.top)))];
    expect(tops.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < tops.length; i++) expect(tops[i] - tops[i - 1]).toBeGreaterThanOrEqual(20);
  });

  it("prints a space between a footnote's number and its text", () => {
    // Note 1 at the foot of page 1: its number, then “In accordance…, on the same line.
    const page = words(1);
    const besideNumber = page.flatMap((text) => {
      const number = page.find((w) => w.text === "1" && w.right <= text.left + 0.5 && text.left - w.right < 10 && w.bottom > text.top && w.top < text.bottom);
      return text.text === "“In" && number ? [text.left - number.right] : [];
    });
    expect(besideNumber).toHaveLength(1);
    expect(besideNumber[0]).toBeGreaterThan(1.5);
  });
});

describe("runs of one script", () => {
  const cut = (text: string, rtl = false) => scriptRuns(text, rtl).map((run) => [run.text, run.script?.lang ?? "", run.rtl ? "rtl" : ""]);

  it("cuts Arabic, Hebrew, Tibetan and Mongolian script from the text around, brackets outside a right-to-left run", () => {
    expect(cut("Uyghurs (ئۇيغۇر، قازاق) and Tibetans (བོད་པ།) with ᠮᠣᠩᠭᠣᠯ ᠬᠦᠮᠦᠨ and שלום.")).toEqual([
      ["Uyghurs (", "", ""],
      ["ئۇيغۇر، قازاق", "ar", "rtl"],
      [") and Tibetans (", "", ""],
      ["བོད་པ།", "bo", ""],
      [") with ", "", ""],
      ["ᠮᠣᠩᠭᠣᠯ ᠬᠦᠮᠦᠨ", "mn-Mong", ""],
      [" and ", "", ""],
      ["שלום", "he", "rtl"],
      [".", "", ""],
    ]);
  });

  it("makes the punctuation and spaces between runs right to left in a right-to-left paragraph, a piece with a Latin word not", () => {
    expect(cut("ئۇيغۇر (قازاق). WUC 2022.", true)).toEqual([
      ["ئۇيغۇر", "ar", "rtl"],
      [" (", "", "rtl"],
      ["قازاق", "ar", "rtl"],
      ["). WUC 2022.", "", ""],
    ]);
    expect(cut("ئۇيغۇر (قازاق).", false)).toEqual([
      ["ئۇيغۇر", "ar", "rtl"],
      [" (", "", ""],
      ["قازاق", "ar", "rtl"],
      [").", "", ""],
    ]);
  });
});

describe("a long run of white space", () => {
  it("joins the lines around it with one space, in time (a pattern tried at each of its characters would take minutes)", async () => {
    const dir = tempDir();
    const source = join(dir, "spaces.md");
    writeFileSync(source, `---\ntitle: Spaces\nlang: en\n---\n\nBefore${"\u00a0".repeat(300_000)}x\nafter.\n`);
    const { code, stderr } = await cli(["build", source, "--out", dir, "--format", "docx"]);
    expect(code, stderr).toBe(0);
    const texts = elements(parts(join(dir, "spaces.docx"))["word/document.xml"], "t").map((t) => t.textContent);
    expect(texts.join("")).toContain("x after.");
  });
});
