/** The same group twice, after folding case, spacing, punctuation and diacritics: reported at both places. */
import { lintRule } from "../lint-rule.ts";
import { type Entry, exactKey, signatoryEntries, where } from "../text.ts";

export const signatoryDuplicate = lintRule("broadside:signatory-duplicate", "error", (tree, file) => {
  const first = new Map<string, Entry>();
  for (const entry of signatoryEntries(tree)) {
    const earlier = first.get(exactKey(entry.name));
    if (!earlier) {
      first.set(exactKey(entry.name), entry);
      continue;
    }
    file.message(`Signatory “${entry.name}” is listed twice (also at ${where(earlier.item.position?.start)})`, entry.item);
    file.message(`Signatory “${earlier.name}” is listed again at ${where(entry.item.position?.start)}`, earlier.item);
  }
});
