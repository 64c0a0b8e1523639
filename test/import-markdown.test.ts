/**
 * The importer's Markdown writer on its own: text stays literal, formatting is written so
 * that it reads back, and where CommonMark cannot express it the text wins.
 */
import type { PhrasingContent, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import { type RenderContext, renderDocument, renderInline } from "../src/import/markdown.ts";
import type { Block, Token } from "../src/import/read.ts";

const parser = unified().use(remarkParse).use(remarkGfm);

const t = (value: string, marks: Partial<{ bold: boolean; italic: boolean; strike: boolean; code: boolean; link: string }> = {}): Token => ({
  type: "text",
  value,
  bold: false,
  italic: false,
  strike: false,
  code: false,
  ...marks,
});

function context() {
  const lost: number[] = [];
  const ctx: RenderContext = { numberOf: (key) => Number(key.split(":")[1]), formattingLost: (ordinal) => lost.push(ordinal) };
  return { ctx, lost };
}

function paragraph(md: string): PhrasingContent[] {
  const tree = parser.parse(md) as Root;
  expect(tree.children).toHaveLength(1);
  expect(tree.children[0].type).toBe("paragraph");
  return (tree.children[0] as { children: PhrasingContent[] }).children;
}

describe("renderInline", () => {
  it.each([
    "*stars* and _underscores_ stay",
    "[^1] is not a note call, nor [^x]: a definition",
    "<b>not html</b> <https://not.an/autolink> `not code` ~not struck~ ~~nor this~~",
    "back\\slash \\* and &amp; &#169; &copy; entities",
    "# not a heading",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2) not a list",
    "> not a quote",
    "=== not an underline",
    "    not code",
    "| a | b |",
    "![not an image](x.png)",
  ])("keeps %j literal", (text) => {
    const { ctx, lost } = context();
    const md = renderInline([t(text)], "paragraph", 1, ctx);
    expect(toString({ type: "paragraph", children: paragraph(md) })).toBe(text.trim());
    expect(lost).toEqual([]);
  });

  it("writes bold, italic, strikethrough, code, links and note calls", () => {
    const { ctx } = context();
    const md = renderInline(
      [
        t("Plain, "),
        t("bold", { bold: true }),
        t(" and "),
        t("both", { bold: true, italic: true }),
        t(", "),
        t("struck", { strike: true }),
        t(", "),
        t("a `tick`", { code: true }),
        t(", "),
        t("a link", { link: "https://example.org/a b" }),
        { type: "call", note: "footnote:3" },
        t(" and "),
        t("https://example.org/x", { link: "https://example.org/x" }),
      ],
      "paragraph",
      1,
      ctx,
    );
    expect(md).toBe("Plain, **bold** and **_both_**, ~~struck~~, `` a `tick` ``, [a link](<https://example.org/a b>)[^3] and <https://example.org/x>");
  });

  it("moves punctuation out of emphasis where CommonMark would not open or close it", () => {
    const { ctx, lost } = context();
    const md = renderInline([t("a"), t("«b»", { italic: true }), t("c")], "paragraph", 1, ctx);
    expect(md).toBe("a«*b*»c");
    expect(lost).toEqual([]);
  });

  it("writes a paragraph without its formatting, and says so, when Markdown cannot express it", () => {
    const { ctx, lost } = context();
    const md = renderInline([t("a"), t("—", { bold: true }), t("b")], "paragraph", 7, ctx);
    expect(toString({ type: "paragraph", children: paragraph(md) })).toBe("a—b");
    expect(lost).toEqual([7]);
  });

  it("turns web addresses in plain text into autolinks, with no escapes inside", () => {
    const { ctx } = context();
    const md = renderInline([t("See https://example.org/a_b*c. Or www.example.org/d_e.")], "paragraph", 1, ctx);
    expect(md).toBe("See <https://example.org/a_b*c>. Or www.example.org/d_e.");
  });

  it("leaves unescaped what Markdown reads literally anyway: intraword underscores, a lone ] or <, CJK and Arabic punctuation", () => {
    const { ctx, lost } = context();
    const text = "snake_case, a]b, <3 and a > b; 「引号」，مرحبا، نعم؟";
    const md = renderInline([t(text)], "paragraph", 1, ctx);
    expect(md).toBe(text);
    expect(toString({ type: "paragraph", children: paragraph(md) })).toBe(text);
    expect(lost).toEqual([]);
  });

  it("writes emphasis inside CJK and Arabic text, white space outside the delimiters", () => {
    const { ctx, lost } = context();
    expect(renderInline([t("中文"), t("「粗体」", { bold: true }), t("中文")], "paragraph", 1, ctx)).toBe("中文「**粗体**」中文");
    expect(renderInline([t("مرحبا "), t("بالعالم ", { italic: true }), t("، نعم.")], "paragraph", 1, ctx)).toBe("مرحبا *بالعالم* ، نعم.");
    expect(lost).toEqual([]);
  });

  it("escapes pipes in table cells, also in code", () => {
    const { ctx } = context();
    expect(renderInline([t("a | b "), t("c|d", { code: true })], "table", 1, ctx)).toBe("a \\| b `c\\|d`");
  });
});

describe("renderDocument", () => {
  const p = (kind: string, text: string, extra: Partial<Block> = {}): Block =>
    ({ type: "paragraph", role: { kind, depth: 2 } as never, level: 0, tokens: [t(text)], ordinal: 1, ...extra }) as Block;

  it("nests lists by level, continues items, and keeps adjacent lists apart", () => {
    const { ctx } = context();
    const md = renderDocument(
      [
        p("bullet", "one"),
        p("bullet", "one.a", { level: 1 } as Partial<Block>),
        p("continue", "more of one.a"),
        p("bullet", "two"),
        p("signatory", "A Group"),
        p("signatory", "Another Group"),
        p("number", "first"),
        p("number", "second"),
      ],
      [],
      () => ctx,
    );
    expect(md).toBe("- one\n  - one.a\n\n    more of one.a\n\n- two\n\n* A Group\n* Another Group\n\n1. first\n2. second");
    const tree = parser.parse(md) as Root;
    expect(tree.children.map((n) => n.type)).toEqual(["list", "list", "list"]);
  });

  it("groups quotes and code, and writes a rule", () => {
    const { ctx } = context();
    const md = renderDocument(
      [p("quote", "q1"), p("quote", "q2"), p("code", "let a = `x`;"), p("code", "  indented"), p("rule", ""), p("heading", "Title #")],
      [],
      () => ctx,
    );
    expect(md).toBe("> q1\n>\n> q2\n\n```\nlet a = `x`;\n  indented\n```\n\n* * *\n\n## Title \\#");
  });

  it("a paragraph that starts with a note call and a colon stays a paragraph, not a note's definition", () => {
    const { ctx } = context();
    const call: Token = { type: "call", note: "footnote:1" };
    const md = renderDocument([{ ...p("paragraph", ""), tokens: [call, t(": the text")] } as Block], [[p("paragraph", "The note.")]], () => ctx);
    const tree = parser.parse(md) as Root;
    expect(tree.children.map((n) => n.type)).toEqual(["paragraph", "footnoteDefinition"]);
    expect(md.split("\n")[0]).toMatch(/^\[\^1\].*: the text$/);
  });
});

describe("seeded random paragraphs", () => {
  // Markdown's own characters, entities, addresses, CJK and Arabic text, with every mark, breaks, calls and links.
  const PIECES = [..."ab xy 12 *_[]()<>!#&;~|\\`-+.=:^\"' 中文「」，ئۇ، ", "&amp;", "&#x41;", "http://x.org/a_b", "www.ex.org/q", "1. ", "# ", "\t", "  "];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const paragraphs = Array.from({ length: 80 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 8) }, (): Token => {
      const r = random();
      if (r < 0.05) return { type: "break" };
      if (r < 0.1) return { type: "call", note: `footnote:${1 + Math.floor(random() * 3)}` };
      const value = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(PIECES)).join("");
      return t(value, {
        bold: random() < 0.3,
        italic: random() < 0.3,
        strike: random() < 0.15,
        code: random() < 0.1,
        ...(random() < 0.1 ? { link: pick(["https://e.org/x y", "https://e.org/(a)", "mailto:a@b.c"]) } : {}),
      });
    }),
  );

  it.each(["paragraph", "heading", "table"] as const)("are written as one %s that reads back, never an internal error", (mode) => {
    const { ctx } = context();
    for (const tokens of paragraphs) {
      const md = renderInline(tokens, mode, 1, ctx);
      if (mode === "paragraph" && md)
        expect(
          parser.parse(md).children.map((n) => n.type),
          md,
        ).toEqual(["paragraph"]);
    }
  });
});
