/**
 * `npm run check`: the letter's own mistakes, as lint plugins of its processor, one rule a module (rules/<rule-id>.ts). They
 * read the tree and `file.data` (front matter, notes) after the parse's own rules, on a letter without errors.
 */
import { type Pluggable, unified } from "unified";
import type { Letter } from "../letter.ts";
import { doubledWord } from "./rules/doubled-word.ts";
import { embargoNoZone } from "./rules/embargo-no-zone.ts";
import { embargoPassed } from "./rules/embargo-passed.ts";
import { noteEmpty } from "./rules/note-empty.ts";
import { noteUrlNotLinked } from "./rules/note-url-not-linked.ts";
import { packetParts } from "./rules/packet-parts.ts";
import { quoteMismatch } from "./rules/quote-mismatch.ts";
import { quoteMixed } from "./rules/quote-mixed.ts";
import { signatoriesMissing } from "./rules/signatories-missing.ts";
import { signatoryCount } from "./rules/signatory-count.ts";
import { signatoryDuplicate } from "./rules/signatory-duplicate.ts";
import { signatoryLikelyDuplicate } from "./rules/signatory-likely-duplicate.ts";
import { spaceBeforeNoteCall } from "./rules/space-before-note-call.ts";
import { urlCitedTwice } from "./rules/url-cited-twice.ts";
import { urlInsecure } from "./rules/url-insecure.ts";
import { urlMalformed } from "./rules/url-malformed.ts";

export const RULES: Pluggable[] = [
  noteEmpty,
  noteUrlNotLinked,
  signatoriesMissing,
  signatoryDuplicate,
  signatoryLikelyDuplicate,
  signatoryCount,
  quoteMismatch,
  quoteMixed,
  doubledWord,
  spaceBeforeNoteCall,
  urlMalformed,
  urlInsecure,
  urlCitedTwice,
  embargoNoZone,
  embargoPassed,
  packetParts,
];

/** The rules on a letter already parsed (`npm run dev`). */
export function checkLetter(letter: Letter): void {
  unified().use(RULES).runSync(letter.tree, letter.file);
}
