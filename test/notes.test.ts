import { describe, expect, it } from "vitest";
import { FRONT, messages, parse } from "./helpers.ts";

/** The numbers the pass gave each reference, in body order, and the notes' identifiers in number order. */
function numbering(markdown: string) {
  const { file, letter } = parse(FRONT + markdown);
  if (!letter) throw new Error(`did not parse: ${messages(file).join("; ")}`);
  const calls: number[] = [];
  const walk = (node: any) => {
    if (node.type === "footnoteDefinition") return;
    if (node.type === "footnoteReference") calls.push(node.data.noteNumber);
    for (const child of node.children ?? []) walk(child);
  };
  walk(letter.tree);
  return { calls, order: letter.notes.notes.map((n) => n.identifier), file, letter };
}

describe("the numbering pass", () => {
  it("numbers notes by order of first reference, not by label", () => {
    const { calls, order } = numbering("a[^3] b[^1] c[^2]\n\n[^1]: one\n[^2]: two\n[^3]: three\n");
    expect(calls).toEqual([1, 2, 3]);
    expect(order).toEqual(["3", "1", "2"]);
  });

  it("gives a repeated reference the number of the first", () => {
    const { calls, letter } = numbering("a[^x] b[^y] c[^x] d[^y] e[^x]\n\n[^x]: x\n[^y]: y\n");
    expect(calls).toEqual([1, 2, 1, 2, 1]);
    expect(letter.notes.notes[0].references).toHaveLength(3);
  });

  it("keys notes by the normalised identifier, so case and spacing in labels do not matter", () => {
    const { calls, order } = numbering("a[^Zeta] b[^zeta] c[^ZETA]\n\n[^zeta]: z\n");
    expect(calls).toEqual([1, 1, 1]);
    expect(order).toEqual(["zeta"]);
  });

  it("takes labels like [^99] and [^zeta] as names, not numbers", () => {
    const { calls, order } = numbering("a[^99] b[^zeta] c[^1]\n\n[^1]: one\n[^zeta]: z\n[^99]: ninety-nine\n");
    expect(calls).toEqual([1, 2, 3]);
    expect(order).toEqual(["99", "zeta", "1"]);
  });

  it("numbers a note defined before its reference by the reference", () => {
    const { calls, order } = numbering("[^early]: defined first\n\na[^late] b[^early]\n\n[^late]: late\n");
    expect(calls).toEqual([1, 2]);
    expect(order).toEqual(["late", "early"]);
  });

  it("numbers references in lists, quotes, tables and headings in document order", () => {
    const { calls, order } = numbering(
      "# Head[^h]\n\n- item[^l]\n  - nested[^n]\n\n> quote[^q]\n\n| a | b |\n| - | - |\n| cell[^t] | again[^h] |\n\n" +
        "[^t]: t\n[^q]: q\n[^n]: n\n[^l]: l\n[^h]: h\n",
    );
    expect(calls).toEqual([1, 2, 3, 4, 5, 1]);
    expect(order).toEqual(["h", "l", "n", "q", "t"]);
  });

  it("reports a reference without a definition as an error at the reference", () => {
    const { file, letter } = parse(FRONT + "text[^nope] more\n");
    expect(letter).toBeUndefined();
    expect(messages(file)).toEqual(["6:5 missing-note-definition error"]);
    expect(file.messages[0].reason).toContain("[^nope]");
  });

  it("warns about a definition never referenced and leaves it out of the notes", () => {
    const { file, letter } = parse(FRONT + "text[^a]\n\n[^a]: used\n[^b]: unused\n");
    expect(messages(file)).toEqual(["9:1 unused-note-definition warning"]);
    expect(letter?.notes.notes.map((n) => n.identifier)).toEqual(["a"]);
  });

  it("reports a duplicate label as an error at the second definition", () => {
    const { file, letter } = parse(FRONT + "text[^a]\n\n[^a]: one\n[^A]: two\n");
    expect(letter).toBeUndefined();
    expect(messages(file)).toEqual(["9:1 duplicate-note-definition error"]);
    expect(file.messages[0].reason).toContain("first at 8:1");
  });

  it("reports a note that calls another note as an error", () => {
    const { file, letter } = parse(FRONT + "text[^a]\n\n[^a]: see[^b]\n[^b]: b\n");
    expect(letter).toBeUndefined();
    expect(messages(file)).toContain("8:10 note-in-note error");
  });

  it("has no notes and no messages for a letter without notes", () => {
    const { calls, order, file } = numbering("Just text, and [brackets] that are not notes.\n");
    expect(calls).toEqual([]);
    expect(order).toEqual([]);
    expect(file.messages).toEqual([]);
  });

  it("numbers calls in link text and alt text as GitHub does, setting each call after its link or image", () => {
    // Beside the image the fixture folder holds.
    const { file, letter } = parse(
      FRONT +
        "See [the report[^r]](https://example.org/r), ![chart[^c]](img.png) and [a ![b[^d]](img.png)](https://example.org)[^e].\n\n[^r]: r\n[^c]: c\n[^d]: d\n[^e]: e\n",
      "test/fixtures/elsewhere/calls.md",
    );
    if (!letter) throw new Error(messages(file).join("; "));
    expect(letter.notes.notes.map((n) => n.identifier)).toEqual(["r", "c", "d", "e"]);
    const paragraph = letter.tree.children.find((n) => n.type === "paragraph") as any;
    expect(paragraph.children.filter((n: any) => n.type === "footnoteReference").map((n: any) => n.data.noteNumber)).toEqual([1, 2, 3, 4]);
    expect(paragraph.children.map((n: any) => n.type)).toEqual([
      "text",
      "link",
      "footnoteReference",
      "text",
      "image",
      "footnoteReference",
      "text",
      "link",
      "footnoteReference",
      "footnoteReference",
      "text",
    ]);
    expect(paragraph.children[4].alt).toBe("chart");
  });

  it("keeps the text of a link inside link text, inside the outer link", () => {
    const { letter } = numbering("See [a report, online: <https://example.org/a>, 2019](https://example.org/b).\n");
    const link = (letter.tree.children.find((n) => n.type === "paragraph") as any).children[1];
    expect(link.url).toBe("https://example.org/b");
    expect(link.children.map((n: any) => `${n.type}:${n.value}`)).toEqual(["text:a report, online: ", "text:https://example.org/a", "text:, 2019"]);
  });

  it("leaves [^labels with spaces] as text, saying why and how to escape, not asking for a definition", () => {
    const { file, letter } = parse(FRONT + "A [^my note] here, again [^my note].\n\n[^my note]: a definition cannot make it a note\n");
    expect(letter).toBeDefined();
    expect(messages(file)).toEqual(["6:3 not-a-note-call warning"]);
    expect(file.messages[0].reason).toBe(
      "`[^my note]` is left as text, not a note: a note label cannot hold spaces. To make it a note, use one without spaces (`[^my-note]`) in the call and its definition; to keep it as text, write `\\[^my note]`",
    );
    expect(file.messages[0].reason).not.toContain("add a line");
    const escaped = parse(FRONT + "A \\[^my note] here.\n");
    expect(messages(escaped.file)).toEqual([]);
  });

  it("tells how to keep a call with no definition as text", () => {
    const { file } = parse(FRONT + "Digits [^0-9] here.\n");
    expect(messages(file)).toEqual(["6:8 missing-note-definition error"]);
    expect(file.messages[0].reason).toBe(
      "Note [^0-9] is referenced but never defined; add a line `[^0-9]: …` with the note, or write `\\[^0-9]` if it is not a note call",
    );
  });

  it("reports a label too long for a note once, cut short", () => {
    const long = "x".repeat(1000);
    const { file, letter } = parse(FRONT + `A [^${long}] here.\n\n[^${long}]: its definition\n`);
    expect(letter).toBeDefined();
    expect(messages(file)).toEqual(["6:3 not-a-note-call warning"]);
    const reason = file.messages[0].reason;
    expect(reason.length).toBeLessThan(400);
    expect(reason).toContain(`[^${"x".repeat(40)}…]`);
    expect(reason).toContain("at most 999 characters (this one has 1000)");
  });

  it("cuts long labels in every note message", () => {
    const long = "y".repeat(300);
    const { file } = parse(FRONT + `a[^${long}]\n\n[^${long}]: one\n[^${long}]: two\n`);
    expect(messages(file)).toEqual(["9:1 duplicate-note-definition error"]);
    expect(file.messages[0].reason.length).toBeLessThan(200);
  });

  it("gives advice that works: each error's fix, applied, parses", () => {
    const cases: [string, string, string][] = [
      ["missing-note-definition", "Digits [^0-9] here.\n", "Digits \\[^0-9] here.\n"],
      ["note-in-note", "text[^a] and[^b]\n\n[^a]: see[^b]\n[^b]: b\n", "text[^a] and[^b]\n\n[^a]: see \\[^b]\n[^b]: b\n"],
      ["duplicate-note-definition", "text[^a]\n\n[^a]: one\n[^a]: two\n", "text[^a]\n\n[^a]: one\n"],
    ];
    for (const [rule, before, after] of cases) {
      const broken = parse(FRONT + before);
      expect(broken.letter, rule).toBeUndefined();
      expect(
        broken.file.messages.map((m) => m.ruleId),
        rule,
      ).toContain(rule);
      const fixed = parse(FRONT + after);
      expect(messages(fixed.file), rule).toEqual([]);
      expect(fixed.letter, rule).toBeDefined();
    }
  });
});
