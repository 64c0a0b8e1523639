/**
 * `npm run check`: the letter's own mistakes, one rule per module, each a vfile message with a
 * place and a rule id. The numbering pass's note rules run as part of parsing; these run after.
 */
import type { List } from "mdast";
import type { VFile } from "vfile";
import type { Letter } from "../letter.ts";
import { linkRules } from "./rules/links.ts";
import { noteRules } from "./rules/notes.ts";
import { packetRules, pressRules } from "./rules/press.ts";
import { signatoryRules } from "./rules/signatories.ts";
import { typographyRules } from "./rules/typography.ts";
import { walk } from "./text.ts";

export interface RuleContext {
  letter: Letter;
  /** The lists the parse marked as signatories. */
  signatories: List[];
}

export interface Rule {
  id: string;
  check(context: RuleContext): void;
}

export const RULES: Rule[] = [...noteRules, ...signatoryRules, ...typographyRules, ...linkRules, ...pressRules, ...packetRules];

/** Rule ids reported by parsing itself (front matter and the numbering pass). */
export const PARSE_RULES = [
  "front-matter-yaml", "front-matter-toml", "front-matter-shape", "front-matter-required", "front-matter-type",
  "front-matter-lang", "front-matter-language", "front-matter-unknown-key", "front-matter-ignored-keys", "lang-default",
  "missing-note-definition", "duplicate-note-definition", "unused-note-definition", "note-in-note", "not-a-note-call",
];

export function checkLetter(letter: Letter): VFile {
  const signatories: List[] = [];
  walk(letter.tree, (node) => {
    if (node.type === "list" && node.data?.signatories) signatories.push(node);
  });
  for (const rule of RULES) rule.check({ letter, signatories });
  return letter.file;
}
