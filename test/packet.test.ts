/**
 * Press packets (issue 19), read back from ONE build of test/fixtures/packet/hrc50.packet.md —
 * a press release, the letter (two pages) and its French and Uyghur (right-to-left) editions —
 * with pdftotext per page, pdfinfo, qpdf --json and the kit unzipped.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync, strFromU8 } from "fflate";
import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { checkLetter } from "../src/check/index.ts";
import { parseLetter, readSource } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { imposeBooklet, saddleOrder } from "../src/packet/layout.ts";
import { proveLayout } from "../src/packet/proof.ts";
import { cli, tempDir } from "./helpers.ts";

const FIXTURES = "test/fixtures/packet";
const EPOCH = 1_780_000_000; // 2026-05-28 20:26:40 UTC
let out: string;
let kit: Record<string, Uint8Array>;
let said: string;

beforeAll(async () => {
  out = tempDir();
  const { code, stdout, stderr } = await cli(["build", join(FIXTURES, "hrc50.packet.md"), "--out", out, "--bleed", "3mm", "--marks"], {
    env: { SOURCE_DATE_EPOCH: String(EPOCH) },
  });
  said = stdout;
  expect(stderr).toBe("");
  expect(code).toBe(0);
  kit = unzipSync(readFileSync(join(out, "hrc50.zip")));
});

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
/** Bidirectional marks pdftotext adds around right-to-left text. */
const plain = (text: string) => text.replace(/[\u200e\u200f\u202a-\u202e]/g, "");
const pageText = (pdf: string, page: number) => plain(run("pdftotext", ["-f", String(page), "-l", String(page), pdf, "-"]));
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
const pages = (pdf: string) => Number(/Pages:\s+(\d+)/.exec(run("pdfinfo", [pdf]))?.[1]);
/** How far the sheet reaches beyond the A4 trim on each side (the bleed and the marks). */
const slugOf = (pdf: string) => (Number(/Page size:\s+([\d.]+) x/.exec(run("pdfinfo", [pdf]))?.[1]) - 595.28) / 2;
/** The text above the page foot (head, body and notes), or in the foot: the bottom 50 pt of the trim, below the margin. */
const region = (pdf: string, page: number, where: "body" | "foot") => {
  const slug = Math.round(slugOf(pdf));
  const [y, height] = where === "body" ? [slug, 792] : [slug + 792, 50];
  return plain(
    run("pdftotext", ["-f", String(page), "-l", String(page), "-x", String(slug), "-y", String(y), "-W", "596", "-H", String(height), pdf, "-"]),
  ).trim();
};
const foot = (pdf: string, page: number) => region(pdf, page, "foot");

const PARTS = [
  { name: "press-release", title: "Coalition asks the Council to act on the report", pages: 1 },
  { name: "letter", title: "An open letter to the High Commissioner", pages: 2 },
  { name: "letter.fr", title: "Lettre ouverte à la Haute-Commissaire", pages: 1 },
  { name: "letter.ug", title: "يۇقىرى كومىسسارغا ئوچۇق خەت", pages: 1 },
];

describe("the packet PDF", () => {
  const pdf = () => join(out, "hrc50.pdf");

  it("says once that it builds its parts, and once that it sets them again for the booklet", () => {
    expect(said.match(/building its 4 parts/g)).toHaveLength(1);
    expect(said.match(/setting its 4 parts again on a5 paper for the booklet/g)).toHaveLength(1);
  });

  it("starts each part on an odd page, where the contents say, with blank pages between", () => {
    const total = pages(pdf());
    const texts = Array.from({ length: total }, (_, i) => pageText(pdf(), i + 1));
    expect(texts[0]).toContain("Press packet — 50th session of the Human Rights");
    expect(texts[0]).toContain("Side event, Palais des Nations, Room XXIV");
    expect(texts[0]).toContain("Alex Example");
    // The contents: each part's title, then its first page.
    const contents = texts.findIndex((t) => t.startsWith("Contents"));
    const listed = lines(texts[contents])
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(listed).toHaveLength(PARTS.length);
    const used = new Set<number>([0, contents]);
    PARTS.forEach((part, i) => {
      const start = listed[i];
      expect(start % 2, `${part.name} starts on page ${start}`).toBe(1);
      expect(lines(texts[start - 1])[0]).toBe(part.name === "letter.ug" ? lines(texts[start - 1])[0] : part.title);
      for (let k = 0; k < part.pages; k++) {
        expect(foot(pdf(), start + k), `the foot of page ${start + k}`).toBe(String(start + k));
        used.add(start - 1 + k);
      }
    });
    expect(texts[listed[3] - 1]).toContain("A/HRC/RES/50/1");
    // The running head names the part on its pages after the first.
    expect(lines(texts[listed[1]])[0]).toBe("Open letter");
    // Every other page was added blank: no head, no number, nothing.
    const blanks = texts.map((t, i) => (used.has(i) ? undefined : t)).filter((t) => t !== undefined);
    expect(blanks.length).toBeGreaterThan(0);
    for (const t of blanks) expect(t.trim()).toBe("");
  });

  it("has each part's notes as its own edition prints them, page for page", () => {
    const dir = tempDir();
    const contents = lines(pageText(pdf(), 3))
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    let noted = 0;
    PARTS.forEach((part, i) => {
      const edition = join(dir, `${part.name}.pdf`);
      writeFileSync(edition, kit[`${part.name}.pdf`]);
      expect(pages(edition)).toBe(part.pages);
      for (let k = 0; k < part.pages; k++) {
        expect(foot(edition, k + 1)).toBe(`${k + 1}/${part.pages}`);
        expect(foot(pdf(), contents[i] + k)).toBe(String(contents[i] + k));
        const own = lines(region(edition, k + 1, "body"));
        const inPacket = lines(region(pdf(), contents[i] + k, "body"));
        expect(inPacket).toEqual(own);
        noted += inPacket.filter((line) => /^\d+\. \S/.test(line)).length;
      }
    });
    // The notes are there to compare: 2 in the release, 3 in each letter.
    expect(noted).toBeGreaterThanOrEqual(2 + 3 + 3);
  });

  it("is tagged, each part's structure under one root with the part's language, its links explicit", () => {
    expect(run("pdfinfo", [pdf()])).toMatch(/Tagged:\s+yes/);
    const objects: Record<string, { value?: any }> = JSON.parse(run("qpdf", ["--json=2", "--json-key=qpdf", pdf()])).qpdf[1];
    const value = (ref: string) => objects[`obj:${ref}`]?.value;
    const catalog = Object.values(objects).find((o) => o.value?.["/Type"] === "/Catalog")!.value;
    expect(catalog["/Lang"]).toBe("u:en");
    const root = value(catalog["/StructTreeRoot"]);
    // The cover and contents, then the parts.
    expect(root["/K"].map((k: string) => value(k)["/Lang"])).toEqual(["u:en", "u:en", "u:en", "u:fr", "u:ug"]);
    const keys: number[] = value(root["/ParentTree"])["/Nums"].filter((_: unknown, i: number) => i % 2 === 0);
    const pagesKeys = Object.values(objects)
      .map((o) => o.value)
      .filter((v) => v?.["/Type"] === "/Page" && v["/StructParents"] !== undefined)
      .map((v) => v["/StructParents"]);
    expect(new Set(pagesKeys).size).toBe(pagesKeys.length);
    for (const key of pagesKeys) expect(keys).toContain(key);
    const links = Object.values(objects)
      .map((o) => o.value)
      .filter((v) => v?.["/Subtype"] === "/Link" && !v["/A"]?.["/URI"]);
    expect(links.length).toBeGreaterThanOrEqual(2 * (2 + 3 + 3 + 3));
    for (const link of links) expect(Array.isArray(link["/Dest"] ?? link["/A"]?.["/D"])).toBe(true);
  });

  it("has an outline entry for each part, with the part's headings below it", () => {
    const outlines: { title: string; destpageposfrom1: number; kids: { title: string }[] }[] = JSON.parse(
      run("qpdf", ["--json", "--json-key=outlines", pdf()]),
    ).outlines;
    expect(outlines.map((o) => o.title)).toEqual(PARTS.map((p) => p.title));
    const contents = lines(pageText(pdf(), 3))
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(outlines.map((o) => o.destpageposfrom1)).toEqual(contents);
    expect(outlines[1].kids.map((k) => k.title)).toEqual(["Why now", "What we ask", "Signed by"]);
  });

  it("has a TrimBox and a BleedBox 3 mm out on every page, and crop marks outside the trim", () => {
    const objects: Record<string, { value?: Record<string, unknown> }> = JSON.parse(run("qpdf", ["--json=2", "--json-key=qpdf", pdf()])).qpdf[1];
    const all = Object.values(objects)
      .map((o) => o.value)
      .filter((v) => v?.["/Type"] === "/Page");
    expect(all).toHaveLength(pages(pdf()));
    const bleed = 3 * (72 / 25.4);
    for (const page of all) {
      const [tx0, ty0, tx1, ty1] = page!["/TrimBox"] as number[];
      const [bx0, by0, bx1, by1] = page!["/BleedBox"] as number[];
      const [mx0, , mx1] = page!["/MediaBox"] as number[];
      expect([tx0, ty0]).toEqual([0, 0]);
      expect(tx1).toBeCloseTo(595.28, 0);
      expect(ty1).toBeCloseTo(841.89, 0);
      expect([bx0, by0, bx1 - tx1, by1 - ty1].map((v) => Math.abs(v))).toEqual([bleed, bleed, bleed, bleed].map((v) => expect.closeTo(v, 2)));
      expect(mx0).toBeLessThan(bx0);
      expect(mx1).toBeGreaterThan(bx1);
    }
    // A blank page rendered at 72 dpi: white inside the trim, marks outside it.
    const dir = tempDir();
    run("pdftoppm", ["-f", "2", "-l", "2", "-r", "72", "-gray", pdf(), join(dir, "p")]);
    const pgm = readFileSync(join(dir, "p-02.pgm"));
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString("latin1"))!;
    const [w, h] = [Number(header[1]), Number(header[2])];
    const pixels = pgm.subarray(header[0].length);
    const slug = Math.round((w - 595.28) / 2);
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (pixels[y * w + x] > 200) continue;
        const inTrim = x > slug + 1 && x < w - slug - 1 && y > slug + 1 && y < h - slug - 1;
        if (inTrim) inside++;
        else outside++;
      }
    }
    expect(inside).toBe(0);
    expect(outside).toBeGreaterThan(8); // eight marks
  });
});

describe("the booklet", () => {
  const booklet = () => join(out, "hrc50.booklet.pdf");

  /** The page number printed at the foot of each half sheet, side by side: [left, right] for each side. */
  const feet = () =>
    Array.from({ length: pages(booklet()) }, (_, s) =>
      [0, 1].map(
        (half) =>
          lines(
            plain(run("pdftotext", ["-f", String(s + 1), "-l", String(s + 1), "-x", String(half * 421), "-y", "550", "-W", "420", "-H", "45", booklet(), "-"])),
          )[0] ?? "",
      ),
    );
  /** The height of the first word `word` on page `page` of `pdf`, in pt. */
  const wordHeight = (pdf: string, page: number, word: string) => {
    const bbox = run("pdftotext", ["-bbox", "-f", String(page), "-l", String(page), pdf, "-"]);
    const m = new RegExp(`yMin="([\\d.]+)" xMax="[\\d.]+" yMax="([\\d.]+)">${word}<`).exec(bbox);
    return m ? Number(m[2]) - Number(m[1]) : NaN;
  };

  it("is A4 landscape sheets of A5 pages, set at the edition's size, padded to a multiple of four", () => {
    expect(run("pdfinfo", [booklet()])).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/);
    // The back cover, outside left of the first sheet, prints the booklet's page count.
    const count = Number(feet()[0][0]);
    expect(count).toBeGreaterThan(pages(join(out, "hrc50.pdf")) - 1); // A5 holds less than A4
    expect(pages(booklet()) * 2).toBe(Math.ceil(count / 4) * 4);
    // The press release's dateline is set as large as in the A4 packet: laid out again, not shrunk.
    const releaseIn = (pdf: string) => Array.from({ length: pages(pdf) }, (_, i) => i + 1).find((p) => pageText(pdf, p).includes("GENEVA,"))!;
    const a4 = wordHeight(join(out, "hrc50.pdf"), releaseIn(join(out, "hrc50.pdf")), "GENEVA,");
    expect(wordHeight(booklet(), releaseIn(booklet()), "GENEVA,")).toBeCloseTo(a4, 0);
  });

  it("puts the pages in saddle-stitch order (read from the numbers printed at each position)", () => {
    const read = feet();
    const count = Number(read[0][0]);
    const padded = read.length * 2;
    // Page p shows p (the cover, the contents and blank pages show none); blank pages are added
    // before the back cover, which stays last.
    const expected = saddleOrder(padded).map((side) => side.map((p) => (p === padded ? String(count) : p < count ? String(p) : "")));
    read.forEach((side, s) =>
      side.forEach((shown, half) =>
        expect(shown === "" || shown === expected[s][half], `sheet side ${s + 1}, ${half ? "right" : "left"}: ${shown}`).toBe(true),
      ),
    );
    expect(read.flat().filter(Boolean).length).toBeGreaterThan(count / 3);
    expect(pageText(booklet(), 1)).toContain("Press packet");
  });

  it("imposes on Letter sheets with --paper letter", async () => {
    const bytes = await imposeBooklet(await PDFDocument.load(readFileSync(join(out, "hrc50.booklet.pdf"))), "letter", {
      title: "t",
      lang: "en",
      date: new Date(0),
    });
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPage(0).getSize()).toEqual({ width: 792, height: 612 });
  });

  it("orders sheets for saddle stitching", () => {
    expect(saddleOrder(8)).toEqual([
      [8, 1],
      [2, 7],
      [6, 3],
      [4, 5],
    ]);
  });
});

describe("the kit", () => {
  // The build (beforeAll) and the page numbers above are of a packet whose French letter has such a value.
  it("takes a part whose front matter writes `</head>` into its HTML's <meta>", () => {
    expect(strFromU8(kit["letter.fr.html"])).toContain('<meta name="description" content="Lettre ouverte </head> au Conseil">');
  });

  it("holds every part's PDF, DOCX and HTML and the packet, with a manifest whose hashes and pages match", () => {
    const names = Object.keys(kit);
    for (const part of PARTS) for (const ext of ["pdf", "docx", "html"]) expect(names).toContain(`${part.name}.${ext}`);
    expect(names).toContain("hrc50.pdf");
    const manifest = strFromU8(kit["MANIFEST.txt"])
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t"));
    expect(manifest.map((row) => row[0]).sort()).toEqual(names.filter((n) => n !== "MANIFEST.txt").sort());
    const dir = tempDir();
    for (const [name, lang, pageCount, hash] of manifest) {
      expect(createHash("sha256").update(kit[name]).digest("hex"), name).toBe(hash);
      const part = PARTS.find((p) => name.startsWith(`${p.name}.`) && name.split(".").length === p.name.split(".").length + 1);
      if (part) expect(lang).toBe(part.name.split(".")[1] ?? "en");
      if (name.endsWith(".pdf")) {
        writeFileSync(join(dir, name), kit[name]);
        expect(pageCount).toBe(String(pages(join(dir, name))));
      } else expect(pageCount).toBe("-");
    }
    expect(createHash("sha256").update(kit["hrc50.pdf"]).digest("hex")).toBe(
      createHash("sha256")
        .update(readFileSync(join(out, "hrc50.pdf")))
        .digest("hex"),
    );
  });

  it("has the press release's embargo, dateline, end mark, contacts and notes to editors in every format", () => {
    const html = strFromU8(kit["press-release.html"])
      .replace(/<style[\s\S]*?<\/style>/g, "")
      .replace(/<[^>]+>/g, "");
    const docx = strFromU8(unzipSync(kit["press-release.docx"])["word/document.xml"]).replace(/<[^>]+>/g, "");
    const pdf = join(tempDir(), "press-release.pdf");
    writeFileSync(pdf, kit["press-release.pdf"]);
    const printed = run("pdftotext", [pdf, "-"]).replace(/\s+/g, " ");
    for (const text of [html, docx, printed]) {
      expect(text).toContain("EMBARGOED UNTIL June 15, 2036");
      expect(text).toContain("(UTC+02:00)");
      expect(text).toContain("GENEVA, 15 June 2036 — A coalition");
      expect(text).toContain("ENDS");
      expect(text).toContain("Media contacts");
      expect(text).toContain("press@example.org");
    }
    expect(html).toContain("Notes to editors");
    // The notes come after the end mark, the embargo before the text.
    expect(printed.indexOf("EMBARGOED")).toBeLessThan(printed.indexOf("GENEVA"));
    expect(printed.indexOf("ENDS")).toBeLessThan(printed.indexOf("1. The report was published"));
  });

  it("dates every file with SOURCE_DATE_EPOCH", () => {
    const listing = run("unzip", ["-Z", "-T", join(out, "hrc50.zip")]);
    const stamps = [...listing.matchAll(/ (\d{8}\.\d{6}) /g)].map((m) => m[1]);
    expect(stamps).toHaveLength(Object.keys(kit).length);
    const d = new Date(EPOCH * 1000);
    const want = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}.${String(d.getUTCHours()).padStart(2, "0")}${String(d.getUTCMinutes()).padStart(2, "0")}${String(d.getUTCSeconds() - (d.getUTCSeconds() % 2)).padStart(2, "0")}`;
    expect(new Set(stamps)).toEqual(new Set([want]));
  });
});

describe("packet errors", () => {
  it("reports a missing part at its place in the front matter, and writes nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "here.md"), "---\ntitle: Here\nlang: en\n---\n\nText.\n");
    writeFileSync(join(dir, "p.packet.md"), "---\ntitle: P\nlang: en\npacket:\n  parts:\n    - here.md\n    - gone.md\n---\n");
    const { code, stderr } = await cli(["build", join(dir, "p.packet.md"), "--out", join(dir, "dist")]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/p\.packet\.md:7:7: error: Packet part `gone\.md` not found .*\[packet-part-missing\]/);
    expect(existsSync(join(dir, "dist"))).toBe(false);
    // npm run check says the same, at the same place.
    const file = await readSource(join(dir, "p.packet.md"));
    checkLetter(parseLetter(file, { features: FEATURES })!);
    expect(file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.fatal ? "error" : "warning"}`)).toEqual(["7:7 packet-part-missing error"]);
  });

  it("is told by its parsed front matter: a quoted `packet` key and TOML front matter make packets; `packet:` in a comment or a block scalar does not", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "letter.md"), "---\ntitle: A letter\nlang: en\n# packet: [a comment]\nsubtitle: |\n  packet: text, not a key\n---\n\nText.\n");
    writeFileSync(join(dir, "inner.md"), "+++\ntitle = 'Inner'\nlang = 'en'\n[packet]\nparts = ['letter.md']\n+++\n\nCover.\n");
    writeFileSync(join(dir, "outer.md"), "---\ntitle: Outer\nlang: en\n'packet':\n  parts:\n    - letter.md\n    - inner.md\n---\n\nCover.\n");
    const { code, stderr } = await cli(["build", join(dir, "letter.md"), join(dir, "outer.md"), "--out", join(dir, "dist"), "--format", "html"]);
    expect(code).toBe(1);
    // The source with the quoted key is a packet, and its part with TOML front matter is one too: refused at its place.
    expect(stderr).toMatch(/outer\.md:7:7: error: Packet part `inner\.md` is itself a packet; list its parts instead \[packet-part-packet\]/);
    expect(stderr.match(/: error: /g)).toHaveLength(1);
    // The letter is built as a letter; nothing of the packet is written, not even as a letter.
    expect(existsSync(join(dir, "dist", "letter.html"))).toBe(true);
    expect(existsSync(join(dir, "dist", "outer.html"))).toBe(false);
    expect(existsSync(join(dir, "dist", "outer.pdf"))).toBe(false);
  });

  /** A packet of one part, the part's file named `part` and listed in the YAML as `listed`: refused with `message`, nothing written. */
  async function refusesPart(part: string, listed: string, packet: string, message: string) {
    const dir = tempDir();
    writeFileSync(join(dir, part), "---\ntitle: A letter\nlang: en\n---\n\nText.\n");
    writeFileSync(join(dir, packet), `---\ntitle: P\nlang: en\npacket:\n  parts:\n    - ${listed}\n---\n\nCover.\n`);
    const { code, stderr } = await cli(["build", join(dir, packet), "--out", join(dir, "dist")]);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(existsSync(join(dir, "dist"))).toBe(false);
  }

  it("refuses a part named as the packet itself (letter.md in letter.packet.md): the kit would hold the packet's PDF in place of the part's", async () => {
    await refusesPart(
      "letter.md",
      "letter.md",
      "letter.packet.md",
      "letter.packet.md:6:7: error: Packet part `letter.md` has the file name the packet's own PDF takes (letter.pdf): rename the part or the packet, so that the kit can hold both [packet-part-duplicate]",
    );
  });

  it("refuses a part whose file name holds a tab or a line break, which would forge rows of the kit's MANIFEST.txt", async () => {
    const forged = "a\tfr\t1\t0000\nevil.pdf\ten\t1\tdead.md";
    await refusesPart(
      forged,
      JSON.stringify(forged),
      "p.packet.md",
      "p.packet.md:6:7: error: Packet part `a\ufffdfr\ufffd1\ufffd0000\ufffdevil.pdf\ufffden\ufffd1\ufffddead.md` has a control character in its file name: rename the file (its name goes into the kit and MANIFEST.txt) [packet-part-name]",
    );
  });

  it("refuses a part whose file name Windows reads as folders (..\\..\\evil.md): unzipped there, the kit's files would land outside its folder", async () => {
    await refusesPart(
      "..\\..\\evil.md",
      '"..\\\\..\\\\evil.md"',
      "p.packet.md",
      'p.packet.md:6:7: error: Packet part `..\\..\\evil.md` has one of \\ : * ? " < > | in its file name, which Windows reads as a folder or refuses: rename the file (its name goes into the kit) [packet-part-name]',
    );
    // The packet's own PDF goes into the kit under the packet's name.
    const dir = tempDir();
    writeFileSync(join(dir, "..\\x.packet.md"), "---\ntitle: P\nlang: en\npacket:\n  parts: [ok.md]\n---\n\nCover.\n");
    const own = await cli(["build", join(dir, "..\\x.packet.md"), "--out", join(dir, "dist")]);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain(
      "..\\x.packet.md:1:1: error: The packet's file name `..\\x.packet.md` has a control character or one of \\ : * ? \" < > |: rename the file (its name goes into the kit) [packet-part-name]",
    );
    expect(existsSync(join(dir, "dist"))).toBe(false);
  });

  it("the proof reports a part that does not start where the contents say", () => {
    const page = (text: string, footText: string, numbers: number[] = []) => ({ text, foot: footText, rightNumbers: numbers });
    const packet = [page("cover", ""), page("", ""), page("Contents", "", [5]), page("", ""), page("part", "4")];
    const problems = proveLayout(packet, [{ name: "part", start: 4, edition: [page("part", "1 / 1")] }], [2], [1, 3]);
    expect(problems).toEqual([expect.stringContaining("that page's foot reads “4”")]);
  });
});

describe("npm run check on a press release", () => {
  it("warns when the embargo has passed or has no time zone, at the embargo", async () => {
    const dir = tempDir();
    const file = join(dir, "release.md");
    writeFileSync(file, "---\ntitle: Release\nlang: en\nembargo: 2026-05-01T09:00\n---\n\nText.\n");
    const zoned = join(dir, "zoned.md");
    writeFileSync(zoned, "---\ntitle: Release\nlang: en\nembargo: 2026-07-01T09:00+02:00\n---\n\nText.\n");
    const { code, stdout } = await cli(["check", file, zoned], { env: { SOURCE_DATE_EPOCH: String(EPOCH) } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/release\.md:4:10: warning: The embargo `2026-05-01T09:00` has no time zone.*\[embargo-no-zone\]/);
    expect(stdout).toMatch(/release\.md:4:10: warning: The embargo `2026-05-01T09:00` has passed.*\[embargo-passed\]/);
    expect(stdout).not.toMatch(/zoned\.md/);
  });
});
