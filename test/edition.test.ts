/**
 * One edition builder (src/edition.ts) behind build, dev and packets: each makes its editions
 * there, and `dev` replaces the files in its output folder only with an edition whose outputs
 * were read back and agree. A DOCX compiler that writes another note text than the HTML and the
 * PDF (its bytes changed after compiling, for sources that ask for it) stands for a compiler bug.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";

const made = vi.hoisted(() => ({ editions: [] as string[], loaded: [] as string[] }));

vi.mock("../src/docx/index.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/docx/index.ts")>();
  return {
    ...real,
    async compileDocx(...args: Parameters<typeof real.compileDocx>) {
      const docx = await real.compileDocx(...args);
      if (!String(args[0].file.value).includes("DOCX-DISAGREES")) return docx;
      const parts = unzipSync(docx);
      parts["word/footnotes.xml"] = strToU8(strFromU8(parts["word/footnotes.xml"]).replace("The first note.", "Another first note."));
      return zipSync(parts);
    },
  };
});

vi.mock("../src/edition.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/edition.ts")>();
  return {
    ...real,
    async makeEdition(...args: Parameters<typeof real.makeEdition>) {
      made.editions.push(args[0].file.path ?? "");
      return real.makeEdition(...args);
    },
    async loadLetter(...args: Parameters<typeof real.loadLetter>) {
      made.loaded.push(args[0]);
      return real.loadLetter(...args);
    },
  };
});

const { build } = await import("../src/build.ts");
const { startDev } = await import("../src/dev/index.ts");

const letter = (words: string) =>
  `---\ntitle: A small letter\nlang: en\n---\n\n${words}[^a] and more[^b].\n\n[^a]: The first note.\n\n[^b]: The second note.\n`;
const TEMPLATES = join(ROOT, "templates");
const FORMATS = ["html", "pdf", "docx"] as const;

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("dev proves an edition before it replaces the files", () => {
  let dir: string;
  let said: string[];
  let dev: Awaited<ReturnType<typeof startDev>>;
  const out = (format: string) => join(dir, "out", `a.${format}`);

  beforeAll(async () => {
    dir = tempDir();
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "a.md"), letter("We write first"));
    said = [];
    dev = await startDev({ sourceDir: join(dir, "src"), outDir: join(dir, "out"), templatesDir: TEMPLATES, port: 0, log: (line) => said.push(line) });
    await dev.idle();
  }, 120_000);

  afterAll(async () => {
    await dev?.close();
  });

  it("writes a proved edition, then keeps it when a save's outputs disagree, and says why over the new preview", async () => {
    expect(
      FORMATS.every((f) => existsSync(out(f))),
      said.join("\n"),
    ).toBe(true);
    const before = FORMATS.map((f) => ({ bytes: readFileSync(out(f)), mtime: statSync(out(f)).mtimeMs }));
    expect(made.editions).toContain(join(dir, "src", "a.md"));

    writeFileSync(join(dir, "src", "a.md"), letter("We write DOCX-DISAGREES again"));
    const page = await until("the new preview with the proof's error", async () => {
      const text = await (await fetch(new URL("a.html", dev.url))).text();
      return text.includes("DOCX-DISAGREES again") && text.includes("outputs-disagree") && text;
    });
    expect(page).toMatch(/not replaced: their proof failed/);
    expect(page).toMatch(/Note 1 text differs: DOCX "Another first note\." vs HTML and PDF "The first note\."/);
    await dev.idle();
    FORMATS.forEach((f, i) => {
      expect(readFileSync(out(f)).equals(before[i].bytes), `${f} kept`).toBe(true);
      expect(statSync(out(f)).mtimeMs, `${f} not rewritten`).toBe(before[i].mtime);
    });
    expect(said.join("\n")).toMatch(/the outputs disagree \(above\); .* keeps the last proved version/);

    // A save that agrees again replaces all three.
    writeFileSync(join(dir, "src", "a.md"), letter("We write a third time"));
    await until("the third version in the output folder", () => readFileSync(out("html"), "utf8").includes("a third time"));
    await dev.idle();
    FORMATS.forEach((f, i) => expect(readFileSync(out(f)).equals(before[i].bytes), `${f} replaced`).toBe(false));
  }, 120_000);
});

describe("build and packets make their editions with the same builder", () => {
  it("build: each source once", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "b.md"), letter("We build"));
    made.editions.length = 0;
    const result = await build({ sources: [join(dir, "b.md")], outDir: join(dir, "out"), formats: ["html", "docx"], templatesDir: TEMPLATES });
    expect(made.editions).toEqual([join(dir, "b.md")]);
    expect(result.written.map((w) => w.format)).toEqual(["html", "docx"]);
  });

  it("build: a source whose outputs disagree writes nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "c.md"), letter("We build DOCX-DISAGREES"));
    const result = await build({ sources: [join(dir, "c.md")], outDir: join(dir, "out"), formats: ["html", "docx"], templatesDir: TEMPLATES });
    expect(result.written).toEqual([]);
    expect(result.files[0].messages.map((m) => m.ruleId)).toContain("outputs-disagree");
    expect(existsSync(join(dir, "out", "c.html"))).toBe(false);
  });

  it("a packet: it and each part parsed once, each part made once, in memory, proved; its parts' disagreement stops it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "one.md"), letter("We print one"));
    writeFileSync(join(dir, "two.md"), letter("We print two"));
    writeFileSync(join(dir, "p.packet.md"), "---\ntitle: A packet\nlang: en\npacket:\n  parts: [one.md, two.md]\n---\n\nTwo letters.\n");
    made.editions.length = 0;
    made.loaded.length = 0;
    const lines: string[] = [];
    const result = await build({
      sources: [join(dir, "p.packet.md")],
      outDir: join(dir, "out"),
      formats: FORMATS,
      templatesDir: TEMPLATES,
      log: (l) => lines.push(l),
    });
    expect(result.files.flatMap((f) => f.messages.filter((m) => m.fatal))).toEqual([]);
    expect(made.editions.sort()).toEqual([join(dir, "one.md"), join(dir, "two.md")]);
    expect(made.loaded.sort()).toEqual([join(dir, "one.md"), join(dir, "p.packet.md"), join(dir, "two.md")]);
    expect(lines.filter((l) => l.includes("building its 2 parts"))).toHaveLength(1);
    expect(existsSync(join(dir, "out", "p.pdf"))).toBe(true);

    writeFileSync(join(dir, "two.md"), letter("We print two DOCX-DISAGREES"));
    const broken = await build({ sources: [join(dir, "p.packet.md")], outDir: join(dir, "out2"), formats: FORMATS, templatesDir: TEMPLATES });
    expect(broken.written).toEqual([]);
    expect(broken.files.flatMap((f) => f.messages.map((m) => m.ruleId))).toEqual(expect.arrayContaining(["packet-part-errors", "outputs-disagree"]));
    expect(existsSync(join(dir, "out2", "p.pdf"))).toBe(false);
  }, 120_000);
});
