/**
 * What a proofreader would flag, as warnings, never fixed: the signed text is not ours to edit.
 *
 * - `quote-mismatch`: a quotation mark opened and not closed, closed and not opened, or closed
 *   with the opening mark (‘…‘). ’ between letters, or after an s (groups’), is an apostrophe.
 * - `quote-mixed`: straight quotes (" ') in a paragraph that also has curly ones.
 * - `doubled-word`: the same word twice in a row ("the the").
 * - `space-before-note-call`: white space between a word and its note call (`mandate [^1]`).
 */
import type { Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { warn } from "../../messages.ts";
import { type Block, blocks, walk, where } from "../text.ts";

const LETTER = /[\p{L}\p{N}]/u;
const SPACE_OR_END = (c: string | undefined) => c === undefined || /[\s\p{P}]/u.test(c);

function quoteMismatch(block: Block, file: VFile) {
  const { text } = block;
  let double: number | undefined;
  let single: number | undefined;
  const say = (i: number, reason: string) => warn(file, reason, block.pointAt(i), "quote-mismatch");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const before = text[i - 1];
    const after = text[i + 1];
    if (c === "“") {
      if (double !== undefined) say(double, `“ opened here is not closed before the next “ at ${where(block.pointAt(i))}`);
      double = i;
    } else if (c === "”") {
      if (double === undefined) say(i, "” closes a quotation that was never opened with “");
      double = undefined;
    } else if (c === "‘") {
      if (single !== undefined && before !== undefined && !/\s/.test(before) && SPACE_OR_END(after)) {
        say(i, `‘ opened at ${where(block.pointAt(single))} is closed with ‘ instead of ’`);
        single = undefined;
      } else {
        if (single !== undefined) say(single, `‘ opened here is not closed before the next ‘ at ${where(block.pointAt(i))}`);
        single = i;
      }
    } else if (c === "’") {
      if (before !== undefined && LETTER.test(before) && after !== undefined && LETTER.test(after)) continue; // Beijing’s
      if (single !== undefined) {
        single = undefined;
      } else if (before !== undefined && LETTER.test(before) && !/s/i.test(before) && SPACE_OR_END(after)) {
        say(i, "’ closes a quotation that was never opened with ‘");
      }
    }
  }
  if (double !== undefined) say(double, "“ opened here is never closed with ”");
  if (single !== undefined) say(single, "‘ opened here is never closed with ’");
}

function quoteMixed(block: Block, file: VFile) {
  const curly = /[“”‘’]/.exec(block.text);
  const straight = /["']/.exec(block.text);
  if (curly && straight) {
    warn(
      file,
      `Straight quote ${straight[0]} in a paragraph with curly quotes (${curly[0]} at ${where(block.pointAt(curly.index))})`,
      block.pointAt(straight.index),
      "quote-mixed",
    );
  }
}

function doubledWords(block: Block, file: VFile) {
  for (const match of block.text.matchAll(/(?<![\p{L}\p{N}])([\p{L}\p{N}]+)\s+(\1)(?![\p{L}\p{N}])/giu)) {
    if (match[1].toLowerCase() !== match[2].toLowerCase() || /^\p{N}+$/u.test(match[1])) continue;
    const second = match.index + match[0].length - match[2].length;
    warn(file, `“${match[1]}” twice in a row`, block.pointAt(second), "doubled-word");
  }
}

export const remarkLintTypography: Plugin<[], Root> = () => (tree: Root, file: VFile) => {
  const found = blocks(tree, file);
  for (const check of [quoteMismatch, quoteMixed, doubledWords]) for (const block of found) check(block, file);
  walk(tree, (node, parent) => {
    if (node.type !== "footnoteReference" || !parent) return;
    const index = parent.children.indexOf(node);
    const previous = parent.children[index - 1];
    if (previous?.type === "text" && /\s$/.test(previous.value)) {
      warn(
        file,
        `Space before the note call [^${node.label ?? node.identifier}]: a call follows its word or punctuation directly`,
        node,
        "space-before-note-call",
      );
    }
  });
};
