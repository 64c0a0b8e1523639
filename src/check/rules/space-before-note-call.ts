/** White space between a word and its note call (`mandate [^1]`). */
import { lintRule } from "../lint-rule.ts";

export const spaceBeforeNoteCall = lintRule("broadside:space-before-note-call", "warning", ({ calls }, file) => {
  for (const { call, before } of calls) {
    if (before?.type === "text" && /\s$/.test(before.value)) {
      file.message(`Space before the note call [^${call.label ?? call.identifier}]: a call follows its word or punctuation directly`, call);
    }
  }
});
