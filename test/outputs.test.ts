/**
 * What each format promises on its own, read back from the built files with independent tools:
 * poppler and qpdf for the PDF, an HTML parser for the HTML, the unzipped XML for the DOCX.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { unzipSync, strFromU8 } from "fflate";
import { fromHtml } from "hast-util-from-html";
import { select, selectAll } from "hast-util-select";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.ts";

let out: string;
const SIGNATORIES = 230;

beforeAll(async () => {
  out = tempDir();
  const { code, stderr } = await cli(["build", "source/letter.md", "--out", out]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
});

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

describe("the PDF", () => {
  const pdf = () => join(out, "letter.pdf");

  it("is A4, tagged, with the letter's title, author, subject, keywords and creator", () => {
    const info = run("pdfinfo", [pdf()]);
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    expect(info).toMatch(/Title:\s+Activists slam Michelle Bachelet’s six-day visit/);
    expect(info).toMatch(/Author:\s+230 Uyghur, Tibetan, Southern Mongolian/);
    expect(info).toMatch(/Subject:\s+230 Uyghur/);
    expect(info).toMatch(/Keywords:\s+.*Uyghur/);
    expect(info).toMatch(/Creator:\s+broadside/);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(4);
  });

  it("is a well-formed PDF after broadside's update of its document facts", () => {
    expect(run("qpdf", ["--check", pdf()])).toContain("No syntax or stream encoding errors found");
  });

  it("declares its language and has an outline", () => {
    const objects: Record<string, { value?: any }> = JSON.parse(run("qpdf", ["--json=2", "--json-key=qpdf", pdf()])).qpdf[1];
    const catalog = Object.values(objects).find((o) => o.value?.["/Type"] === "/Catalog")?.value;
    expect(catalog["/Lang"]).toBe("u:en");
    expect(catalog["/Outlines"]).toMatch(/^\d+ 0 R$/);
    expect(catalog["/MarkInfo"]["/Marked"]).toBe(true);
  });

  it("embeds every font, none of them Type 3, all of them the fonts we ship", () => {
    const rows = run("pdffonts", [pdf()]).trim().split("\n").slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [name, ...rest] = row.split(/\s+/);
      const line = rest.join(" ");
      expect(line).not.toMatch(/Type 3/);
      expect(line).toMatch(/TrueType/);
      expect(row).toMatch(/ yes yes yes /); // embedded, subset, with a Unicode map
      expect(name).toMatch(/^[A-Z]{6}\+NotoSerif/);
    }
  });

  it("draws the Chinese name among the signatories with the shipped CJK face", () => {
    expect(run("pdftotext", [pdf(), "-"]).replace(/\s+/g, " ")).toContain("Chicago Solidarity with Hong Kong 芝援香港");
    const page = run("pdftotext", ["-bbox", pdf(), "-"])
      .split("<page")
      .findIndex((p) => p.includes("芝援香港"));
    const fonts = run("pdffonts", ["-f", String(page), "-l", String(page), pdf()]);
    expect(fonts).toMatch(/NotoSerifSC/);
  });

  it("numbers its pages and links every URL of the notes", () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(run("pdfinfo", [pdf()]))?.[1]);
    for (let n = 1; n <= pages; n++) {
      // The foot of page n: the bottom margin, below the text block.
      const foot = run("pdftotext", ["-f", String(n), "-l", String(n), "-x", "0", "-y", "780", "-W", "595", "-H", "62", pdf(), "-"]);
      expect(foot.replace(/\s/g, "")).toBe(`${n}/${pages}`);
    }
    const json = run("qpdf", ["--json=2", "--json-key=qpdf", pdf()]);
    const uris = new Set([...json.matchAll(/"\/URI": "u:([^"]+)"/g)].map((m) => m[1]));
    for (const url of ["https://hkdc.us/political-prisoners-research-report/", "https://www.xinjiangpolicefiles.org/"]) expect(uris).toContain(url);
    expect(uris.size).toBe(11); // the notes cite eleven distinct URLs
  });
});

describe("the HTML", () => {
  const tree = () => fromHtml(readFileSync(join(out, "letter.html"), "utf8"));

  it("is a standalone HTML5 document with language, title, description and viewport", () => {
    const html = readFileSync(join(out, "letter.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const doc = tree();
    expect(select("html", doc)?.properties.lang).toBe("en");
    expect((select("title", doc)?.children[0] as any).value).toMatch(/^Activists slam Michelle Bachelet’s six-day visit/);
    expect(select('meta[name="description"]', doc)?.properties.content).toMatch(/^230 Uyghur/);
    expect(select('meta[name="viewport"]', doc)?.properties.content).toContain("width=device-width");
    expect(select("h1", doc)).toBeDefined();
  });

  it("needs nothing from outside: no external stylesheet, script, image or font", () => {
    const doc = tree();
    expect(selectAll("link[rel~=stylesheet], script, img, iframe", doc)).toEqual([]);
    const css = selectAll("style", doc)
      .map((s) => (s.children[0] as any)?.value ?? "")
      .join("\n");
    const urls = [...css.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^data:font\/woff;base64,/);
    expect(css).toContain('font-family:"Noto Serif SC"');
  });

  it("sets the 230 signatories as one list and the notes with back-links", () => {
    const doc = tree();
    expect(selectAll("ul.signatories > li", doc)).toHaveLength(SIGNATORIES);
    expect(selectAll("section.notes li a.note-back[href^='#note-call-']", doc)).toHaveLength(10);
  });
});

describe("the DOCX", () => {
  let files: Record<string, string>;
  const xml = (name: string) => new DOMParser().parseFromString(files[name], "text/xml");
  const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

  beforeAll(() => {
    const zip = unzipSync(readFileSync(join(out, "letter.docx")));
    files = Object.fromEntries(Object.entries(zip).map(([name, data]) => [name, strFromU8(data)]));
  });

  it("has the named styles a translator restyles", () => {
    const styles = xml("word/styles.xml");
    const ids = Array.from(styles.getElementsByTagNameNS(W, "style")).map((s) => s.getAttributeNS(W, "styleId"));
    for (const id of ["Title", "Heading1", "Heading2", "Normal", "FootnoteText", "FootnoteReference", "Signatory", "Hyperlink"]) expect(ids).toContain(id);
  });

  it("styles every signatory with the Signatory style and the title with Title", () => {
    const doc = xml("word/document.xml");
    const styles = Array.from(doc.getElementsByTagNameNS(W, "pStyle")).map((s) => s.getAttributeNS(W, "val"));
    expect(styles.filter((s) => s === "Signatory")).toHaveLength(SIGNATORIES);
    expect(styles.filter((s) => s === "Title")).toHaveLength(1);
    expect(styles.filter((s) => s === "Heading2")).toHaveLength(1);
  });

  it("has ten real footnotes and links as hyperlink relationships", () => {
    const doc = xml("word/document.xml");
    expect(doc.getElementsByTagNameNS(W, "footnoteReference")).toHaveLength(10);
    const notes = Array.from(xml("word/footnotes.xml").getElementsByTagNameNS(W, "footnote")).filter((n) => Number(n.getAttributeNS(W, "id")) > 0);
    expect(notes).toHaveLength(10);
    const links = Array.from(xml("word/footnotes.xml").getElementsByTagNameNS(W, "hyperlink"));
    expect(links.length).toBe(11);
    const rels = files["word/_rels/footnotes.xml.rels"];
    for (const link of links) {
      const id = link.getAttributeNS("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "id");
      expect(rels).toMatch(new RegExp(`Id="${id}"[^>]*TargetMode="External"|TargetMode="External"[^>]*Id="${id}"`));
    }
  });

  it("sets the document language and the properties", () => {
    expect(files["word/styles.xml"]).toMatch(/<w:docDefaults>.*<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"\/>/s);
    const core = files["docProps/core.xml"];
    expect(core).toContain("<dc:title>Activists slam Michelle Bachelet’s six-day visit");
    expect(core).toMatch(/<dc:creator>230 Uyghur/);
    expect(core).toMatch(/<cp:keywords>Michelle Bachelet, OHCHR/);
  });
});
