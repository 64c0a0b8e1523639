/**
 * The PDF as the press officer mails and prints it: every note at the foot of the page of its
 * first call (continued on the next page when too long), numbered as in the HTML and the .docx;
 * endnotes on request; A4 and US Letter; the document facts, tags, outline and fonts; two
 * builds the same bytes; and page 1 of the letter looking like the reference image.
 *
 * Read back with poppler (`pdftotext -f N -l N`, `-bbox`, `pdfinfo`, `pdffonts`, `pdftoppm`) and
 * qpdf; note numbers and texts through the independent readers of test/readers.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { fromHtml } from "hast-util-from-html";
import { selectAll } from "hast-util-select";
import { toText } from "hast-util-to-text";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ROOT, tempDir } from "./helpers.ts";
import { meanDifference, readPng } from "./png.ts";
import { normalizeNoteText, type PdfReading, type Reading, readDocx, readHtml, readPdf } from "./readers.ts";

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const EPOCH = "1700000000"; // 2023-11-14 22:13:20 UTC

interface Doc {
  name: string;
  source: string;
  notesHeading: string;
}
const LETTER: Doc = { name: "letter", source: "source/letter.md", notesHeading: "Editors Notes" };
const MANY: Doc = { name: "many-notes", source: "test/fixtures/many-notes.md", notesHeading: "Notes" };

let out: { a4: string; again: string; letter: string; endnotes: string };
const file = (dir: string, doc: Doc, ext: string) => join(dir, `${doc.name}.${ext}`);

beforeAll(async () => {
  const base = tempDir("broadside-pdf-");
  out = { a4: join(base, "a4"), again: join(base, "again"), letter: join(base, "letter"), endnotes: join(base, "endnotes") };
  const sources = [LETTER.source, MANY.source];
  const build = async (args: string[], env: Record<string, string>) => {
    const { code, stderr } = await cli(["build", ...args], { env: { SOURCE_DATE_EPOCH: EPOCH, ...env } });
    expect(stderr).toBe("");
    expect(code).toBe(0);
  };
  // Two at a time: each build starts its own Chromium.
  await Promise.all([build([...sources, "--out", out.a4], { TZ: "UTC" }), build([...sources, "--out", out.letter, "--paper", "letter"], {})]);
  await Promise.all([
    build([...sources, "--out", out.again], { TZ: "Pacific/Kiritimati" }),
    build([MANY.source, "--out", out.endnotes, "--notes", "endnotes"], {}),
  ]);
}, 300_000);

/** The readings of one document, read once. */
const cache = new Map<string, Promise<{ html: Reading; pdf: PdfReading; docx: Reading }>>();
function readings(dir: string, doc: Doc) {
  const key = `${dir}|${doc.name}`;
  if (!cache.has(key)) {
    cache.set(
      key,
      Promise.all([
        readHtml(file(dir, doc, "html")),
        readPdf(file(dir, doc, "pdf"), { notesHeading: doc.notesHeading }),
        readDocx(file(dir, doc, "docx")),
      ]).then(([html, pdf, docx]) => ({ html, pdf, docx })),
    );
  }
  return cache.get(key)!;
}

const pageCount = (pdf: string) => Number(/Pages:\s+(\d+)/.exec(run("pdfinfo", [pdf]))?.[1]);

/** Each page's text as `pdftotext -f N -l N` reads it. */
function pageTexts(pdf: string): string[] {
  return Array.from({ length: pageCount(pdf) }, (_, i) => run("pdftotext", ["-f", String(i + 1), "-l", String(i + 1), "-enc", "UTF-8", pdf, "-"]));
}

interface BoxWord {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

/** Word boxes per page (`pdftotext -bbox`), grouped into lines top to bottom. */
function pageLines(pdf: string): { width: number; height: number; lines: { top: number; bottom: number; text: string; words: BoxWord[] }[] }[] {
  const xml = run("pdftotext", ["-bbox", "-enc", "UTF-8", pdf, "-"]);
  return [...xml.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map((page) => {
    const words = [...page[3].matchAll(/<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([\s\S]*?)<\/word>/g)].map((w) => ({
      xMin: Number(w[1]),
      yMin: Number(w[2]),
      xMax: Number(w[3]),
      yMax: Number(w[4]),
      text: w[5]
        .replace(/&amp;/g, "&")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'"),
    }));
    const lines: { top: number; bottom: number; text: string; words: BoxWord[] }[] = [];
    for (const w of words.sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin)) {
      const line = lines.find((l) => Math.min(l.bottom, w.yMax) - Math.max(l.top, w.yMin) >= 0.5 * Math.min(l.bottom - l.top, w.yMax - w.yMin));
      if (line) {
        line.words.push(w);
        line.top = Math.min(line.top, w.yMin);
        line.bottom = Math.max(line.bottom, w.yMax);
      } else lines.push({ top: w.yMin, bottom: w.yMax, text: "", words: [w] });
    }
    for (const line of lines)
      line.text = line.words
        .sort((a, b) => a.xMin - b.xMin)
        .map((w) => w.text)
        .join(" ");
    return { width: Number(page[1]), height: Number(page[2]), lines: lines.sort((a, b) => a.top - b.top) };
  });
}

describe.each([LETTER, MANY])("$source: notes at the foot of the page", (doc) => {
  const pdf = () => file(out.a4, doc, "pdf");

  it("shows the calls and notes of the HTML and the DOCX, with the same numbers and texts", async () => {
    const { html, pdf: printed, docx } = await readings(out.a4, doc);
    expect(printed.calls).toEqual(html.calls);
    expect(docx.calls).toEqual(html.calls);
    expect([...printed.notes]).toEqual([...html.notes]);
    expect([...docx.notes]).toEqual([...html.notes]);
    expect(printed.notes.size).toBe(new Set(html.calls).size);
  });

  it("starts every note on the page of its first call, and continues it only on the pages right after", async () => {
    const { pdf: printed } = await readings(out.a4, doc);
    for (const [n, pages] of printed.notePages) {
      const first = printed.callPages[printed.calls.indexOf(n)];
      expect(pages[0], `note ${n}`).toBe(first);
      expect(pages, `note ${n}`).toEqual(pages.map((_, i) => first + i));
    }
  });

  it("has each note's text on the page of its first call (pdftotext -f N -l N), or continued from it, none missing or doubled", async () => {
    const { html, pdf: printed } = await readings(out.a4, doc);
    const pages = pageTexts(pdf()).map(normalizeNoteText);
    const whole = pages.join("");
    for (const [n, text] of html.notes) {
      const firstPage = printed.callPages[printed.calls.indexOf(n)];
      // The note starts on that page, with its number.
      expect(pages[firstPage - 1], `note ${n} on page ${firstPage}`).toContain(`${n}.${text.slice(0, 24)}`);
      expect(whole.split(`${n}.${text.slice(0, 24)}`).length - 1, `note ${n} printed once`).toBe(1);
      // Its whole text: on that page, or a part there and the rest on the next pages after "n (cont.)".
      let rest = text;
      for (let page = firstPage; rest; page++) {
        expect(page, `note ${n}: "${rest.slice(0, 60)}…" not found by page ${page - 1}`).toBeLessThanOrEqual(Math.min(pages.length, firstPage + 4));
        const here = page === firstPage ? pages[page - 1] : (pages[page - 1].split(`${n}(cont.)`)[1] ?? "");
        let lo = 0;
        let hi = rest.length;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (here.includes(rest.slice(0, mid))) lo = mid;
          else hi = mid - 1;
        }
        expect(lo, `note ${n} continues on page ${page}`).toBeGreaterThan(0);
        rest = rest.slice(lo);
      }
    }
  });

  it("keeps every word inside the page margins: long URLs in notes wrap", () => {
    for (const [p, page] of pageLines(pdf()).entries()) {
      const mm = 72 / 25.4;
      for (const line of page.lines) {
        for (const w of line.words) {
          expect(w.xMin, `page ${p + 1}: "${w.text}"`).toBeGreaterThanOrEqual(20 * mm - 1);
          expect(w.xMax, `page ${p + 1}: "${w.text}"`).toBeLessThanOrEqual(page.width - 20 * mm + 1);
        }
      }
    }
  });

  it("leaves no single line of a paragraph alone at the foot or the top of a page (orphans, widows)", async () => {
    const { pdf: printed } = await readings(out.a4, doc);
    const tree = fromHtml(readFileSync(file(out.a4, doc, "html"), "utf8"));
    const paragraphs = selectAll(".letter-body p", tree)
      .map((p) => normalizeNoteText(toText(p)))
      .filter(Boolean);
    const texts = pageTexts(pdf()).map(normalizeNoteText);
    const pages = pageLines(pdf());
    const mm = 72 / 25.4;
    // The lines of the text: inside the margins (no running head, no page counter), above the notes.
    const body = (p: number) => pages[p].lines.filter((l) => l.top > 22 * mm - 2 && l.bottom < Math.min(printed.noteTops[p], pages[p].height - 24 * mm));
    let split = 0;
    for (const text of paragraphs) {
      if (texts.some((t) => t.includes(text))) continue; // all on one page
      // Split: its longest beginning on a page, the rest at the top of the next one.
      let start = { page: -1, length: 0 };
      texts.forEach((t, p) => {
        let [lo, hi] = [0, text.length];
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (t.includes(text.slice(0, mid))) lo = mid;
          else hi = mid - 1;
        }
        if (lo > start.length) start = { page: p, length: lo };
      });
      const [head, tail] = [text.slice(0, start.length), text.slice(start.length)];
      // The next page with text on it (a page may be all note, when a note is longer than a page).
      let next = start.page + 1;
      while (next < pages.length && body(next).length === 0) next++;
      expect(texts[next], `"${text.slice(0, 40)}…" goes on on page ${next + 1}`).toContain(tail.slice(0, 30));
      const last = body(start.page).at(-1)!;
      const first = body(next)[0];
      expect(head.length, `"…${head.slice(-40)}" alone at the foot of page ${start.page + 1}`).toBeGreaterThan(normalizeNoteText(last.text).length);
      expect(tail.length, `"${tail.slice(0, 40)}…" alone at the top of page ${next + 1}`).toBeGreaterThan(normalizeNoteText(first.text).length);
      split++;
    }
    if (doc === MANY) expect(split).toBeGreaterThanOrEqual(3);
  });

  it("never ends a page with a heading", () => {
    const html = fromHtml(readFileSync(file(out.a4, doc, "html"), "utf8"));
    for (const call of selectAll("sup.note-call", html)) call.children = [];
    const headings = selectAll(".letter-body h2, .letter-body h3", html).map((h) => toText(h).replace(/\s+/g, " ").trim());
    expect(headings.length).toBeGreaterThan(0);
    const pages = pageLines(pdf());
    for (const heading of headings) {
      // The heading's line: its text, then maybe the number of a note it calls.
      const found = pages.flatMap((page, p) =>
        page.lines.flatMap((line, i) =>
          line.text === heading || new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\d+$`).test(line.text) ? [{ p, i }] : [],
        ),
      );
      expect(found.length, heading).toBeGreaterThan(0);
      for (const { p, i } of found) {
        const next = pages[p].lines[i + 1];
        // The next line on the page is the heading's paragraph, close below; not the notes or the page counter.
        expect(next, `"${heading}" is the last line of page ${p + 1}`).toBeDefined();
        expect(next.top - pages[p].lines[i].bottom, `"${heading}" ends page ${p + 1}`).toBeLessThan(20);
        expect(next.text, `"${heading}" ends page ${p + 1}`).not.toMatch(/^\d+\.\s/);
      }
    }
  });
});

describe("a note longer than a page, notes in lists, tables and quotes (test/fixtures/many-notes.md)", () => {
  it('has more than 60 notes and one that runs over three pages, marked "N (cont.)"', async () => {
    const { pdf: printed } = await readings(out.a4, MANY);
    expect(printed.notes.size).toBeGreaterThanOrEqual(60);
    const long = [...printed.notePages].filter(([, pages]) => pages.length > 1);
    expect(long.length).toBeGreaterThan(0);
    const [n, pages] = long[0];
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const texts = pageTexts(file(out.a4, MANY, "pdf"));
    for (const page of pages.slice(1)) expect(texts[page - 1]).toMatch(new RegExp(`^${n} \\(cont\\.\\)`, "m"));
  });

  it("calls notes from list items, a table, a quote and a heading, and again from later pages", async () => {
    const { html, pdf: printed } = await readings(out.a4, MANY);
    const tree = fromHtml(readFileSync(file(out.a4, MANY, "html"), "utf8"));
    for (const where of ["li", "td", "blockquote", "h2"]) expect(selectAll(`.letter-body ${where} sup.note-call`, tree).length, where).toBeGreaterThan(0);
    // A repeated call on a later page does not move its note: it stays where the first call is.
    const repeated = [...new Set(html.calls)].filter((n) =>
      printed.callPages.filter((_, i) => printed.calls[i] === n).some((p) => p > printed.notePages.get(n)![0]),
    );
    expect(repeated.length).toBeGreaterThanOrEqual(2);
  });
});

describe("the signatories (source/letter.md)", () => {
  it("prints every name whole", () => {
    const html = fromHtml(readFileSync(file(out.a4, LETTER, "html"), "utf8"));
    const names = selectAll("ul.signatories > li", html).map((li) => normalizeNoteText(toText(li)));
    expect(names).toHaveLength(230);
    const pages = pageTexts(file(out.a4, LETTER, "pdf")).map(normalizeNoteText);
    for (const name of names)
      expect(
        pages.some((p) => p.includes(name)),
        name,
      ).toBe(true);
  });

  it("never splits a name across columns or pages: every column starts with a name, not with its second line", () => {
    // print.css: A4, margins 20 mm, three columns 8 mm apart; a name's second line is indented 1 em (9 pt).
    const mm = 72 / 25.4;
    const pages = pageLines(file(out.a4, LETTER, "pdf"));
    const width = (pages[0].width - 40 * mm - 2 * 8 * mm) / 3;
    const starts = [0, 1, 2].map((k) => 20 * mm + k * (width + 8 * mm));
    const first = pages.findIndex((page) => page.lines.some((l) => l.text === "Signed by:"));
    expect(first).toBeGreaterThanOrEqual(0);
    let columns = 0;
    for (let p = first; p < pages.length; p++) {
      const page = pages[p];
      const heading = page.lines.find((l) => l.text === "Signed by:");
      const top = heading ? heading.bottom : 22 * mm; // below the heading, or the top margin
      const words = page.lines.filter((l) => l.top > top && l.bottom < page.height - 24 * mm).flatMap((l) => l.words);
      for (const start of starts) {
        const column = words.filter((w) => w.xMin >= start - 2 && w.xMin < start + width).sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin);
        if (column.length === 0) continue;
        columns++;
        expect(column[0].xMin - start, `page ${p + 1}, column at ${start.toFixed(0)} pt starts with "${column[0].text}", a name's second line`).toBeLessThan(4);
      }
    }
    expect(columns).toBeGreaterThanOrEqual(6);
  });
});

describe("A4 and US Letter", () => {
  it("is A4 by default and Letter with --paper letter, in the PDF and the .docx", () => {
    for (const doc of [LETTER, MANY]) {
      expect(run("pdfinfo", [file(out.a4, doc, "pdf")])).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
      expect(run("pdfinfo", [file(out.letter, doc, "pdf")])).toMatch(/Page size:\s+612(\.\d+)? x 792(\.\d+)? pts \(letter\)/);
      const pgSz = (dir: string) => /<w:pgSz [^>]*>/.exec(strFromU8(unzipSync(readFileSync(file(dir, doc, "docx")))["word/document.xml"]))?.[0];
      expect(pgSz(out.letter)).toMatch(/w:w="12240" w:h="15840"/);
      expect(pgSz(out.a4)).toMatch(/w:w="11906" w:h="16838"/);
    }
  });

  it("still has every note at the foot of its page on Letter paper", async () => {
    for (const doc of [LETTER, MANY]) {
      const { html, pdf: printed } = await readings(out.letter, doc);
      expect(printed.calls).toEqual(html.calls);
      expect([...printed.notes]).toEqual([...html.notes]);
      for (const [n, pages] of printed.notePages) expect(pages[0], `note ${n}`).toBe(printed.callPages[printed.calls.indexOf(n)]);
    }
  });

  it("takes `paper: letter` from the front matter and refuses a paper it does not know", async () => {
    const dir = tempDir();
    const front = (paper: string) => `---\ntitle: Paper\nlang: en\npaper: ${paper}\n---\n\nText.\n`;
    writeFileSync(join(dir, "letter.md"), front("letter"));
    writeFileSync(join(dir, "legal.md"), front("legal"));
    const good = await cli(["build", join(dir, "letter.md"), "--out", dir, "--format", "docx"]);
    expect(good.code).toBe(0);
    expect(strFromU8(unzipSync(readFileSync(join(dir, "letter.docx")))["word/document.xml"])).toMatch(/<w:pgSz w:w="12240" w:h="15840"/);
    const bad = await cli(["build", join(dir, "legal.md"), "--out", dir, "--format", "docx"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/legal\.md:4:1: error: Front matter `paper` is `a4` \(the default\) or `letter`/);
    const usage = await cli(["build", join(dir, "letter.md"), "--out", dir, "--paper", "a5"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--paper takes a4 or letter; not a5/);
    const notes = await cli(["build", join(dir, "letter.md"), "--out", dir, "--notes", "margin"]);
    expect(notes.code).toBe(2);
    expect(notes.stderr).toMatch(/--notes takes footnotes or endnotes; not margin/);
  });
});

describe("endnotes (--notes endnotes)", () => {
  it("prints the notes after a heading at the end, and the .docx has Word endnotes", async () => {
    const dir = out.endnotes;
    const html = await readHtml(file(dir, MANY, "html"));
    const printed = await readPdf(file(dir, MANY, "pdf"), { notesHeading: "Notes", notes: "endnotes" });
    expect(printed.calls).toEqual(html.calls);
    expect([...printed.notes]).toEqual([...html.notes]);
    const last = Math.max(...printed.callPages);
    for (const [n, pages] of printed.notePages) expect(pages[0], `note ${n}`).toBeGreaterThanOrEqual(last);
    const parts = unzipSync(readFileSync(file(dir, MANY, "docx")));
    const endnotes = strFromU8(parts["word/endnotes.xml"]).match(/<w:endnote [^>]*w:id="[1-9]\d*"/g) ?? [];
    expect(endnotes).toHaveLength(html.notes.size);
    expect(strFromU8(parts["word/document.xml"])).not.toContain("<w:footnoteReference");
  });
});

describe("the PDF's document facts (test/fixtures/many-notes.md)", () => {
  const pdf = () => file(out.a4, MANY, "pdf");

  it("has Title, Author, Subject, Keywords from the front matter and names broadside as Creator and Producer", () => {
    const info = run("pdfinfo", [pdf()]);
    expect(info).toMatch(/Title:\s+Fixture: many notes at the foot of the page\n/);
    expect(info).toMatch(/Author:\s+broadside tests\n/);
    expect(info).toMatch(/Subject:\s+A long letter with more than sixty notes/);
    expect(info).toMatch(/Keywords:\s+fixture, footnotes\n/);
    expect(info).toMatch(/Creator:\s+broadside\n/);
    expect(info).toMatch(/Producer:\s+broadside \(Chromium\)\n/);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(run("pdfinfo", ["-isodates", pdf()])).toMatch(/CreationDate:\s+2023-11-14T22:13:20Z/);
  });

  it("declares its language, is tagged, and has an outline of its headings", () => {
    const json = JSON.parse(run("qpdf", ["--json=2", "--json-key=qpdf", pdf()]));
    const objects: Record<string, { value?: any }> = json.qpdf[1];
    const get = (ref: string) => objects[`obj:${ref}`]?.value;
    const catalog = Object.values(objects).find((o) => o.value?.["/Type"] === "/Catalog")?.value;
    expect(catalog["/Lang"]).toBe("u:en");
    expect(catalog["/MarkInfo"]["/Marked"]).toBe(true);
    expect(catalog["/StructTreeRoot"]).toMatch(/^\d+ 0 R$/);
    const titles: string[] = [];
    const walk = (ref: string | undefined, depth = 0) => {
      for (let item = ref && get(ref); item && depth < 8; item = item["/Next"] && get(item["/Next"])) {
        titles.push(String(item["/Title"]).replace(/^u:/, ""));
        walk(item["/First"], depth + 1);
      }
    };
    walk(get(catalog["/Outlines"])?.["/First"]);
    for (const heading of ["Opening", "Lists", "Quotes", "A table", "Section 1", "Looking back", "Signed by"])
      expect(
        titles.some((t) => t.startsWith(heading)),
        heading,
      ).toBe(true);
  });

  it("embeds every font, none of them Type 3", () => {
    const rows = run("pdffonts", [pdf()]).trim().split("\n").slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).not.toMatch(/Type 3/);
      expect(row).toMatch(/CID TrueType .* yes yes yes /);
    }
  });

  it("links every call to its note and every note back to its calls, at the right place", () => {
    // Destinations by name (the HTML ids): each note's link target is the line with its number.
    const json = JSON.parse(run("qpdf", ["--json=2", "--json-key=qpdf", "--json-key=pages", pdf()]));
    const objects: Record<string, { value?: any }> = json.qpdf[1];
    const pageOf = new Map<string, number>(json.pages.map((p: { object: string }, i: number) => [p.object, i]));
    const catalog = Object.values(objects).find((o) => o.value?.["/Type"] === "/Catalog")?.value;
    const dests: Record<string, [string, string, number, number]> = objects[`obj:${catalog["/Dests"]}`].value;
    const lines = pageLines(pdf());
    const noteNumbers = Object.keys(dests)
      .flatMap((k) => /^\/note-(\d+)$/.exec(k)?.[1] ?? [])
      .map(Number);
    expect(noteNumbers.length).toBeGreaterThanOrEqual(60);
    for (const n of noteNumbers) {
      const [page, , , y] = dests[`/note-${n}`];
      const p = pageOf.get(page)!;
      const top = lines[p].height - y;
      const line = lines[p].lines.find((l) => l.bottom > top);
      expect(line?.words[0].text, `note ${n}'s link target on page ${p + 1}`).toBe(`${n}.`);
      expect(dests[`/note-call-${n}`], `back to note ${n}'s call`).toBeDefined();
    }
    // Every link of the document leads to a destination that exists.
    for (const object of Object.values(objects)) {
      const dest = object.value?.["/Subtype"] === "/Link" ? object.value["/Dest"] : undefined;
      if (typeof dest === "string" && dest.startsWith("/")) expect(dests[dest], dest).toBeDefined();
    }
  });
});

describe("repeatable builds", () => {
  it("with SOURCE_DATE_EPOCH, two builds (in other time zones) are the same bytes: PDF and DOCX", () => {
    for (const doc of [LETTER, MANY]) {
      for (const ext of ["pdf", "docx", "html"]) {
        const [a, b] = [readFileSync(file(out.a4, doc, ext)), readFileSync(file(out.again, doc, ext))];
        expect(a.equals(b), `${doc.name}.${ext}`).toBe(true);
      }
    }
    const trailer = readFileSync(file(out.a4, LETTER, "pdf"))
      .subarray(-600)
      .toString("latin1");
    expect(trailer).toMatch(/\/ID \[<[0-9A-F]{32}> <[0-9A-F]{32}>\]/);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* The reference page                                                                          */
/* ------------------------------------------------------------------------------------------ */

describe("page 1 of the letter, as an image", () => {
  /**
   * test/reference/letter-page-1.png is page 1 of the letter rendered by `pdftoppm -r 50 -gray`
   * (414 × 585 px, 1 px ≈ 1.4 pt). The two renderings are compared by the mean absolute
   * difference of their 5 × 5 px blocks' grey levels (a block is about 2.5 mm: it forgives
   * anti-aliasing and sub-pixel glyph placement, not a moved line). Tolerance: 2.0. Measured:
   * a rebuild 0.00; vector anti-aliasing off 0.04; the page without its notes' foot 3.0; the
   * notes at the end instead of at the foot 4.7; everything 1 px (1.4 pt) lower 6.4; text
   * anti-aliasing off 7.9; glyphs missing 18. To accept an intended change of the look, render
   * the page again and look at it:
   * `pdftoppm -r 50 -gray -png -f 1 -l 1 -singlefile dist/letter.pdf test/reference/letter-page-1`.
   */
  it("looks like the reference image", () => {
    const dir = tempDir();
    run("pdftoppm", ["-r", "50", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", file(out.a4, LETTER, "pdf"), join(dir, "page")]);
    const rendered = readPng(readFileSync(join(dir, "page.png")));
    const reference = readPng(readFileSync(join(ROOT, "test/reference/letter-page-1.png")));
    expect([rendered.width, rendered.height]).toEqual([reference.width, reference.height]);
    const difference = meanDifference(rendered, reference);
    if (difference > 2) {
      mkdirSync(join(ROOT, "test/reference/failed"), { recursive: true });
      writeFileSync(join(ROOT, "test/reference/failed/letter-page-1.png"), readFileSync(join(dir, "page.png")));
    }
    expect(difference, "see test/reference/failed/letter-page-1.png").toBeLessThanOrEqual(2);
  });
});
