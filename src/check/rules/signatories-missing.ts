/** Front matter names a signatories heading that the letter does not have. */
import { lintRule } from "../lint-rule.ts";
import { proofread } from "../text.ts";

export const signatoriesMissing = lintRule("broadside:signatories-missing", "error", (tree, file) => {
  const heading = file.data.meta!.signatoriesHeading;
  if (heading && proofread(tree, file).signatoryLists.length === 0) {
    const frontMatter = tree.children.find((node) => node.type === "yaml");
    file.message(`Front matter names the signatories heading “${heading}”, but no list follows such a heading`, frontMatter);
  }
});
