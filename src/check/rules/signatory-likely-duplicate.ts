/**
 * The same group twice after also folding transliterations (Uyghur/Uighur, …) and small words ("of", "the"), at both places.
 * Whole names are compared, so "Students for a Free Tibet" and "Students for a Free Tibet Canada" are never flagged.
 */
import { lintRule } from "../lint-rule.ts";
import { distinct, likelyKey, repeats, where } from "../text.ts";

export const signatoryLikelyDuplicate = lintRule("broadside:signatory-likely-duplicate", "warning", ({ signatories }, file) => {
  for (const [entry, similar] of repeats(distinct(signatories), likelyKey)) {
    const [at, similarAt] = [where(entry.item.position?.start), where(similar.item.position?.start)];
    file.message(`Signatory “${entry.name}” is probably “${similar.name}” again (at ${similarAt}), spelled differently`, entry.item);
    file.message(`Signatory “${similar.name}” is probably listed again as “${entry.name}” at ${at}`, similar.item);
  }
});
