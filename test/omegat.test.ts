/**
 * OmegaT, a translation tool nobody here wrote, reads broadside's XLIFF headless: a project with
 * the letter's XLIFF and a translation memory of a few pseudo-translated units, translated by
 * `omegat --mode=console-translate`. The target XLIFF it writes imports (note calls kept as the
 * protected codes they were) and builds with the same note numbers.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { DOMParser, type Element as XmlElement, type Node as XmlNode } from "@xmldom/xmldom";
import { beforeAll, describe, expect, it } from "vitest";
import { translateText } from "./docx-edit.ts";
import { cli, tempDir } from "./helpers.ts";
import { readHtml } from "./readers.ts";
import { copySourceToTarget, XLIFF } from "./xliff-edit.ts";

const run = promisify(execFile);
const dir = tempDir("broadside-omegat-");
const path = (...parts: string[]) => join(dir, ...parts);
const LETTER_CALLS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** The units the memory translates: a title, paragraphs with one and two note calls, a note with a link. */
const REMEMBERED = ["front-title", "paragraph-1", "paragraph-2", "note-1"];

type Result = Awaited<ReturnType<typeof cli>>;
let omegat: { stdout: string; stderr: string };
let left: string[];
let imported: Result;
let built: Result;

const unitsOf = (xml: string) => Array.from(new DOMParser().parseFromString(xml, "text/xml").getElementsByTagNameNS(XLIFF, "trans-unit")) as XmlElement[];
const child = (tu: XmlElement, name: string) => tu.getElementsByTagNameNS(XLIFF, name)[0];
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A segment as OmegaT 3.6's XLIFF filter shows it: `<ph>` as `<fN/>` (its letter is the first
 * letter of the code's text, `f` when none), `<g>` as `<gN>…</gN>`, numbered in order.
 */
function segment(source: XmlElement, words: (s: string) => string): string {
  let index = 0;
  const walk = (node: XmlNode): string => {
    if (node.nodeType === 3) return words(node.nodeValue ?? "");
    const el = node as XmlElement;
    if (el.localName === "ph") return `<${(/\p{L}/u.exec(el.textContent ?? "")?.[0] ?? "f").toLowerCase()}${index++}/>`;
    const inner = () => Array.from(el.childNodes).map(walk).join("");
    if (el.localName === "g") {
      const i = index++;
      return `<g${i}>${inner()}</g${i}>`;
    }
    return inner();
  };
  return Array.from(source.childNodes).map(walk).join("");
}

/** Processes still running whose command line names the test's folder (OmegaT's Java, if it stayed). */
function processesIn(folder: string): string[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        return cmd.includes(folder) ? [`${pid}: ${cmd}`] : [];
      } catch {
        return [];
      }
    });
}

beforeAll(async () => {
  for (const sub of ["source", "target", "tm/auto", "glossary", "dictionary", "omegat"]) mkdirSync(path("project", sub), { recursive: true });
  for (const sub of ["home", "config", "edition/source"]) mkdirSync(path(sub), { recursive: true });
  const exported = await cli(["export", "source/letter.md", "--xliff", "--out", path("letter.xlf")]);
  expect(exported.code).toBe(0);
  const xliff = readFileSync(path("letter.xlf"), "utf8");
  // OmegaT 3.6's XLIFF filter translates <target> elements: the file goes in with each target a copy of its source.
  writeFileSync(path("project/source/letter.xlf"), copySourceToTarget(xliff, "fr"));
  const tus = unitsOf(xliff)
    .filter((tu) => REMEMBERED.includes(tu.getAttribute("id")!))
    .map((tu) => {
      const source = child(tu, "source");
      return `<tu><tuv xml:lang="EN"><seg>${escape(segment(source, (s) => s))}</seg></tuv><tuv xml:lang="FR"><seg>${escape(segment(source, translateText))}</seg></tuv></tu>`;
    });
  expect(tus).toHaveLength(REMEMBERED.length);
  // tm/auto: OmegaT fills a segment from these memories when its source matches exactly.
  writeFileSync(
    path("project/tm/auto/letter.fr.tmx"),
    `<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="broadside-test" creationtoolversion="1" segtype="paragraph" o-tmf="broadside" adminlang="EN" srclang="EN" datatype="plaintext"/><body>\n${tus.join("\n")}\n</body></tmx>\n`,
  );
  writeFileSync(
    path("project/omegat.project"),
    `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>EN</source_lang>
    <target_lang>FR</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneFrenchTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
`,
  );
  // Its own HOME and settings folder, so nothing of the host's OmegaT (or Java) settings is read or written.
  omegat = await run("omegat", ["--mode=console-translate", "--quiet", "--no-team", `--config-dir=${path("config")}`, path("project")], {
    env: { ...process.env, HOME: path("home") },
    timeout: 120_000,
    killSignal: "SIGKILL",
    maxBuffer: 16 * 2 ** 20,
  });
  left = processesIn(dir);
  imported = await cli(["import", path("project/target/letter.xlf"), "--out", path("edition/source/letter.fr.md")]);
  if (imported.code === 0) built = await cli(["build", path("edition/source/letter.fr.md"), "--out", path("edition/fr")]);
}, 240_000);

describe("OmegaT console-translate", () => {
  it("translates the project and leaves no process behind", () => {
    expect(omegat.stdout).toMatch(/^Initializing\nLoading Project\nTranslating Project\nFinished\n/);
    expect(left).toEqual([]);
  });

  it("fills the remembered units from the memory, keeps their codes, and leaves the rest as their source", () => {
    const out = unitsOf(readFileSync(path("project/target/letter.xlf"), "utf8"));
    expect(out).toHaveLength(unitsOf(readFileSync(path("letter.xlf"), "utf8")).length);
    const translated = out.filter((tu) => child(tu, "target").textContent !== child(tu, "source").textContent).map((tu) => tu.getAttribute("id"));
    expect(translated).toEqual(REMEMBERED);
    const byId = new Map(out.map((tu) => [tu.getAttribute("id"), tu]));
    const codes = (id: string, name: "source" | "target") =>
      Array.from(child(byId.get(id)!, name).getElementsByTagNameNS(XLIFF, "*")).map(
        (c) => `${c.localName} ${c.getAttribute("id")} ${c.getAttribute("ctype")} ${c.localName === "ph" ? c.textContent : ""}`,
      );
    for (const id of REMEMBERED) expect(codes(id, "target")).toEqual(codes(id, "source"));
    expect(codes("paragraph-2", "target")).toEqual(["ph n2 x-note-call [^2]", "ph n3 x-note-call [^3]"]);
    expect(child(byId.get("paragraph-2")!, "target").textContent).toContain(translateText("During her six-day visit to China"));
  });
});

describe("broadside imports what OmegaT wrote", () => {
  it("imports with exit 0: translated units translated, the others in the source's words", () => {
    expect(imported.stderr).not.toMatch(/error/);
    expect(imported.code).toBe(0);
    const md = readFileSync(path("edition/source/letter.fr.md"), "utf8");
    expect(md).toMatch(/\nlang: fr\n/);
    expect(md).toContain(translateText("During her six-day visit to China"));
    expect(md).toContain("The High Commissioner legitimized Beijing’s attempt");
  });

  it("builds with exit 0 (its proof compares the notes of the three formats) and the same note numbers", async () => {
    expect(built.stderr).not.toMatch(/error/);
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/3 files written/);
    const html = await readHtml(path("edition/fr/letter.fr.html"));
    expect(html.calls).toEqual(LETTER_CALLS);
  });
});
