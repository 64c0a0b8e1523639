/**
 * A note call never starts a line, nor does the punctuation after it: the call, the character before it and the closing
 * punctuation after it are kept on one line (Chinese and Japanese break between any two characters: "職²。").
 */
import type { Element, ElementContent, Root, Text } from "hast";
import { matches } from "hast-util-select";
import { h } from "hastscript";

const isCall = (node: ElementContent | undefined): node is Element => node?.type === "element" && matches("sup.note-call", node);

/** Characters after which a line may break before anything (CJK, scripts without spaces): the call takes the one before it along. */
const BREAKS_BEFORE_ANY =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\u3000-\u303f\uff00-\uffef]/u;

/** Closing brackets and quotes, and punctuation that ends a phrase (。，、．：；！？ , . ; etc.). */
const AFTER = /^[\p{Pe}\p{Pf}\p{Po}]+/u;

export function keepCallsWithText(node: Root | Element) {
  for (const child of node.children) if (child.type === "element") keepCallsWithText(child);
  const children = node.children as ElementContent[];
  for (let i = 0; i < children.length; i++) {
    if (!isCall(children[i])) continue;
    let end = i;
    while (isCall(children[end + 1])) end++;
    const group: ElementContent[] = children.slice(i, end + 1);
    const calls = group.length;
    let start = i;
    const before = children[i - 1];
    if (before?.type === "text") {
      const chars = Array.from(before.value);
      const last = chars[chars.length - 1];
      if (last && BREAKS_BEFORE_ANY.test(last)) {
        before.value = chars.slice(0, -1).join("");
        group.unshift({ type: "text", value: last } as Text);
        if (!before.value) start = i - 1;
      }
    }
    const after = children[end + 1];
    if (after?.type === "text") {
      const punctuation = AFTER.exec(after.value)?.[0];
      if (punctuation) {
        after.value = after.value.slice(punctuation.length);
        group.push({ type: "text", value: punctuation } as Text);
        if (!after.value) end++;
      }
    }
    if (group.length === calls) {
      i = end; // nothing to keep the calls with
      continue;
    }
    const span = h("span", { className: ["note-call-group"] }, group);
    children.splice(start, end - start + 1, span);
    i = start;
  }
}
