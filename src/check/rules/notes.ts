/**
 * Note rules beyond the numbering pass (which already reports `missing-note-definition`,
 * `duplicate-note-definition`, `unused-note-definition` and `note-in-note`).
 *
 * - `note-empty` (error): a note with no text.
 * - `note-url-not-linked` (warning): a note whose only content is a web address that is not a link.
 */
import type { Root } from "mdast";
import { toString } from "mdast-util-to-string";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { fail, warn } from "../../messages.ts";
import { walk } from "../text.ts";

const URLISH = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#][^\s]*)?$/iu;

export const remarkLintNotes: Plugin<[], Root> = () => (_: Root, file: VFile) => {
  for (const note of file.data.notes?.notes ?? []) {
    let hasMedia = false;
    let hasLink = false;
    walk(note.definition, (node) => {
      if (node.type === "image" || node.type === "imageReference") hasMedia = true;
      if (node.type === "link" || node.type === "linkReference") hasLink = true;
    });
    const text = toString(note.definition).trim();
    if (!text && !hasMedia) fail(file, `Note [^${note.label}] is empty; write its text after \`[^${note.label}]:\``, note.definition, "note-empty");
    if (!hasLink && URLISH.test(text)) {
      warn(
        file,
        `Note [^${note.label}] is only a web address, and it is not a link: write it as <https://${text.replace(/^[a-z]+:\/\//i, "")}>`,
        note.definition,
        "note-url-not-linked",
      );
    }
  }
};
