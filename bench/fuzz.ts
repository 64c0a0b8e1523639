/**
 * `npm run bench -- fuzz [--seed 1] [--count 400] [--kind docx,xliff,markdown,packet]`: seeded
 * mutation fuzzing of what strangers send. Valid inputs (the letter and the test fixtures built
 * as .docx, exported as XLIFF and translated, the Markdown fixtures, random Markdown, the test
 * packet) are mutated where it matters — XML elements and attributes of the .docx parts and of
 * the XLIFF, relationships and parts of the package, Markdown bytes and front-matter values —
 * and each case is run through the real command line in its own process, with a time bound.
 *
 * A case fails when the command exits with anything but 0 or 1, is killed or times out, prints
 * a stack trace or an internal error, takes more than MAX_RSS_MB, or leaves a file behind when
 * it refused its input. Failures are printed with their seed and case number, and the mutated
 * input is kept in a folder whose path is printed, so each one can be run again by hand.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { DOMParser, type Document as XmlDocument, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { ROOT } from "../src/paths.ts";
import { random } from "../test/hostile-docx-corpus.ts";
import { randomSource } from "../test/random-markdown.ts";
import { pseudoTranslate } from "../test/xliff-edit.ts";

const BIN = join(ROOT, "bin", "broadside.mjs");
/** Written beside the project folder (as ../canary.md): no output or message may show it. */
const CANARY = "CANARY-beside-the-project-fuzz";
const TIMEOUT_MS = 20_000;
const MAX_RSS_MB = 500;
type Kind = "docx" | "xliff" | "markdown" | "packet";
const KINDS: Kind[] = ["docx", "xliff", "markdown", "packet"];

type Rand = () => number;
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)];

/** Attribute values at the edges: numbers too big, negative, hex, empty, not numbers, odd characters. */
const EXTREMES = [
  "",
  "0",
  "-1",
  "-2147483648",
  "2147483648",
  "4294967295",
  "99999999999999999999",
  "1e308",
  "NaN",
  "Infinity",
  "FFFFFFFF",
  "D800",
  "0x41",
  "abc",
  " 1 ",
  "1.5",
  "\u202e\u0000",
  "𝕏",
  "../../../../etc/passwd",
  "x".repeat(5000),
  "true",
  "null",
  "__proto__",
  "constructor",
];

/* ----------------------------------------------------------------------------------------- */
/* XML mutations (the .docx parts and the XLIFF)                                              */

function elements(doc: XmlDocument): XmlElement[] {
  return Array.from(doc.getElementsByTagName("*"));
}

/** One mutation of an XML document, in place; returns what it did. */
function mutateXml(r: Rand, doc: XmlDocument): string {
  const all = elements(doc);
  if (all.length < 2) return "too small";
  // Half the time an element with attributes: those are what a reader turns into numbers and ids.
  const withAttributes = all.slice(1).filter((e) => Array.from(e.attributes).some((a) => !a.name.startsWith("xmlns")));
  const el = pick(r, r() < 0.5 && withAttributes.length ? withAttributes : all.slice(1));
  const name = el.tagName;
  switch (Math.floor(r() * 9)) {
    case 0:
    case 1: {
      const attrs = Array.from(el.attributes).filter((a) => !a.name.startsWith("xmlns"));
      const attr = attrs.length ? pick(r, attrs).name : pick(r, ["w:val", "w:id", "id", "w:char", "w:ilvl", "w:numId", "r:id"]);
      const value = pick(r, EXTREMES);
      el.setAttribute(attr, value);
      return `${name}@${attr}=${JSON.stringify(value.slice(0, 40))}`;
    }
    case 2: {
      const attrs = Array.from(el.attributes).filter((a) => !a.name.startsWith("xmlns"));
      if (!attrs.length) return "no attribute";
      const attr = pick(r, attrs).name;
      el.removeAttribute(attr);
      return `${name}@${attr} removed`;
    }
    case 3:
      el.parentNode?.removeChild(el);
      return `${name} removed`;
    case 4: {
      // Many copies of small elements only: thousands of a body's worth would only measure this script.
      const small = el.getElementsByTagName("*").length < 20;
      const times = small ? pick(r, [1, 2, 50, 2000]) : pick(r, [1, 2]);
      for (let i = 0; i < times; i++) el.parentNode?.insertBefore(el.cloneNode(true), el);
      return `${name} ×${times + 1}`;
    }
    case 5: {
      // Nest the element in copies of itself (without their children), deeply.
      const depth = pick(r, [3, 100, 1000, 5000]);
      let inner: XmlElement = el.cloneNode(true) as XmlElement;
      for (let i = 0; i < depth; i++) {
        const shell = el.cloneNode(false) as XmlElement;
        shell.appendChild(inner);
        inner = shell;
      }
      el.parentNode?.replaceChild(inner, el);
      return `${name} nested ${depth} deep`;
    }
    case 6: {
      const into = pick(r, all);
      if (into === el || el.contains?.(into) || isInside(into, el)) return "move into itself skipped";
      el.parentNode?.removeChild(el);
      into.appendChild(el);
      return `${name} moved into ${into.tagName}`;
    }
    case 7: {
      // The text of an element: empty, huge, control characters, a note call's look-alike.
      const text = pick(r, [
        "",
        ' HYPERLINK "javascript:x" ',
        "<!--".repeat(30),
        "*".repeat(1500),
        "[^".repeat(600),
        "> ".repeat(150),
        " NOTEREF _Ref1 \\h ",
        " REF  ",
        " HYPERLINK ",
        "\u0000\u0001\u000b".replace(/[\u0000-\u0008\u000b]/g, "\ufffd"),
        "[^1]",
        "x".repeat(200_000),
        "<w:t>",
        "\u202e",
        "---\npacket: x\n---",
      ]);
      el.textContent = text;
      return `${name} text ${JSON.stringify(text.slice(0, 20))}`;
    }
    default: {
      // Swap an attribute's value with the same attribute of another element of the same name.
      const same = all.filter((e) => e.tagName === name && e !== el);
      const attrs = Array.from(el.attributes).filter((a) => !a.name.startsWith("xmlns"));
      if (!same.length || !attrs.length) return "nothing to swap";
      const other = pick(r, same);
      const attr = pick(r, attrs).name;
      const a = el.getAttribute(attr) ?? "";
      el.setAttribute(attr, other.getAttribute(attr) ?? "");
      other.setAttribute(attr, a);
      return `${name}@${attr} swapped`;
    }
  }
}

function isInside(node: XmlElement, ancestor: XmlElement): boolean {
  for (let n: XmlElement | null = node; n; n = n.parentNode as XmlElement | null) if (n === ancestor) return true;
  return false;
}

const parse = (text: string) => new DOMParser({ onError: () => {} }).parseFromString(text, "text/xml");
const serialize = (doc: XmlDocument) => new XMLSerializer().serializeToString(doc);

/** Package-level mutations: parts removed, relationships renamed or pointed elsewhere, note ids swapped. */
function mutatePackage(r: Rand, files: Record<string, Uint8Array>): string {
  const names = Object.keys(files);
  switch (Math.floor(r() * 6)) {
    case 0: {
      const part = pick(r, names.filter((n) => /footnotes|endnotes|styles|numbering|settings|core|custom|rels/.test(n)) || names);
      if (!part) return "no part";
      delete files[part];
      return `${part} removed`;
    }
    case 1:
    case 2: {
      const relsName = pick(
        r,
        names.filter((n) => n.endsWith(".rels")),
      );
      if (!relsName) return "no rels";
      const doc = parse(strFromU8(files[relsName]));
      const rels = elements(doc).filter((e) => e.localName === "Relationship");
      if (!rels.length) return "no relationship";
      const rel = pick(r, rels);
      const what = r() < 0.5 ? "Id" : "Target";
      const value =
        what === "Id"
          ? pick(r, ["rId1", "rId2", "", "rIdX", rels[0].getAttribute("Id") ?? ""])
          : pick(r, [
              "",
              "missing.xml",
              "../../../etc/passwd",
              "/etc/passwd",
              "document.xml",
              "word/document.xml",
              "http://127.0.0.1:9/x",
              "%2e%2e/x",
              "C:\\x.xml",
              "#",
              "styles.xml",
            ]);
      rel.setAttribute(what, value);
      if (r() < 0.3) rel.setAttribute("TargetMode", pick(r, ["External", "Internal", "x"]));
      files[relsName] = strToU8(serialize(doc));
      return `${relsName} ${rel.getAttribute("Type")?.split("/").pop()} ${what}=${JSON.stringify(value)}`;
    }
    case 3: {
      // Swap or break w:footnoteReference / w:endnoteReference ids in the document.
      const doc = parse(strFromU8(files["word/document.xml"] ?? strToU8("<x/>")));
      const refs = elements(doc).filter((e) => e.localName === "footnoteReference" || e.localName === "endnoteReference");
      if (refs.length < 1) return "no note reference";
      const a = pick(r, refs);
      const b = pick(r, refs);
      const ida = a.getAttribute("w:id") ?? "";
      a.setAttribute("w:id", r() < 0.5 ? (b.getAttribute("w:id") ?? "") : pick(r, EXTREMES));
      b.setAttribute("w:id", ida);
      files["word/document.xml"] = strToU8(serialize(doc));
      return `note reference ids ${a.getAttribute("w:id")?.slice(0, 20)} / ${ida}`;
    }
    case 4: {
      const ct = files["[Content_Types].xml"];
      if (!ct) return "no content types";
      const doc = parse(strFromU8(ct));
      const over = elements(doc).filter((e) => e.localName === "Override");
      const o = pick(r, over);
      if (!o) return "no override";
      o.setAttribute(
        pick(r, ["ContentType", "PartName"]),
        pick(r, ["", "text/plain", "/word/missing.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"]),
      );
      files["[Content_Types].xml"] = strToU8(serialize(doc));
      return "content types changed";
    }
    default: {
      // A part's name changed in the package (case, a folder, a leading slash).
      const part = pick(r, names);
      const to = pick(r, [part.toUpperCase(), `/${part}`, `../${part}`, part.replace("word/", "word/sub/"), `${part}\u0000`]);
      files[to] = files[part];
      delete files[part];
      return `${part} renamed ${JSON.stringify(to)}`;
    }
  }
}

function mutateDocx(r: Rand, bytes: Uint8Array): { bytes: Uint8Array; what: string[] } {
  const files = unzipSync(bytes);
  const what: string[] = [];
  const n = 1 + Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    if (r() < 0.25) {
      what.push(mutatePackage(r, files));
      continue;
    }
    const xmlParts = Object.keys(files).filter((p) => /\.(xml|rels)$/.test(p));
    const weighted = [...xmlParts, ...xmlParts.filter((p) => /word\/(document|footnotes|endnotes|numbering|styles)\.xml$/.test(p)).flatMap((p) => [p, p, p])];
    const part = pick(r, weighted);
    const doc = parse(strFromU8(files[part]));
    what.push(`${part}: ${mutateXml(r, doc)}`);
    files[part] = strToU8(serialize(doc));
  }
  return { bytes: zipSync(files), what };
}

function mutateXliff(r: Rand, text: string): { text: string; what: string[] } {
  const doc = parse(text);
  const what: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) what.push(mutateXml(r, doc));
  let out = serialize(doc);
  if (r() < 0.1) {
    const cut = Math.floor(r() * out.length);
    out = out.slice(0, cut);
    what.push(`cut at ${cut}`);
  }
  return { text: out, what };
}

/* ----------------------------------------------------------------------------------------- */
/* Markdown and front-matter mutations                                                        */

/** Values of another type than a key expects: lists, maps, huge numbers, dates, odd strings, odd paths. */
const ODD_VALUES = [
  "[a, b, c]",
  "{ a: 1, b: { c: [1, 2] } }",
  "99999999999999999999999",
  "-1",
  "1e400",
  "2026-13-45",
  "2026-06-15",
  "2026-06-15T10:00:00Z",
  "null",
  "~",
  "true",
  '""',
  "!!binary aGVsbG8=",
  "&a [*a, *a]",
  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  `"${"x".repeat(100_000)}"`,
  "\u202eevil",
  "/etc/passwd",
  "../../../etc/passwd",
  "{ parts: [../outside.md, /dev/zero, /proc/self/environ, 'a\u0000b.md', '', 'x.md', 'x.md'] }",
  "{ parts: 5 }",
  "{ parts: { a: b } }",
  "{ parts: [[a.md]] }",
  "{ parts: [{ from: letter.md }] }",
  "{ parts: [this.md] }",
  "{ parts: [../canary.md, ../../canary.md] }",
  "{ from: ../canary.md }",
  "../canary.md",
  "{ from: /etc/passwd }",
  "{ from: ../x.md, heading: [1] }",
  "{ heading: { a: 1 }, claimed: -5 }",
  "{ claimed: 1e308 }",
  "{ __proto__: { polluted: 1 } }",
  "{ source: ../canary.md, revision: x, units: a }",
  "{ source: letter.md, revision: x, units: 'abcd efgh' }",
  `{ source: notes.md, revision: x, units: '${"abcd ".repeat(20_000)}' }`,
  "{ source: [a], revision: 1, units: 2 }",
];
const KEYS = [
  "title",
  "lang",
  "date",
  "author",
  "paper",
  "notes",
  "notes-heading",
  "short-title",
  "keywords",
  "signatories",
  "packet",
  "template",
  "description",
  "images",
  "dir",
  "publisher",
  "contacts",
  "translation",
  "edition",
  "translation-of",
  "translation-of",
];

const BYTES = [
  "\u0000",
  "\r",
  "\ufeff",
  "\ud800",
  "\u202e",
  "[^",
  "]:",
  "[^1]",
  "[^1]: ",
  "---\n",
  "<",
  "<!--",
  "`",
  "```",
  "|",
  "\\",
  "*",
  "_",
  "#",
  ">",
  "\t",
  "\u00a0",
  "&#0;",
  "&#x110000;",
  "&amp;",
];

function mutateMarkdown(r: Rand, text: string): { text: string; what: string[] } {
  const what: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    const choice = Math.floor(r() * 7);
    if (choice <= 2) {
      // A front-matter key given an odd value (added if missing, the block made if none).
      const key = pick(r, KEYS);
      const value = pick(r, ODD_VALUES);
      const line = `${key}: ${value}`;
      if (!front) text = `---\n${line}\n---\n\n${text}`;
      else {
        const lines = front[1].split("\n");
        const at = lines.findIndex((l) => l.startsWith(`${key}:`));
        if (at >= 0) {
          let end = at + 1;
          while (end < lines.length && /^\s/.test(lines[end])) end++;
          lines.splice(at, end - at, line);
        } else lines.push(line);
        text = `---\n${lines.join("\n")}\n---${text.slice(front[0].length)}`;
      }
      what.push(`front ${key}: ${value.slice(0, 60)}`);
    } else if (choice === 3) {
      const at = Math.floor(r() * (text.length + 1));
      const ins = pick(r, BYTES).repeat(pick(r, [1, 1, 3, 1000, 50_000]));
      text = text.slice(0, at) + ins + text.slice(at);
      what.push(`insert ${JSON.stringify(ins.slice(0, 10))}×${ins.length} at ${at}`);
    } else if (choice === 4) {
      const lines = text.split("\n");
      const a = Math.floor(r() * lines.length);
      const times = pick(r, [2, 100, 5000]);
      lines.splice(a, 0, ...Array.from({ length: times }, () => lines[a]));
      text = lines.join("\n");
      what.push(`line ${a + 1} ×${times}`);
    } else if (choice === 5) {
      const depth = pick(r, [50, 1000, 20_000]);
      const nest = pick(r, ["> ", "- ", "1. ", "* ", "[", "*", "    ", "<div>"]);
      const at = Math.floor(r() * (text.length + 1));
      text = text.slice(0, at) + "\n\n" + nest.repeat(depth) + "x[^1]" + "\n\n" + text.slice(at);
      what.push(`nest ${JSON.stringify(nest)}×${depth}`);
    } else {
      const cut = Math.floor(r() * text.length);
      text = text.slice(0, cut);
      what.push(`cut at ${cut}`);
    }
  }
  return { text, what };
}

/* ----------------------------------------------------------------------------------------- */
/* Running the command line                                                                   */

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  timedOut: boolean;
  rssMb: number;
}

function run(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/time", ["-f", "RUSAGE %M", process.execPath, BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, detached: true });
    let stderr = "";
    let timedOut = false;
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const m = /(Command (exited|terminated) .*\n)?RUSAGE \d+\s*$/.exec(stderr);
      const rss = /RUSAGE (\d+)\s*$/.exec(stderr);
      if (m) stderr = stderr.slice(0, m.index);
      resolve({ code, signal, stderr, stdout, timedOut, rssMb: rss ? Number(rss[1]) / 1024 : 0 });
    });
  });
}

interface Case {
  kind: Kind;
  index: number;
  seed: string;
  what: string[];
  /** Writes the case's input into `dir` and returns the command's arguments and the outputs it may write. */
  write(dir: string): { args: string[]; outputs: string[]; unchanged?: { path: string; text: string } };
}

interface Seeds {
  docx: { name: string; bytes: Uint8Array }[];
  /** Translated XLIFF, with the source it was exported from. */
  xliff: { name: string; text: string; original: string; edition: string }[];
  markdown: { name: string; text: string }[];
  packet: { name: string; text: string }[];
  packetDir: string;
}

function cliSync(args: string[], cwd: string) {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`broadside ${args.join(" ")}: ${res.status}\n${res.stderr}`);
}

function makeSeeds(work: string): Seeds {
  const fixtures = join(ROOT, "test", "fixtures");
  const letters = [join(ROOT, "source", "letter.md"), join(fixtures, "notes.md"), join(fixtures, "endnotes.md"), join(fixtures, "many-notes.md")];
  const seedDir = join(work, "seeds");
  mkdirSync(seedDir, { recursive: true });
  cliSync(["build", ...letters, "--format", "docx", "--no-verify", "--out", seedDir], ROOT);
  const docx = readdirSync(seedDir)
    .filter((n) => n.endsWith(".docx"))
    .map((name) => ({ name, bytes: readFileSync(join(seedDir, name)) }));
  const xliff: Seeds["xliff"] = [];
  for (const letter of letters.slice(0, 2)) {
    const out = join(seedDir, `${basename(letter, ".md")}.xlf`);
    cliSync(["export", letter, "--xliff", "--lang", "fr", "--out", out], ROOT);
    const text = pseudoTranslate(readFileSync(out, "utf8"), "fr");
    const xlf = join(seedDir, `${basename(letter, ".md")}.fr.xlf`);
    writeFileSync(xlf, text);
    const edition = join(seedDir, `${basename(letter, ".md")}.fr.md`);
    cliSync(["import", xlf, "--original", letter, "--out", edition], ROOT);
    xliff.push({ name: basename(out), text, original: letter, edition: readFileSync(edition, "utf8") });
  }
  const mdFiles = [...letters, ...readdirSync(join(fixtures, "check")).map((n) => join(fixtures, "check", n))].filter((p) => p.endsWith(".md"));
  const markdown = mdFiles.map((p) => ({ name: basename(p), text: readFileSync(p, "utf8") }));
  for (let s = 1; s <= 6; s++) markdown.push({ name: `random-${s}.md`, text: randomSource(s * 7919) });
  const packetDir = join(fixtures, "packet");
  const packet = readdirSync(packetDir)
    .filter((n) => n.endsWith(".packet.md"))
    .map((name) => ({ name, text: readFileSync(join(packetDir, name), "utf8") }));
  return { docx, xliff, markdown, packet, packetDir };
}

function makeCase(kind: Kind, index: number, seed: number, seeds: Seeds): Case {
  const r = random(seed * 100_003 + index);
  const id = `${kind}-${index}`;
  if (kind === "docx") {
    const base = pick(r, seeds.docx);
    const m = mutateDocx(r, base.bytes);
    return {
      kind,
      index,
      seed: base.name,
      what: m.what,
      write: (dir) => {
        writeFileSync(join(dir, `${id}.docx`), m.bytes);
        return { args: ["import", `${id}.docx`, "--lang", "fr", "--out", join("out", `${id}.md`)], outputs: [join("out", `${id}.md`)] };
      },
    };
  }
  if (kind === "xliff") {
    const base = pick(r, seeds.xliff);
    const m = mutateXliff(r, base.text);
    const edition = r() < 0.3;
    return {
      kind,
      index,
      seed: base.name,
      what: [edition ? "--edition" : "--out", ...m.what],
      write: (dir) => {
        writeFileSync(join(dir, `${id}.xlf`), m.text);
        mkdirSync(join(dir, "originals"), { recursive: true });
        const original = join("originals", basename(base.original));
        cpSync(base.original, join(dir, original));
        if (!edition) return { args: ["import", `${id}.xlf`, "--original", original, "--out", join("out", `${id}.md`)], outputs: [join("out", `${id}.md`)] };
        // An edition brought up to date in place, beside its source: refused, it must be left as it was.
        const path = join("originals", `${id}.fr.md`);
        writeFileSync(join(dir, path), base.edition);
        return { args: ["import", `${id}.xlf`, "--edition", path], outputs: [], unchanged: { path, text: base.edition } };
      },
    };
  }
  const base = pick(r, kind === "packet" ? seeds.packet : seeds.markdown);
  const m = mutateMarkdown(r, base.text);
  // A Markdown source is built, exported for translators or checked; a packet is built (with the
  // browser, so more rarely) or checked.
  const roll = r();
  const command = kind === "packet" ? (roll < 0.2 ? "build" : "check") : roll < 0.4 ? "build" : roll < 0.6 ? "export" : "check";
  return {
    kind,
    index,
    seed: base.name,
    what: [command, ...m.what],
    write: (dir) => {
      const name = kind === "packet" ? `${id}.packet.md` : `${id}.md`;
      writeFileSync(join(dir, name), m.text);
      const out = join("out", id);
      if (command === "build" && kind === "packet") return { args: ["build", name, "--out", out], outputs: [out] };
      if (command === "build") return { args: ["build", name, "--format", "html,docx", "--no-verify", "--out", out], outputs: [out] };
      if (command === "export") return { args: ["export", name, "--xliff", "--lang", "fr", "--out", `${out}.xlf`], outputs: [`${out}.xlf`] };
      return { args: ["check", name], outputs: [] };
    },
  };
}

/** What is wrong with an outcome, or nothing. */
function failure(o: Outcome, dir: string, outputs: string[], unchanged?: { path: string; text: string }): string | undefined {
  if (o.timedOut) return `timed out after ${TIMEOUT_MS / 1000} s`;
  if (o.signal) return `killed by ${o.signal}`;
  if (o.code !== 0 && o.code !== 1) return `exit ${o.code}`;
  if (/internal error|^\s+at .+[(:]\d+|Maximum call stack|heap out of memory|\bTypeError\b|\bRangeError\b/m.test(o.stderr))
    return "stack trace or internal error";
  const written = outputs.flatMap((p) => {
    const f = join(dir, p);
    if (!existsSync(f)) return [];
    return statSync(f).isFile()
      ? [readFileSync(f, "utf8")]
      : readdirSync(f, { recursive: true })
          .map((n) => join(f, String(n)))
          .filter((n) => statSync(n).isFile())
          .map((n) => readFileSync(n, "latin1"));
  });
  if ([o.stdout, o.stderr, ...written].some((t) => t.includes(CANARY))) return "read the file outside the project folder";
  if (o.rssMb > MAX_RSS_MB) return `${Math.round(o.rssMb)} MB of memory`;
  if (o.code === 1) {
    // An import or an export writes one file, a build a folder: neither may be there when the input was refused.
    const partial = outputs.filter((p) => existsSync(join(dir, p)) && (statSync(join(dir, p)).isFile() || readdirSync(join(dir, p)).length > 0));
    if (partial.length) return `left ${partial.join(", ")} behind after refusing`;
    if (unchanged && readFileSync(join(dir, unchanged.path), "utf8") !== unchanged.text) return `changed ${unchanged.path} after refusing`;
  }
  // Another case runs beside this one: only this case's temporary files count.
  const tmp = existsSync(join(dir, "out"))
    ? readdirSync(join(dir, "out"), { recursive: true }).filter((n) => String(n).includes(".tmp") && outputs.some((p) => String(n).includes(basename(p))))
    : [];
  if (tmp.length) return `temporary file left: ${tmp.join(", ")}`;
  return undefined;
}

export async function benchFuzz(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { seed: { type: "string", default: "1" }, count: { type: "string", default: "400" }, kind: { type: "string", default: KINDS.join(",") } },
  });
  const seed = Number(values.seed);
  const count = Math.max(1, Number(values.count));
  const kinds = values.kind.split(",") as Kind[];
  for (const k of kinds) if (!KINDS.includes(k)) throw new Error(`--kind takes ${KINDS.join(", ")}; not ${k}`);
  const work = mkdtempSync(join(tmpdir(), "broadside-fuzz-"));
  const project = join(work, "project");
  mkdirSync(join(project, "out"), { recursive: true });
  writeFileSync(join(work, "canary.md"), `---\ntitle: ${CANARY}\nlang: en\n---\n\n${CANARY}[^1]\n\n[^1]: ${CANARY}\n\n## Signed by\n\n- ${CANARY}\n`);
  const seeds = makeSeeds(work);
  // The packet's parts beside the mutated packets, so a packet finds what it names.
  cpSync(seeds.packetDir, project, { recursive: true });
  console.log(`fuzz: seed ${seed}, ${count} cases, ${kinds.join(", ")}; inputs in ${project}`);
  const failures: { c: Case; why: string; stderr: string }[] = [];
  const perKind = new Map<Kind, { runs: number; failed: number; codes: Record<string, number> }>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < count) {
        const i = next++;
        const c = makeCase(kinds[i % kinds.length], i, seed, seeds);
        if (i > 0 && i % 50 === 0) console.log(`… ${i} cases`);
        const { args: cliArgs, outputs, unchanged } = c.write(project);
        const o = await run(cliArgs, project);
        const why = failure(o, project, outputs, unchanged);
        const k = perKind.get(c.kind) ?? { runs: 0, failed: 0, codes: {} };
        k.runs++;
        k.codes[String(o.code ?? o.signal)] = (k.codes[String(o.code ?? o.signal)] ?? 0) + 1;
        if (why) {
          k.failed++;
          failures.push({ c, why, stderr: o.stderr });
          console.log(
            `FAIL ${c.kind}-${c.index} (${c.seed}; ${c.what.join("; ")}): ${why}\n  broadside ${cliArgs.join(" ")}\n${indent(o.stderr.slice(0, 1500))}`,
          );
        }
        perKind.set(c.kind, k);
        for (const p of outputs) rmSync(join(project, p), { recursive: true, force: true });
      }
    }),
  );
  console.log("\nkind      cases  failed  exit codes");
  for (const [kind, k] of perKind) console.log(`${kind.padEnd(9)} ${String(k.runs).padStart(5)}  ${String(k.failed).padStart(6)}  ${JSON.stringify(k.codes)}`);
  const distinct = new Set(failures.map((f) => `${f.why.replace(/\d+/g, "N")} ${firstFrame(f.stderr)}`));
  console.log(`${failures.length} failing cases, ${distinct.size} distinct (by symptom and first stack frame)`);
  if (!failures.length) rmSync(work, { recursive: true, force: true });
  return failures.length ? 1 : 0;
}

const indent = (s: string) =>
  s
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
const firstFrame = (stderr: string) => /^\s+at .+$/m.exec(stderr)?.[0].trim() ?? stderr.split("\n")[0].slice(0, 80);
