/** A note whose only content is a web address that is not a link. */
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import { lintRule } from "../lint-rule.ts";

const URLISH = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#][^\s]*)?$/iu;

export const noteUrlNotLinked = lintRule("broadside:note-url-not-linked", "warning", (_, file) => {
  for (const note of file.data.notes?.notes ?? []) {
    let hasLink = false;
    visit(note.definition, ["link", "linkReference"], () => {
      hasLink = true;
    });
    const text = toString(note.definition).trim();
    if (!hasLink && URLISH.test(text)) {
      const address = `https://${text.replace(/^[a-z]+:\/\//i, "")}`;
      file.message(`Note [^${note.label}] is only a web address, and it is not a link: write it as <${address}>`, note.definition);
    }
  }
});
