/**
 * What a paragraph or run style means for the Markdown, decided by its *name* (Word keeps English
 * names like "heading 1" while a French Word writes ids like "Titre1"), then its id (LibreOffice's
 * "Footnote", "InternetLink"), then the style it is based on ("My heading" based on Heading 1).
 */
import { attr, child, type DocxPackage, is, kids, onOff, type XmlElement } from "../ooxml/package.ts";

/**
 * What a paragraph is in Markdown. A "list" paragraph ("List Paragraph" and the like) is a list if it has numbering, else body
 * text; a "press" one (broadside's Press Line, made from a press release's front matter) is left out.
 */
export type ParagraphRole =
  | { kind: "title" | "subtitle" | "body" | "quote" | "bullet" | "number" | "continue" | "list" | "signatory" | "code" | "rule" | "press" }
  | { kind: "heading"; depth: number };

/** The formatting of a run of text that Markdown can write. */
export type Marks = Record<"bold" | "italic" | "strike" | "code", boolean>;

interface StyleEntry {
  id: string;
  name: string;
  basedOn?: string;
  rPr?: XmlElement;
  pPr?: XmlElement;
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-]+/g, "");

/** Paragraph style names (normalized) by the role they give. */
const PARAGRAPH_ROLES = names<ParagraphRole>([
  [{ kind: "title" }, "title"],
  [{ kind: "subtitle" }, "subtitle"],
  [
    { kind: "body" },
    "normal bodytext textbody standard default footnotetext endnotetext footnote endnote tabletext tablecontents header footer headerandfooter plaintext normalweb",
  ],
  [{ kind: "quote" }, "quote quotations blocktext intensequote"],
  [{ kind: "list" }, "listparagraph list"],
  [{ kind: "signatory" }, "signatory"],
  [{ kind: "code" }, "sourcecode preformattedtext htmlpreformatted code"],
  [{ kind: "rule" }, "horizontalrule horizontalline"],
  [{ kind: "press" }, "pressline"],
]);

/** Character style names (normalized) by the mark they add; "none" for styles known to add none. */
const RUN_MARKS = names<keyof Marks | "none">([
  ["italic", "emphasis emphasischar"],
  ["bold", "strong strongemphasis strongchar"],
  ["code", "verbatimchar sourcetext htmlcode code codechar"],
  ["none", "hyperlink internetlink footnotereference footnoteanchor footnotecharacters endnotereference endnoteanchor endnotecharacters defaultparagraphfont"],
]);

/** A Map from each of the space-separated names to its value (a Map: style names are a stranger's). */
export function names<T>(table: [T, string][]): Map<string, T> {
  return new Map(table.flatMap(([value, list]) => list.split(" ").map((name) => [name, value] as const)));
}

function paragraphRoleOf(key: string): ParagraphRole | undefined {
  const heading = /^heading([1-6])$/.exec(key);
  if (heading) return { kind: "heading", depth: Number(heading[1]) };
  const list = /^list(bullet|number|continue)\d?$/.exec(key);
  if (list) return { kind: list[1] as "bullet" | "number" | "continue" };
  return PARAGRAPH_ROLES.get(key);
}

export class Styles {
  private readonly byId = new Map<string, StyleEntry>();
  private defaultParagraph?: string;
  private readonly numbering: (numId: string, ilvl: number) => string | undefined;

  constructor(pkg: DocxPackage, mainPath: string) {
    this.numbering = numberingFormats(pkg, mainPath);
    const root = pkg.xml(pkg.related(mainPath, "styles")[0])?.documentElement;
    for (const style of root ? kids(root) : []) {
      if (!is(style, "w", "style")) continue;
      const id = attr(style, "w", "styleId") ?? "";
      this.byId.set(id, {
        id,
        name: attr(child(style, "w", "name"), "w", "val") ?? id,
        basedOn: attr(child(style, "w", "basedOn"), "w", "val"),
        rPr: child(style, "w", "rPr"),
        pPr: child(style, "w", "pPr"),
      });
      const isDefault = attr(style, "w", "default");
      if ((attr(style, "w", "type") ?? "paragraph") === "paragraph" && (isDefault === "1" || isDefault === "true")) this.defaultParagraph = id;
    }
  }

  /** A style and those it is based on; a style the styles part does not define stands for itself, judged by its id. */
  private chain(id: string | undefined): StyleEntry[] {
    if (id && !this.byId.has(id)) return [{ id, name: id }];
    const out: StyleEntry[] = [];
    for (let s = id ? this.byId.get(id) : undefined; s && out.length < 16 && !out.includes(s); s = s.basedOn ? this.byId.get(s.basedOn) : undefined)
      out.push(s);
    return out;
  }

  /** broadside's Dateline character style: a press release's dateline, imported as front matter. */
  isDateline(styleId: string | undefined): boolean {
    const style = styleId ? this.byId.get(styleId) : undefined;
    return !!style && (norm(style.name) === "dateline" || norm(style.id) === "dateline");
  }

  /** A paragraph's role (a missing or unknown style is body text) and list level from its properties (own numbering first, then its style's). */
  paragraph(pPr: XmlElement | undefined): { role: ParagraphRole; level: number } {
    const chain = this.chain(attr(child(pPr, "w", "pStyle"), "w", "val") ?? this.defaultParagraph);
    let role = chain.map((s) => paragraphRoleOf(norm(s.name)) ?? paragraphRoleOf(norm(s.id))).find(Boolean) ?? { kind: "body" };
    // Word's "List Bullet" carries its own w:numPr.
    const fromStyle = chain.map((s) => child(s.pPr, "w", "numPr")).find(Boolean);
    const numPr = (name: string) => attr(child(child(pPr, "w", "numPr"), "w", name), "w", "val") ?? attr(child(fromStyle, "w", name), "w", "val");
    const numId = numPr("numId");
    const level = Math.max(0, Math.min(8, Number(numPr("ilvl") ?? 0) || 0));
    const numbered = numId !== undefined && numId !== "0";
    const format = numbered ? this.numbering(numId, level) : undefined;
    if ((role.kind === "body" || role.kind === "list") && numbered && format !== "none") {
      role = { kind: format === "bullet" ? "bullet" : "number" };
    } else if (role.kind === "list") {
      role = { kind: "body" };
    }
    return { role, level: role.kind === "bullet" || role.kind === "number" ? level : 0 };
  }

  /** What a character style adds to its runs: bold/italic/strike from its role or its run properties. */
  runStyle(styleId: string | undefined): Partial<Marks> {
    const out: Partial<Marks> = {};
    const chain = this.chain(styleId);
    for (const mark of chain.map((s) => RUN_MARKS.get(norm(s.name)) ?? RUN_MARKS.get(norm(s.id)))) if (mark && mark !== "none") out[mark] ??= true;
    // Run properties of the style (nearest first), for styles the roles do not know.
    for (const s of chain) {
      out.bold ??= onOff(s.rPr, "b");
      out.italic ??= onOff(s.rPr, "i");
      out.strike ??= onOff(s.rPr, "strike") ?? onOff(s.rPr, "dstrike");
    }
    return out;
  }
}

/** numbering.xml: a list level's format ("bullet", "decimal", "none", …), a list's override first; undefined when not defined. */
function numberingFormats(pkg: DocxPackage, mainPath: string): (numId: string, ilvl: number) => string | undefined {
  const root = pkg.xml(pkg.related(mainPath, "numbering")[0])?.documentElement;
  if (!root) return () => undefined;
  const named = (el: XmlElement, name: string) => kids(el).filter((c) => is(c, "w", name));
  // Each level's format by its w:ilvl; `lvl` finds the w:lvl of a list's level or of its override.
  const byLevel = (holder: XmlElement, name: string, lvl: (el: XmlElement) => XmlElement | undefined) =>
    new Map(named(holder, name).map((el) => [Number(attr(el, "w", "ilvl") ?? 0), attr(child(lvl(el), "w", "numFmt"), "w", "val")] as const));
  const abstract = new Map(named(root, "abstractNum").map((el) => [attr(el, "w", "abstractNumId") ?? "", byLevel(el, "lvl", (lvl) => lvl)] as const));
  // The abstract list's levels are shared, not copied: many lists may name one abstract list.
  const lists = new Map(
    named(root, "num").map((el) => {
      const base = abstract.get(attr(child(el, "w", "abstractNumId"), "w", "val") ?? "");
      return [attr(el, "w", "numId") ?? "", { base, overrides: byLevel(el, "lvlOverride", (override) => child(override, "w", "lvl")) }] as const;
    }),
  );
  return (numId, ilvl) => lists.get(numId)?.overrides.get(ilvl) ?? lists.get(numId)?.base?.get(ilvl);
}
