/**
 * The packet's proof on a real press packet — a press release, the English letter, its Hong Kong
 * Chinese edition and its Uyghur (right-to-left) edition — built once: it builds and proves, and
 * the proof reads it by structure (the page number in the untagged page foot, the contents' page
 * numbers in their table's rows). The same packet, changed after printing (a page dropped, the
 * contents' numbers wrong, a foot with another number), is caught, in messages without control
 * characters.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { type PageReading, type PartLayout, proveLayout, readPages } from "../src/packet/proof.ts";
import { cli, tempDir } from "./helpers.ts";

const PARTS = ["press-release", "letter", "letter.zh-Hant-HK", "edition.ug"];
let out = "";
let result: { code: number | null; stdout: string; stderr: string };
let packet: Uint8Array;
let readings: PageReading[];
let layouts: PartLayout[];
const CONTENTS = [2]; // cover, a blank page (duplex), then the contents

beforeAll(async () => {
  out = tempDir();
  result = await cli(["build", "test/fixtures/packet/press.packet.md", "--out", out]);
  packet = new Uint8Array(readFileSync(join(out, "press.pdf")));
  readings = await readPages(packet);
  const kit = unzipSync(readFileSync(join(out, "press.zip")));
  const starts = readings[CONTENTS[0]].rightNumbers;
  layouts = await Promise.all(PARTS.map(async (name, i) => ({ name, start: starts[i] - 1, edition: await readPages(kit[`${name}.pdf`]) })));
}, 240_000);

/** The pages that are not the cover, the contents or a part's: the blank pages added. */
const blanksOf = (pages: PageReading[], used: Set<number>) => pages.flatMap((page, i) => (used.has(i) || i === 0 || CONTENTS.includes(i) ? [] : [i]));

describe("a press packet with Hong Kong Chinese and Uyghur editions", () => {
  it("builds and proves: exit 0, verified, no control character in what it prints", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verified: each part of press\.packet\.md reads as its own edition/);
    expect(result.stdout).not.toMatch(/[\p{Cc}](?<![\n])/u);
  });

  it("reads each part's first page number in its foot and the contents' numbers from their table, by structure", () => {
    const starts = readings[CONTENTS[0]].rightNumbers;
    expect(starts).toHaveLength(PARTS.length);
    for (const start of starts) expect(readings[start - 1].foot).toBe(String(start));
    // Every page of every part reads as the same page of its edition.
    const used = new Set(layouts.flatMap((part) => part.edition.map((_, k) => part.start + k)));
    expect(proveLayout(readings, layouts, CONTENTS, blanksOf(readings, used))).toEqual([]);
  });

  it("a page dropped from the packet is caught, naming the part and the page", async () => {
    const doc = await PDFDocument.load(packet);
    const letter = layouts[1];
    expect(letter.edition).toHaveLength(2);
    doc.removePage(letter.start + 1);
    const problems = proveLayout(await readPages(await doc.save()), layouts, CONTENTS, []);
    expect(problems).toContain(`letter, page 2: the packet's page ${letter.start + 2} does not read as its own edition's page 2 (its text or notes differ)`);
    // The parts after it are no longer where the contents say.
    for (const part of layouts.slice(2))
      expect(
        problems.some((p) => p.startsWith(`${part.name} `) || p.startsWith(`${part.name},`)),
        part.name,
      ).toBe(true);
  });

  it("the contents' page numbers wrong: caught", () => {
    const wrong = readings.map((page, i) => (i === CONTENTS[0] ? { ...page, rightNumbers: page.rightNumbers.map((n, k) => (k === 2 ? n + 2 : n)) } : page));
    const starts = layouts.map((p) => p.start + 1);
    expect(proveLayout(wrong, layouts, CONTENTS, [])).toContain(
      `The contents list the parts at pages ${starts.map((n, k) => (k === 2 ? n + 2 : n)).join(", ")}, but they start at pages ${starts.join(", ")}`,
    );
  });

  it("a foot with an Arabic mark or an unmapped glyph beside the number still reads the number; a wrong one is reported without control characters", () => {
    const ug = layouts[3];
    const withFoot = (foot: string) => readings.map((page, i) => (i === ug.start ? { ...page, foot } : page));
    const used = new Set(layouts.flatMap((part) => part.edition.map((_, k) => part.start + k)));
    expect(proveLayout(withFoot(`${ug.start + 1} \u0654\u0000`), layouts, CONTENTS, blanksOf(readings, used))).toEqual([]);
    const problems = proveLayout(withFoot(`\u0000${ug.start + 2} \u0654`), layouts, CONTENTS, blanksOf(readings, used));
    expect(problems).toEqual([`edition.ug starts on page ${ug.start + 1} of the packet, but that page's foot reads “\uFFFD${ug.start + 2} \u0654”`]);
    expect(problems.join("")).not.toMatch(/\p{Cc}/u);
  });
});
