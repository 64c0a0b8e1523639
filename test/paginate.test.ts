/**
 * Pagination alone, in Chromium, on tiny documents: the in-page module (src/pdf/paginate/) lays
 * each out into page boxes, and the tests read back where each page ends and which notes sit at
 * its foot. Lines are 20px high (set with <br>, so no font decides them) on pages 290px high.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowser, launchBrowser } from "../src/pdf/browser.ts";
import { safePage } from "../src/pdf/index.ts";
import inPageScript from "broadside:paginate-in-page";
import {
  holdLayout,
  type PaginateOptions,
  type PaginateResult,
  PaginationStuckError,
  paginatePage,
  releaseLayout,
  reportStuck,
} from "../src/pdf/paginate/index.ts";
import { STUCK } from "../src/pdf/paginate/in-page.ts";
import { FRONT, parse, ROOT } from "./helpers.ts";

const PRINT_CSS = readFileSync(join(ROOT, "templates/print.css"), "utf8");
/** Pages of 400 × 291 px with no margins: a content area 290px high (a hair is kept for rounding). */
const TEST_CSS = `@page{size:400px 291px;margin:0}html{font:16px/20px serif}body{margin:0}p,li,h2,ol,ul{margin:0}h2{font-size:16px}table{border-spacing:0}td,th{padding:0}
.bs-foot{font-size:16px;line-height:20px;padding-top:12px}.bs-foot li{margin:0}`;

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  // The page PDFs are printed in: the page's own JavaScript off (a DOM callback of ours would not run).
  page = (await safePage(browser)).page;
  await page.emulateMediaType("print");
}, 60_000);
afterAll(async () => {
  if (browser) await closeBrowser(browser);
});

/** A paragraph of `n` lines named `id-1` … `id-n`; `calls` maps a line to the note it calls at its end (`[N]`). */
function p(id: string, n: number, calls: Record<number, number> = {}, attributes = "") {
  const lines = Array.from(
    { length: n },
    (_, i) => `${id}-${i + 1}${calls[i + 1] ? `<sup class="note-call"><a href="#note-${calls[i + 1]}">[${calls[i + 1]}]</a></sup>` : ""}`,
  );
  return `<p id="${id}"${attributes}>${lines.join("<br>")}</p>`;
}
/** The notes section as the HTML compiler writes it: note N is `n{N}-1` … (lines). */
const notes = (...lengths: number[]) =>
  `<section class="notes"><ol>${lengths.map((n, i) => `<li id="note-${i + 1}"><p>${Array.from({ length: n }, (_, l) => `n${i + 1}-${l + 1}`).join("<br>")}</p></li>`).join("")}</ol></section>`;

interface LaidOut {
  result: PaginateResult;
  /** Each page: its body's lines, and the notes at its foot (number, continued, lines). */
  pages: { lines: string[]; foot: { n: number; continued: boolean; lines: string[] }[] }[];
}

/** Lay out `body` (with print.css and the test's sizes) and read the pages back. */
async function layOut(body: string, options: PaginateOptions = { notes: "footnotes" }, css = TEST_CSS): Promise<LaidOut> {
  await page.setContent(holdLayout(`<!doctype html><html><head><style>${PRINT_CSS}</style><style>${css}</style></head><body>${body}</body></html>`));
  const result = await paginatePage(page, options);
  // A string, not a function: nothing of this file's transform reaches the page.
  const pages = (await page.evaluate(`Array.from(document.querySelectorAll(".bs-page"), (box) => ({
    lines: box.querySelector(".bs-body").innerText.split("\\n").map((l) => l.trim()).filter(Boolean),
    foot: Array.from(box.querySelectorAll(".bs-foot li"), (li) => ({ n: li.value, continued: li.classList.contains("bs-cont"), lines: li.innerText.split("\\n").filter(Boolean) })),
  }))`)) as LaidOut["pages"];
  expect(pages.length).toBe(result.pages);
  return { result, pages };
}

/** The notes that start at each page's foot, and those continued onto a page, as the pages show them. */
const startingNotes = (pages: LaidOut["pages"]) => pages.map((page) => page.foot.filter((note) => !note.continued).map((note) => note.n));
const continuedNotes = (pages: LaidOut["pages"]) => pages.flatMap((page) => page.foot.filter((note) => note.continued).map((note) => note.n));
const first = (lines: string[]) => lines[0];
const last = (lines: string[]) => lines[lines.length - 1];

describe("where a page ends", () => {
  it("between paragraphs when the next would leave one line alone (orphans, widows)", async () => {
    const { pages } = await layOut([1, 2, 3, 4, 5, 6].map((i) => p(`p${i}`, 3)).join(""));
    expect(pages.map((page) => [first(page.lines), last(page.lines)])).toEqual([
      ["p1-1", "p4-3"],
      ["p5-1", "p6-3"],
    ]);
  });

  it("inside a long paragraph, keeping two lines on each page; its second part continues it", async () => {
    const { pages } = await layOut(p("p1", 3) + p("p2", 3) + p("p3", 3) + p("p4", 3) + p("p5", 6));
    expect(last(pages[0].lines)).toBe("p5-2");
    expect(pages[1].lines).toEqual(["p5-3", "p5-4", "p5-5", "p5-6"]);
    expect(
      await page.evaluate(
        `[document.getElementById("p5")?.closest(".bs-page") === document.querySelector(".bs-page"), document.querySelectorAll(".bs-page")[1].querySelector("p").className]`,
      ),
    ).toEqual([true, "bs-cont bs-first"]);
  });

  it("never after a heading: the heading goes over with its paragraph", async () => {
    const { pages } = await layOut(p("p1", 3) + p("p2", 3) + p("p3", 3) + p("p4", 3) + `<h2>Heading</h2>` + p("p5", 3));
    expect(last(pages[0].lines)).toBe("p4-3");
    expect(first(pages[1].lines)).toBe("Heading");
  });

  it("where the CSS asks for a page break, with room left", async () => {
    const { pages } = await layOut(p("p1", 3) + p("p2", 3, {}, ' style="break-before:page"'));
    expect(pages.map((page) => page.lines)).toEqual([
      ["p1-1", "p1-2", "p1-3"],
      ["p2-1", "p2-2", "p2-3"],
    ]);
  });

  it("a table between rows, its header repeated (hidden from readers) and its columns kept", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `<tr><td>row ${i + 1}</td><td>${"x ".repeat(i % 3)}</td></tr>`).join("");
    const { pages } = await layOut(p("p1", 3) + `<table><thead><tr><th>Head</th><th>Other</th></tr></thead><tbody>${rows}</tbody></table>`);
    const tables = (await page.evaluate(`Array.from(document.querySelectorAll(".bs-page table"), (t) => ({
      head: t.tHead ? t.tHead.getAttribute("aria-hidden") : "none", rows: Array.from(t.tBodies[0].rows, (r) => r.cells[0].textContent), width: t.rows[0].cells[0].getBoundingClientRect().width }))`)) as {
      head: string | null;
      rows: string[];
      width: number;
    }[];
    expect(tables.map((t) => t.head)).toEqual([null, "true"]);
    expect(tables.flatMap((t) => t.rows)).toEqual(Array.from({ length: 20 }, (_, i) => `row ${i + 1}`));
    // 290px less the paragraph and the header (20px each line): ten rows.
    expect(tables[0].rows).toHaveLength(10);
    expect(tables[1].width).toBe(tables[0].width);
    expect(pages).toHaveLength(2);
  });

  it("a list in columns fills the columns to the height left, then goes on overleaf, each item once", async () => {
    const items = Array.from({ length: 60 }, (_, i) => `<li>name ${i + 1}</li>`).join("");
    const { pages } = await layOut(p("p1", 3) + `<ul class="signatories">${items}</ul>`);
    const names = pages.map((page) => page.lines.filter((l) => l.startsWith("name ")));
    expect(names.flat()).toEqual(Array.from({ length: 60 }, (_, i) => `name ${i + 1}`));
    // 290px less the paragraph's 60px: 11 lines of 20px in each of the three columns.
    expect(names.map((n) => n.length)).toEqual([33, 27]);
  });

  it("not before an empty block of no height at the end (the notes' place): no blank page", async () => {
    const { pages } = await layOut(p("p1", 14, {}, ' style="margin-bottom:20px"') + "<div></div>");
    expect(pages.map((page) => page.lines.length)).toEqual([14]);
  });

  it("a note's back links after its list go over with the list's last item, in a note longer than a page", async () => {
    const note = `<li id="note-1"><p>${Array.from({ length: 13 }, (_, l) => `n1-${l + 1}`).join("<br>")}</p><ul><li>item</li></ul><p class="note-backs">back</p></li>`;
    const { pages } = await layOut(p("p1", 1, { 1: 1 }) + `<section class="notes"><ol>${note}</ol></section>`, { notes: "endnotes" });
    expect(pages.map((page) => last(page.lines))).toEqual(["p1-1[1]", "n1-13", "back"]);
    expect(pages[2].lines).toEqual(["item", "back"]);
  });

  it("an image taller than a page is scaled to fit a page of its own; any other block taller than a page stops it, unclipped", async () => {
    const tall = (tag: string) => `<${tag} style="display:block;width:10px;height:600px">`;
    const { pages } = await layOut(p("p1", 3) + tall("img alt=''") + p("p2", 3));
    const boxes = `Array.from(document.querySelectorAll(".bs-page"), (box) => [box.scrollHeight > box.clientHeight, box.querySelector("img")?.getBoundingClientRect().height])`;
    expect(await page.evaluate(boxes)).toEqual([
      [false, null],
      [false, 290 - 48],
      [false, null],
    ]);
    expect(pages.map((page) => page.lines)).toEqual([["p1-1", "p1-2", "p1-3"], [], ["p2-1", "p2-2", "p2-3"]]);
    const where = (body: string) =>
      layOut(body).then(
        () => undefined,
        (error: PaginationStuckError) => error.where,
      );
    expect(await where(p("p1", 3) + tall("hr") + p("p2", 3, { 1: 1 }) + notes(1))).toEqual({ page: 2, text: "", clipped: true });
    // A note whose rest, overleaf, is taller than a page and has no place to break.
    const note = `<section class="notes"><ol><li id="note-1" data-note="1"><p>n1-1</p>${tall("hr")}</li></ol></section>`;
    expect(await where(p("p1", 3, { 3: 1 }) + note)).toEqual({ page: 2, note: 1, text: "", clipped: true });
  });
});

describe("notes at the foot of the page", () => {
  it("each note sits at the foot of the page of its first call, and takes its room", async () => {
    const body = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => p(`p${i}`, 3, i === 1 ? { 1: 1 } : i === 6 ? { 2: 2 } : {})).join("") + notes(1, 1);
    const { pages } = await layOut(body);
    expect(startingNotes(pages)).toEqual([[1], [2]]);
    expect(pages.map((page) => page.foot)).toEqual([[{ n: 1, continued: false, lines: ["n1-1"] }], [{ n: 2, continued: false, lines: ["n2-1"] }]]);
    // 290px less the foot (12px + one line): four paragraphs of three lines.
    expect(last(pages[0].lines)).toBe("p4-3");
    expect(continuedNotes(pages)).toEqual([]);
  });

  it("a note too long for the room left starts under its call and continues overleaf", async () => {
    const { pages } = await layOut(p("p1", 8, { 8: 1 }) + p("p2", 3) + notes(10));
    expect(continuedNotes(pages)).toEqual([1]);
    expect(startingNotes(pages)).toEqual([[1], []]);
    // The call's line stays on page 1 (with the rest of its paragraph), the note is cut to fit below it.
    expect(last(pages[0].lines)).toBe("p1-8[1]");
    expect(pages[0].foot).toEqual([{ n: 1, continued: false, lines: ["n1-1", "n1-2", "n1-3", "n1-4", "n1-5"] }]);
    expect(pages[1].foot).toEqual([{ n: 1, continued: true, lines: ["n1-6", "n1-7", "n1-8", "n1-9", "n1-10"] }]);
    expect(first(pages[1].lines)).toBe("p2-1");
  });

  it("a note longer than a page fills the feet of the pages after, every line once, in order", async () => {
    const { pages } = await layOut(p("p1", 8, { 8: 1 }) + p("p2", 3) + notes(35));
    expect(continuedNotes(pages)).toEqual([1, 1, 1]);
    expect(pages.map((page) => page.lines.length)).toEqual([8, 0, 0, 3]);
    expect(pages.flatMap((page) => page.foot.flatMap((note) => note.lines))).toEqual(Array.from({ length: 35 }, (_, i) => `n1-${i + 1}`));
    expect(pages.map((page) => page.foot.map((note) => note.continued))).toEqual([[false], [true], [true], [true]]);
  });

  it("an ordered list after a page-foot note keeps its numbers on the next page, in the body", async () => {
    const items = Array.from({ length: 20 }, (_, i) => `<li>item ${i + 1}</li>`).join("");
    const { pages } = await layOut(p("p1", 3, { 3: 1 }) + `<ol>${items}</ol>` + notes(1));
    expect(startingNotes(pages)).toEqual([[1], []]);
    expect([last(pages[0].lines), first(pages[1].lines)]).toEqual(["item 9", "item 10"]);
    expect(pages[1].foot).toEqual([]);
    expect(await page.evaluate(`Array.from(document.querySelectorAll(".bs-page")[1].querySelectorAll(".bs-body li"), (li) => li.value).join()`)).toBe(
      "10,11,12,13,14,15,16,17,18,19,20",
    );
  });

  it("endnotes: the notes section flows at the end of the text, no page has a foot", async () => {
    const { pages } = await layOut(p("p1", 3, { 1: 1 }) + notes(2), { notes: "endnotes" });
    expect(startingNotes(pages)).toEqual([[]]);
    expect(pages).toEqual([{ lines: ["p1-1[1]", "p1-2", "p1-3", "n1-1", "n1-2"], foot: [] }]);
  });
});

describe("the page read from @page", () => {
  it("gives the sheet and margins, the same for broadside's pages and for Chromium's own (a vertical edition)", async () => {
    const css = "@page{size:a4;margin:10mm 20mm}";
    const { result } = await layOut(p("p1", 1), { notes: "footnotes" }, css);
    const mm = 96 / 25.4;
    const expected = { width: 210 * mm, height: 297 * mm, top: 10 * mm, right: 20 * mm, bottom: 10 * mm, left: 20 * mm };
    for (const [side, px] of Object.entries(expected)) expect(result.geometry[side as keyof typeof expected]).toBeCloseTo(px, 3);
    await page.setContent(holdLayout(`<!doctype html><html><head><style>${css}</style></head><body>${p("p1", 1)}</body></html>`));
    expect((await releaseLayout(page)).geometry).toEqual(result.geometry);
  });

  it("a margin it cannot read is an error that names it", async () => {
    await expect(layOut(p("p1", 1), { notes: "footnotes" }, "@page{margin:1vh}")).rejects.toThrow(/@page margin-top: 1vh is not a length broadside can read/);
  });
});

describe("the bound on pagination's work", () => {
  /**
   * Pages checked in turn by the in-page `Progress`: each hands on a paragraph `<p>text</p>` (with a note call when `text`
   * holds "[9]"); `taken` says whether the page took from the source. The message of the first error, or "ended".
   */
  async function check(turns: { text: string; taken: number }[]): Promise<string> {
    await page.setContent("<!doctype html><html><body></body></html>");
    return (await page.evaluate(`${inPageScript}
      ;(() => {
        const progress = new broadsidePaginate.Progress();
        const turns = ${JSON.stringify(turns)};
        for (const [i, { text, taken }] of turns.entries()) {
          const p = document.createElement("p");
          p.innerHTML = text.replace("[9]", '<sup class="note-call"><a id="note-call-9-2" href="#note-9">9</a></sup>');
          const fragment = document.createDocumentFragment();
          fragment.append(p);
          try { progress.check(String(taken), { text: fragment, notes: [] }, i + 1); } catch (error) { return error.message; }
        }
        return "ended";
      })()`)) as string;
  }
  const stuck = (where: object) => STUCK + JSON.stringify(where);

  it("a page that hands on what the page before handed on stops it, naming the page, the first note call left and its words", async () => {
    expect(
      await check([
        { text: "A row [9] left", taken: 1 },
        { text: "A row [9] left", taken: 1 },
      ]),
    ).toBe(stuck({ page: 2, call: "note-call-9-2", text: "A row 9 left" }));
    // A cycle of two pages too.
    const [a, b] = [
      { text: "one", taken: 1 },
      { text: "two", taken: 1 },
    ];
    expect(await check([a, b, a])).toBe(stuck({ page: 3, text: "one" }));
  });

  it("pages that place a little each, or that take from the source, go on", async () => {
    const shrinking = Array.from({ length: 40 }, (_, i) => ({ text: "x".repeat(40 - i), taken: 1 }));
    expect(await check(shrinking)).toBe("ended");
    expect(
      await check([
        { text: "same", taken: 1 },
        { text: "same", taken: 2 },
        { text: "same", taken: 3 },
      ]),
    ).toBe("ended");
  });

  it("pages that hand on more and more without taking stop after as many pages as the first one's characters and elements", async () => {
    const growing = Array.from({ length: 40 }, (_, i) => ({ text: "ab" + "c".repeat(i), taken: 1 }));
    // "ab" in a <p>: 2 characters, 1 element, and 2 pages of slack.
    expect(await check(growing)).toBe(stuck({ page: 6, text: "abccccc" }));
  });

  it("is reported at the note call it names, as an error of the letter", () => {
    const { file, letter } = parse(`${FRONT}Text.\n\n| a | b |\n| --- | --- |\n| x[^1] y[^1] | z |\n\n[^1]: The note.\n`);
    reportStuck(letter!, new PaginationStuckError({ page: 3, call: "note-call-1-2", text: "x 1 y 1 z" }));
    expect(file.messages.map((m) => [m.line, m.column, m.ruleId, m.fatal])).toEqual([[10, 10, "pagination-stuck", true]]);
    expect(file.messages[0].reason).toMatch(
      /^broadside's pagination made no progress at page 3, where the text left starts “x 1 y 1 z” \(in the block with this note call\)/,
    );
    expect(() => reportStuck(letter!, new Error("other"))).toThrow("other");
  });

  it("a page that would cut off a note taller than a page is an error at the note", () => {
    const { file, letter } = parse(`${FRONT}Text.[^1]\n\n[^1]: The note.\n`);
    reportStuck(letter!, new PaginationStuckError({ page: 2, note: 1, text: "The note.", clipped: true }));
    expect(file.messages.map((m) => [m.line, m.column, m.ruleId, m.fatal])).toEqual([[8, 1, "pagination-clipped", true]]);
    expect(file.messages[0].reason).toBe(
      "Page 2 would cut off a block taller than a page, with no place for a page to end, starting “The note.” (in this note): break it into shorter parts",
    );
  });
});
