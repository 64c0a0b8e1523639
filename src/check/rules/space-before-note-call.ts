/** White space between a word and its note call (`mandate [^1]`). */
import { visit } from "unist-util-visit";
import { lintRule } from "../lint-rule.ts";

export const spaceBeforeNoteCall = lintRule("broadside:space-before-note-call", "warning", (tree, file) => {
  visit(tree, "footnoteReference", (call, index, parent) => {
    const previous = index === undefined ? undefined : parent?.children[index - 1];
    if (previous?.type === "text" && /\s$/.test(previous.value)) {
      file.message(`Space before the note call [^${call.label ?? call.identifier}]: a call follows its word or punctuation directly`, call);
    }
  });
});
