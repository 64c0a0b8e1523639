/**
 * Note rules beyond the numbering pass (which already reports `missing-note-definition`,
 * `duplicate-note-definition`, `unused-note-definition` and `note-in-note`).
 *
 * - `note-empty` (error): a note with no text.
 * - `note-url-not-linked` (warning): a note whose only content is a web address that is not a link.
 */
import { toString } from "mdast-util-to-string";
import { fail, warn } from "../../messages.ts";
import type { Rule } from "../index.ts";
import { walk } from "../text.ts";

const URLISH = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#][^\s]*)?$/iu;

export const noteRules: Rule[] = [
  {
    id: "note-empty",
    check({ letter }) {
      for (const note of letter.notes.notes) {
        let hasMedia = false;
        walk(note.definition, (node) => {
          if (node.type === "image" || node.type === "imageReference") hasMedia = true;
        });
        if (!toString(note.definition).trim() && !hasMedia) {
          fail(letter.file, `Note [^${note.label}] is empty; write its text after \`[^${note.label}]:\``, note.definition, "note-empty");
        }
      }
    },
  },
  {
    id: "note-url-not-linked",
    check({ letter }) {
      for (const note of letter.notes.notes) {
        const text = toString(note.definition).trim();
        let hasLink = false;
        walk(note.definition, (node) => {
          if (node.type === "link" || node.type === "linkReference") hasLink = true;
        });
        if (!hasLink && URLISH.test(text)) {
          warn(letter.file, `Note [^${note.label}] is only a web address, and it is not a link: write it as <https://${text.replace(/^[a-z]+:\/\//i, "")}>`, note.definition, "note-url-not-linked");
        }
      }
    },
  },
];
