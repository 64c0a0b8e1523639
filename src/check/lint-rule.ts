/**
 * A check rule in unified-lint-rule's shape: the plugin gives each message `rule` added the rule's id, source and severity.
 * Our own, as that package has no "info" severity (`url-cited-twice`).
 */
import type { Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { type Proofread, proofread } from "./text.ts";

const FATAL = { error: true, warning: false, info: undefined };

/** `origin` is `broadside:<rule-id>`; the id is what users see in messages. */
export function lintRule(
  origin: `broadside:${string}`,
  severity: keyof typeof FATAL,
  rule: (letter: Proofread, file: VFile, tree: Root) => void,
): Plugin<[], Root> {
  const [source, ruleId] = origin.split(":");
  const plugin: Plugin<[], Root> = () => (tree, file) => {
    const from = file.messages.length;
    rule((file.data.proofread ??= proofread(tree, file)), file, tree);
    for (const message of file.messages.slice(from)) Object.assign(message, { fatal: FATAL[severity], ruleId, source });
  };
  return Object.defineProperty(plugin, "name", { value: origin });
}
