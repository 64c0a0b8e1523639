/**
 * HTML compiler: mdast → hast (note numbers from the numbering pass) in the shell of `templates/shell.html`, CSS and fonts
 * inlined. The PDF compiler prints exactly this document.
 */
import { readFileSync } from "node:fs";
import type { Element, ElementContent, Root as HastRoot, Text } from "hast";
import { fromHtml } from "hast-util-from-html";
import { h, s } from "hastscript";
import { raw } from "hast-util-raw";
import { toHtml } from "hast-util-to-html";
import { select } from "hast-util-select";
import type { FootnoteReference, Image, ImageReference, Root } from "mdast";
import { type Handlers, type State, toHast } from "mdast-util-to-hast";
import { type Paper, PAPER_SIZE } from "../paper.ts";
import type { Letter } from "../letter.ts";
import { noteCall } from "../notes.ts";
import { cleanHtml, type LocalImage } from "../safety.ts";
import { keepCallsWithText } from "./calls.ts";
import { type FontUsage, fontFaceCss, fontStack, hasBold, loadFontsConfig, warnMissingGlyphs } from "./fonts.ts";
import { fillWord } from "../language.ts";
import { isolateBidi } from "./bidi.ts";
import { readWhileUnchanged, templateFile } from "../paths.ts";

/** `templatesDir`: the folder with shell.html, style.css, print.css and fonts.json. */
type HtmlOptions = { templatesDir: string };

/** Ids used for note calls and notes; the PDF links and tests rely on them. */
const noteId = (n: number) => `note-${n}`;
const callId = (n: number, occurrence: number) => (occurrence === 1 ? `note-call-${n}` : `note-call-${n}-${occurrence}`);

/** The print style's page for a paper, by its CSS name (half-letter has none); a booklet's half sizes with narrower margins. */
function pageCss(paper: Paper): string {
  const size = paper === "half-letter" ? PAPER_SIZE[paper].map((points) => `${points}pt`).join(" ") : paper;
  return `@page{size:${size}${paper === "a4" || paper === "letter" ? "" : ";margin:15mm 14mm 17mm"}}`;
}

/** The image the safety pass read; an image without one never passed that pass (a bug). */
export function checkedImage(node: Image | ImageReference): LocalImage {
  const image = node.data?.image;
  if (!image)
    throw new Error(
      `Image at ${node.position?.start.line}:${node.position?.start.column} was not checked: run parseLetter() (its safety pass) before compiling`,
    );
  return image;
}

function inlineImage(state: State, node: Image | ImageReference, title?: string | null): Element {
  const image = checkedImage(node);
  const result = h("img", {
    src: `data:${image.mime};base64,${Buffer.from(image.bytes).toString("base64")}`,
    alt: node.alt ?? "",
    title: title ?? undefined,
    width: image.width,
    height: image.height,
  });
  state.patch(node, result);
  return result;
}

const handlers: Handlers = {
  image: (state: State, node: Image) => inlineImage(state, node, node.title),
  imageReference: (state: State, node: ImageReference) => inlineImage(state, node, state.definitionById.get(node.identifier.toUpperCase())?.title),
  footnoteReference(state: State, node: FootnoteReference): Element {
    const { number, occurrence } = noteCall(node);
    const link = h(
      "a",
      {
        href: `#${noteId(number)}`,
        id: callId(number, occurrence),
        role: "doc-noteref",
        dataNote: String(number),
        ariaDescribedBy: "notes-heading",
      },
      String(number),
    );
    const result = h("sup", { className: ["note-call"] }, [link]);
    state.patch(node, result);
    return result;
  },
};

/** The back-link mark, drawn as a vector: the shipped text faces have no arrow glyph, and the host's fonts are never used. */
function backArrow(): Element {
  return s("svg", { viewBox: "0 0 16 16", width: "0.8em", height: "0.8em", ariaHidden: "true", focusable: "false" }, [
    s("path", { d: "M6 3 1.5 7.5 6 12V9h4.5a2.5 2.5 0 0 1 0 5H9v2h1.5a4.5 4.5 0 0 0 0-9H6z", fill: "currentColor" }),
  ]);
}

function notesSection(letter: Letter): Element | undefined {
  if (letter.notes.notes.length === 0) return undefined;
  const { words } = letter.language;
  const items = letter.notes.notes.map((note) => {
    const content = withRawHtml(toHast({ type: "root", children: note.definition.children } as Root, { handlers, allowDangerousHtml: true }) as HastRoot);
    const blocks = content.children.filter((child): child is ElementContent => child.type !== "doctype" && !(child.type === "text" && !child.value.trim()));
    const backs: ElementContent[] = note.references.flatMap((_, i) => [
      { type: "text", value: " " } as Text,
      h(
        "a",
        {
          href: `#${callId(note.number, i + 1)}`,
          role: "doc-backlink",
          className: ["note-back"],
          ariaLabel: fillWord(words[note.references.length > 1 ? "back-to-reference" : "back-to-note"], { note: note.number, reference: i + 1 }),
        },
        note.references.length > 1 ? [backArrow(), h("sub", String(i + 1))] : [backArrow()],
      ),
    ]);
    const last = blocks[blocks.length - 1];
    if (last && last.type === "element" && last.tagName === "p") last.children.push(...backs);
    else blocks.push(h("p", { className: ["note-backs"] }, backs)); // kept with the block before it (templates/print.css)
    return h("li", { id: noteId(note.number), value: note.number, dataNote: String(note.number) }, blocks);
  });
  return h("section", { className: ["notes"], role: "doc-endnotes", ariaLabelledBy: "notes-heading" }, [
    h("h2", { id: "notes-heading" }, letter.meta.notesHeading ?? words["notes-heading"]),
    h("ol", items),
  ]);
}

function fill(shell: HastRoot, name: string, children: ElementContent[]) {
  const slot = select(`[data-slot="${name}"]`, shell);
  if (!slot) throw new Error(`templates/shell.html has no element with data-slot="${name}": add one where the ${name} belongs`);
  delete slot.properties.dataSlot;
  slot.children = children;
}

const ITALIC = new Set(["em", "i", "cite", "dfn", "var", "address"]);
const BOLD = new Set(["strong", "b", "h1", "h2", "h3", "h4", "h5", "h6", "th"]);

/** The text drawn in each style and weight, so that only the font faces in use are inlined. */
function fontUsage(node: HastRoot | ElementContent, canBold: boolean, usage: FontUsage = new Map(), italic = false, bold = false): FontUsage {
  if (node.type === "text") {
    const key = `${italic ? "italic" : "normal"} ${bold ? 700 : 400}`;
    usage.set(key, (usage.get(key) ?? "") + node.value);
  } else if (node.type === "element" || node.type === "root") {
    const tag = node.type === "element" ? node.tagName : "";
    if (tag === "style" || tag === "script") return usage;
    for (const child of node.children) fontUsage(child as ElementContent, canBold, usage, italic || ITALIC.has(tag), canBold && (bold || BOLD.has(tag)));
  }
  return usage;
}

const readTemplate = readWhileUnchanged((path) => readFileSync(path, "utf8"));
const template = (dir: string, name: string) => readTemplate(templateFile(dir, name));

/** A CSS string literal for any text, also inside a <style> element: `<` is escaped, so no `</style>` ends it. */
function cssString(text: string): string {
  return `"${text
    .replace(/[\\"]/g, "\\$&")
    .replace(/[\r\n\f]+/g, " ")
    .replace(/</g, "\\3c ")}"`;
}

/** The page label (`{page} / {pages}`) as CSS `content`: its text as strings, its slots as counters. */
function pageLabel(label: string): string {
  const parts = label.split(/(\{pages?\})/).filter(Boolean);
  return parts.map((part) => (part === "{page}" ? "counter(page)" : part === "{pages}" ? "counter(pages)" : cssString(part))).join(" ");
}

/** Raw HTML, in the tree only where the build allowed it, parsed into elements and cleaned with the safety pass's schema. */
function withRawHtml(tree: HastRoot): HastRoot {
  const hasRaw = (node: HastRoot | ElementContent): boolean =>
    (node.type as string) === "raw" || ("children" in node && node.children.some((c) => hasRaw(c as ElementContent)));
  return hasRaw(tree) ? cleanHtml(raw(tree) as HastRoot) : tree;
}

/** What the page may load: only what it carries, so a browser or the printing Chromium runs no script and fetches nothing. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The standalone document. */
export async function compileHtml(letter: Letter, options: HtmlOptions): Promise<{ html: string }> {
  return { html: standaloneHtml(await compileHtmlTree(letter, options)) };
}

/** The page as a tree, without the written file's policy `<meta>` (the dev preview, serving it, sets its own). */
export async function compileHtmlTree(letter: Letter, options: HtmlOptions): Promise<HastRoot> {
  const { meta } = letter;
  const body = withRawHtml(toHast(letter.tree, { file: letter.file, handlers, allowDangerousHtml: true }) as HastRoot);
  keepCallsWithText(body);
  const notes = notesSection(letter);

  const shell = fromHtml(template(options.templatesDir, "shell.html"));
  const [html, head, bodyElement] = [select("html", shell), select("html > head", shell), select("html > body", shell)];
  if (!html || !head) throw new Error("templates/shell.html must be a full HTML document with <html> and <head>");
  const { words, dir, vertical } = letter.language;
  html.properties.lang = meta.lang;
  html.properties.dir = dir;
  // Note numbers of four digits and more need a wider gutter than the stylesheets' default.
  const digits = String(letter.notes.notes.length).length;
  const classes = digits >= 4 ? [`note-digits-${Math.min(digits, 6)}`] : [];
  // Mongolian script: lines top to bottom, columns left to right (templates/style.css).
  if (vertical) classes.push("vertical");
  if (classes.length) html.properties.className = classes;

  const header: ElementContent[] = [h("h1", { className: ["title"] }, meta.title)];
  if (meta.subtitle) header.push(h("p", { className: ["subtitle"] }, meta.subtitle));
  fill(shell, "header", header);
  fill(shell, "body", body.children as ElementContent[]);
  fill(shell, "notes", notes ? [notes] : []);
  if (bodyElement) isolateBidi(bodyElement, dir);

  const fontsConfig = loadFontsConfig(options.templatesDir);
  const usage = fontUsage(shell, hasBold(fontStack(fontsConfig, meta.lang)));
  usage.set("normal 400", (usage.get("normal 400") ?? "") + meta.shortTitle + words.continued + words.page.replace(/\{\w+\}/g, "")); // drawn by the print CSS: the running head, the page number, a continued note's label
  const { css: fonts, missing } = await fontFaceCss(fontsConfig, usage, meta.lang);
  warnMissingGlyphs(letter.file, missing);
  const metaTag = (name: string, content: string | undefined) => (content ? [h("meta", { name, content })] : []);
  head.children.push(
    h("title", meta.title),
    ...metaTag("description", meta.description),
    ...metaTag("author", meta.author),
    ...metaTag("keywords", meta.keywords.join(", ")),
    h("style", { id: "fonts" }, fonts),
    h("style", template(options.templatesDir, "style.css")),
    h("style", { media: "print" }, template(options.templatesDir, "print.css")),
    // Chromium has no `string-set`: the running head, the page number and a continued note's label, in the letter's
    // language, are given to the page here, and a paper other than print.css's (`paper: letter`).
    h(
      "style",
      { media: "print" },
      `@page{@top-center{content:${cssString(meta.shortTitle)}}@bottom-center{content:${pageLabel(words.page)}}}@page:first{@top-center{content:none}}${meta.paper ? pageCss(meta.paper) : ""}:root{--bs-continued:${cssString(` ${words.continued} `)}}`,
    ),
  );
  return shell;
}

/** The standalone document: the page, with its policy in a `<meta>` right after the charset. */
export function standaloneHtml(page: HastRoot): string {
  const head = select("html > head", page);
  if (!head) throw new Error("standaloneHtml() takes the tree compileHtmlTree() made: it has no <head>");
  const charset = head.children.findIndex((n) => n.type === "element" && n.tagName === "meta" && n.properties.charSet !== undefined);
  const policy = h("meta", { httpEquiv: "Content-Security-Policy", content: CONTENT_SECURITY_POLICY });
  head.children.splice(charset + 1, 0, policy);
  try {
    return toHtml(page);
  } finally {
    head.children.splice(head.children.indexOf(policy), 1);
  }
}
