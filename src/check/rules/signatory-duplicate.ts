/** The same group twice, after folding case, spacing, punctuation and diacritics: reported at both places. */
import { lintRule } from "../lint-rule.ts";
import { type Entry, proofread, where } from "../text.ts";

export const signatoryDuplicate = lintRule("broadside:signatory-duplicate", "error", (tree, file) => {
  const first = new Map<string, Entry>();
  for (const entry of proofread(tree, file).signatories) {
    const earlier = first.get(entry.key);
    if (!earlier) {
      first.set(entry.key, entry);
      continue;
    }
    file.message(`Signatory “${entry.name}” is listed twice (also at ${where(earlier.item.position?.start)})`, entry.item);
    file.message(`Signatory “${earlier.name}” is listed again at ${where(entry.item.position?.start)}`, earlier.item);
  }
});
