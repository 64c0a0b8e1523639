/** What the steps of pagination share about the DOM: the run's state and small tree helpers. */

/** The state of one pagination run, handed to every step that cuts or measures. */
export interface Flow {
  /** One Range, reused for every cut and every measure of text. */
  range: Range;
  /** Which original element a clone made by a Range cut stands for. */
  origin: WeakMap<Node, Node>;
  /** Lists in columns set to the height left on their page (undone when they are cut or measured again). */
  filled: Set<HTMLElement>;
}

/** A place to cut: before `offset` in `node`. */
export interface Point {
  node: Node;
  offset: number;
  /** A word was split: the first part gets a hyphen. */
  hyphen?: boolean;
}

export const CLASS = { page: "bs-page", body: "bs-body", foot: "bs-foot", continued: "bs-cont", first: "bs-first" };
/** Elements no page break goes through. */
export const MONOLITHIC = new Set(["IMG", "SVG", "svg", "VIDEO", "CANVAS", "IFRAME", "OBJECT", "EMBED", "HR", "MATH", "math"]);
/** Rounding slack in CSS px. */
export const EPS = 0.5;

export const newFlow = (): Flow => ({ range: document.createRange(), origin: new WeakMap(), filled: new Set() });
export const originOf = (flow: Flow, node: Node) => flow.origin.get(node) ?? node;

const isBlankText = (node: Node) => node.nodeType === Node.COMMENT_NODE || (node.nodeType === Node.TEXT_NODE && !/\S/.test((node as Text).data));
/** From `node` on, going by `next`, the first node that is not blank text or a comment. */
function skipBlank(node: Node | null, next: (node: Node) => Node | null): Node | null {
  while (node && isBlankText(node)) node = next(node);
  return node;
}
export const firstContent = (parent: Node) => skipBlank(parent.firstChild, (node) => node.nextSibling);
export const lastContent = (parent: Node) => skipBlank(parent.lastChild, (node) => node.previousSibling);
export const isElement = (node: Node | null): node is HTMLElement => node?.nodeType === Node.ELEMENT_NODE;
export const isBlank = (el: Element) => !el.firstElementChild && !/\S/.test(el.textContent ?? "");
export const indexIn = (node: Node) => Array.prototype.indexOf.call(node.parentNode!.childNodes, node) as number;

/** Elements from just below `root` down to the element holding `node` (itself, if an element). */
export function chainOf(node: Node, root: Node): Element[] {
  const chain: Element[] = [];
  for (let n: Node | null = isElement(node) ? node : node.parentNode; n && n !== root; n = n.parentNode) chain.unshift(n as Element);
  return chain;
}

/** A list in columns back to its own height. */
export function unfill(flow: Flow, el: HTMLElement) {
  el.style.removeProperty("height");
  el.style.removeProperty("column-fill");
  flow.filled.delete(el);
}

const styles = new WeakMap<Element, CSSStyleDeclaration>();
/** The computed style (a live object, so kept). */
export function style(el: Element): CSSStyleDeclaration {
  let s = styles.get(el);
  if (!s) styles.set(el, (s = getComputedStyle(el)));
  return s;
}

/** The first block on a page keeps no top margin (a margin at a page break is truncated). */
export function markTop(body: Element) {
  let node = firstContent(body);
  while (isElement(node)) {
    node.classList.add(CLASS.first);
    node = firstContent(node);
  }
}
