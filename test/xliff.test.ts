/**
 * XLIFF 1.2 for translation tools: `export --xliff` writes a unit per paragraph, heading, item,
 * cell, signatory and note with protected codes; translate-toolkit (which nobody here wrote)
 * reads it, counts it, converts it to PO and back and finds a dropped note call; a translation
 * imports, is checked like a .docx, and builds with the same note numbers in all three formats.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { DOMParser, type Element as XmlElement } from "@xmldom/xmldom";
import { beforeAll, describe, expect, it } from "vitest";
import { translateText } from "./docx-edit.ts";
import { cli, tempDir } from "./helpers.ts";
import { readDocx, readHtml } from "./readers.ts";
import { pseudoTranslate, XLIFF } from "./xliff-edit.ts";

const run = promisify(execFile);
const dir = tempDir("broadside-xliff-");
const LETTER_CALLS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const path = (name: string) => join(dir, name);

type Result = Awaited<ReturnType<typeof cli>>;
let exports: Record<string, Result> = {};
let imported: Result;
let built: Result;

const lineOf = (text: string, what: string) => text.slice(0, text.indexOf(what)).split("\n").length;
const units = (xml: string) => Array.from(new DOMParser().parseFromString(xml, "text/xml").getElementsByTagNameNS(XLIFF, "trans-unit")) as XmlElement[];

beforeAll(async () => {
  await mkdir(path("source"), { recursive: true });
  const [letter, ug] = await Promise.all([
    cli(["export", "source/letter.md", "--xliff", "--out", path("letter.xlf")]),
    cli(["export", "test/fixtures/editions/ug.md", "--xliff", "--out", path("ug.xlf")]),
  ]);
  exports = { letter, ug };
  writeFileSync(path("letter.fr.xlf"), pseudoTranslate(readFileSync(path("letter.xlf"), "utf8"), "fr"));
  // The same translation with the call to note 3 dropped from paragraph 2.
  const remove = (id: string, target: XmlElement) => {
    if (id !== "paragraph-2") return;
    const ph = Array.from(target.getElementsByTagNameNS(XLIFF, "ph")).find((p) => p.textContent === "[^3]")!;
    ph.parentNode!.removeChild(ph);
  };
  writeFileSync(
    path("dropped.xlf"),
    pseudoTranslate(readFileSync(path("letter.xlf"), "utf8"), "fr", () => true, remove),
  );
  imported = await cli(["import", path("letter.fr.xlf"), "--out", path("source/letter.fr.md")]);
  if (imported.code === 0) built = await cli(["build", path("source/letter.fr.md"), "--out", path("fr")]);
}, 240_000);

describe("export --xliff", () => {
  it("writes XLIFF 1.2 with one unit per paragraph, heading, signatory, note and front matter text", () => {
    expect(exports.letter.code).toBe(0);
    const xml = readFileSync(path("letter.xlf"), "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">/);
    const ids = units(xml).map((u) => u.getAttribute("id")!);
    const count = (prefix: string) => ids.filter((id) => id.startsWith(prefix)).length;
    const letter = readFileSync("source/letter.md", "utf8");
    expect(count("signatory-")).toBe(letter.split("\n").filter((l) => /^- /.test(l)).length);
    expect(ids.filter((id) => /^note-\d+$/.test(id))).toHaveLength(10);
    expect(ids.filter((id) => /^note-\d+\.2$/.test(id)).length).toBeGreaterThan(0); // a note's second paragraph
    expect(count("paragraph-")).toBe(10);
    expect(count("heading-")).toBe(1);
    expect(ids).toContain("front-title");
    expect(ids).toContain("front-signatories.heading");
  });

  it("writes each note call as a protected code, in the unit where the source calls it", () => {
    const xml = readFileSync(path("letter.xlf"), "utf8");
    const calls = units(xml).flatMap((u) =>
      Array.from(u.getElementsByTagNameNS(XLIFF, "source")[0].getElementsByTagNameNS(XLIFF, "ph"))
        .filter((p) => p.getAttribute("ctype") === "x-note-call")
        .map((p) => p.textContent),
    );
    expect(calls).toEqual(LETTER_CALLS.map((n) => `[^${n}]`));
  });

  it("refuses a --lang that is no language tag (it names the default output file: `../..` would leave dist/): exit 2", async () => {
    const r = await cli(["export", "source/letter.md", "--xliff", "--lang", "../../../escaped"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--lang takes a language tag like fr, es or zh-Hans; not ../../../escaped");
    expect(existsSync(join("..", "escaped.xlf"))).toBe(false);
  });

  it("the Uyghur edition exports with its language and its right-to-left text", () => {
    expect(exports.ug.code).toBe(0);
    const xml = readFileSync(path("ug.xlf"), "utf8");
    expect(xml).toContain('source-language="ug"');
    expect(xml).toMatch(/[\u0600-\u06FF]{3}/);
  });
});

describe("translate-toolkit reads it", () => {
  it("pocount counts every unit of the letter and of the Uyghur edition, none translated", async () => {
    for (const name of ["letter", "ug"]) {
      const { stdout } = await run("pocount", ["--csv", path(`${name}.xlf`)]);
      const row = stdout.trim().split("\n").pop()!.split(/,\s*/);
      // Filename, Total Source Words? pocount --csv: Filename, Translated Messages, Translated Source Words, …, Untranslated Messages, …, Total Source Words
      const header = stdout.trim().split("\n")[0].split(/,\s*/);
      const untranslated = Number(row[header.indexOf("Untranslated Messages")]);
      expect(untranslated).toBe(units(readFileSync(path(`${name}.xlf`), "utf8")).length);
    }
  });

  it("xliff2po and po2xliff keep every note call; pofilter finds one dropped", async () => {
    await run("xliff2po", [path("letter.fr.xlf"), path("letter.fr.po")]);
    const po = readFileSync(path("letter.fr.po"), "utf8");
    for (const n of LETTER_CALLS) expect(po.split(`[^${n}]`).length - 1).toBe(2); // msgid and msgstr
    // Drop the call to note 4 from its translation.
    const dropped = po.replace(/(msgstr[^\n]*(?:\n"[^\n]*)*?)\[\^4\]/, "$1");
    expect(dropped.split("[^4]").length - 1).toBe(1);
    writeFileSync(path("dropped.po"), dropped);
    await run("pofilter", ["-t", "brackets", "-t", "numbers", path("dropped.po"), path("flagged.po")]);
    const flagged = readFileSync(path("flagged.po"), "utf8");
    const entries = flagged.split("\n\n").filter((e) => e.includes("(pofilter)"));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toContain("[^4]");
    // And back to XLIFF: every call still there, in source and target.
    await run("po2xliff", [path("letter.fr.po"), path("back.xlf")]);
    const back = readFileSync(path("back.xlf"), "utf8");
    for (const n of LETTER_CALLS) expect(back.split(`[^${n}]`).length - 1).toBe(2);
  });

  it("pofilter on the translated XLIFF itself flags nothing, and flags the unit whose note call was dropped", async () => {
    const flagged = async (name: string) => {
      await run("pofilter", ["-t", "brackets", "-t", "numbers", path(`${name}.xlf`), path(`${name}.flagged.xlf`)]);
      // pofilter writes no file when no unit fails.
      return existsSync(path(`${name}.flagged.xlf`)) ? units(readFileSync(path(`${name}.flagged.xlf`), "utf8")).map((u) => u.getAttribute("id")) : [];
    };
    expect(await flagged("letter.fr")).toEqual([]);
    expect(await flagged("dropped")).toEqual(["paragraph-2"]);
  });

  it("the Uyghur edition's XLIFF goes to PO with every note call", async () => {
    await run("xliff2po", [path("ug.xlf"), path("ug.po")]);
    const po = readFileSync(path("ug.po"), "utf8");
    const calls = [...readFileSync("test/fixtures/editions/ug.md", "utf8").matchAll(/\[\^[^\]]+\](?!:)/g)].length;
    expect(po.match(/\[\^\d+\]/g)?.length).toBe(calls);
  });
});

describe("import of a translated XLIFF", () => {
  it("imports with exit 0 and writes the edition with its language and the source's revision", () => {
    expect(imported.stderr).not.toMatch(/error/);
    expect(imported.code).toBe(0);
    const md = readFileSync(path("source/letter.fr.md"), "utf8");
    expect(md).toMatch(/^---\n[\s\S]*\nlang: fr\n/);
    expect(md).toMatch(/translation-of:\n {2}source: letter\.md\n {2}revision: \w{8}\n {2}units: /);
    expect(md).toContain(translateText("During her six-day visit to China"));
    expect(md).toContain("- Act with HK"); // signatories kept as they are
  });

  it("builds with the same note numbers in the HTML, the PDF and the .docx", async () => {
    // The build's own proof reads the three outputs back and compares their notes (exit 0 only if they agree);
    // here each format is read once more by a reader of its own.
    expect(built.stderr).not.toMatch(/error/);
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/3 files written/);
    const out = (ext: string) => path(`fr/letter.fr.${ext}`);
    const [html, docx] = await Promise.all([readHtml(out("html")), readDocx(out("docx"))]);
    expect(html.calls).toEqual(LETTER_CALLS);
    expect(docx.calls).toEqual(LETTER_CALLS);
    expect(docx.notes).toEqual(html.notes);
    // The PDF's note calls, read by qpdf: each page's links into the notes, in the order printed.
    const { stdout } = await run("qpdf", ["--json=2", "--json-key=qpdf", "--json-key=pages", out("pdf")], { maxBuffer: 64 * 2 ** 20 });
    const json = JSON.parse(stdout) as { qpdf: [unknown, Record<string, { value?: Record<string, unknown> }>]; pages: { object: string }[] };
    const objects = json.qpdf[1];
    const value = (ref: unknown) => (typeof ref === "string" && objects[`obj:${ref}`]?.value) || (ref as Record<string, unknown> | undefined);
    const pdfCalls = json.pages.flatMap((page) =>
      ((value(page.object)?.["/Annots"] as string[] | undefined) ?? []).flatMap((ref) => {
        const annot = value(ref)!;
        const dest = annot["/Dest"] ?? (value(annot["/A"]) as Record<string, unknown> | undefined)?.["/D"];
        const m = typeof dest === "string" ? /^\/note-(\d+)$/.exec(dest) : null;
        return m ? [Number(m[1])] : [];
      }),
    );
    expect(pdfCalls).toEqual(LETTER_CALLS);
  });

  it("a dropped note call, a call moved out of order and a DOCTYPE are refused at their places; nothing written", async () => {
    const xml = readFileSync(path("letter.xlf"), "utf8");
    const swap = (id: string, target: XmlElement) => {
      if (id !== "paragraph-2") return;
      const [a, b] = Array.from(target.getElementsByTagNameNS(XLIFF, "ph"));
      target.insertBefore(b, a);
    };
    writeFileSync(
      path("swapped.xlf"),
      pseudoTranslate(xml, "fr", () => true, swap),
    );
    writeFileSync(path("doctype.xlf"), xml.replace("<xliff", '<!DOCTYPE xliff [<!ENTITY a "aaaa">]>\n<xliff'));
    const [dropped, swapped, doctype] = await Promise.all(
      ["dropped", "swapped", "doctype"].map((name) => cli(["import", path(`${name}.xlf`), "--lang", "fr", "--out", path(`source/${name}.md`)])),
    );
    const lineOf = (file: string, id: string) =>
      readFileSync(path(file), "utf8")
        .split("\n")
        .findIndex((l) => l.includes(`<trans-unit id="${id}"`)) + 1;
    expect(dropped.code).toBe(1);
    expect(dropped.stderr).toMatch(
      new RegExp(
        `dropped\\.xlf:${lineOf("dropped.xlf", "paragraph-2")}:\\d+: error: trans-unit paragraph-2 \\(paragraph 2\\): the note call to note 3 \\(code n3\\) was dropped from the translation.*\\[xliff-note-call\\]`,
      ),
    );
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toMatch(
      new RegExp(
        `swapped\\.xlf:${lineOf("swapped.xlf", "paragraph-2")}:\\d+: error: trans-unit paragraph-2 \\(paragraph 2\\): its note calls are to notes \\[3, 2\\], the source's unit calls \\[2, 3\\].*\\[xliff-note-order\\]`,
      ),
    );
    expect(doctype.code).toBe(1);
    expect(doctype.stderr).toMatch(/doctype\.xlf:2:1: error: The XLIFF file has a DOCTYPE.*\[xliff-doctype\]/);
    for (const name of ["dropped", "swapped", "doctype"]) expect(existsSync(path(`source/${name}.md`))).toBe(false);
  });

  it("a file nested too deep, or not XLIFF 1.2, is refused with a message; nothing written", async () => {
    const xml = readFileSync(path("letter.xlf"), "utf8");
    writeFileSync(path("deep.xlf"), xml.replace("</source>", `${'<g id="x" ctype="bold">'.repeat(200)}a${"</g>".repeat(200)}</source>`));
    writeFileSync(
      path("two.xlf"),
      xml.replace('version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"', 'version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0"'),
    );
    const [deep, two] = await Promise.all(
      ["deep", "two"].map((name) => cli(["import", path(`${name}.xlf`), "--lang", "fr", "--out", path(`source/${name}.md`)])),
    );
    expect(deep.code).toBe(1);
    expect(deep.stderr).toMatch(/deep\.xlf:\d+:\d+: error: The XLIFF file nests elements more than 64 deep \[xliff-too-deep\]/);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/two\.xlf:1:1: error: Not an XLIFF 1\.2 file.*\[xliff-unreadable\]/);
    for (const name of ["deep", "two"]) expect(existsSync(path(`source/${name}.md`))).toBe(false);
  });

  it("an XLIFF that names no target-language, without --lang, is refused at the <file> element; nothing written", async () => {
    const xml = readFileSync(path("letter.xlf"), "utf8");
    expect(xml).not.toContain("target-language");
    const r = await cli(["import", path("letter.xlf"), "--out", path("source/nolang.md")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`letter\\.xlf:${lineOf(xml, "<file ")}:\\d+: error: The XLIFF names no target-language.*\\[xliff-lang\\]`));
    expect(existsSync(path("source/nolang.md"))).toBe(false);
  });

  it("an XLIFF of a million empty elements (4 MB) is refused at the element past the bound, before a tree of them is built", async () => {
    const xml = readFileSync(path("letter.fr.xlf"), "utf8").replace(
      "</body>",
      `<trans-unit id="many"><source>${"<x/>".repeat(1_000_000)}</source></trans-unit></body>`,
    );
    writeFileSync(path("many.xlf"), xml);
    const r = await cli(["import", path("many.xlf"), "--out", path("source/many.md")]);
    expect(r.code).toBe(1);
    const line = lineOf(xml, '<trans-unit id="many"');
    expect(r.stderr).toMatch(
      new RegExp(`many\\.xlf:${line}:\\d+: error: The XLIFF file has more than 200,000 elements, far more than a letter's \\[xliff-too-large\\]`),
    );
    expect(existsSync(path("source/many.md"))).toBe(false);
  });

  it("a target-language that is not a language tag is refused at the <file> element; nothing written", async () => {
    const xml = readFileSync(path("letter.fr.xlf"), "utf8").replace('target-language="fr"', 'target-language="fr}body{color:red"');
    writeFileSync(path("lang.xlf"), xml);
    const line = xml.slice(0, xml.indexOf("<file ")).split("\n").length;
    const r = await cli(["import", path("lang.xlf"), "--out", path("source/lang.md")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`lang\\.xlf:${line}:\\d+: error: The XLIFF's target-language \`fr\\}body\\{color:red\` is not a language tag.*\\[xliff-lang\\]`),
    );
    expect(existsSync(path("source/lang.md"))).toBe(false);
  });

  it("a translation written right to left under a language tag broadside does not know is marked dir: rtl", async () => {
    const arabic = (xml: string) => xml.replace(/(<target[^>]*>)([^<]*)/g, (_, open: string, text: string) => open + text.replace(/\p{L}+/gu, "كتب"));
    writeFileSync(path("rtl.xlf"), arabic(readFileSync(path("letter.fr.xlf"), "utf8")));
    const r = await cli(["import", path("rtl.xlf"), "--lang", "xx", "--out", path("source/rtl.md")]);
    expect(r.code).toBe(0);
    expect(readFileSync(path("source/rtl.md"), "utf8")).toMatch(/\ndir: rtl\n/);
  });

  it("a translation that a build would refuse (1,200 `*` in a paragraph) is refused at import, with the build's reason; nothing written", async () => {
    writeFileSync(
      path("stars.xlf"),
      pseudoTranslate(readFileSync(path("letter.xlf"), "utf8"), "fr", undefined, (id, target) => {
        if (id === "paragraph-3") target.appendChild(target.ownerDocument!.createTextNode("*".repeat(1_200)));
      }),
    );
    const r = await cli(["import", path("stars.xlf"), "--out", path("source/stars.md")]);
    expect(r.code).toBe(1);
    // At the trans-unit whose target made it.
    const line = lineOf(readFileSync(path("stars.xlf"), "utf8"), '<trans-unit id="paragraph-3"');
    expect(r.stderr).toMatch(new RegExp(`stars\\.xlf:${line}:\\d+: error: The edition this translation makes would not build: .*\\[too-many-marks\\]`));
    expect(r.stderr).not.toMatch(/internal error/);
    expect(existsSync(path("source/stars.md"))).toBe(false);
  });

  it("a front matter translation that a build would refuse is refused at its trans-unit; nothing written", async () => {
    writeFileSync(
      path("front-stars.xlf"),
      pseudoTranslate(readFileSync(path("letter.xlf"), "utf8"), "fr", undefined, (id, target) => {
        if (id === "front-short-title") target.appendChild(target.ownerDocument!.createTextNode("*".repeat(1_200)));
      }),
    );
    const r = await cli(["import", path("front-stars.xlf"), "--out", path("source/front-stars.md")]);
    expect(r.code).toBe(1);
    const line = lineOf(readFileSync(path("front-stars.xlf"), "utf8"), '<trans-unit id="front-short-title"');
    expect(r.stderr).toMatch(new RegExp(`front-stars\\.xlf:${line}:\\d+: error: The edition this translation makes would not build: .*\\[too-many-marks\\]`));
    expect(existsSync(path("source/front-stars.md"))).toBe(false);
  });

  it("a call flattened to text (through PO) and repeated, or to a note the unit does not call, is refused at its unit; the source's own `[^7]` text stays text", async () => {
    writeFileSync(path("flat.md"), "---\ntitle: Flat\nlang: en\n---\n\nWrite \\[^7] literally and call[^1].\n\n[^1]: A note.\n");
    expect((await cli(["export", path("flat.md"), "--xliff", "--lang", "fr", "--out", path("flat.xlf")])).code).toBe(0);
    const translate = (target: string) =>
      readFileSync(path("flat.xlf"), "utf8").replace(/(<trans-unit id="paragraph-1"[^>]*><source[^>]*>[^]*?<\/source>)/, `$1<target>${target}</target>`);
    writeFileSync(path("flat.bad.xlf"), translate("Écrire [^7] tel quel, appel [^1] et encore [^1], et [^9]."));
    writeFileSync(path("flat.fr.xlf"), translate("Écrire [^7] tel quel et appel [^1]."));
    const [bad, good] = await Promise.all(
      ["flat.bad", "flat.fr"].map((name) => cli(["import", path(`${name}.xlf`), "--original", path("flat.md"), "--out", path(`${name}.md`)])),
    );
    const line = lineOf(readFileSync(path("flat.bad.xlf"), "utf8"), '<trans-unit id="paragraph-1"');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`flat\\.bad\\.xlf:${line}:\\d+: error: trans-unit paragraph-1 .*the note call n1 \\(to note 1\\) appears twice`));
    expect(bad.stderr).toMatch(
      new RegExp(`flat\\.bad\\.xlf:${line}:\\d+: error: trans-unit paragraph-1 .*\`\\[\\^9\\]\` is a note call the source's unit does not have`),
    );
    expect(existsSync(path("flat.bad.md"))).toBe(false);
    expect(good.code, good.stderr).toBe(0);
    expect(readFileSync(path("flat.fr.md"), "utf8")).toContain("Écrire \\[^7] tel quel et appel [^1].");
  });

  it("an image of the source, which an imported translation cannot carry, is said at its unit, translated or not", async () => {
    copyFileSync("test/fixtures/elsewhere/img.png", path("img.png"));
    writeFileSync(path("img.md"), "---\ntitle: Img\nlang: en\n---\n\nA logo ![the logo](img.png) and a call[^1].\n\n![alone](img.png)\n\n[^1]: A note.\n");
    expect((await cli(["export", path("img.md"), "--xliff", "--lang", "fr", "--out", path("img.xlf")])).code).toBe(0);
    const xml = readFileSync(path("img.xlf"), "utf8").replace(
      /(<trans-unit id="paragraph-1"[^>]*><source[^>]*>)([^]*?)(<\/source>)/,
      (_, open: string, inner: string, close: string) => `${open}${inner}${close}<target>${inner.replace("A logo", "Un logo")}</target>`,
    );
    writeFileSync(path("img.fr.xlf"), xml);
    const r = await cli(["import", path("img.fr.xlf"), "--original", path("img.md"), "--out", path("img.fr.md")]);
    expect(r.code, r.stderr).toBe(0);
    for (const [unit, label, alt] of [
      ["paragraph-1", "trans-unit paragraph-1 \\(paragraph 1\\)", "the logo"],
      ["paragraph-2", "paragraph 2 \\(untranslated\\)", "alone"],
    ])
      expect(r.stderr).toMatch(
        new RegExp(`img\\.fr\\.xlf:${lineOf(xml, `<trans-unit id="${unit}"`)}:\\d+: warning: ${label}: the image “${alt}” of the source is not imported`),
      );
  });

  it("a code a translator copied is kept at each place; a copy of inline code, which repeats the source's text, is said at the copy", async () => {
    writeFileSync(path("code.md"), "---\ntitle: Codes\nlang: en\n---\n\nRun `make proof` on **every** file[^1].\n\n[^1]: A note.\n");
    expect((await cli(["export", path("code.md"), "--xliff", "--out", path("code.xlf")])).code).toBe(0);
    const xml = readFileSync(path("code.xlf"), "utf8").replace(
      /(<trans-unit id="paragraph-1"[^>]*><source[^>]*>[^]*?<\/source>)/,
      '$1<target xml:lang="fr">Lancez <ph id="c1" ctype="x-code">make proof</ph> sur <g id="s1" ctype="bold">chaque</g> fichier<ph id="n1" ctype="x-note-call">[^1]</ph>,\n<g id="s1" ctype="bold">oui</g> : <ph id="c1" ctype="x-code">make proof</ph>.</target>',
    );
    writeFileSync(path("code.fr.xlf"), xml);
    const r = await cli(["import", path("code.fr.xlf"), "--original", path("code.md"), "--lang", "fr", "--out", path("code.fr.md")]);
    expect(r.code).toBe(0);
    const line = lineOf(xml, "<target") + 1;
    expect(r.stderr).toMatch(
      new RegExp(
        `code\\.fr\\.xlf:${line}:\\d+: warning: trans-unit paragraph-1 .*inline code \`make proof\` \\(code c1\\) appears more than once.*\\[xliff-code\\]`,
      ),
    );
    expect(r.stderr.match(/\[xliff-code\]/g)).toHaveLength(1);
    const md = readFileSync(path("code.fr.md"), "utf8");
    expect(md.match(/`make proof`/g)).toHaveLength(2);
    expect(md).toContain("**chaque**");
    expect(md).toContain("**oui**");
  });

  it("a translation saved as UTF-16 (with its byte-order mark), as XML allows, imports as the same text in UTF-8 does", async () => {
    const xml = readFileSync(path("letter.fr.xlf"), "utf8").replace('encoding="UTF-8"', 'encoding="UTF-16"');
    writeFileSync(path("utf16.xlf"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, "utf16le")]));
    const r = await cli(["import", path("utf16.xlf"), "--out", path("source/utf16.md")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path("source/utf16.md"), "utf8")).toBe(readFileSync(path("source/letter.fr.md"), "utf8"));
  });

  it("an untranslated unit keeps its source text", async () => {
    writeFileSync(
      path("half.xlf"),
      pseudoTranslate(readFileSync(path("letter.xlf"), "utf8"), "fr", (id) => id !== "paragraph-3"),
    );
    const r = await cli(["import", path("half.xlf"), "--out", path("source/half.md")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("1 of 259 units have no translation; they keep the source's text [xliff-untranslated]");
    expect(readFileSync(path("source/half.md"), "utf8")).toContain("The High Commissioner legitimized Beijing’s attempt");
  });
});

describe("a press release", () => {
  it("offers its dateline and its first paragraph for translation, and imports them in their places", async () => {
    const release = "test/fixtures/packet/press-release.md";
    const exported = await cli(["export", release, "--xliff", "--out", path("release.xlf")]);
    expect(exported.code, exported.stderr).toBe(0);
    const ids = units(readFileSync(path("release.xlf"), "utf8")).map((u) => u.getAttribute("id"));
    expect(ids).toEqual(["front-title", "front-short-title", "front-dateline", "paragraph-1", "paragraph-2", "note-1", "note-2"]);
    writeFileSync(path("release.fr.xlf"), pseudoTranslate(readFileSync(path("release.xlf"), "utf8"), "fr"));
    const r = await cli(["import", path("release.fr.xlf"), "--original", release, "--out", path("release.fr.md")]);
    expect(r.code, r.stderr).toBe(0);
    const edition = readFileSync(path("release.fr.md"), "utf8");
    const dateline = /\ndateline: (.*)\n/.exec(edition)?.[1];
    expect(dateline).toBeDefined();
    expect(dateline).not.toBe("GENEVA, 15 June 2036");
    const body = edition.slice(edition.indexOf("\n---\n", 4) + 5).trim();
    expect(body.split(/\n\n/).filter((block) => !block.startsWith("[^"))).toHaveLength(2);
    expect(body).toMatch(/\[\^1\][\s\S]*\[\^2\]/);
    expect(body).not.toContain("GENEVA");
  });
});
