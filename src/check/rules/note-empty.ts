/** A note with no text (beyond the numbering pass's own note rules). */
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import { lintRule } from "../lint-rule.ts";

export const noteEmpty = lintRule("broadside:note-empty", "error", (_, file) => {
  for (const note of file.data.notes?.notes ?? []) {
    let hasMedia = false;
    visit(note.definition, ["image", "imageReference"], () => {
      hasMedia = true;
    });
    if (!hasMedia && !toString(note.definition).trim())
      file.message(`Note [^${note.label}] is empty; write its text after \`[^${note.label}]:\``, note.definition);
  }
});
