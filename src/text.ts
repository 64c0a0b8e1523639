/** Trimming in linear time: a pattern like `/[\s:]+$/` is tried at every character of a run of white space, in time growing with its square. */

/** `text` without the characters at its end that `char` (a class of one character, no `g` flag) matches. */
export function trimTrailing(text: string, char: RegExp): string {
  let end = text.length;
  while (end > 0) {
    // A letter outside the Basic Multilingual Plane is two UTF-16 units: tested whole.
    const size = end > 1 && /[\uDC00-\uDFFF]/.test(text[end - 1]) && /[\uD800-\uDBFF]/.test(text[end - 2]) ? 2 : 1;
    if (!char.test(text.slice(end - size, end))) break;
    end -= size;
  }
  return text.slice(0, end);
}

/** Each line break, with the white space around it, as one space (a paragraph's source lines joined). */
export function oneLine(text: string): string {
  if (!text.includes("\n")) return text;
  const lines = text.split(/\n\s*/);
  return lines.map((line, i) => (i < lines.length - 1 ? line.trimEnd() : line)).join(" ");
}
