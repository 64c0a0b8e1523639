/**
 * A check rule in unified-lint-rule's shape: the plugin gives each message `rule` added the rule's id, source and severity.
 * Our own, as that package has no "info" severity (`url-cited-twice`).
 */
import type { Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";

const FATAL = { error: true, warning: false, info: undefined };

/** `origin` is `broadside:<rule-id>`; the id is what users see in messages. */
export function lintRule(origin: `broadside:${string}`, severity: keyof typeof FATAL, rule: (tree: Root, file: VFile) => void): Plugin<[], Root> {
  const [source, ruleId] = origin.split(":");
  const plugin: Plugin<[], Root> = () => (tree, file) => {
    const from = file.messages.length;
    rule(tree, file);
    for (const message of file.messages.slice(from)) Object.assign(message, { fatal: FATAL[severity], ruleId, source });
  };
  return Object.defineProperty(plugin, "name", { value: origin });
}
