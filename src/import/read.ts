/**
 * Read a translated .docx into blocks of tokens (text with bold/italic/strike/code and link, hard
 * breaks, note calls), the notes, and the note calls in body order; report what has no Markdown
 * form (images, text boxes, comments, equations, embedded objects) and unaccepted tracked changes.
 *
 * Places: a .docx has no lines, so a message's line is the paragraph's ordinal among the body's w:p
 * (1 = the title; empty paragraphs and table cells counted, text boxes and notes not), and its
 * reason quotes the paragraph's first words. Something inside a note is placed at the body
 * paragraph that first calls it and named "note N (“…”)". Notes are numbered, and repeated calls
 * (NOTEREF fields) found, by the rules of src/ooxml/notes.ts.
 */
import type { VFile } from "vfile";
import { fail, warn } from "../messages.ts";
import { fieldKind, NOTE_KINDS, noteBookmarks, notesPart, referencedNote, splitNoteKey } from "../ooxml/notes.ts";
import { attr, child, descendants, type DocxPackage, is, kids, onOff, PackageError, type XmlElement } from "../ooxml/package.ts";
import { type Marks, names, type ParagraphRole, Styles } from "./styles.ts";
import { trimTrailing } from "../text.ts";

export type { Marks };

export const PLAIN: Marks = { bold: false, italic: false, strike: false, code: false };

/** The mark each mdast span stands for, outermost first (as the import nests them). */
export const MARK_OF = { delete: "strike", strong: "bold", emphasis: "italic" } as const;

/** Text with its marks and the target of the hyperlink it is in; a hard break; a call of a note ("footnote:ID" or "endnote:ID"). */
export type TextToken = Marks & { type: "text"; value: string; link?: string };
export type Token = TextToken | { type: "break" } | { type: "call"; note: string };

export interface ParagraphBlock {
  type: "paragraph";
  role: ParagraphRole;
  /** List nesting level (w:ilvl), 0 at the top. */
  level: number;
  tokens: Token[];
  ordinal: number;
}
export interface TableBlock {
  type: "table";
  /** rows → cells → tokens; the first row is the header. */
  rows: Token[][][];
  ordinal: number;
}
export type Block = ParagraphBlock | TableBlock;

/** What the reader found; see {@link DocxReader.read}. */
export type DocxReading = ReturnType<DocxReader["read"]>;

/** Characters the Markdown made of a text escapes or reads as syntax. */
const MARK = /[\\`*_[\]<>&~#|!]/g;
const countMarks = (text: string) => text.match(MARK)?.length ?? 0;

/** The text of tokens, a hard break as a line end. */
export const rawText = (tokens: Token[]) => tokens.map((t) => (t.type === "text" ? t.value : t.type === "break" ? "\n" : "")).join("");

/** Plain text of tokens on one line, for quotes and titles. */
export const plainText = (tokens: Token[]) => rawText(tokens).replace(/\s+/g, " ").trim();

/** “First three words…” of a text (at most 40 characters). */
export function firstWords(text: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  let quote = clean.split(" ").slice(0, 3).join(" ");
  if (quote.length > 40) quote = `${[...quote].slice(0, 30).join("")}`;
  return quote.length < clean.length ? `${quote}…` : quote;
}

/** Tracked changes by element name. */
const TRACKED = names([
  ["an insertion", "ins"],
  ["a deletion", "del"],
  ["a move", "moveFrom moveTo moveFromRangeStart moveToRangeStart"],
  ["a formatting change", "pPrChange rPrChange sectPrChange tblPrChange trPrChange tcPrChange tblGridChange tblPrExChange"],
  ["a numbering change", "numberingChange"],
  ["an inserted cell", "cellIns"],
  ["a deleted cell", "cellDel"],
  ["a merged cell", "cellMerge"],
]);
const trackedChange = (el: XmlElement) => (is(el, "w") ? TRACKED.get(el.localName ?? "") : undefined);

/** The kinds of tracked change inside an element, in document order. */
const trackedKinds = (el: XmlElement) => new Set(Array.from(el.getElementsByTagNameNS("*", "*")).flatMap((c) => trackedChange(c) ?? []));

/** Inline elements read as if only their content were there. */
const TRANSPARENT = new Set(["ins", "moveTo", "smartTag", "customXml", "dir", "bdo"]);

/** Run content that stands for one character. */
const CHARACTERS = new Map(Object.entries({ tab: " ", ptab: " ", noBreakHyphen: "\u2011", softHyphen: "\u00AD" }));

/** Two runs of text that Markdown writes with the same marks and link. */
export function sameFormat(a: TextToken, b: TextToken) {
  return a.bold === b.bold && a.italic === b.italic && a.strike === b.strike && a.code === b.code && a.link === b.link;
}

/** The text of the runs (w:t) inside an element. */
const runText = (el: XmlElement) => Array.from(descendants(el, "w", "t"), (t) => t.textContent ?? "").join("");

/** What a content control (w:sdt) holds, without its properties. */
const sdtContent = (sdt: XmlElement) => kids(child(sdt, "w", "sdtContent") ?? sdt).filter((c) => !is(c, "w", "sdtPr"));

/** The `w:<name>` children of an element, those inside content controls included. */
function childrenThrough(el: XmlElement, name: string): XmlElement[] {
  return kids(el)
    .flatMap((c) => (is(c, "w", "sdt") ? sdtContent(c) : [c]))
    .filter((c) => is(c, "w", name));
}

interface Issue {
  rule: string;
  /** The message after "paragraph N (“…”): ". */
  text: string;
}

/** Content left out is a warning; every other issue stops the import. */
const LEFT_OUT = new Set(["import-object", "import-equation", "import-textbox", "import-image", "import-comment", "import-link", "import-note-in-note"]);

interface Field {
  kind: "noteref" | "hyperlink" | "other";
  instr: string;
  phase: "instr" | "result";
  /** A note call's: where its call went, and the text of its result (the number, and what Writer let a translator type in it). */
  call?: number;
  shown?: TextToken[];
}

/** State of one story (the body, or one note) while its paragraphs are read. */
interface Story {
  /** The note's key and number, for a note. */
  note?: string;
  number?: number;
  fields: Field[];
  /** Fields begun past {@link MAX_FIELD_DEPTH}, not read; their ends close them. */
  ignoredFields?: number;
  links: string[];
}

interface ParagraphState {
  story: Story;
  tokens: Token[];
  issues: Issue[];
  /** Ignore bold (the header row of a table is bold by style). */
  noBold?: boolean;
}

/** Far above a real letter (some 40 notes, paragraphs under 5,000 characters), and what keeps an import to seconds. */
const IMPORT_LIMITS = {
  /** Characters of one paragraph (or table cell, or note paragraph). */
  paragraphChars: 100_000,
  /** Characters Markdown must escape or mark in one paragraph, note calls, links, breaks and changes of bold or italic: the reader's cost grows with their square. */
  paragraphMarks: 1_000,
  /** Notes of the letter. */
  notes: 2_000,
  /** Characters of the whole text, notes included (a long letter has 30,000): each is escaped, rendered and parsed back. */
  textChars: 500_000,
  /** Paragraphs read: the body's, table cells' and notes' (each costs a parse of its Markdown). */
  paragraphs: 10_000,
};

/** Fields open inside each other: every run of text looks at all of them. */
const MAX_FIELD_DEPTH = 16;

/** Reading stopped at a limit; the message is on the file. */
export class ImportRefused extends Error {}

/** Links a letter may carry, as a build allows them: http, https, mailto, tel, or relative inside the letter's folder. */
const LINK_SCHEMES = /^(https?:|mailto:|tel:)/i;
const relativeLink = (url: string) => !/[\x00-\x20\\]/.test(url) && !/^[^/?#]*:/.test(url) && !url.startsWith("/") && !url.split(/[/?#]/).includes("..");

/** How to call a note again, in both word processors. */
const CROSS_REFERENCE_HELP =
  "insert the cross-reference again (Word: References › Cross-reference › Reference type: Footnote, Insert reference to: Footnote number (formatted); LibreOffice Writer: Insert › Cross-reference › Type: Footnotes, Refer using: Reference)";

const TRACKED_HELP =
  "accept or reject all changes first (Word: Review › Accept › Accept All Changes; LibreOffice: Edit › Track Changes › Accept All), save, and import again";

export class DocxReader {
  private readonly styles: Styles;
  private readonly main: string;
  private ordinal = 0;
  private readonly quotes = new Map<number, string>();
  /** Every note call in body order, with the body paragraph it is in. */
  private readonly calls: { note: string; ordinal: number }[] = [];
  private paragraphs = 0;
  /** Text of the runs styled Dateline (a press release's dateline). */
  private dateline = "";
  private textChars = 0;
  /** Body paragraphs with text by their direction (right to left: w:bidi). */
  private readonly directions = { ltr: 0, rtl: 0 };
  /** A limit was passed: reading stops after this paragraph. */
  private stop = false;
  /** The quote of the last paragraph with text, for empty paragraphs after it. */
  private lastQuote: string | undefined;
  /** The notes in number order (note n is the nth key), each with the body paragraph of its first call. */
  private readonly firstCall = new Map<string, number>();
  /** Bookmark name → the note whose reference it holds or precedes. */
  private bookmarkNote = new Map<string, string>();
  /** Bookmark name → the body paragraph it starts in (a deleted call leaves its bookmark behind). */
  private readonly bookmarkAt = new Map<string, number>();
  private readonly reportedComments = new Set<string>();
  /** Comment id → its text. */
  private readonly comments: Map<string, string>;
  private hyperlinks = new Map<string, string>();

  constructor(
    private readonly pkg: DocxPackage,
    private readonly file: VFile,
  ) {
    this.main = pkg.mainPath!;
    this.styles = new Styles(pkg, this.main);
    const root = pkg.xml(pkg.related(this.main, "comments")[0])?.documentElement;
    const comments = root ? kids(root).filter((c) => is(c, "w", "comment")) : [];
    this.comments = new Map(comments.map((c) => [attr(c, "w", "id") ?? "", runText(c)]));
  }

  read() {
    const body = descendants(this.pkg.xml(this.main)!, "w", "body")[0];
    if (!body) throw new PackageError(`its part ${this.main} has no body (w:body); the file is damaged: open and save it again in Word or LibreOffice`);
    this.bookmarkNote = noteBookmarks(body);
    this.hyperlinks = this.linkTargets(this.main);
    const blocks = this.blocks(kids(body), { fields: [], links: [] });

    // A NOTEREF to a bookmark whose note is never referenced in the body (its reference was deleted).
    for (const call of this.calls) {
      if (!this.firstCall.has(call.note)) {
        const text = `a repeated note call points to a note that is no longer referenced; ${CROSS_REFERENCE_HELP} or delete it`;
        this.report({ rule: "import-noteref", text }, call.ordinal);
      }
    }

    const parts = new Map(NOTE_KINDS.map((kind) => [kind, notesPart(this.pkg, this.main, kind)]));
    // Once a part, not once a note: a stranger's part may hold thousands of notes and of links.
    const links = new Map([...parts].map(([kind, part]) => [kind, part ? this.linkTargets(part.path) : new Map<string, string>()]));
    const order = [...this.firstCall.keys()];
    const notes = [...this.firstCall].map(([key, ordinal], index): Block[] => {
      const { kind, id } = splitNoteKey(key);
      const part = parts.get(kind);
      const element = part?.byId.get(id);
      if (!part || !element) {
        const text = `note ${index + 1} is called here, but the document has no ${kind} ${id} (the file is damaged; open and save it again in Word or LibreOffice)`;
        this.report({ rule: "import-missing-note", text }, ordinal);
        return [];
      }
      this.hyperlinks = links.get(kind)!;
      return this.blocks(kids(element), { note: key, number: index + 1, fields: [], links: [] });
    });
    // The writer's `_RefNoteN` bookmark on note N's first call names the note that was N in the original.
    const was = new Map<string, number>();
    for (const [name, note] of this.bookmarkNote) {
      const m = /^_RefNote(\d+)$/.exec(name);
      if (m && !was.has(note)) was.set(note, Number(m[1]));
    }
    return {
      blocks,
      /** Every note call in body order (references and NOTEREF fields). */
      calls: this.calls,
      /** Notes in number order (note n is order[n - 1]), and their content (notes[n - 1]). */
      order,
      notes,
      /** Text of the default page header (the running head), if any. */
      header: this.headerText(body),
      /** A press release's dateline as translated (runs styled Dateline), without the dash after it. */
      dateline: trimTrailing(this.dateline, /[\s\u2012-\u2015-]/u).trim() || undefined,
      /** Body paragraph ordinal → `paragraph 12 (“…”)`, for messages made later. */
      where: (ordinal: number) => this.where(ordinal),
      /** An error at a body paragraph (`paragraph 12 (“…”): …`), or at the whole document. */
      fail: (ordinal: number | undefined, text: string, rule: string) => this.report({ rule, text }, ordinal),
      /** Per note of `order`, its number in the original, from the writer's bookmarks. */
      was: order.map((key) => was.get(key)),
      /** Did the writer's bookmarks survive (any `_RefNoteN` in the body)? */
      bookmarked: [...this.bookmarkAt.keys()].some((name) => /^_RefNote\d+$/.test(name)),
      /** The body paragraph where the original's note N was first called, if its bookmark is still there. */
      originalPlace: (n: number) => this.bookmarkAt.get(`_RefNote${n}`),
      /** Did the translator set most of the body right to left? */
      rightToLeft: this.directions.rtl > this.directions.ltr,
    };
  }

  /** Reports an issue at body paragraph `ordinal`, named `where`: `paragraph 12 (“…”)`, or `note 3 (“…”)` for one in a note; without one, at the document. */
  private report(issue: Issue, ordinal?: number, where = ordinal && this.where(ordinal)) {
    const place = ordinal ? { line: ordinal, column: 1 } : undefined;
    (LEFT_OUT.has(issue.rule) ? warn : fail)(this.file, where ? `${where}: ${issue.text}` : issue.text, place, issue.rule);
  }

  /** `paragraph 12 (“During her six-day…”)`. */
  private where(ordinal: number): string {
    return `paragraph ${ordinal} (${this.quotes.get(ordinal) ?? "?"})`;
  }

  private linkTargets(part: string): Map<string, string> {
    return new Map([...this.pkg.rels(part).values()].filter((rel) => rel.type.endsWith("/hyperlink")).map((rel) => [rel.id, rel.target]));
  }

  /** Text of the running head: the default header of the first section that names one (later sections inherit it). */
  private headerText(body: XmlElement): string | undefined {
    const refs = descendants(body, "w", "sectPr").flatMap((sectPr) => kids(sectPr).filter((el) => is(el, "w", "headerReference")));
    const isDefault = (ref: XmlElement) => attr(ref, "w", "type") === "default";
    // Default headers first; many sections share one header.
    const ids = new Set([...refs.filter(isDefault), ...refs.filter((r) => !isDefault(r))].map((ref) => attr(ref, "r", "id") ?? ""));
    for (const id of ids) {
      const rel = this.pkg.rels(this.main).get(id);
      const root = rel && !rel.external ? this.pkg.xml(rel.target)?.documentElement : undefined;
      if (!root) continue;
      const text = descendants(root, "w", "p")
        .map((p) => this.fieldFreeText(p))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      if (text) return text;
    }
    return undefined;
  }

  /** A header paragraph's visible text without field results (page numbers) and instructions. */
  private fieldFreeText(p: XmlElement): string {
    let depth = 0;
    let text = "";
    const walk = (el: XmlElement) => {
      if (is(el, "w", "fldChar")) {
        const type = attr(el, "w", "fldCharType");
        if (type === "begin") depth++;
        else if (type === "end") depth = Math.max(0, depth - 1);
      } else if (is(el, "w", "fldSimple") || is(el, "w", "del") || is(el, "w", "txbxContent")) {
        return;
      } else if (is(el, "w", "t") && depth === 0) {
        text += el.textContent ?? "";
      } else if (is(el, "w", "tab")) {
        text += " ";
      }
      for (const c of kids(el)) walk(c);
    };
    walk(p);
    return text;
  }

  // Blocks

  private blocks(elements: XmlElement[], story: Story): Block[] {
    return elements.flatMap((el): Block[] => {
      if (is(el, "w", "p")) {
        const paragraph = this.paragraph(el, story);
        return paragraph.role.kind === "press" ? [] : [paragraph];
      }
      if (is(el, "w", "tbl")) return [this.table(el, story)];
      if (is(el, "w", "sdt")) return this.blocks(sdtContent(el), story);
      if (is(el, "w", "customXml")) return this.blocks(kids(el), story);
      if (is(el, "w", "altChunk")) {
        this.standalone(story, { rule: "import-object", text: "an embedded document (altChunk) is not imported; it is left out" });
      } else if (trackedChange(el)) {
        // A tracked change around whole paragraphs or tables.
        this.standalone(story, {
          rule: "import-tracked-change",
          text: `tracked changes not accepted yet (${trackedChange(el)}); ${TRACKED_HELP}`,
        });
        if (!is(el, "w", "del") && !is(el, "w", "moveFrom")) return this.blocks(kids(el), story);
      }
      return [];
    });
  }

  /** Reports a story's issue: in a note, at the note's first call as `note 3 (“…”)`; in the body, at `ordinal`. */
  private reportIn(story: Story, issue: Issue, ordinal: number, where?: string, text = "") {
    if (!story.note) return this.report(issue, ordinal, where);
    const quote = text ? `“${firstWords(text)}”` : "no text";
    this.report(issue, this.firstCall.get(story.note)!, `note ${story.number} (${quote})`);
  }

  /** An issue found outside any paragraph: placed at the next paragraph's ordinal. */
  private standalone(story: Story, issue: Issue) {
    this.reportIn(story, issue, this.ordinal + 1, `paragraph ${this.ordinal + 1}`);
  }

  private paragraph(p: XmlElement, story: Story, noBold = false): ParagraphBlock {
    const ordinal = story.note ? this.firstCall.get(story.note)! : ++this.ordinal;
    const pPr = child(p, "w", "pPr");
    const { role, level } = this.styles.paragraph(pPr);
    if (!story.note && (p.textContent ?? "").trim()) this.directions[onOff(pPr, "bidi") ? "rtl" : "ltr"]++;
    const state: ParagraphState = { story, tokens: [], issues: [], noBold };
    if (++this.paragraphs > IMPORT_LIMITS.paragraphs) {
      state.issues.push({
        rule: "import-too-many-paragraphs",
        text: `the document has more than ${IMPORT_LIMITS.paragraphs.toLocaleString("en")} paragraphs (table cells and notes included), far more than a letter; reading stops here`,
      });
      this.stop = true;
    }
    // Tracked changes anywhere in the paragraph (its mark, its runs, its properties).
    const kinds = [...trackedKinds(p)];
    if (kinds.length) state.issues.push({ rule: "import-tracked-change", text: `tracked changes not accepted yet (${kinds.join(", ")}); ${TRACKED_HELP}` });
    for (const c of kids(p)) this.inline(c, state);
    this.flush(state, ordinal);
    if (this.stop) throw new ImportRefused();
    return { type: "paragraph", role, level, tokens: state.tokens, ordinal };
  }

  private table(tbl: XmlElement, story: Story): TableBlock {
    let first = 0;
    const rows = childrenThrough(tbl, "tr").map((tr, r) => {
      const cells = childrenThrough(tr, "tc").map((tc) => {
        const tokens: Token[] = [];
        // A text box in the cell is reported where it stands; its paragraphs are not the cell's text.
        const boxed = new Set(descendants(tc, "w", "txbxContent").flatMap((box) => descendants(box, "w", "p")));
        for (const p of descendants(tc, "w", "p").filter((p) => !boxed.has(p))) {
          const block = this.paragraph(p, story, r === 0);
          if (!first) first = block.ordinal;
          if (tokens.length && block.tokens.length) tokens.push({ type: "text", value: " ", ...PLAIN });
          for (const token of block.tokens) tokens.push(token);
        }
        return tokens;
      });
      // Tracked changes on rows and cells (outside their paragraphs).
      const properties = [child(tr, "w", "trPr"), ...childrenThrough(tr, "tc").map((tc) => child(tc, "w", "tcPr"))];
      const kinds = new Set(properties.flatMap((pr) => (pr ? kids(pr) : [])).flatMap((el) => trackedChange(el) ?? []));
      if (kinds.size) {
        const text = `a table row has tracked changes not accepted yet (${[...kinds].join(", ")}); ${TRACKED_HELP}`;
        this.reportIn(story, { rule: "import-tracked-change", text }, first || this.ordinal);
      }
      return cells;
    });
    return { type: "table", rows, ordinal: first || this.ordinal };
  }

  /** Turn the paragraph's issues into messages, now that its text is known. */
  private flush(state: ParagraphState, ordinal: number) {
    const text = plainText(state.tokens);
    if (!state.story.note) {
      const quote = text ? `“${firstWords(text)}”` : this.lastQuote ? `no text; after ${this.lastQuote}` : "no text";
      if (text) this.lastQuote = quote;
      this.quotes.set(ordinal, quote);
    }
    this.limits(state);
    // The same issue many times in a paragraph is one message that counts them.
    const counts = new Map<string, { issue: Issue; count: number }>();
    for (const issue of state.issues) {
      const key = `${issue.rule}\n${issue.text}`;
      counts.set(key, { issue, count: (counts.get(key)?.count ?? 0) + 1 });
    }
    for (const { issue, count } of counts.values()) {
      const times = count > 1 ? ` (${count} times)` : "";
      this.reportIn(state.story, { ...issue, text: issue.text + times }, ordinal, undefined, text);
    }
  }

  /** A paragraph too long, or with too much Markdown syntax to read back in reasonable time. */
  private limits(state: ParagraphState) {
    let chars = 0;
    let marks = 0;
    let previous: Token | undefined;
    for (const t of state.tokens) {
      if (t.type === "text") {
        chars += t.value.length;
        marks += countMarks(t.value);
        if (previous?.type === "text" && !sameFormat(previous, t)) marks += 2;
        if (t.link && t.link !== (previous?.type === "text" ? previous.link : undefined)) marks += 2 + countMarks(t.link);
      } else marks += 2;
      previous = t;
    }
    const split = "split it into paragraphs of reasonable length in Word or LibreOffice and import again";
    this.textChars += chars;
    if (this.textChars > IMPORT_LIMITS.textChars && !this.stop) {
      state.issues.push({
        rule: "import-too-long",
        text: `the document's text passes ${IMPORT_LIMITS.textChars.toLocaleString("en")} characters here, far more than a letter; reading stops here`,
      });
      this.stop = true;
    } else if (chars > IMPORT_LIMITS.paragraphChars) {
      state.issues.push({
        rule: "import-too-long",
        text: `it has ${chars.toLocaleString("en")} characters, more than the ${IMPORT_LIMITS.paragraphChars.toLocaleString("en")} broadside imports in one paragraph; ${split}`,
      });
    } else if (marks > IMPORT_LIMITS.paragraphMarks) {
      state.issues.push({
        rule: "import-too-many-marks",
        text: `it has more than ${IMPORT_LIMITS.paragraphMarks.toLocaleString("en")} characters Markdown must mark or escape (* _ [ ] < & \\ and the like), note calls, links and changes of bold or italic, more than broadside reads back in reasonable time; ${split}`,
      });
    }
  }

  // Inline content

  private inline(el: XmlElement, state: ParagraphState) {
    if (is(el, "w")) {
      switch (el.localName) {
        case "r":
          return this.run(el, state);
        case "hyperlink": {
          const id = attr(el, "r", "id");
          const url = this.allowedLink(id ? this.hyperlinks.get(id) : undefined, state);
          if (url) state.story.links.push(url);
          for (const c of kids(el)) this.inline(c, state);
          if (url) state.story.links.pop();
          return;
        }
        case "sdt":
          for (const c of sdtContent(el)) this.inline(c, state);
          return;
        case "del":
        case "moveFrom":
          return; // reported as a tracked change; after rejecting/accepting it is gone
        case "fldSimple": {
          this.fieldBegin(state);
          this.fieldInstr(state, attr(el, "w", "instr") ?? "");
          this.fieldSeparate(state);
          for (const c of kids(el)) this.inline(c, state);
          this.fieldEnd(state);
          return;
        }
        case "commentRangeStart":
          return this.comment(el, state);
        case "bookmarkStart": {
          const name = attr(el, "w", "name");
          if (name && !state.story.note && !this.bookmarkAt.has(name)) this.bookmarkAt.set(name, this.ordinal);
          return;
        }
        case "subDoc":
          state.issues.push({ rule: "import-object", text: "a linked subdocument is not imported; it is left out" });
          return;
        default:
          if (TRANSPARENT.has(el.localName ?? "")) for (const c of kids(el)) this.inline(c, state);
          return; // pPr, bookmarks, proofErr, permStart, …
      }
    }
    if (is(el, "m", "oMath") || is(el, "m", "oMathPara")) {
      state.issues.push({ rule: "import-equation", text: "an equation is not imported; it is left out" });
      return;
    }
    if (is(el, "mc", "AlternateContent")) {
      const choice = child(el, "mc", "Choice") ?? child(el, "mc", "Fallback");
      for (const c of choice ? kids(choice) : []) this.inline(c, state);
    }
  }

  private suppressed(state: ParagraphState): boolean {
    return state.story.fields.some((f) => f.phase === "instr" || (f.kind === "noteref" && f.phase === "result"));
  }

  private text(value: string, marks: Marks, state: ParagraphState) {
    const field = state.story.fields[state.story.fields.length - 1];
    const token: TextToken = { type: "text", value, ...marks, link: state.story.links[state.story.links.length - 1] };
    if (value && field?.call !== undefined && field.phase === "result") field.shown?.push(token);
    else if (value && !this.suppressed(state)) state.tokens.push(token);
  }

  private run(r: XmlElement, state: ParagraphState) {
    const rPr = child(r, "w", "rPr");
    const styleId = attr(child(rPr, "w", "rStyle"), "w", "val");
    if (!state.story.note && this.styles.isDateline(styleId)) {
      this.dateline += childrenThrough(r, "t")
        .map((t) => t.textContent ?? "")
        .join("");
      return;
    }
    const style = this.styles.runStyle(styleId);
    const marks: Marks = {
      bold: !state.noBold && (onOff(rPr, "b") ?? onOff(rPr, "bCs") ?? style.bold ?? false),
      italic: onOff(rPr, "i") ?? onOff(rPr, "iCs") ?? style.italic ?? false,
      strike: onOff(rPr, "strike") ?? onOff(rPr, "dstrike") ?? style.strike ?? false,
      code: style.code ?? false,
    };
    // Hidden text (w:vanish) is not shown, so not imported; note references in it still count.
    const hidden = onOff(rPr, "vanish") === true;
    for (const el of kids(r)) {
      const name = el.localName ?? "";
      if (hidden && is(el, "w") && (CHARACTERS.has(name) || ["t", "br", "cr", "sym"].includes(name))) continue;
      if (is(el, "mc", "AlternateContent")) {
        this.drawing(el, state);
        continue;
      }
      if (!is(el, "w")) continue;
      if (CHARACTERS.has(name)) this.text(CHARACTERS.get(name)!, marks, state);
      switch (name) {
        case "t":
          // The word joiner broadside puts before a note call in Chinese and Japanese is not text.
          this.text((el.textContent ?? "").replace(/\u2060/g, ""), marks, state);
          break;
        case "br":
        case "cr": {
          // A page or column break is no line break in the text.
          const type = el.localName === "br" ? attr(el, "w", "type") : undefined;
          if ((!type || type === "textWrapping") && !this.suppressed(state)) state.tokens.push({ type: "break" });
          break;
        }
        case "sym": {
          const code = parseInt(attr(el, "w", "char") ?? "", 16);
          // A code past Unicode (a stranger's w:char) is no character.
          if (code >= 0 && code <= 0x10ffff) this.text(String.fromCodePoint(code >= 0xf000 && code <= 0xf0ff ? code - 0xf000 : code), marks, state);
          break;
        }
        case "footnoteReference":
        case "endnoteReference":
          this.reference(referencedNote(el)!, state);
          break;
        case "fldChar": {
          const type = attr(el, "w", "fldCharType");
          if (type === "begin") this.fieldBegin(state);
          else if (type === "separate") this.fieldSeparate(state);
          else if (type === "end") this.fieldEnd(state);
          break;
        }
        case "instrText":
          this.fieldInstr(state, el.textContent ?? "");
          break;
        case "drawing":
        case "pict":
          this.drawing(el, state);
          break;
        case "object":
          state.issues.push({ rule: "import-object", text: "an embedded object is not imported; it is left out" });
          break;
        case "commentReference":
          this.comment(el, state);
          break;
        case "ruby": {
          const base = child(el, "w", "rubyBase");
          for (const c of base ? kids(base) : []) this.inline(c, state);
          break;
        }
        default:
          break; // rPr, footnoteRef, separators, lastRenderedPageBreak, delText, annotationRef, …
      }
    }
  }

  /** A w:drawing, w:pict or mc:AlternateContent: a text box, or an image (or other drawing). */
  private drawing(el: XmlElement, state: ParagraphState) {
    const boxes = descendants(el, "w", "txbxContent");
    if (boxes.length || descendants(el, "v", "textbox").length) {
      const text = boxes[0] ? runText(boxes[0]).trim() : "";
      state.issues.push({
        rule: "import-textbox",
        text: `a text box is not imported; its text${text ? ` (“${firstWords(text)}”)` : ""} is left out (move it into the body text and import again)`,
      });
      return;
    }
    state.issues.push({ rule: "import-image", text: "an image is not imported; it is left out" });
  }

  private comment(el: XmlElement, state: ParagraphState) {
    const id = attr(el, "w", "id") ?? "";
    if (this.reportedComments.has(id)) return;
    this.reportedComments.add(id);
    const text = (this.comments.get(id) ?? "").trim();
    state.issues.push({ rule: "import-comment", text: `a comment is not imported${text ? ` (“${firstWords(text)}”)` : ""}` });
  }

  private reference(key: string, state: ParagraphState) {
    if (this.suppressed(state)) return;
    if (state.story.note) return; // a note inside a note: Word does not make them
    if (!this.firstCall.has(key)) {
      if (this.firstCall.size === IMPORT_LIMITS.notes) {
        if (!this.stop)
          state.issues.push({
            rule: "import-too-many-notes",
            text: `a note call here makes ${IMPORT_LIMITS.notes + 1} notes, more than the ${IMPORT_LIMITS.notes.toLocaleString("en")} broadside imports (a letter has some 40); reading stops here`,
          });
        this.stop = true;
        return;
      }
      this.firstCall.set(key, this.ordinal);
    }
    this.call(key, state);
  }

  private call(note: string, state: ParagraphState) {
    this.calls.push({ note, ordinal: this.ordinal });
    state.tokens.push({ type: "call", note });
  }

  /* Fields: NOTEREF (a repeated note call), HYPERLINK (a link), anything else shows its result. */

  private fieldBegin(state: ParagraphState) {
    const story = state.story;
    if (story.ignoredFields || story.fields.length === MAX_FIELD_DEPTH) {
      story.ignoredFields = (story.ignoredFields ?? 0) + 1;
      state.issues.push({
        rule: "import-too-deep",
        text: `fields (cross-references, links, page numbers) are nested more than ${MAX_FIELD_DEPTH} deep; Word nests a few`,
      });
      return;
    }
    story.fields.push({ kind: "other", instr: "", phase: "instr" });
  }

  private fieldInstr(state: ParagraphState, text: string) {
    if (state.story.ignoredFields) return;
    const field = state.story.fields[state.story.fields.length - 1];
    if (field?.phase === "instr") field.instr += text;
  }

  private fieldSeparate(state: ParagraphState) {
    if (state.story.ignoredFields) return;
    const field = state.story.fields[state.story.fields.length - 1];
    if (!field || field.phase !== "instr") return;
    const kind = fieldKind(field.instr);
    field.phase = "result";
    // Writer's own cross-reference to a note (REF _RefF1) is a call; a REF to other text shows that text.
    const call = kind.kind === "noteref" || (kind.kind === "ref" && this.bookmarkNote.has(kind.bookmark));
    field.kind = call ? "noteref" : kind.kind === "hyperlink" ? "hyperlink" : "other";
    if (call && this.noteRef(kind.bookmark, kind.kind === "ref" ? "REF" : "NOTEREF", state)) ((field.call = state.tokens.length - 1), (field.shown = []));
    else if (kind.kind === "hyperlink") {
      const url = this.allowedLink(kind.url, state);
      field.kind = url ? "hyperlink" : "other";
      if (url) state.story.links.push(url);
    }
  }

  /** A link's target if a letter may lead there; else undefined, and the paragraph says the link is left out. */
  private allowedLink(url: string | undefined, state: ParagraphState): string | undefined {
    if (url === undefined || LINK_SCHEMES.test(url.trim()) || relativeLink(url)) return url;
    const shown = url.length > 60 ? `${[...url].slice(0, 50).join("")}…` : url;
    const what = /^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url) ? `a ${url.slice(0, url.indexOf(":") + 1).toLowerCase()} address` : "a file";
    state.issues.push({
      rule: "import-link",
      text: `a link to ${what} (${JSON.stringify(shown)}) is not imported; its text is kept without the link (a letter links to http, https, mailto and tel addresses, or to files beside it)`,
    });
    return undefined;
  }

  private fieldEnd(state: ParagraphState) {
    if (state.story.ignoredFields) {
      state.story.ignoredFields--;
      return;
    }
    const field = state.story.fields[state.story.fields.length - 1];
    if (!field) return;
    if (field.phase === "instr") this.fieldSeparate(state); // a field without a result
    state.story.fields.pop();
    // Words typed over the text before a repeated call can land in its field's result, before the number: they go before the call.
    const shown = field.shown ?? [];
    const number = shown.map((t) => Boolean(t.value.trim())).lastIndexOf(true);
    if (field.call !== undefined && shown.slice(0, number).some((t) => t.value.trim())) state.tokens.splice(field.call, 0, ...shown.slice(0, number));
    if (field.kind === "hyperlink") state.story.links.pop();
  }

  /** Whether the call was made. */
  private noteRef(bookmark: string, instruction: string, state: ParagraphState): boolean {
    if (state.story.fields.slice(0, -1).some((f) => f.phase === "instr")) return false;
    const key = this.bookmarkNote.get(bookmark);
    if (state.story.note) {
      state.issues.push({
        rule: "import-note-in-note",
        text: `a note cannot call another note; the cross-reference (${instruction} ${bookmark}) is left out`,
      });
      return false;
    }
    if (!key) {
      state.issues.push({
        rule: "import-noteref",
        text: `a repeated note call (a ${instruction} ${bookmark} cross-reference) points to a note that is no longer there; ${CROSS_REFERENCE_HELP} or delete it`,
      });
      return false;
    }
    this.call(key, state);
    return true;
  }
}
