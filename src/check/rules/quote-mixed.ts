/** Straight quotes (" ') in a paragraph that also has curly ones. */
import { lintRule } from "../lint-rule.ts";
import { where } from "../text.ts";

export const quoteMixed = lintRule("broadside:quote-mixed", "warning", ({ blocks }, file) => {
  for (const { text, pointAt } of blocks) {
    const curly = /[“”‘’]/.exec(text);
    const straight = /["']/.exec(text);
    if (curly && straight) {
      file.message(`Straight quote ${straight[0]} in a paragraph with curly quotes (${curly[0]} at ${where(pointAt(curly.index))})`, pointAt(straight.index));
    }
  }
});
