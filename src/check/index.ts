/**
 * `npm run check`: the letter's own mistakes, as lint plugins of the letter's processor: each
 * module (rules/*) reads the tree and `file.data` (front matter, notes) and reports vfile
 * messages with a place and a rule id. The parse's own rules (front matter, numbering) come first;
 * these run on a letter without errors.
 */
import { type Pluggable, unified } from "unified";
import type { VFile } from "vfile";
import type { Feature, Letter } from "../letter.ts";
import { remarkLintLinks } from "./rules/links.ts";
import { remarkLintNotes } from "./rules/notes.ts";
import { remarkLintPress } from "./rules/press.ts";
import { remarkLintSignatories } from "./rules/signatories.ts";
import { remarkLintTypography } from "./rules/typography.ts";

const RULES: Pluggable[] = [remarkLintNotes, remarkLintSignatories, remarkLintTypography, remarkLintLinks, remarkLintPress];

/** The rules as a feature, for `parseLetter`: they run last, after the features' transforms. */
export const lintFeature: Feature = { plugins: RULES };

/** The rules on a letter already parsed (`npm run dev`). */
export function checkLetter(letter: Letter): VFile {
  unified().use(RULES).runSync(letter.tree, letter.file);
  return letter.file;
}
