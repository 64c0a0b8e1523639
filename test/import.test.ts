/**
 * `broadside import`: a translated .docx back to Markdown.
 *
 * Round trips: build a letter's .docx, translate it the way a translator would (every word of
 * every paragraph and note replaced, structure, note references and links kept; once more
 * after LibreOffice re-saved it), import it, check the Markdown (front matter, text, notes,
 * signatories, links), build it to all three formats and read the note numbers back from the
 * HTML and the .docx with the independent readers of test/readers.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Element as XmlElement } from "@xmldom/xmldom";
import { DOMParser } from "@xmldom/xmldom";
import type { List, Nodes, Root, RootContent } from "mdast";
import { toString } from "mdast-util-to-string";
import { VFile } from "vfile";
import { beforeAll, describe, expect, it } from "vitest";
import { type Letter, parseLetter } from "../src/letter.ts";
import { FEATURES } from "../src/features.ts";
import { type DocxParts, editDocx, resaveWithLibreOffice, translateDocx, translateText, W } from "./docx-edit.ts";
import { cli, tempDir } from "./helpers.ts";
import { normalizeNoteText, type Reading, readDocx, readHtml } from "./readers.ts";

const dir = tempDir("broadside-import-");

async function buildDocx(source: string, out: string): Promise<string> {
  const result = await cli(["build", source, "--out", out, "--format", "docx"]);
  expect(result.stderr).not.toContain("error");
  expect(result.code).toBe(0);
  return join(out, `${basename(source, ".md")}.docx`);
}

function readLetter(path: string): Letter {
  const file = new VFile({ path, value: readFileSync(path, "utf8") });
  const letter = parseLetter(file, { features: FEATURES });
  expect(file.messages.filter((m) => m.fatal).map(String)).toEqual([]);
  return letter!;
}

function walk(node: Nodes, visit: (node: Nodes) => void) {
  visit(node);
  if ("children" in node) for (const c of node.children) walk(c as Nodes, visit);
}

function callsOf(tree: Root): number[] {
  const calls: number[] = [];
  for (const node of tree.children) {
    if (node.type !== "footnoteDefinition") walk(node, (n) => n.type === "footnoteReference" && calls.push(n.data!.noteNumber!));
  }
  return calls;
}

function linksOf(tree: Root): string[] {
  const urls: string[] = [];
  walk(tree, (n) => n.type === "link" && urls.push(n.url));
  return urls.sort();
}

/** The body's blocks (no front matter, no note definitions). */
const bodyOf = (letter: Letter): RootContent[] => letter.tree.children.filter((n) => n.type !== "yaml" && n.type !== "footnoteDefinition");

/** The text of a block, its parts (items, cells, paragraphs) separated by a space, white space collapsed. */
function textOf(node: Nodes): string {
  const containers = ["root", "list", "listItem", "blockquote", "table", "tableRow", "footnoteDefinition"];
  const text = containers.includes(node.type) && "children" in node ? node.children.map((c) => textOf(c as Nodes)).join(" ") : toString(node);
  return text.replace(/\s+/g, " ").trim();
}

/** “First three words…”, as the importer quotes a paragraph. */
const quote = (text: string) => `“${text.split(" ").slice(0, 3).join(" ")}…”`;

interface Case {
  name: string;
  source: string;
  calls: number[];
  libreOffice: boolean;
  /** Pass --original (else the importer finds source/<name> from the .docx's properties). */
  original?: string;
}

const CASES: Case[] = [
  { name: "the letter", source: "source/letter.md", calls: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], libreOffice: false },
  { name: "the letter, re-saved by LibreOffice", source: "source/letter.md", calls: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], libreOffice: true },
  {
    name: "the notes fixture",
    source: "test/fixtures/notes.md",
    calls: [1, 2, 1, 3, 4, 2, 5, 1, 6, 7],
    libreOffice: false,
    original: "test/fixtures/notes.md",
  },
  {
    name: "the notes fixture, re-saved by LibreOffice",
    source: "test/fixtures/notes.md",
    calls: [1, 2, 1, 3, 4, 2, 5, 1, 6, 7],
    libreOffice: true,
    original: "test/fixtures/notes.md",
  },
];

describe.each(CASES)("round trip of $name", (c) => {
  const work = join(dir, c.name.replace(/\W+/g, "-"));
  const name = basename(c.source, ".md");
  let original: Letter;
  let imported: Letter;
  let importResult: Awaited<ReturnType<typeof cli>>;
  let buildResult: Awaited<ReturnType<typeof cli>>;
  let before: Reading;
  let after: { html: Reading; docx: Reading; pdf: Buffer };

  beforeAll(async () => {
    await mkdir(work, { recursive: true });
    original = readLetter(c.source);
    const built = await buildDocx(c.source, join(work, "en"));
    before = await readDocx(built);
    let translated = join(work, `${name}-fr.docx`);
    writeFileSync(translated, translateDocx(readFileSync(built)));
    if (c.libreOffice) {
      await mkdir(join(work, "lo"), { recursive: true });
      translated = await resaveWithLibreOffice(translated, join(work, "lo"));
    }
    const md = join(work, "source", `${name}.fr.md`);
    importResult = await cli(["import", translated, "--lang", "fr", "--out", md, ...(c.original ? ["--original", c.original] : [])]);
    if (importResult.code !== 0) return;
    imported = readLetter(md);
    buildResult = await cli(["build", md, "--out", join(work, "fr")]);
    const out = (ext: string) => join(work, "fr", `${name}.fr.${ext}`);
    const [html, docx] = await Promise.all([readHtml(out("html")), readDocx(out("docx"))]);
    after = { html, docx, pdf: readFileSync(out("pdf")) };
  });

  it("imports with exit 0, no errors, and checks the notes against the original", () => {
    expect(importResult.stderr).not.toMatch(/error/);
    expect(importResult.code).toBe(0);
    expect(importResult.stdout).toMatch(/wrote .*\.fr\.md \(\d+(\.\d)? kB\)/);
    expect(importResult.stderr).not.toContain("import-no-original");
    expect(importResult.stderr).not.toContain("import-formatting");
  });

  it("writes front matter with the translated title, the language, and the original's other keys", () => {
    expect(imported.meta.lang).toBe("fr");
    expect(imported.meta.title).toBe(translateText(original.meta.title));
    expect(imported.meta.shortTitle).toBe(translateText(original.meta.shortTitle));
    expect(imported.meta.author).toBe(original.meta.author);
    expect(imported.meta.keywords).toEqual(original.meta.keywords);
    expect(imported.meta.notesHeading).toBe(original.meta.notesHeading);
    expect(imported.meta.signatoriesClaimed).toBe(original.meta.signatoriesClaimed);
  });

  it("keeps the structure and replaces the text of every block", () => {
    const was = bodyOf(original);
    const now = bodyOf(imported);
    expect(now.map((n) => n.type)).toEqual(was.map((n) => n.type));
    now.forEach((node, i) => {
      const signatories = node.type === "list" && node.data?.signatories;
      expect(textOf(node)).toBe(signatories ? textOf(was[i]) : translateText(textOf(was[i])));
    });
    expect(toString(now[0])).not.toBe(toString(was[0]));
  });

  it("brings the notes back as [^n] at the same places, with translated definitions", () => {
    expect(callsOf(imported.tree)).toEqual(c.calls);
    expect(callsOf(original.tree)).toEqual(c.calls);
    expect(imported.notes.notes.map((n) => n.number)).toEqual(original.notes.notes.map((n) => n.number));
    for (const note of imported.notes.notes) {
      expect(note.label).toBe(String(note.number));
      const was = original.notes.notes[note.number - 1];
      expect(toString(note.definition)).toBe(translateText(toString(was.definition)));
      expect(note.definition.children.length).toBe(was.definition.children.length);
    }
  });

  it("keeps the links", () => {
    expect(linksOf(imported.tree)).toEqual(linksOf(original.tree));
  });

  it("builds the imported Markdown into three outputs with the same note numbering and changed text", () => {
    expect(buildResult.code).toBe(0);
    expect(buildResult.stdout).toMatch(/3 files written/);
    expect(after.pdf.subarray(0, 5).toString()).toBe("%PDF-");
    for (const reading of [after.html, after.docx]) expect(reading.calls).toEqual(c.calls);
    expect(before.calls).toEqual(c.calls);
    expect(after.docx.notes).toEqual(after.html.notes);
    for (const [n, text] of after.html.notes) {
      expect(text).not.toBe(before.notes.get(n));
      expect(text).toBe(normalizeNoteText(translateText(toString(original.notes.notes[n - 1].definition))));
    }
  });
});

describe("round trip details", () => {
  it("the letter's 230 signatories come back as the list under the translated heading", async () => {
    const work = join(dir, "signatories");
    const built = await buildDocx("source/letter.md", work);
    const translated = join(work, "fr.docx");
    writeFileSync(translated, translateDocx(readFileSync(built)));
    const md = join(work, "letter.fr.md");
    expect((await cli(["import", translated, "--lang", "fr", "--out", md])).code).toBe(0);
    const original = readLetter("source/letter.md");
    const letter = readLetter(md);
    const lists = letter.tree.children.filter((n): n is List => n.type === "list" && n.data?.signatories === true);
    expect(lists).toHaveLength(1);
    expect(lists[0].children).toHaveLength(230);
    const was = original.tree.children.find((n): n is List => n.type === "list" && n.data?.signatories === true)!;
    expect(lists[0].children.map((item) => toString(item))).toEqual(was.children.map((item) => toString(item)));
    const heading = letter.tree.children[letter.tree.children.indexOf(lists[0]) - 1];
    expect(heading.type).toBe("heading");
    expect(toString(heading)).toBe(translateText("Signed by:"));
    expect(letter.meta.signatoriesHeading).toBe(translateText("Signed by"));
  });

  it("a letter with a subtitle and endnotes: the subtitle is translated, `notes: endnotes` kept, the calls the same", async () => {
    const work = join(dir, "endnotes");
    await mkdir(work, { recursive: true });
    const source = join(work, "endnotes.md");
    writeFileSync(
      source,
      readFileSync("test/fixtures/notes.md", "utf8").replace(
        'notes-heading: "Notes"\n',
        'notes-heading: "Notes"\nnotes: endnotes\nsubtitle: "A subtitle under the title"\n',
      ),
    );
    const built = await buildDocx(source, work);
    expect(readFileSync(built).length).toBeGreaterThan(0);
    const translated = join(work, "endnotes-fr.docx");
    writeFileSync(translated, translateDocx(readFileSync(built)));
    const md = join(work, "endnotes.fr.md");
    const result = await cli(["import", translated, "--lang", "fr", "--out", md, "--original", source]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const letter = readLetter(md);
    expect(letter.meta.subtitle).toBe(translateText("A subtitle under the title"));
    expect(letter.meta.notes).toBe("endnotes");
    expect(callsOf(letter.tree)).toEqual([1, 2, 1, 3, 4, 2, 5, 1, 6, 7]);
    expect((await cli(["build", md, "--out", join(work, "out"), "--format", "html,docx"])).code).toBe(0);
  });

  it("a press release: its dateline comes back translated, its embargo line, end mark and contacts are not doubled (saved again in LibreOffice)", async () => {
    const work = join(dir, "press");
    const release = "test/fixtures/packet/press-release.md";
    const built = await buildDocx(release, work);
    await mkdir(join(work, "lo"), { recursive: true });
    writeFileSync(join(work, "fr.docx"), translateDocx(readFileSync(built)));
    const translated = await resaveWithLibreOffice(join(work, "fr.docx"), join(work, "lo"));
    const md = join(work, "release.fr.md");
    const result = await cli(["import", translated, "--lang", "fr", "--out", md, "--original", release]);
    expect(result.code, result.stderr).toBe(0);
    const letter = readLetter(md);
    expect(letter.meta.press?.dateline).toBe(translateText("GENEVA, 15 June 2036"));
    const out = join(work, "out");
    expect((await cli(["build", md, "--out", out, "--format", "html"])).code).toBe(0);
    const html = readFileSync(join(out, "release.fr.html"), "utf8");
    const count = (what: string) => html.split(what).length - 1;
    expect(count(letter.meta.press!.dateline!)).toBe(1);
    for (const className of ["embargo", "end-mark", "contacts-heading", "contacts"]) expect(count(`class="${className}"`), className).toBe(1);
    expect(count("Alex Example")).toBe(1);
    expect(count(translateText("A coalition of 230 groups today asked"))).toBe(1);
  });

  it("keeps text that looks like Markdown literal", async () => {
    const work = join(dir, "literal");
    const built = await buildDocx("test/fixtures/notes.md", work);
    const texts = {
      heading: "#1 *not* a [^1] heading #",
      body: "- [^2] <b>x</b> `y` ~z~ a_b & &amp; \\ 1. * ",
      quote: "> 1) not | nested ",
      cell: "a | b",
      last: "=== see https://example.org/a_b_(c), www.example.org/x_y and foo@bar.com, ",
    };
    const docx = join(work, "literal.docx");
    writeFileSync(
      docx,
      editDocx(readFileSync(built), (parts) => {
        const p = parts.bodyParagraphs();
        const firstText = (i: number) => p[i].getElementsByTagNameNS(W, "t")[0];
        firstText(1).textContent = texts.heading;
        firstText(2).textContent = texts.body;
        firstText(3).textContent = texts.quote;
        firstText(8).textContent = texts.cell;
        firstText(11).textContent = texts.last;
      }),
    );
    const md = join(work, "literal.fr.md");
    const result = await cli(["import", docx, "--lang", "fr", "--out", md, "--original", "test/fixtures/notes.md"]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const letter = readLetter(md);
    const body = bodyOf(letter);
    expect(body.map((n) => n.type)).toEqual(["heading", "paragraph", "blockquote", "list", "table", "heading", "paragraph"]);
    expect(toString(body[0])).toBe(texts.heading.trim());
    expect(toString(body[1]).startsWith(texts.body.trim())).toBe(true);
    expect(toString(body[2]).startsWith(texts.quote.trim())).toBe(true);
    expect(toString(body[4])).toContain(texts.cell);
    expect(toString(body[6]).startsWith(texts.last)).toBe(true);
    expect(linksOf(letter.tree)).toEqual([
      "http://www.example.org/x_y",
      "https://example.org/a_b_(c)",
      "https://example.org/path",
      "https://example.org/zeta",
      "mailto:foo@bar.com",
    ]);
    expect(callsOf(letter.tree)).toEqual([1, 2, 1, 3, 4, 2, 5, 1, 6, 7]);
    // Emphasis, strong and the link of the last paragraph survive.
    const last = body[6] as { children: Nodes[] };
    expect(last.children.map((n) => n.type)).toContain("emphasis");
    expect(last.children.map((n) => n.type)).toContain("strong");
    expect((await cli(["build", md, "--out", join(work, "out"), "--format", "html,docx"])).code).toBe(0);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* What cannot be mapped                                                                       */

const NS = [
  `xmlns:w="${W}"`,
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"',
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"',
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"',
  'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"',
  'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
  'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
  'xmlns:v="urn:schemas-microsoft-com:vml"',
].join(" ");

/** Append (or prepend) XML to an element of a part. */
function add(parts: DocxParts, path: string, target: XmlElement, xml: string, where: "start" | "end" = "end") {
  const fragment = new DOMParser().parseFromString(`<x ${NS}>${xml}</x>`, "text/xml").documentElement!;
  const doc = parts.xml(path);
  const first = target.firstChild && (target.firstChild as XmlElement).localName === "pPr" ? target.firstChild.nextSibling : target.firstChild;
  for (const node of Array.from(fragment.childNodes)) {
    const copy = doc.importNode(node, true);
    if (where === "start") target.insertBefore(copy, first);
    else target.appendChild(copy);
  }
}

const IMAGE = `<w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="50" name="Picture 50"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="50" name="map.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage50"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`;
const BOX_TEXT = "<w:p><w:r><w:t>Boxed text here, translated</w:t></w:r></w:p>";
const TEXT_BOX = `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="51" name="Text Box 51"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>${BOX_TEXT}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>${BOX_TEXT}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`;
const TRACKED = `<w:ins w:id="901" w:author="Translator" w:date="2024-05-01T10:00:00Z"><w:r><w:t xml:space="preserve"> inserted words</w:t></w:r></w:ins><w:del w:id="902" w:author="Translator" w:date="2024-05-01T10:00:00Z"><w:r><w:delText>deleted words</w:delText></w:r></w:del>`;

function addComment(parts: DocxParts, path: string, paragraph: XmlElement, id: number, text: string) {
  add(parts, path, paragraph, `<w:commentRangeStart w:id="${id}"/>`, "start");
  add(parts, path, paragraph, `<w:commentRangeEnd w:id="${id}"/><w:r><w:commentReference w:id="${id}"/></w:r>`);
  if (!parts.has("word/comments.xml")) {
    parts.setText("word/comments.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="${W}"></w:comments>`);
    const rels = parts
      .text("word/_rels/document.xml.rels")
      .replace(
        "</Relationships>",
        '<Relationship Id="rIdComments9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>',
      );
    parts.setText("word/_rels/document.xml.rels", rels);
    const types = parts
      .text("[Content_Types].xml")
      .replace(
        "</Types>",
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>',
      );
    parts.setText("[Content_Types].xml", types);
  }
  const comments = parts.xml("word/comments.xml").documentElement!;
  add(
    parts,
    "word/comments.xml",
    comments,
    `<w:comment w:id="${id}" w:author="Translator" w:date="2024-05-01T10:00:00Z" w:initials="T"><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:comment>`,
  );
}

describe("what cannot be mapped", () => {
  let built: string;
  const work = join(dir, "unmappable");

  beforeAll(async () => {
    built = await buildDocx("test/fixtures/notes.md", work);
  });

  /** The fixture's paragraphs: 1 title, 2 "Opening", 3 first body paragraph, 4 quote, 5–6 list, 7–10 table cells, 11 heading, 12 last. */
  function craft(name: string, tracked: boolean): string {
    const path = join(work, name);
    writeFileSync(
      path,
      editDocx(readFileSync(built), (parts) => {
        const p = parts.bodyParagraphs();
        addComment(parts, "word/document.xml", p[2], 7, "Check this term");
        add(parts, "word/document.xml", p[3], TEXT_BOX);
        if (tracked) add(parts, "word/document.xml", p[4], TRACKED);
        add(parts, "word/document.xml", p[11], IMAGE);
        // A comment inside note 2 (footnote id 2).
        const note = Array.from(parts.xml("word/footnotes.xml").getElementsByTagNameNS(W, "footnote")).find((f) => f.getAttributeNS(W, "id") === "2")!;
        addComment(parts, "word/footnotes.xml", note.getElementsByTagNameNS(W, "p")[0], 8, "In a note");
      }),
    );
    return path;
  }

  it("reports each at its paragraph with its rule id; unaccepted tracked changes are an error: exit 1, nothing written", async () => {
    const docx = craft("unmappable.docx", true);
    const md = join(work, "unmappable.fr.md");
    const { code, stdout, stderr } = await cli(["import", docx, "--lang", "fr", "--out", md, "--original", "test/fixtures/notes.md"]);
    expect(code).toBe(1);
    expect(existsSync(md)).toBe(false);
    const lines = stderr.split("\n");
    expect(lines).toContain(`${docx}:3:1: warning: paragraph 3 (“The first call…”): a comment is not imported (“Check this term”) [import-comment]`);
    expect(lines).toContain(`${docx}:3:1: warning: note 2 (“Note ninety-nine.”): a comment is not imported (“In a note”) [import-comment]`);
    expect(lines).toContain(
      `${docx}:4:1: warning: paragraph 4 (“A quote calls…”): a text box is not imported; its text (“Boxed text here,…”) is left out (move it into the body text and import again) [import-textbox]`,
    );
    expect(lines).toContain(
      `${docx}:5:1: error: paragraph 5 (“A list item…”): tracked changes not accepted yet (an insertion, a deletion); accept or reject all changes first (Word: Review › Accept › Accept All Changes; LibreOffice: Edit › Track Changes › Accept All), save, and import again [import-tracked-change]`,
    );
    expect(lines).toContain(`${docx}:12:1: warning: paragraph 12 (“Last paragraph, with…”): an image is not imported; it is left out [import-image]`);
    expect(stderr).toMatch(/\d+ messages \(1 error, \d+ warnings\)/);
    expect(stderr).toContain(`broadside: ${docx} not imported (errors above); nothing written`);
    expect(stdout).not.toContain("wrote");
  });

  it("with the changes accepted, imports with warnings (exit 0) and leaves the unmappable content out", async () => {
    const docx = craft("accepted.docx", false);
    const md = join(work, "accepted.fr.md");
    const { code, stderr } = await cli(["import", docx, "--lang", "fr", "--out", md, "--original", "test/fixtures/notes.md"]);
    expect(code).toBe(0);
    expect(stderr).not.toContain("[import-tracked-change]");
    for (const rule of ["import-comment", "import-textbox", "import-image"]) expect(stderr).toContain(`[${rule}]`);
    const text = readFileSync(md, "utf8");
    expect(text).not.toContain("Boxed text");
    expect(text).not.toContain("Check this term");
    expect(callsOf(readLetter(md).tree)).toEqual([1, 2, 1, 3, 4, 2, 5, 1, 6, 7]);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Notes that no longer match the original                                                     */

describe("a note-order mismatch", () => {
  const work = join(dir, "mismatch");

  it("a deleted note reference is an error naming the call and the note: exit 1, nothing written", async () => {
    const built = await buildDocx("source/letter.md", work);
    const docx = join(work, "deleted.docx");
    writeFileSync(
      docx,
      editDocx(translateDocx(readFileSync(built)), (parts) => {
        const ref = Array.from(parts.xml("word/document.xml").getElementsByTagNameNS(W, "footnoteReference")).find((r) => r.getAttributeNS(W, "id") === "5")!;
        const run = ref.parentNode!;
        run.parentNode!.removeChild(run);
      }),
    );
    const md = join(work, "deleted.fr.md");
    // No --original: the .docx names its source (letter.md), found in source/.
    const { code, stderr } = await cli(["import", docx, "--lang", "fr", "--out", md]);
    expect(code).toBe(1);
    expect(existsSync(md)).toBe(false);
    // Reported where the reference was deleted (note 5 is in paragraph 4), not at the next call.
    const paragraph4 = translateText("The High Commissioner legitimized");
    expect(stderr).toContain(
      `${docx}:4:1: error: paragraph 4 (${quote(paragraph4)}): the original's note 5 is called here, but its note reference was deleted: the translation calls 9 notes as [1, 2, 3, 4, 5, 6, 7, 8, 9], the original source/letter.md 10 as [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].`,
    );
    expect(stderr).toContain("[import-note-mismatch]");
    expect(stderr).toContain("nothing written");
  });

  it("a deleted repeat (NOTEREF) changes the call sequence [1, 2, 1, 3, …]: an error at the first differing call", async () => {
    const built = await buildDocx("test/fixtures/notes.md", work);
    const docx = join(work, "repeat.docx");
    writeFileSync(
      docx,
      editDocx(readFileSync(built), (parts) => {
        const instr = Array.from(parts.xml("word/document.xml").getElementsByTagNameNS(W, "instrText")).find((t) => /NOTEREF/.test(t.textContent ?? ""))!;
        // Remove the field's runs, from fldChar begin to fldChar end.
        const runs = Array.from((instr.parentNode!.parentNode as XmlElement).childNodes) as XmlElement[];
        const fld = (r: XmlElement) => r.getElementsByTagNameNS?.(W, "fldChar")[0]?.getAttributeNS(W, "fldCharType");
        let from = runs.indexOf(instr.parentNode as XmlElement);
        while (fld(runs[from]) !== "begin") from--;
        let to = from;
        while (fld(runs[to]) !== "end") to++;
        for (const r of runs.slice(from, to + 1)) r.parentNode!.removeChild(r);
      }),
    );
    const md = join(work, "repeat.fr.md");
    const { code, stderr } = await cli(["import", docx, "--lang", "fr", "--out", md, "--original", "test/fixtures/notes.md"]);
    expect(code).toBe(1);
    expect(existsSync(md)).toBe(false);
    expect(stderr).toContain(
      `${docx}:3:1: error: paragraph 3 (“The first call…”): note call 3 is to note 3, but the original's call 3 is to note 1: the translation calls 7 notes as [1, 2, 3, 4, 2, 5, 1, 6, 7], the original test/fixtures/notes.md 7 as [1, 2, 1, 3, 4, 2, 5, 1, 6, 7].`,
    );
  });
});

describe("the import command", () => {
  it("wrong usage exits 2; a file that is not a .docx exits 1", async () => {
    const noLang = await cli(["import", "x.docx"]);
    expect(noLang.code).toBe(2);
    expect(noLang.stderr).toContain("import needs --lang");
    expect((await cli(["import", "--lang", "fr"])).code).toBe(2);
    expect((await cli(["import", "x.docx", "--lang", "not a tag"])).code).toBe(2);
    const notDocx = await cli(["import", "source/letter.md", "--lang", "fr", "--out", join(dir, "never.md")]);
    expect(notDocx.code).toBe(1);
    expect(notDocx.stderr).toContain("source/letter.md: error: Cannot import source/letter.md: it is not a .docx");
    expect(notDocx.stderr).toContain("[import-unreadable]");
    expect(existsSync(join(dir, "never.md"))).toBe(false);
  });

  it("a pipe or a device named as the .docx or the .xlf is refused at once, not waited on", async () => {
    const pipes = join(dir, "pipes");
    await mkdir(pipes, { recursive: true });
    execFileSync("mkfifo", [join(pipes, "letter.docx"), join(pipes, "letter.xlf")]);
    const runs = [
      [["import", join(pipes, "letter.docx"), "--lang", "fr"], "it is a named pipe, not a file [import-unreadable]"],
      [["import", "/dev/zero", "--lang", "fr"], "it is a device, not a file [import-unreadable]"],
      [["import", join(pipes, "letter.xlf"), "--original", "test/fixtures/notes.md"], "The XLIFF file is a named pipe, not a file [path-not-file]"],
    ] as const;
    for (const [args, message] of runs) {
      const out = join(pipes, "never.md");
      const { code, stderr } = await cli([...args, "--out", out]);
      expect(code, stderr).toBe(1);
      expect(stderr).toContain(`${args[1]}: error: `);
      expect(stderr).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("without --out writes the Markdown to standard output", async () => {
    const built = await buildDocx("test/fixtures/notes.md", join(dir, "stdout"));
    const { code, stdout } = await cli(["import", built, "--lang", "de", "--original", "test/fixtures/notes.md"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^---\ntitle: "Fixture: notes in every place"\n/);
    expect(stdout).toContain("\nlang: de\n");
  });
});
