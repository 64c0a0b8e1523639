/**
 * Editions in other languages and directions (issue 17): the words broadside adds, translated
 * from templates/words/ and overridable in the front matter; right-to-left editions (Uyghur) in
 * HTML, PDF and Word, and as LibreOffice shows the .docx; Mongolian script set vertically; the
 * round trip of a Uyghur and a Chinese translation through `import`.
 *
 * One build makes the shared editions (test/fixtures/editions) and a French letter whose long
 * note continues on the next page, with the proof on; the numbers of the round trip are checked
 * here with the independent readers of test/readers.ts too.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { strFromU8 } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { VFile } from "vfile";
import { compileDocx } from "../src/docx/index.ts";
import { compileHtml } from "../src/html/index.ts";
import { importDocx } from "../src/import/index.ts";
import { parseLetter } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { editDocx, W } from "./docx-edit.ts";
import { cli, messages, parse, ROOT, tempDir } from "./helpers.ts";
import { convertWithLibreOffice, readDocx, readHtml } from "./readers.ts";
import { unzipSync as docxParts } from "fflate";

const run = promisify(execFile);
const templatesDir = join(ROOT, "templates");
const editions = join(ROOT, "test/fixtures/editions");
const fixtures = join(ROOT, "test/fixtures/rtl");
const out = tempDir("broadside-editions-");

const read = (name: string) => readFileSync(join(out, name), "utf8");
const docxXml = (name: string, part: string) => strFromU8(docxParts(readFileSync(join(out, name)))[part]);

/** Text lines of a PDF page as pdftotext lays them out, with their boxes in points. */
async function pdfLines(path: string, page = 1) {
  const { stdout } = await run("pdftotext", ["-bbox-layout", "-f", String(page), "-l", String(page), path, "-"]);
  return [...stdout.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: [...m[5].matchAll(/<word[^>]*>([^<]*)<\/word>/g)].map((w) => w[1]).join(" "),
  }));
}

/** A word of Arabic script as pdftotext gives it: its letters in drawing order, right to left reversed. */
const drawn = (word: string) => [...word].reverse().join("");

/** Lines of running text (not the page number): their left and right ends. */
async function bodyLines(path: string) {
  const lines = await pdfLines(path);
  return lines.filter((l) => !/^\d+\s*\/\s*\d+$/.test(l.text) && l.xMax - l.xMin > 40);
}

let buildResult: Awaited<ReturnType<typeof cli>>;
let libreOfficePdf: string;

/** A translator's copy of the English letter's .docx: every word of the text and notes replaced, the calls left in place. */
const VOCABULARY: Record<string, string[]> = {
  ug: ["بىز", "خەت", "ئالىي", "كومىسسار", "تەلەپ", "قىلىمىز", "ئىستېپا", "زىيارەت", "مۇتەخەسسىس", "قارار", "دوكلات", "ئاۋاز"],
  "zh-CN": ["我们", "信", "高级", "专员", "要求", "辞职", "访问", "专家", "决议", "报告", "声明", "联署"],
};
const imported: Record<string, string> = {};

async function translateAndImport() {
  const original = join(fixtures, "en-roundtrip.md");
  const file = new VFile({ path: original, value: readFileSync(original, "utf8") });
  const docx = await compileDocx(parseLetter(file, { features: FEATURES })!, { templatesDir });
  for (const [lang, words] of Object.entries(VOCABULARY)) {
    const word = (w: string) => words[[...w].reduce((h, c) => (h * 31 + c.codePointAt(0)!) >>> 0, 7) % words.length];
    const translated = editDocx(docx, (parts) => {
      for (const path of ["word/document.xml", "word/footnotes.xml"]) {
        for (const t of Array.from(parts.xml(path).getElementsByTagNameNS(W, "t")))
          t.textContent = (t.textContent ?? "").replace(/https?:\/\/\S+|\p{L}+/gu, (m) => (m.startsWith("http") ? m : word(m)));
      }
    });
    const path = join(out, `translated.${lang}.docx`);
    writeFileSync(path, translated);
    // What `npm run import -- translated.ug.docx --lang ug --original …` does.
    const result = await importDocx(path, { lang, original });
    expect(result.file.messages.filter((m) => m.fatal).map(String)).toEqual([]);
    imported[lang] = join(out, `letter.${lang}.md`);
    writeFileSync(imported[lang], result.markdown!);
  }
}

beforeAll(async () => {
  await translateAndImport();
  const sources = [
    join(editions, "ug.md"),
    join(editions, "fr.md"),
    join(editions, "mn-Mong.md"),
    join(fixtures, "fr-continued.md"),
    imported.ug,
    imported["zh-CN"],
  ];
  buildResult = await cli(["build", ...sources, "--out", out]);
  if (buildResult.code === 0) libreOfficePdf = await convertWithLibreOffice(join(out, "ug.docx"), join(out, "libreoffice"));
});

describe("the words broadside adds", () => {
  it("come from the edition's language table in the HTML, the PDF and the .docx", async () => {
    expect(buildResult.stderr).not.toMatch(/error/);
    expect(buildResult.code).toBe(0);
    const ug = read("ug.html");
    expect(ug).toContain(">ئىزاھلار</h2>");
    expect(ug).toContain('aria-label="تېكىستتىكى 2-ئىزاھقا قايتىش"');
    expect(ug).toContain('aria-label="1-ئىزاھنىڭ تېكىستتىكى 2-ئورنىغا قايتىش"');
    expect(ug).not.toMatch(/Back to|>Notes</);
    const fr = read("fr.html");
    expect(fr).toContain('aria-label="Retour à l’appel de la note 2 dans le texte"');
    expect(fr).toContain('--bs-continued:" (suite) "');
    // The PDF: the French note continued on page 2 says so in French.
    const { stdout } = await run("pdftotext", [join(out, "fr-continued.pdf"), "-"]);
    expect(stdout).toMatch(/^1 \(suite\) /m);
    expect(stdout).not.toContain("(cont.)");
    // The .docx: the language's notes heading is not written into the document's properties, so
    // that an imported translation takes its own language's.
    expect(docxXml("fr.docx", "docProps/custom.xml")).not.toContain("notes-heading");
  });

  it("fall back to English with one warning, at the lang key, when the language has no table", () => {
    const { file, letter } = parse("---\ntitle: Lettera\nlang: it\n---\n\nTesto.[^1]\n\n[^1]: Nota.\n");
    expect(messages(file)).toEqual(["3:1 words-missing warning"]);
    expect(file.messages[0].reason).toContain("it.yaml");
    expect(letter!.language.words["notes-heading"]).toBe("Notes");
  });

  it("name each entry a language's table lacks, once", () => {
    const dir = tempDir("broadside-words-");
    mkdirSync(join(dir, "words"));
    copyFileSync(join(templatesDir, "words/en.yaml"), join(dir, "words/en.yaml"));
    writeFileSync(join(dir, "words/fr.yaml"), "notes-heading: Notes\ncontinued: (suite)\n");
    const file = new VFile({ path: "fr.md", value: "---\ntitle: Lettre\nlang: fr-CA\n---\n\nTexte.\n" });
    const letter = parseLetter(file, { templatesDir: dir, features: FEATURES })!;
    expect(messages(file)).toEqual(["3:1 words-missing warning"]);
    expect(file.messages[0].reason).toMatch(/`back-to-note`, `back-to-reference`, `page`, `signed-by`, `image`/);
    expect(letter.language.words.continued).toBe("(suite)");
    expect(letter.language.words["back-to-note"]).toBe("Back to note {note} in the text");
  });

  it("follow a tag to its table: zh-Hant-HK → zh-Hant, zh-CN → zh, mn-Mong its own; English needs none", () => {
    const heading = (lang: string) => parse(`---\ntitle: T\nlang: ${lang}\n---\n\nx\n`).letter!.language.words["notes-heading"];
    expect(heading("zh-Hant-HK")).toBe("註釋");
    expect(heading("zh-TW")).toBe("註釋");
    expect(heading("zh-CN")).toBe("注释");
    expect(heading("ja")).toBe("注");
    expect(heading("bo")).toBe("མཆན་འགྲེལ།");
    expect(heading("mn")).toBe("Тайлбар");
    expect(heading("mn-Mong")).toBe("ᠲᠠᠶᠢᠯᠪᠤᠷᠢ");
    expect(heading("tr")).toBe("Notlar");
    expect(heading("ar")).toBe("الهوامش");
    const english = parse("---\ntitle: T\nlang: en-GB\n---\n\nx\n");
    expect(messages(english.file)).toEqual([]);
  });

  it("are overridden by the front matter's words:, and an unknown word is named", async () => {
    const source =
      "---\ntitle: Lettre\nlang: fr\nwords:\n  notes-heading: Références\n  continued: (à suivre)\n  back-to-note: Remonter à l’appel {note}\n  page: Page {page} sur {pages}\n  colophon: x\n---\n\nTexte.[^1]\n\n## Liste des signataires\n\n- Congrès mondial ouïghour\n\n[^1]: Note.\n";
    const { file, letter } = parse(source);
    expect(messages(file)).toEqual(["9:3 front-matter-unknown-key warning"]);
    // The page number, in the PDF's page margin and in the Word footer.
    const footers = docxParts(await compileDocx(letter!, { templatesDir }));
    const footer = Object.keys(footers)
      .filter((n) => /^word\/footer\d*\.xml$/.test(n))
      .map((n) => strFromU8(footers[n]))
      .join("");
    expect(footer).toMatch(
      /<w:t xml:space="preserve">Page <\/w:t><\/w:r><w:r><w:fldChar w:fldCharType="begin"\/>[\s\S]*?PAGE[\s\S]*?<w:t xml:space="preserve"> sur <\/w:t>[\s\S]*?NUMPAGES/,
    );
    const { html } = await compileHtml(letter!, { templatesDir });
    expect(html).toContain('<h2 id="notes-heading">Références</h2>');
    expect(html).toContain('aria-label="Remonter à l’appel 1"');
    expect(html).toContain('--bs-continued:" (à suivre) "');
    expect(html).toContain('@bottom-center{content:"Page " counter(page) " sur " counter(pages)}');
    // The French table's signatory headings open the list.
    expect(html).toContain('<ul class="signatories">');
  });
});

describe("right to left (Uyghur)", () => {
  it("sets dir=rtl on <html>, right-aligned, with Latin names, URLs and number ranges isolated", () => {
    const html = read("ug.html");
    expect(html).toMatch(/<html lang="ug" dir="rtl"/);
    expect(html).toContain('html[dir="rtl"] { text-align: right; }');
    expect(html).toMatch(/<a href="https:\/\/documents-dds-ny\.un\.org[^"]*" dir="ltr">/);
    expect(html).toContain('<bdi dir="ltr">Human Rights Watch</bdi>');
    expect(html).toContain('<li dir="auto">Chicago Solidarity with Hong Kong 芝援香港</li>');
    expect(read("fr.html")).toMatch(/<html lang="fr" dir="ltr"/);
  });

  it("keeps an Arabic-script name in its order inside an English letter", async () => {
    const { letter } = parse(readFileSync(join(fixtures, "en-roundtrip.md"), "utf8"));
    const { html } = await compileHtml(letter!, { templatesDir });
    expect(html).toContain('(<bdi dir="rtl">دولقۇن ئەيسا</bdi>)');
    expect(html).toContain('<li dir="auto">دۇنيا ئۇيغۇر قۇرۇلتىيى</li>');
  });

  it("prints the PDF right-aligned, the signatory columns from the right", async () => {
    const lines = await bodyLines(join(out, "ug.pdf"));
    const right = Math.max(...lines.map((l) => l.xMax));
    // A4 is 595 pt wide, with 20 mm (57 pt) margins: the text block ends at 538 pt.
    expect(right).toBeGreaterThan(530);
    expect(right).toBeLessThan(545);
    const flushRight = lines.filter((l) => l.xMax > right - 3);
    const flushLeft = lines.filter((l) => l.xMin < 60);
    expect(flushRight.length).toBeGreaterThan(flushLeft.length + 4);
    // The first signatory stands in the rightmost column, the third to its left.
    // pdftotext gives Arabic script in logical or visual order, and may space its letters apart.
    const name = (text: string) => lines.find((l) => [text, drawn(text)].some((t) => l.text.replace(/\s/g, "").includes(t)))!;
    expect(name("قۇرۇلتىيى").xMax).toBeGreaterThan(name("Chicago").xMax + 50);
  });

  it("writes w:bidi on paragraphs and sections, w:rtl and the complex-script face on runs, the bidi language", () => {
    const doc = docxXml("ug.docx", "word/document.xml");
    const paragraphs = doc.match(/<w:p>/g)?.length ?? 0;
    expect(doc.match(/<w:pPr><w:pStyle w:val="[^"]+"\/><w:bidi\/>/g)?.length).toBe(paragraphs);
    expect(doc).toMatch(/<w:cols w:space="284" w:num="3" w:equalWidth="true"\/><w:bidi\/>/);
    expect(doc).toContain('<w:r><w:rPr><w:rtl/><w:cs/></w:rPr><w:t xml:space="preserve">دۇنيا ئۇيغۇر قۇرۇلتىيى</w:t></w:r>');
    // The complex-script face is the edition's, named once in the document's defaults.
    expect(docxXml("ug.docx", "word/styles.xml")).toMatch(/<w:docDefaults>[\s\S]*?<w:rFonts [^>]*w:cs="Noto Naskh Arabic"/);
    // A Latin name stays a left-to-right run.
    expect(doc).toContain('<w:r><w:t xml:space="preserve">Tibet Advocacy Coalition</w:t></w:r>');
    expect(docxXml("ug.docx", "word/footnotes.xml")).toMatch(/<w:bidi\/>[\s\S]*<w:rtl\/>/);
    expect(docxXml("ug.docx", "word/styles.xml")).toMatch(/<w:lang w:val="ug-CN" w:eastAsia="zh-CN" w:bidi="ug-CN"\/>/);
  });

  it("is right-aligned as LibreOffice lays out the .docx", async () => {
    const lines = await bodyLines(libreOfficePdf);
    const right = Math.max(...lines.map((l) => l.xMax));
    expect(right).toBeGreaterThan(530);
    expect(lines.filter((l) => l.xMax > right - 3).length).toBeGreaterThan(lines.filter((l) => l.xMin < 65).length + 4);
    // pdftotext spaces out the letters of some words set in Noto Naskh: compare without spaces.
    const name = (text: string) => lines.find((l) => l.text.replace(/\s+/g, "").includes(text.replace(/\s+/g, "")))!;
    expect(name(drawn("قۇرۇلتىيى")).xMax).toBeGreaterThan(name("Chicago").xMax + 50);
  });
});

describe("Mongolian script (mn-Mong)", () => {
  it("is set vertically, its notes at the end, and the build says so", async () => {
    expect(buildResult.stderr).toMatch(/mn-Mong\.md:3:1: info: .*notes go at the end.*\[vertical-endnotes\]/);
    const html = read("mn-Mong.html");
    expect(html).toMatch(/<html lang="mn-Mong" dir="ltr" class="vertical"/);
    expect(html).toContain("html.vertical { writing-mode: vertical-lr; }");
    const lines = (await pdfLines(join(out, "mn-Mong.pdf"))).filter((l) => l.text.length > 8);
    // Lines run top to bottom: each taller than wide.
    const vertical = lines.filter((l) => l.yMax - l.yMin > 3 * (l.xMax - l.xMin));
    expect(vertical.length).toBeGreaterThan(lines.length * 0.8);
    expect(vertical.length).toBeGreaterThanOrEqual(4);
    // They follow each other left to right: the signatories, then the notes at the end, to their right.
    const at = (text: string) => lines.find((l) => l.text.includes(text))!;
    expect(at("smhric.org").xMin).toBeGreaterThan(at("World Mongol Federation").xMax);
  });

  it("keeps the text, the language and a Mongolian face in the .docx", () => {
    const doc = docxXml("mn-Mong.docx", "word/document.xml");
    // Mongolian runs are complex script, drawn with the edition's complex-script face.
    expect(doc).toMatch(/<w:r><w:rPr><w:cs\/><\/w:rPr><w:t xml:space="preserve">ᠪᠢᠳᠡ /);
    expect(docxXml("mn-Mong.docx", "word/styles.xml")).toMatch(/<w:docDefaults>[\s\S]*?<w:rFonts [^>]*w:cs="Noto Sans Mongolian"/);
    expect(docxXml("mn-Mong.docx", "word/styles.xml")).toContain('w:val="mn-Mong-CN"');
  });
});

describe("the round trip of a translation", () => {
  it("imports a Uyghur and a Chinese .docx with their language, and builds them with the original's numbers and the right direction", async () => {
    expect(buildResult.code).toBe(0);
    const ugSource = readFileSync(imported.ug, "utf8");
    expect(ugSource).toMatch(/^lang: ug$/m);
    expect(ugSource).not.toMatch(/notes-heading|Signed by|^dir:/m);
    for (const lang of ["ug", "zh-CN"]) {
      const html = await readHtml(join(out, `letter.${lang}.html`));
      const docx = await readDocx(join(out, `letter.${lang}.docx`));
      expect(html.calls).toEqual([1, 2, 3, 1]);
      expect(docx.calls).toEqual([1, 2, 3, 1]);
      expect([...html.notes.keys()]).toEqual([1, 2, 3]);
      expect(docx.notes).toEqual(html.notes);
    }
    const ug = read("letter.ug.html");
    expect(ug).toMatch(/<html lang="ug" dir="rtl"/);
    expect(ug).toContain(">ئىزاھلار</h2>");
    expect(ug).toContain('<ul class="signatories">');
    expect(docxXml("letter.ug.docx", "word/document.xml")).toContain("<w:bidi/>");
    const zh = read("letter.zh-CN.html");
    expect(zh).toMatch(/<html lang="zh-CN" dir="ltr"/);
    expect(zh).toContain(">注释</h2>");
    expect(docxXml("letter.zh-CN.docx", "word/document.xml")).not.toContain("<w:bidi/>");
  });

  it("keeps a translation right to left when Word's paragraphs are, in a language broadside does not know as such", async () => {
    // Dari (prs) is written in Arabic script; its tag names no script.
    const result = await importDocx(join(out, "ug.docx"), { lang: "prs", original: join(editions, "ug.md") });
    expect(result.markdown).toMatch(/^lang: prs$/m);
    expect(result.markdown).toMatch(/^dir: rtl$/m);
    const { letter } = parse(result.markdown!);
    expect(letter!.language.dir).toBe("rtl");
  });
});
