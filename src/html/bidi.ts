/**
 * Bidi isolation: a run against the letter's direction (Latin or a number range in a right-to-left letter, an Arabic name
 * in a left-to-right one) is wrapped in `<bdi>`, so that the neutral characters at its edges (a parenthesis) keep their place.
 */
import type { Element, ElementContent, Root, Text } from "hast";
import { h } from "hastscript";
import { SKIP as SKIP_CHILDREN, visit } from "unist-util-visit";
import { RTL_LETTERS as RTL, RTL_RUN_INNER } from "../language.ts";
import { trimTrailing } from "../text.ts";

/** A letter written left to right: any letter not of a right-to-left script. */
const LTR_LETTER = String.raw`(?:(?![${RTL}])\p{L})`;
/** What may stand inside a left-to-right run: its letters, marks, digits, and the punctuation of names, addresses and numbers. */
const LTR_INNER = String.raw`(?:${LTR_LETTER}|[\p{M}\p{Nd} .,:;'’&/@_+#%()\[\]\-–])`;
const LTR_RUN = new RegExp(String.raw`(?:${LTR_LETTER}|\p{Nd}|\+)${LTR_INNER}*`, "gu");
/** A right-to-left run: its letters, then what it holds between them. */
const RTL_RUN = new RegExp(`[${RTL}][${RTL}${RTL_RUN_INNER}]*`, "gu");
const HAS_LTR_LETTER = new RegExp(LTR_LETTER, "u");
const RTL_END = new RegExp(String.raw`[${RTL}\p{M}]$`, "u");
const URL_TEXT = /^(https?:\/\/|www\.|mailto:)|^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

/** Elements whose text is not prose, or is isolated already. */
const SKIP = new Set(["code", "pre", "kbd", "samp", "style", "script", "svg", "bdi", "bdo", "math", "textarea"]);

/** Trim a left-to-right match to end at a letter, a digit, or a closing bracket it opened. */
function trimLtr(run: string): string {
  const count = (text: string, char: string) => text.split(char).length - 1;
  let end = run.length;
  while (end > 0) {
    const last = run[end - 1];
    const text = run.slice(0, end);
    if (/[\p{L}\p{M}\p{Nd}]/u.test(last)) break;
    if (last === ")" && count(text, "(") >= count(text, ")")) break;
    if (last === "]" && count(text, "[") >= count(text, "]")) break;
    end--;
  }
  return run.slice(0, end);
}

/** Is this left-to-right run one whose order the paragraph could change? A lone word or number is safe. */
function needsIsolation(run: string): boolean {
  if (HAS_LTR_LETTER.test(run)) return true;
  // Numbers with separators inside (2019–2024, +1 202 555 0100, 10:30) are reordered in right-to-left text.
  return /\p{Nd}[^\p{Nd}]+\p{Nd}/u.test(run);
}

function splitText(text: Text, dir: "ltr" | "rtl"): ElementContent[] | undefined {
  const value = text.value;
  const pattern = dir === "rtl" ? LTR_RUN : RTL_RUN;
  const pieces: ElementContent[] = [];
  let at = 0;
  for (const match of value.matchAll(pattern)) {
    let run = match[0];
    if (dir === "rtl") {
      run = trimLtr(run);
      if (!run || !needsIsolation(run)) continue;
    } else {
      run = trimTrailing(run, /[^\p{L}\p{M}]/u);
      if (!RTL_END.test(run)) continue;
    }
    if (match.index > at) pieces.push({ type: "text", value: value.slice(at, match.index) });
    pieces.push(h("bdi", { dir: dir === "rtl" ? "ltr" : "rtl" }, run));
    at = match.index + run.length;
  }
  if (pieces.length === 0) return undefined;
  if (at < value.length) pieces.push({ type: "text", value: value.slice(at) });
  return pieces;
}

const textOf = (node: ElementContent): string => (node.type === "text" ? node.value : node.type === "element" ? node.children.map(textOf).join("") : "");

/** Wrap the runs against `dir` in the tree, in place; a URL link's text is set left to right, each signatory's name in its own direction. */
export function isolateBidi(tree: Root | Element, dir: "ltr" | "rtl") {
  visit(tree, (node, index, parent) => {
    if (node.type === "text" && parent && index !== undefined) {
      const split = splitText(node, dir);
      if (split) parent.children.splice(index, 1, ...split);
      return split && index + split.length;
    }
    if (node.type !== "element" || node === tree) return;
    const classes = (node.properties.className as string[] | undefined) ?? [];
    if (node.tagName === "a" && URL_TEXT.test(textOf(node).trim())) node.properties.dir = "ltr";
    else if (node.tagName === "ul" && classes.includes("signatories")) {
      for (const li of node.children) if (li.type === "element" && li.tagName === "li") li.properties.dir = "auto";
    } else if (!SKIP.has(node.tagName) && !(node.tagName === "sup" && classes.includes("note-call")) && node.properties.dir === undefined) return;
    return SKIP_CHILDREN;
  });
}
