/** The count front matter `signatories.claimed` gives differs from the number of distinct entries. */
import { lintRule } from "../lint-rule.ts";
import { distinct } from "../text.ts";

export const signatoryCount = lintRule("broadside:signatory-count", "error", ({ signatories: entries, signatoryLists }, file) => {
  const claimed = file.data.meta!.signatoriesClaimed;
  const count = distinct(entries).length;
  if (claimed === undefined || entries.length === 0 || claimed === count) return;
  const repeats = entries.length - count;
  file.message(
    `The letter claims ${claimed} signatories; the list has ${entries.length} entr${entries.length === 1 ? "y" : "ies"}, ${count} distinct${repeats ? ` (${repeats} listed twice)` : ""}`,
    signatoryLists[0],
  );
});
