/** The source is untrusted: this pass alone decides what of it may reach an output, reporting each problem at its place. */
import { dirname, resolve } from "node:path";
import { isRefusal, projectFolder, readBounded, type Refusal, resolveInside } from "./boundary.ts";
import type { Element, Root as HastRoot } from "hast";
import { fromHtml } from "hast-util-from-html";
import { defaultSchema, sanitize, type Schema } from "hast-util-sanitize";
import type { Definition, Image, ImageReference, Link, LinkReference, Root } from "mdast";
import { EXIT, SKIP, visit } from "unist-util-visit";
import { VFile } from "vfile";
import { location } from "vfile-location";
import { find, html } from "property-information";
import { type ImageInfo, describeBytes, sniffImage } from "./images.ts";
import { MAX_DEPTH, cutTooDeep } from "./markdown.ts";
import { cappedReporter, fail, type Report } from "./messages.ts";

/** A source larger than this is refused before it is read: the parser's memory grows with the source's length. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
/** At most this many note definitions (`[^label]: …`) in a source, counted before it is parsed. */
export const MAX_NOTES = 5000;
/** At most this many note calls (`[^label]`, repeats included) in a source, counted before it is parsed. */
export const MAX_NOTE_CALLS = 20_000;
/** An image file larger than this is refused. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** An image with more pixels than this is refused (it would take the PDF renderer's memory). */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface SafetyOptions {
  /** Keep raw HTML (cleaned by {@link SAFE_HTML_SCHEMA}) in the HTML and PDF instead of leaving it out. */
  allowHtml?: boolean;
  /** The project folder images must be inside (src/boundary.ts); default: as {@link projectFolder} decides. */
  project?: string;
}

/** An image read and checked by the safety pass; the compilers embed exactly these bytes. */
export interface LocalImage extends ImageInfo {
  bytes: Uint8Array;
}

declare module "mdast" {
  interface Data {
    /** Set by the safety pass on an image or image reference; an image without it never reaches a compiler. */
    image?: LocalImage;
  }
}

/* ------------------------------------------------------------------ bytes and characters */

/** Decode a source's bytes as UTF-8; an invalid byte is an error at its line:col and leaves the file empty. */
export function decodeSource(bytes: Uint8Array, path: string): VFile {
  try {
    return new VFile({ path, value: new TextDecoder("utf-8", { fatal: true }).decode(bytes) });
  } catch {
    const file = new VFile({ path, value: "" });
    const offset = firstInvalidUtf8(bytes);
    // The place as an editor shows it: characters, not bytes, after the BOM (the decoder drops it).
    const lines = new TextDecoder().decode(bytes.subarray(0, offset)).split("\n");
    const byte = `0x${bytes[offset].toString(16).padStart(2, "0")}`;
    fail(
      file,
      `The source is not valid UTF-8: byte ${byte} (byte ${offset + 1} of the file) is not part of a UTF-8 character; save the file as UTF-8`,
      { line: lines.length, column: lines[lines.length - 1].length + 1 },
      "invalid-utf8",
    );
    return file;
  }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  // The decoder writes U+FFFD for each bad sequence: the first U+FFFD not written as EF BF BD is one.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  let offset = 0;
  let from = 0;
  for (let at = text.indexOf("\uFFFD"); at !== -1; at = text.indexOf("\uFFFD", at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at));
    from = at;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
  }
  return -1;
}

/** One form for every source: no BOM, LF line endings. Lines and columns stay those an editor shows. */
export function normalizeSource(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** Characters XML 1.0 cannot hold. */
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without the characters XML cannot hold; `found` collects them. */
export function stripForbiddenCharacters(text: string, found?: Set<string>): string {
  return text.replace(XML_FORBIDDEN, (char) => {
    found?.add(char);
    return "";
  });
}

export function describeCharacter(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (code >= 0xd800 && code <= 0xdfff) return `a lone surrogate (${hex})`;
  if (code < 0x20) return `the control character ${hex}`;
  return `the non-character ${hex}`;
}

/* ------------------------------------------------------------------ raw HTML */

/** The schemes a link may have, in Markdown and in raw HTML (or none: a relative link). */
const LINK_SCHEMES = ["http", "https", "mailto", "tel"];

/**
 * What raw HTML may keep when the build allows it: GitHub's rules, stricter (images only from the
 * `data:` URLs broadside inlined). The HTML compiler cleans with it too, so it lets its own attributes through.
 */
export const SAFE_HTML_SCHEMA: Schema = {
  ...defaultSchema,
  tagNames: (defaultSchema.tagNames ?? []).filter((tag) => !["picture", "source"].includes(tag)),
  attributes: {
    ...defaultSchema.attributes,
    img: ["alt", "src", "width", "height", "title"],
    "*": [
      ...(defaultSchema.attributes?.["*"] ?? []).filter((a) => !["action", "method", "encType", "acceptCharset"].includes(String(a))),
      "className",
      "role",
      "ariaDescribedBy",
      "ariaLabelledBy",
      "ariaLabel",
      "ariaHidden",
      "dataNote",
    ],
  },
  clobber: [],
  protocols: { href: LINK_SCHEMES, src: ["data"], cite: ["http", "https"] },
  strip: ["script", "style", "template", "iframe", "object", "embed", "noscript", "noembed", "noframes", "textarea", "title", "xmp", "svg", "math"],
};

const COMMENT = /^<!--[\s\S]*?-->\s*$/;
/** A closing tag alone: the warning is at its opening tag. */
const CLOSING_TAG = /^<\/[a-zA-Z][a-zA-Z0-9-]*\s*>$/;

/** What cleaning a piece of raw HTML removes, in words; `undefined` when it removes nothing. */
function htmlRemovals(tree: HastRoot): string | undefined {
  const removed = new Set<string>();
  visit(tree, "element", (node) => {
    const alone = cleanHtml({ type: "root", children: [{ ...node, children: [] }] } as HastRoot);
    const kept = alone.children.find((c): c is Element => c.type === "element" && c.tagName === node.tagName);
    if (!kept) {
      removed.add(`<${node.tagName}>`);
      return SKIP; // its content goes with it, or is kept as text
    }
    for (const [key, v] of Object.entries(node.properties)) {
      if (JSON.stringify(kept.properties[key]) !== JSON.stringify(v)) removed.add(`\`${find(html, key).attribute}\` on <${node.tagName}>`);
    }
  });
  return removed.size ? [...removed].join(", ") : undefined;
}

/* ------------------------------------------------------------------ links */

/** A URL as a message shows it: control characters escaped, long ones cut. */
function shownUrl(url: string, max = 60): string {
  const visible = url.replace(/[\x00-\x1f\x7f]/g, (c) => (c === "\t" ? "\\t" : c === "\n" ? "\\n" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
  return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
}

/** `htps:`, `hhtp:`… are inert typing mistakes for http(s), which `npm run check` reports (url-malformed). */
const MISTYPED_HTTP = /^h{0,2}t{1,3}ps?$/;

/** `//host/…` or `\\host\share`: no scheme, yet another computer; a browser reads `\` as `/`, Word opens a network share. */
const NETWORK_PATH = /^[\\/]{2}/;

/** A URL as a browser reads it: tabs and newlines dropped, leading controls and spaces trimmed. */
const asBrowserReads = (url: string) => url.replace(/[\t\n\r]/g, "").replace(/^[\x00-\x20]+/, "");

/** The URL scheme as a browser reads it. */
export function urlScheme(url: string): string | undefined {
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(asBrowserReads(url))?.[1].toLowerCase();
}

/* ------------------------------------------------------------------ images */

/** An image a source names: a relative path to a file inside the project folder (src/boundary.ts), within the limits. */
function loadImage(url: string, baseDir: string, project: string): LocalImage | Refusal {
  const written = shownUrl(url, 80);
  const scheme = urlScheme(url);
  if (scheme || NETWORK_PATH.test(url.trim())) {
    return {
      rule: "image-url",
      reason: `Image \`${written}\` is ${scheme ? `a \`${scheme}:\` URL` : "a network address"}: broadside fetches nothing; save the image in the source's folder and give its relative path`,
    };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.trim());
  } catch {
    return { rule: "image-missing", reason: `Image \`${written}\` is not a valid path (a \`%\` that starts no character)` };
  }
  if (!path) return { rule: "image-missing", reason: "Image has no path" };
  const what = `Image \`${written}\`${path !== url.trim() ? ` (\`${shownUrl(path, 80)}\` once its %-escapes are decoded)` : ""}`;
  const found = resolveInside(path, baseDir, project, what, "image-missing");
  if (isRefusal(found)) return found;
  const bytes = readBounded(found.real, MAX_IMAGE_BYTES, what);
  if (isRefusal(bytes)) return { rule: bytes.rule === "file-too-large" ? "image-too-large" : bytes.rule, reason: bytes.reason };
  const info = imageInfo(bytes, what);
  return isRefusal(info) ? info : { ...info, bytes };
}

/** What an image's bytes are, if broadside takes them: PNG, JPEG, GIF or WebP, within the pixel limit. */
function imageInfo(bytes: Uint8Array, what: string): ImageInfo | Refusal {
  const info = sniffImage(bytes);
  if (!info) return { rule: "image-type", reason: `${what} is ${describeBytes(bytes)}: broadside takes PNG, JPEG, GIF and WebP files` };
  if (info.width * info.height > MAX_IMAGE_PIXELS) {
    return {
      rule: "image-too-large",
      reason: `${what} is ${info.width} × ${info.height} pixels; images may have at most ${MAX_IMAGE_PIXELS / 1e6} million pixels`,
    };
  }
  return info;
}

/** The first refusal `check` gives an element of a piece of raw HTML. */
function firstRefusal(tree: HastRoot, check: (element: Element) => Refusal | undefined): Refusal | undefined {
  let refusal: Refusal | undefined;
  visit(tree, "element", (node) => {
    refusal = check(node);
    return refusal ? EXIT : undefined;
  });
  return refusal;
}

/** A `data:` image in raw HTML (kept by the cleaning, as broadside's own are) is held to a Markdown image's type, pixels and bytes. */
function rawImageRefusal(node: Element): Refusal | undefined {
  const src = node.tagName === "img" ? node.properties.src : undefined;
  if (typeof src !== "string" || urlScheme(src) !== "data") return undefined;
  const what = `Raw HTML image \`${shownUrl(src, 40)}\``;
  const comma = src.indexOf(",");
  const payload = comma < 0 ? "" : src.slice(comma + 1);
  let bytes: Uint8Array;
  try {
    bytes = /;\s*base64\s*$/i.test(src.slice(0, comma)) ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload));
  } catch {
    bytes = new Uint8Array();
  }
  if (bytes.length > MAX_IMAGE_BYTES) return { rule: "image-too-large", reason: `${what} holds more than ${MAX_IMAGE_BYTES / 1024 / 1024} MB` };
  const info = imageInfo(bytes, what);
  return isRefusal(info) ? info : undefined;
}

/** Ids and classes of broadside's own notes markup (`note-3`, `note-call`, `notes`…): a reader's click, the page layout and the proof follow them. */
const OWN_NAME = /^(?:notes?-|notes$|bs-)/;
const OWN_ROLES = new Set(["doc-noteref", "doc-backlink", "doc-endnotes"]);

/** Raw HTML that names itself as broadside's notes markup would take a call's link, or pass for a call or a note. */
function rawNameRefusal(node: Element): Refusal | undefined {
  const { id, name, className, role, dataNote } = node.properties;
  const own: [string, unknown][] = [
    ["id", [id].find((v) => OWN_NAME.test(String(v)))],
    ["name", [name].find((v) => OWN_NAME.test(String(v)))],
    ["class", [className].flat().find((v) => OWN_NAME.test(String(v)))],
    ["role", [role].flat().find((v) => OWN_ROLES.has(String(v)))],
    ["data-note", dataNote],
  ];
  const [attribute, v] = own.find(([, v]) => v !== undefined && v !== null) ?? [];
  if (!attribute) return undefined;
  return {
    rule: "unsafe-html",
    reason: `Raw HTML: \`${attribute}="${shownUrl(String(v), 40)}"\` on <${node.tagName}> is broadside's own name for its notes and note calls, which links and the proof follow; rename it`,
  };
}

/* ------------------------------------------------------------------ before parsing */

/** At most this many `*`, `_`, `[` and `]` in one paragraph: micromark pairs them in time that grows with their square. */
export const MAX_MARKS = 1000;

/** At most this many `<!` and `<?` in one paragraph: from each, the parser looks for an HTML comment's end up to the paragraph's end. */
export const MAX_HTML_OPENERS = 20;

/** Markdown that makes parsers slow, at the edge of what broadside accepts, repeated n times (for the tests and `npm run bench`). */
export const HOSTILE_MARKDOWN: [what: string, make: (n: number) => string, n: number][] = [
  ["quotes nested 95 deep", (n) => `${"> ".repeat(95)}deep\n\n`.repeat(n), 120],
  ["many short quotes (micromark alone: quadratic)", (n) => "> a\n\n".repeat(n), 1500],
  ["runs of * (emphasis)", (n) => `${"*".repeat(45)}a${"*".repeat(45)} `.repeat(10).concat("\n\n").repeat(n), 12],
  ["runs of *a", (n) => `${"*a".repeat(450)}\n\n`.repeat(n), 8],
  ["runs of [", (n) => `${"[".repeat(MAX_MARKS - 10)}a\n\n`.repeat(n), 16],
  ["nested links", (n) => `${"[".repeat(300)}a${"](b)".repeat(300)}\n\n`.repeat(n), 12],
  ["runs of [^ (undefined note calls)", (n) => `${"[^".repeat(450)}\n\n`.repeat(n), 16],
  ["HTML comments never closed", (n) => `Text ${"<!--".repeat(MAX_HTML_OPENERS)}${" word".repeat(2000)}\n\n`.repeat(n), 4],
];

/** Whether the character at `i` is escaped: an odd number of backslashes before it. */
function escaped(text: string, i: number): boolean {
  let slashes = 0;
  while (i - slashes > 0 && text.charCodeAt(i - slashes - 1) === 92) slashes++;
  return slashes % 2 === 1;
}

/** A note definition's start, after the quotes and list markers that open its line. */
const NOTE_DEFINITION = /^( {0,3})\[\^[^\]\s]+\]:/;
const CONTAINER = /^ {0,3}(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** Lines that always start a new block, ending the paragraph before them (CommonMark "interrupts"). */
const NEW_BLOCK = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|[-*+][ \t]+\S|1[.)][ \t]+\S|\[\^[^\]]+\]:|(?:[-*_][ \t]*){3,}$)/;

/**
 * The bounds above and {@link MAX_DEPTH}, counted on the raw lines before the parser runs; `false` when the source must
 * not be parsed. A paragraph runs until a blank line or a sure new block, so it can only count too many.
 */
export function prescanSource(source: string, file: VFile): boolean {
  let notes = 0;
  let calls = 0;
  let marks = 0;
  let markStart: { line: number; column: number } | undefined;
  let openers = 0;
  let openerStart: { line: number; column: number } | undefined;
  let fence: string | undefined;
  // Front matter only when its fence is closed: unclosed, the parser reads it all as Markdown.
  const opening = /^(-{3}|\+{3})[ \t]*\r?(?:\n|$)/.exec(source)?.[1];
  let front = opening !== undefined && new RegExp(`\n${opening === "---" ? "---" : "\\+{3}"}[ \t]*\r?(?:\n|$)`).test(source);
  let line = 0;
  const stop = (reason: string, column: number, rule: string) => {
    fail(file, reason, { line, column }, rule);
    return false;
  };
  for (let text of source.split("\n")) {
    line++;
    // The front matter is YAML or TOML: its `<!` start no HTML (its other marks and its nesting still count, as the YAML parser recurses).
    const inFront = front;
    if (front && line > 1 && (text.startsWith(opening!) || (opening === "---" && text.startsWith("..."))) && !text.slice(3).trim()) front = false;
    // Quotes and list markers that open the line.
    let depth = 0;
    let column = 1;
    for (let m = CONTAINER.exec(text); m; m = CONTAINER.exec(text)) {
      depth++;
      if (depth > MAX_DEPTH) return stop(`This line opens more than ${MAX_DEPTH} quotes and lists inside each other; flatten it`, column, "too-deep");
      column += m[0].length;
      text = text.slice(m[0].length);
      if (m[0].length === 0) break;
    }
    const fenced = FENCE.exec(text);
    if (fence !== undefined) {
      if (fenced && fenced[1][0] === fence[0] && fenced[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (fenced) fence = fenced[1];
    if (fenced || !text.trim() || NEW_BLOCK.test(text)) {
      marks = openers = 0;
      markStart = openerStart = undefined;
    }
    if (fenced) continue;
    const definition = NOTE_DEFINITION.exec(text);
    if (definition && ++notes > MAX_NOTES) {
      const reason = `This is note definition ${MAX_NOTES + 1}: a source may have at most ${MAX_NOTES} notes, more than any letter needs; split it`;
      return stop(reason, column + definition[1].length, "too-many-notes");
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 91 && text.charCodeAt(i + 1) === 94 && !(definition && i === definition[1].length) && ++calls > MAX_NOTE_CALLS) {
        const reason = `This is note call ${MAX_NOTE_CALLS + 1} (\`[^\`): a source may call notes at most ${MAX_NOTE_CALLS} times; split it`;
        return stop(reason, column + i, "too-many-note-calls");
      }
      // `\<!` (as the importer writes a `<` of the text) starts nothing; `\\<!` does.
      if (!inFront && c === 60 && (text.charCodeAt(i + 1) === 33 || text.charCodeAt(i + 1) === 63) && !escaped(text, i)) {
        openerStart ??= { line, column: column + i };
        if (++openers > MAX_HTML_OPENERS) {
          const reason = `The paragraph from ${openerStart.line}:${openerStart.column} has more than ${MAX_HTML_OPENERS} \`<!\` and \`<?\` (starts of HTML comments and declarations), more than broadside parses in reasonable time; split it or write \`&lt;\` for \`<\``;
          return stop(reason, column + i, "too-many-marks");
        }
      }
      if (c === 42 || c === 95 || c === 91 || c === 93) {
        markStart ??= { line, column: column + i };
        if (++marks > MAX_MARKS) {
          const reason = `The paragraph from ${markStart.line}:${markStart.column} has more than ${MAX_MARKS} \`*\`, \`_\`, \`[\` and \`]\` marks, more than broadside parses in reasonable time; split it or write fewer marks`;
          return stop(reason, column + i, "too-many-marks");
        }
      }
    }
  }
  return true;
}

/* ------------------------------------------------------------------ the pass */

/** Check and clean a parsed source; `false` when the tree is nested too deep to walk further (other errors are only messages). */
export function checkSafety(tree: Root, file: VFile, options: SafetyOptions = {}): boolean {
  const deep = cutTooDeep(tree);
  if (deep) {
    fail(
      file,
      `The Markdown is nested more than ${MAX_DEPTH} levels deep (quotes in lists in quotes…, or runs of emphasis marks); flatten it`,
      deep,
      "too-deep",
    );
    return false;
  }
  const { report, done } = cappedReporter(file);
  const forbidden = reportForbidden(file, report);
  const attach = imageReader(file, options, report);
  const definitions = new Map<string, Definition>();
  const references: (LinkReference | ImageReference)[] = [];

  visit(tree, (node, index, parent) => {
    if (forbidden) {
      const fields = node as unknown as Record<string, unknown>;
      for (const key of ["value", "alt", "title", "url"]) {
        if (typeof fields[key] === "string") fields[key] = stripForbiddenCharacters(fields[key] as string);
      }
    }
    switch (node.type) {
      case "html":
        if (options.allowHtml) {
          const fragment = fromHtml(node.value, { fragment: true });
          for (const check of [rawImageRefusal, rawNameRefusal]) {
            const refusal = firstRefusal(fragment, check);
            if (refusal) report("fail", refusal.reason, node, refusal.rule);
          }
          const removed = htmlRemovals(fragment);
          if (removed)
            report(
              "warn",
              `Raw HTML: removed ${removed} (broadside publishes no scripts, frames, styles, event handlers, remote images or unsafe links)`,
              node,
              "unsafe-html",
            );
          break;
        }
        if (!COMMENT.test(node.value.trim()) && !CLOSING_TAG.test(node.value.trim())) {
          report(
            "warn",
            "Raw HTML is left out of every output; write it in Markdown (or build with --allow-html to keep it, cleaned, in the HTML and PDF)",
            node,
            "raw-html",
          );
        }
        parent!.children.splice(index!, 1);
        return index; // the next sibling now stands where this node stood
      case "link":
        checkLink(node);
        break;
      case "definition":
        if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
        break;
      case "linkReference":
      case "imageReference":
        references.push(node);
        break;
      case "image":
        attach(node, node);
        break;
    }
  });

  function checkLink(at: Link | Definition) {
    const scheme = urlScheme(at.url);
    const reason =
      scheme && !LINK_SCHEMES.includes(scheme) && !MISTYPED_HTTP.test(scheme)
        ? `\`${scheme}:\` links are not allowed; links may be http:, https:, mailto: or tel: addresses, or relative`
        : NETWORK_PATH.test(asBrowserReads(at.url))
          ? "an address starting with `//` or `\\\\` names another computer without http: or https: (Word opens it as a network share); write https:// before it, or make it relative"
          : undefined;
    if (reason) report("fail", `Link to \`${shownUrl(at.url)}\`: ${reason}`, at, "unsafe-link");
  }

  // A link definition is checked once, however many links use it.
  const linked = new Set<Definition>();
  for (const reference of references) {
    const definition = definitions.get(reference.identifier);
    if (definition && reference.type === "imageReference") attach(reference, definition);
    else if (definition) linked.add(definition);
  }
  for (const definition of linked) checkLink(definition);

  done();
  return true;
}

/** Characters XML forbids, reported where they stand in the source; `true` when there are any, for the pass to leave out of the tree. */
function reportForbidden(file: VFile, report: Report): boolean {
  const forbidden = [...String(file.value).matchAll(XML_FORBIDDEN)];
  const place = forbidden.length ? location(file) : undefined;
  for (const match of forbidden) {
    // CommonMark itself turns NUL into U+FFFD (the replacement character); every other one is dropped.
    const fate = match[0] === "\0" ? "it is replaced by U+FFFD" : "it is left out of every output";
    report(
      "warn",
      `The source contains ${describeCharacter(match[0])}, which XML documents (the .docx) cannot hold; ${fate}`,
      place!.toPoint(match.index),
      "forbidden-character",
    );
  }
  return forbidden.length > 0;
}

/** Each image read once, onto the data of every node naming it; a refusal is told once at the image or definition `at`, however many images use it. */
function imageReader(file: VFile, options: SafetyOptions, report: Report) {
  const baseDir = file.path ? dirname(resolve(file.cwd, file.path)) : file.cwd;
  const project = options.project ?? (file.path ? projectFolder(resolve(file.cwd, file.path)) : file.cwd);
  const cache = new Map<string, LocalImage | Refusal>();
  const told = new Set<Image | Definition>();
  return (node: Image | ImageReference, at: Image | Definition) => {
    const result = cache.get(at.url) ?? loadImage(at.url, baseDir, project);
    cache.set(at.url, result);
    if (!isRefusal(result)) {
      node.data = { ...node.data, image: result };
      if (result.format === "webp") {
        report(
          "warn",
          "WebP images are shown in the HTML and PDF, but the .docx gets the alt text instead (Word cannot read WebP everywhere); use PNG or JPEG to have it in all three",
          at,
          "image-webp-docx",
        );
      }
    } else if (!told.has(at)) report("fail", result.reason, at, result.rule);
    told.add(at);
  };
}

/** Elements of a hast tree that raw HTML produced are cleaned with the schema above (exported for the HTML compiler). */
export function cleanHtml<T extends HastRoot | Element>(tree: T): T {
  const clean = sanitize(tree, SAFE_HTML_SCHEMA) as T;
  // The schema takes `//host` and `\\host\share` for relative addresses: they lead to another computer, as in Markdown links.
  visit(clean, "element", (el) => {
    for (const key of ["href", "cite"])
      if (typeof el.properties[key] === "string" && NETWORK_PATH.test(asBrowserReads(el.properties[key]))) delete el.properties[key];
  });
  return clean;
}
