/**
 * The safety pass's parts on their own (image headers, UTF-8, URL schemes, characters XML
 * forbids), a source's size and note count, and the Markdown that makes parsers slow.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { fromHtml } from "hast-util-from-html";
import { selectAll } from "hast-util-select";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { compileDocx } from "../src/docx/index.ts";
import { compileHtml } from "../src/html/index.ts";
import { sniffImage } from "../src/images.ts";
import { parseLetter } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { decodeSource, firstInvalidUtf8, HOSTILE_MARKDOWN, MAX_HTML_OPENERS, MAX_MARKS, MAX_SOURCE_BYTES, urlScheme } from "../src/safety.ts";
import { FRONT, messages, parse, ROOT, tempDir } from "./helpers.ts";
import { GIF, JPEG, png, pngHeader, WEBP } from "./images.ts";
import { run } from "./spawn.ts";

const TEMPLATES = join(ROOT, "templates");

describe("image headers", () => {
  it("reads the format and size of PNG, GIF, JPEG and WebP from their first bytes", () => {
    expect(sniffImage(png(640, 480))).toEqual({ format: "png", mime: "image/png", width: 640, height: 480 });
    expect(sniffImage(GIF)).toEqual({ format: "gif", mime: "image/gif", width: 1, height: 1 });
    expect(sniffImage(JPEG)).toEqual({ format: "jpg", mime: "image/jpeg", width: 1, height: 1 });
    expect(sniffImage(WEBP)).toEqual({ format: "webp", mime: "image/webp", width: 1, height: 1 });
  });

  it("takes nothing else, whatever its name: SVG, HTML, text, a cut-off header, a zero size", () => {
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImage(Buffer.from("<html><script>alert(1)</script>"))).toBeUndefined();
    expect(sniffImage(Buffer.from("GIF8"))).toBeUndefined();
    expect(sniffImage(png(4, 4).subarray(0, 20))).toBeUndefined();
    expect(sniffImage(pngHeader(0, 10))).toBeUndefined();
  });
});

describe("UTF-8", () => {
  it("finds the first byte that is not UTF-8: stray, overlong, surrogate, beyond U+10FFFF, cut short", () => {
    expect(firstInvalidUtf8(Buffer.from("plain, café, 香港, 🇭🇰"))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xff]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // U+D800
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // U+110000
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // cut short
  });

  it("reports it at the line and column an editor shows, counting characters, not bytes", () => {
    const file = decodeSource(Buffer.concat([Buffer.from("\uFEFFline one\n香港 café "), Buffer.from([0xff]), Buffer.from(" rest\n")]), "x.md");
    expect(String(file.value)).toBe("");
    expect(messages(file)).toEqual(["2:9 invalid-utf8 error"]);
  });
});

describe("URL schemes", () => {
  it("reads them as a browser does: case, tabs and newlines inside, controls and spaces in front", () => {
    expect(urlScheme("JaVaScRiPt:alert(1)")).toBe("javascript");
    expect(urlScheme("java\tscr\nipt:alert(1)")).toBe("javascript");
    expect(urlScheme("\x01 javascript:alert(1)")).toBe("javascript");
    expect(urlScheme("https://example.org")).toBe("https");
    expect(urlScheme("notes/page.html")).toBeUndefined();
    expect(urlScheme("#note-1")).toBeUndefined();
    expect(urlScheme("java%73cript:alert(1)")).toBeUndefined(); // no scheme: a relative path, as for a browser
  });
});

describe("characters XML forbids", () => {
  it("a lone surrogate given through the API: warned about at its place and in no output", async () => {
    const { file, letter } = parse(`${FRONT}Half \uD800 a pair, and a form\u000Cfeed.\n`);
    expect(messages(file)).toEqual(["6:6 forbidden-character warning", "6:26 forbidden-character warning"]);
    expect(file.messages[0].reason).toBe(
      "The source contains a lone surrogate (U+D800), which XML documents (the .docx) cannot hold; it is left out of every output",
    );
    const { html } = await compileHtml(letter!, { templatesDir: TEMPLATES });
    expect(html).toContain("Half  a pair, and a formfeed.");
    const docx = strFromU8(unzipSync(await compileDocx(letter!, { templatesDir: TEMPLATES }))["word/document.xml"]);
    expect(docx).toContain("Half  a pair, and a formfeed.");
  });

  it("says how many more there are after the first twenty", () => {
    const { file } = parse(`${FRONT}${"x\u0001".repeat(25)}\n`);
    expect(file.messages).toHaveLength(21);
    expect(file.messages[20].reason).toBe("… and 5 more messages like these (only the first 20 are shown)");
  });
});

describe("raw HTML and links, wherever they are", () => {
  it("finds them inside notes, lists and quotes too", () => {
    const { file } = parse(`${FRONT}- A list <b>item</b>[^a]\n\n> [Quoted](javascript:void(0))\n\n[^a]: A note <script>x</script>.\n`);
    expect(messages(file)).toEqual(["6:10 raw-html warning", "8:3 unsafe-link error", "10:14 raw-html warning"]);
  });

  it("leaves raw HTML out of the tree, so no compiler sees it", () => {
    const { letter } = parse(`${FRONT}Before <span onclick="x">inside</span> after.\n\n<div>block</div>\n`);
    expect(JSON.stringify(letter!.tree)).not.toMatch(/"type":"html"/);
  });
});

describe("images in the .docx", () => {
  it("are scaled down to the text block, keeping their proportions", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "wide.png"), png(2000, 500));
    const file = new VFile({ path: join(dir, "wide.md"), value: `${FRONT}![A wide picture](wide.png)\n` });
    const letter = parseLetter(file, { features: FEATURES })!;
    expect(file.messages).toEqual([]);
    const zip = unzipSync(await compileDocx(letter, { templatesDir: TEMPLATES }));
    const document = strFromU8(zip["word/document.xml"]);
    const [, cx, cy] = /<wp:extent cx="(\d+)" cy="(\d+)"\/>/.exec(document)!.map(Number);
    const width = Number(/<w:pgSz w:w="(\d+)"/.exec(document)![1]);
    const left = Number(/<w:pgMar [^>]*w:left="(\d+)"/.exec(document)![1]);
    const right = Number(/<w:pgMar [^>]*w:right="(\d+)"/.exec(document)![1]);
    const textWidthEmu = (width - left - right) * 635; // 1 twip = 635 EMU
    expect(cx).toBeLessThanOrEqual(textWidthEmu);
    expect(cx).toBeGreaterThan(textWidthEmu * 0.97);
    expect(cx / cy).toBeCloseTo(4, 1);
  });
});

describe("large sources", () => {
  it("over the size limit: an error naming the limit, before the source is read", async () => {
    const dir = tempDir();
    const path = join(dir, "huge.md");
    writeFileSync(path, "");
    truncateSync(path, MAX_SOURCE_BYTES + 1); // sparse: no disk used
    const result = await run(["build", "huge.md", "--out", "out", "--format", "html"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`huge.md:1:1: error: The source is 2.0 MB; broadside reads at most 2.0 MB (split the letter) [source-too-large]`);
  });

  it("a packet's front matter nesting lists 20,000 deep: refused at its line, before the YAML parser recurses", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "deep.packet.md"), `---\ntitle: Deep\nlang: en\nkeywords:\n${"- ".repeat(20_000)}x\npacket:\n  parts: [a.md]\n---\n\nParts.\n`);
    const result = await run(["check", "deep.packet.md"], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      "deep.packet.md:5:201: error: This line opens more than 100 quotes and lists inside each other; flatten it [too-deep]",
    );
  });

  it("2,000 notes: all numbered in order, in the HTML and as Word footnotes", async () => {
    const dir = tempDir();
    const body = Array.from({ length: 2000 }, (_, i) => `Claim ${i + 1}.[^n${i + 1}]`).join("\n\n");
    const notes = Array.from({ length: 2000 }, (_, i) => `[^n${i + 1}]: Source ${i + 1}, <https://example.org/${i + 1}>.`).join("\n");
    writeFileSync(join(dir, "notes.md"), `${FRONT}${body}\n\n${notes}\n`);
    const result = await run(["build", "notes.md", "--out", "out", "--format", "html,docx"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const items = selectAll("section.notes li", fromHtml(readFileSync(join(dir, "out/notes.html"), "utf8")));
    expect(items).toHaveLength(2000);
    expect(items[1999].properties.id).toBe("note-2000");
    const footnotes = strFromU8(unzipSync(readFileSync(join(dir, "out/notes.docx")))["word/footnotes.xml"]);
    expect(footnotes.match(/<w:footnote w:id="\d+"/g)?.filter((m) => Number(/\d+/.exec(m)![0]) > 0)).toHaveLength(2000);
  });
});

describe("four-digit note numbers", () => {
  it("are printed whole at the foot of the PDF's pages (the page box cut their first digit)", async () => {
    const dir = tempDir();
    const body = Array.from({ length: 1002 }, (_, i) => `Claim ${i + 1}.[^n${i + 1}]`).join("\n\n");
    const notes = Array.from({ length: 1002 }, (_, i) => `[^n${i + 1}]: Source ${i + 1}.`).join("\n");
    writeFileSync(join(dir, "notes.md"), `${FRONT}${body}\n\n${notes}\n`);
    const result = await run(["build", "notes.md", "--out", "out", "--format", "html,pdf"], { cwd: dir });
    expect(result.stderr).toBe(""); // the build reads the PDF back: a cut number would be an error
    expect(result.code).toBe(0);
    const text = execFileSync("pdftotext", [join(dir, "out/notes.pdf"), "-"], { encoding: "utf8" });
    expect(text).toMatch(/^1000\. Source 1000\.$/m);
    expect(text).toMatch(/^1002\. Source 1002\.$/m);
  }, 120_000);
});

describe("Markdown that makes parsers slow", () => {
  // How parse time grows with such inputs (in proportion to their length) is measured by
  // `npm run bench`; here, that each at the edge of the limits parses and builds.
  it.each(HOSTILE_MARKDOWN)("%s: parses, numbered and compiled", async (_, make, n) => {
    const letter = parseLetter(new VFile({ path: "x.md", value: FRONT + make(n) }), { features: FEATURES });
    expect(letter).toBeDefined();
    expect((await compileHtml(letter!, { templatesDir: TEMPLATES })).html).toContain("</html>");
  });

  it("a run past the limits is refused at once, with its place", () => {
    expect(messages(parse(`${FRONT}${"*".repeat(MAX_MARKS + 1)}a\n`).file)).toEqual([`6:${MAX_MARKS + 1} too-many-marks error`]);
    expect(messages(parse(`${FRONT}${"- ".repeat(101)}a\n`).file)).toEqual(["6:201 too-deep error"]);
    expect(messages(parse(`${FRONT}a${"<!--".repeat(MAX_HTML_OPENERS + 1)}\n`).file)).toEqual([`6:${4 * MAX_HTML_OPENERS + 2} too-many-marks error`]);
    // In the front matter `<!` starts no HTML: a title full of them is a title.
    const title = `---\ntitle: "${"<!--".repeat(MAX_HTML_OPENERS + 1)}"\nlang: en\n---\n\nText.\n`;
    expect(messages(parse(title).file).filter((m) => m.includes("too-many-marks"))).toEqual([]);
  });
});
