/**
 * Page furniture: one `div.bs-page` per sheet, the size of the @page content area, with its text in `div.bs-body` and its notes in
 * `aside.bs-foot > ol`: Chromium puts one box on each sheet and still draws the @page margin boxes (running head, "n / N").
 */
import { CLASS, type Flow, markTop, type Point, style } from "./dom.ts";
import { extractTail } from "./source.ts";

export interface Page {
  box: HTMLElement;
  body: HTMLElement;
  /** The page's foot and its list of notes, taken away if the page has no note. */
  foot: HTMLElement;
  list: HTMLOListElement;
  /** The box's top, in client px: what measures on the page are taken from. */
  top: number;
}

export function newPage(width: number, height: number): Page {
  const box = document.createElement("div");
  box.className = CLASS.page;
  box.style.width = `${width}px`;
  box.style.height = `${height}px`;
  // An <aside>: a tagged PDF marks it as a structure element of its own (Aside), so that a
  // reader tells the page's notes from a list of its body (src/verify/pdf.ts).
  box.innerHTML = `<div class="${CLASS.body}"></div><aside class="${CLASS.foot}"><ol></ol></aside>`;
  const [body, foot] = Array.from(box.children) as HTMLElement[];
  document.body.append(box);
  const list = foot.firstElementChild as HTMLOListElement;
  return { box, body, foot, list, top: 0 };
}

export const footHeight = (page: Page) => (page.list.firstChild ? page.foot.getBoundingClientRect().height : 0);
/** The foot's height down to `bottom` (client px) inside it, with its bottom padding. */
export function footTo(page: Page): (bottom: number) => number {
  const top = page.foot.getBoundingClientRect().top;
  const padding = Number.parseFloat(style(page.foot).paddingBottom) || 0;
  return (bottom) => bottom - top + padding;
}

/** The part of note `li` after `point`, to start the next page's foot ("N (cont.)" in templates/print.css). */
export function continuation(flow: Flow, li: HTMLElement, point: Point): HTMLElement {
  const copy = li.cloneNode(false) as HTMLElement;
  copy.removeAttribute("id");
  copy.classList.add(CLASS.continued);
  copy.append(extractTail(flow, li, point));
  markTop(copy);
  return copy;
}
