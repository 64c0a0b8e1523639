/** The same group twice, after folding case, spacing, punctuation and diacritics: reported at both places. */
import { lintRule } from "../lint-rule.ts";
import { repeats, where } from "../text.ts";

export const signatoryDuplicate = lintRule("broadside:signatory-duplicate", "error", ({ signatories }, file) => {
  for (const [entry, earlier] of repeats(signatories, (entry) => entry.key)) {
    file.message(`Signatory “${entry.name}” is listed twice (also at ${where(earlier.item.position?.start)})`, entry.item);
    file.message(`Signatory “${earlier.name}” is listed again at ${where(entry.item.position?.start)}`, earlier.item);
  }
});
