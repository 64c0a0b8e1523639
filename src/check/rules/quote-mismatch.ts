/**
 * A quotation mark opened and not closed, closed and not opened, or closed with the opening mark (‘…‘); ’ between letters,
 * or after an s (groups’), is an apostrophe. Reported, never fixed: the signed text is not ours to edit.
 */
import { lintRule } from "../lint-rule.ts";
import { where } from "../text.ts";

const LETTER = /[\p{L}\p{N}]/u;
const SPACE_OR_END = (c: string | undefined) => c === undefined || /[\s\p{P}]/u.test(c);

export const quoteMismatch = lintRule("broadside:quote-mismatch", "warning", ({ blocks }, file) => {
  for (const { text, pointAt } of blocks) {
    let double: number | undefined;
    let single: number | undefined;
    const say = (i: number, reason: string) => file.message(reason, pointAt(i));
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const before = text[i - 1];
      const after = text[i + 1];
      if (c === "“") {
        if (double !== undefined) say(double, `“ opened here is not closed before the next “ at ${where(pointAt(i))}`);
        double = i;
      } else if (c === "”") {
        if (double === undefined) say(i, "” closes a quotation that was never opened with “");
        double = undefined;
      } else if (c === "‘") {
        if (single !== undefined && before !== undefined && !/\s/.test(before) && SPACE_OR_END(after)) {
          say(i, `‘ opened at ${where(pointAt(single))} is closed with ‘ instead of ’`);
          single = undefined;
        } else {
          if (single !== undefined) say(single, `‘ opened here is not closed before the next ‘ at ${where(pointAt(i))}`);
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
});
