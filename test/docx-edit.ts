/**
 * Editing a built .docx the way a translator (or their software) would, for the import tests:
 * rewrite the words of every paragraph and note, re-save through LibreOffice, or add what the
 * importer cannot map (comments, images, text boxes, tracked changes). Shares no code with
 * src/import.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DOMParser, type Document as XmlDocument, type Element as XmlElement, XMLSerializer } from "@xmldom/xmldom";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";

export const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

export class DocxParts {
  readonly files: Record<string, Uint8Array>;
  private readonly docs = new Map<string, XmlDocument>();

  constructor(bytes: Uint8Array) {
    this.files = unzipSync(bytes);
  }

  has(path: string) {
    return path in this.files;
  }

  xml(path: string): XmlDocument {
    let doc = this.docs.get(path);
    if (!doc) {
      doc = new DOMParser().parseFromString(strFromU8(this.files[path]), "text/xml");
      this.docs.set(path, doc);
    }
    return doc;
  }

  setText(path: string, text: string) {
    this.docs.delete(path);
    this.files[path] = strToU8(text);
  }

  text(path: string): string {
    const doc = this.docs.get(path);
    return doc ? new XMLSerializer().serializeToString(doc) : strFromU8(this.files[path]);
  }

  bytes(): Uint8Array {
    for (const [path, doc] of this.docs) this.files[path] = strToU8(new XMLSerializer().serializeToString(doc));
    return zipSync(this.files);
  }

  /** Body paragraphs (w:p of the main story, tables included, text boxes not), in order: index 0 is paragraph 1. */
  bodyParagraphs(): XmlElement[] {
    const body = this.xml("word/document.xml").getElementsByTagNameNS(W, "body")[0];
    return Array.from(body.getElementsByTagNameNS(W, "p")).filter((p) => {
      for (let n = p.parentNode; n; n = n.parentNode) if ((n as XmlElement).localName === "txbxContent") return false;
      return true;
    });
  }
}

export function editDocx(bytes: Uint8Array, edit: (parts: DocxParts) => void): Uint8Array {
  const parts = new DocxParts(bytes);
  edit(parts);
  return parts.bytes();
}

const SYLLABLES = ["la", "re", "mé", "tou", "char", "ien", "oix", "bel", "eau", "vin", "gne", "pré", "sû", "col", "dé", "fran"];

/** A deterministic French-looking stand-in for a word (same word → same stand-in). */
export function pseudo(word: string): string {
  let h = 2166136261;
  for (const ch of word.toLowerCase()) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  const count = Math.max(1, Math.ceil([...word].length / 3));
  let out = "";
  for (let i = 0; i < count; i++) {
    out += SYLLABLES[h % SYLLABLES.length];
    h = Math.imul(h ^ (i + 7), 2654435761) >>> 0;
  }
  return /^\p{Lu}/u.test(word) ? out[0].toUpperCase() + out.slice(1) : out;
}

const URL = /https?:\/\/\S+|www\.\S+/g;

/** Replace the words of a text, leaving web addresses and numbers alone. */
export function translateText(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(URL)) {
    out += text.slice(last, m.index).replace(/\p{L}+/gu, pseudo) + m[0];
    last = m.index! + m[0].length;
  }
  return out + text.slice(last).replace(/\p{L}+/gu, pseudo);
}

const styleOf = (p: XmlElement) => {
  const pPr = Array.from(p.childNodes).find((c) => (c as XmlElement).localName === "pPr") as XmlElement | undefined;
  const style = pPr ? (Array.from(pPr.childNodes).find((c) => (c as XmlElement).localName === "pStyle") as XmlElement | undefined) : undefined;
  return style?.getAttributeNS(W, "val") ?? "";
};

/**
 * A translator's copy: every w:t of every paragraph in the body, the notes and the headers
 * gets its words replaced (structure, note references, fields, links untouched); the
 * signatories' names (proper names) are kept.
 */
export function translateDocx(bytes: Uint8Array): Uint8Array {
  return editDocx(bytes, (parts) => {
    for (const path of Object.keys(parts.files)) {
      if (!/^word\/(document|footnotes|endnotes|header\d*)\.xml$/.test(path)) continue;
      for (const p of Array.from(parts.xml(path).getElementsByTagNameNS(W, "p"))) {
        if (styleOf(p) === "Signatory") continue;
        for (const t of Array.from(p.getElementsByTagNameNS(W, "t"))) t.textContent = translateText(t.textContent ?? "");
      }
    }
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(command, args, { encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else done(stdout);
    });
  });
}

/** Open and save again as .docx in LibreOffice (Word 2007–365 format), with a private profile. */
export async function resaveWithLibreOffice(docxPath: string, outDir: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), "broadside-lo-profile-"));
  const out = join(outDir, basename(docxPath));
  if (resolve(out) === resolve(docxPath)) throw new Error("resave into another folder");
  try {
    await run(process.env.SOFFICE ?? "soffice", [
      `-env:UserInstallation=${pathToFileURL(profile).href}`,
      "--headless",
      "--norestore",
      "--convert-to",
      "docx:MS Word 2007 XML",
      "--outdir",
      outDir,
      resolve(docxPath),
    ]);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  if (!(await stat(out).catch(() => undefined))?.size) throw new Error(`LibreOffice wrote no ${out}`);
  return out;
}

export async function readParts(path: string): Promise<DocxParts> {
  return new DocxParts(await readFile(path));
}
