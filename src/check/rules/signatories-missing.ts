/** Front matter names a signatories heading that the letter does not have. */
import { lintRule } from "../lint-rule.ts";

export const signatoriesMissing = lintRule("broadside:signatories-missing", "error", ({ signatoryLists }, file, tree) => {
  const heading = file.data.meta!.signatoriesHeading;
  if (heading && signatoryLists.length === 0) {
    const frontMatter = tree.children.find((node) => node.type === "yaml");
    file.message(`Front matter names the signatories heading “${heading}”, but no list follows such a heading`, frontMatter);
  }
});
