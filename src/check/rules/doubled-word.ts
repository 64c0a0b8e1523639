/** The same word twice in a row ("the the"), also across emphasis; not repeated numbers. */
import { lintRule } from "../lint-rule.ts";

export const doubledWord = lintRule("broadside:doubled-word", "warning", ({ blocks }, file) => {
  for (const { text, pointAt } of blocks) {
    for (const match of text.matchAll(/(?<![\p{L}\p{N}])([\p{L}\p{N}]+)\s+(\1)(?![\p{L}\p{N}])/giu)) {
      if (match[1].toLowerCase() !== match[2].toLowerCase() || /^\p{N}+$/u.test(match[1])) continue;
      file.message(`“${match[1]}” twice in a row`, pointAt(match.index + match[0].length - match[2].length));
    }
  }
});
