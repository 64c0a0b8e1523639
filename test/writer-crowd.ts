/**
 * A seeded crowd of translators in LibreOffice Writer: each session is a few of the things
 * translators do (retype words in other scripts, reorder sentences, bold a span across a note
 * call, split and join paragraphs, retype, delete, add or move a note, copy a paragraph with a
 * call, comment, track changes, change a style, add a table row, a line break, a link), made by
 * Writer itself (test/writer-edit.py, one soffice for the crowd) on the .docx of the letter and
 * of the editions, then imported and built with the proof. The outcome each session must have
 * is decided from what Writer reports it did: an edit that keeps every note call imports and
 * holds the translator's words, once and in order; a deleted, added or copied note and changes
 * still tracked are refused at a paragraph, with their rule. Used by `npm run bench -- writer`
 * and by a slice in import-writer.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { random } from "./hostile-docx-corpus.ts";
import { cli, ROOT } from "./helpers.ts";
import type { WriterEdit } from "./writer-edit.ts";

type Rand = () => number;
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const int = (r: Rand) => Math.floor(r() * 1000);

/** The documents translators get: the letter, the notes fixture (a table) and the editions. */
export const ORIGINALS = [
  "source/letter.md",
  "test/fixtures/notes.md",
  ...["ug", "zh-CN", "bo", "ar", "zh-Hant-HK", "mn-Mong", "fr"].map((l) => `test/fixtures/editions/${l}.md`),
];

/** Words translators type, in the scripts of the fixtures (Chinese cut into two-character words). */
function wordPool(): string[] {
  const words = new Set<string>();
  for (const lang of ["ug", "zh-CN", "bo", "fr", "zh-Hant-HK", "ar"]) {
    const body = readFileSync(join(ROOT, "test/fixtures/editions", `${lang}.md`), "utf8").replace(/^---[\s\S]*?\n---\n/, "");
    for (const [w] of body.matchAll(/[\p{L}\p{M}]+/gu)) {
      if (/\p{Script=Han}/u.test(w)) for (let i = 0; i + 2 <= w.length && i < 12; i += 2) words.add(w.slice(i, i + 2));
      else if (w.length >= 2 && w.length <= 14) words.add(w);
    }
  }
  return [...words].filter((w) => !/^(https?|www|org|com|un|doc)$/i.test(w));
}

export interface Session {
  name: string;
  original: string;
  edits: WriterEdit[];
  filter: string;
}

/** A word no document has, so that the edition must hold it exactly once. */
const nonce = (session: number, edit: number) => `zq${(session * 16 + edit).toString(36)}x`;

/** `count` sessions from `seed`, on the originals in turn. */
export function sessions(seed: number, count: number, first = 0): Session[] {
  const pool = wordPool();
  const out: Session[] = [];
  for (let s = first; s < first + count; s++) {
    const r = random(seed * 100_003 + s);
    const text = (e: number, n = 1 + Math.floor(r() * 6)) => [nonce(s, e), ...Array.from({ length: n }, () => pick(r, pool))].join(" ");
    const edit = (e: number, kinds: readonly string[]): WriterEdit => {
      const p = int(r);
      const at = int(r);
      switch (pick(r, kinds)) {
        case "words":
          return { op: "words", p, at, n: 1 + Math.floor(r() * 5), text: text(e) };
        case "reorder":
          return { op: "reorder", p };
        case "format":
          return { op: "format", p, at, n: 1 + Math.floor(r() * 40), kind: pick(r, ["bold", "italic", "underline"] as const) };
        case "split":
          return { op: "split", p, at };
        case "linebreak":
          return { op: "linebreak", p, at };
        case "join":
          return { op: "join", p };
        case "notetext":
          return { op: "notetext", k: p, text: text(e) };
        case "delnote":
          return { op: "delnote", k: p };
        case "addnote":
          return { op: "addnote", p, at, text: text(e) };
        case "movecall":
          return { op: "movecall", k: p, at };
        case "copypara":
          return { op: "copypara", p };
        case "comment":
          return { op: "comment", p, at, text: text(e) };
        case "link":
          return { op: "link", p, at, text: text(e, 2), url: pick(r, ["https://example.org/a?b=1", "mailto:press@example.org", "file:///etc/passwd"]) };
        case "row":
          return { op: "row", k: p, text: text(e, 2) };
        case "parastyle":
          return { op: "parastyle", p, styles: pick(r, [["Heading 2"], ["Quotations", "Quote"], ["List Bullet", "List 1"], ["Text Body", "Body Text"]]) };
        default:
          return { op: "track", accept: r() < 0.6, edit: edit(e, ["words", "format", "split", "notetext", "join"]) };
      }
    };
    const n = 1 + Math.floor(r() * 4);
    const edits = Array.from({ length: n }, (_, e) =>
      // Edits that keep the notes most of the time: a refusal hides what else went wrong.
      edit(e, r() < 0.8 ? KEEPING : CHANGING),
    );
    out.push({
      name: `s${seed}-${s}`,
      original: ORIGINALS[s % ORIGINALS.length],
      edits,
      filter: r() < 0.7 ? "MS Word 2007 XML" : "Office Open XML Text",
    });
  }
  return out;
}

// Not "comment": soffice 7.4 headless, scripted, dies saving a document it put a comment in (a new
// empty one too, in .odt as well): nothing of broadside's.
const KEEPING = ["words", "words", "reorder", "format", "split", "linebreak", "join", "notetext", "movecall", "link", "row", "parastyle", "track"];
const CHANGING = ["delnote", "addnote", "copypara"];

/** What Writer says it did for one edit (see writer-edit.py), or that it skipped it. */
export interface Done {
  skipped?: string;
  p?: number;
  k?: number;
  new?: string;
  old?: string;
  /** The first word of the paragraph a note was added to. */
  head?: string;
  redlines?: boolean;
}

export interface Outcome {
  session: Session;
  expected: { code: 0 | 1; rules: string[] };
  code: number | null;
  problems: string[];
  stderr: string;
}

/** The rule an edit must be refused with, if any. */
function refusal(edit: WriterEdit, done: Done): string | undefined {
  if (done.skipped) return undefined;
  if (edit.op === "delnote" || edit.op === "addnote" || edit.op === "copypara") return "import-note-mismatch";
  if (edit.op === "track" && done.redlines) return "import-tracked-change";
  return undefined;
}

/** The words of the text, in order, in the Markdown read as a reader would (no marks, no calls). */
const plain = (markdown: string) =>
  markdown
    .replace(/^---\n[\s\S]*?\n---\n/, "")
    .replace(/\[\^\d+\]/g, " ")
    .replace(/\]\([^)]*\)/g, " ")
    .replace(/[*_\\<>[\]#|`]/g, " ")
    .replace(/\s+/g, " ");

/** The note numbers of an edition's calls, in order. */
export const calls = (markdown: string): number[] => [...markdown.replace(/^\[\^\d+\]:.*$/gm, "").matchAll(/\[\^(\d+)\]/g)].map((m) => Number(m[1]));

/** Import a session's .docx, build the edition with the proof, and say what went wrong. */
export async function judge(session: Session, docx: string, done: Done[] | undefined, work: string, want: number[], build: boolean): Promise<Outcome> {
  const problems: string[] = [];
  const effective = session.edits.map((e, i) => [e, done?.[i] ?? {}] as const).filter(([, d]) => !d.skipped);
  const rules = [...new Set(effective.flatMap(([e, d]) => refusal(e, d) ?? []))];
  const expected = { code: (rules.length ? 1 : 0) as 0 | 1, rules };
  const original = join(ROOT, session.original);
  const lang = /^lang: *"?([\w-]+)/m.exec(readFileSync(original, "utf8"))?.[1] ?? "en";
  const md = join(work, `${session.name}.${lang === "en" ? "fr" : lang}.md`);
  const r = await cli(["import", docx, "--lang", lang === "en" ? "fr" : lang, "--out", md, "--original", original]);
  const outcome = { session, expected, code: r.code, problems, stderr: r.stderr };
  if (r.code !== 0 && r.code !== 1) problems.push(`import exited ${r.code}`);
  if (/\n\s+at |internal error/i.test(r.stderr)) problems.push("a stack trace or an internal error");
  if (r.code !== expected.code) problems.push(`import exited ${r.code}, expected ${expected.code}${rules.length ? ` (${rules.join(", ")})` : ""}`);
  for (const line of r.stderr.split("\n").filter((l) => /: (error|warning): /.test(l)))
    if (!/\.docx:\d+:\d+: (error|warning): .*\[[\w-]+\]$/.test(line) && !/\.docx: (error|warning): /.test(line))
      problems.push(`a message without its rule: ${line}`);
  if (r.code === 1) {
    for (const rule of rules) if (!new RegExp(`\\.docx:\\d+:1: error: .*\\[${rule}\\]`).test(r.stderr)) problems.push(`no ${rule} error at a paragraph`);
    // One edit that adds a note: refused at its paragraph, quoted by its first words (Writer's
    // filters may save empty paragraphs, at section breaks, that the import counts).
    const [only] = effective;
    if (effective.length === 1 && only[1].head) {
      const head = [...only[1].head]
        .slice(0, 8)
        .join("")
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (!new RegExp(`\\.docx:\\d+:1: error: paragraph \\d+ \\(“${head}`).test(r.stderr))
        problems.push(`refused, but not at the paragraph “${only[1].head}…”`);
    }
    if (existsSync(md)) problems.push("an edition written although refused");
  }
  if (r.code !== 0 || !existsSync(md)) return outcome;
  const markdown = readFileSync(md, "utf8");
  const words = plain(markdown);
  for (const [i, [edit, d]] of effective.entries()) {
    if (!d.new || edit.op === "reorder") continue;
    const typed = d.new.split(/\s+/);
    // Typed over by a later edit of the session.
    if (effective.slice(i + 1).some(([, later]) => typed.some((w) => later.old?.includes(w)))) continue;
    const count = words.split(` ${typed[0]} `).length - 1;
    if (count !== 1) problems.push(`${edit.op}: "${typed[0]}" is in the edition ${count} times`);
    let from = words.indexOf(` ${typed[0]} `);
    for (const w of typed.slice(1)) {
      const at = from < 0 ? -1 : words.indexOf(w, from);
      if (at < 0) problems.push(`${edit.op}: "${w}" of "${d.new}" lost or out of order`);
      from = at;
    }
  }
  const got = calls(markdown);
  if (want.join(",") !== got.join(",")) problems.push(`note calls [${got}] where the original has [${want}]`);
  if (build) {
    const b = await cli(["build", md, "--out", join(work, `${session.name}-out`)]);
    if (b.code !== 0) problems.push(`build with the proof exited ${b.code}: ${b.stderr.split("\n").find((l) => /error/.test(l)) ?? b.stderr.slice(0, 300)}`);
  }
  return outcome;
}
