/**
 * Random Markdown sources made of the blocks a letter is made of (headings, paragraphs with
 * links and note calls, lists, quotes, code, tables, definitions, raw HTML), joined by blank
 * lines or not, for tests that compare two ways of parsing the same source.
 */
export const BLOCKS = [
  (k: number) => `# Heading ${k}`,
  (k: number) => `## Signed by`,
  (k: number) => `Paragraph ${k} with [a link][ref${k % 4}], a call[^n${k % 5}], *emphasis* and **strong** text.`,
  (k: number) => `Paragraph ${k}\nover two lines, the second lazy.`,
  (k: number) => `Setext ${k}\n======`,
  (k: number) => `- item ${k}\n- item\n\n  continued item ${k}`,
  (k: number) => `1. one ${k}\n2. two`,
  (k: number) => `> quote ${k}\n> more`,
  (k: number) => `> quote ${k}\nlazy continuation`,
  (k: number) => "```\ncode " + k + "\n\n# not a heading\n```",
  (k: number) => `<div>\nhtml ${k}\n</div>`,
  (k: number) => `[ref${k % 4}]: https://example.org/${k}`,
  (k: number) => `[^n${k % 5}]: Note ${k}.\n\n    Its second paragraph.`,
  (k: number) => `| a | b |\n| - | - |\n| ${k} | x |`,
  (k: number) => "***",
  (k: number) => `    indented code ${k}`,
  (k: number) => "Text with `[x]: in code` and an address press@example.org.",
  (k: number) => `Line ${k} ending with two spaces  \nnext line`,
  (k: number) => `Text[^n${k % 5}] and [ref${k % 4}][] and [unknown${k}].`,
  (k: number) => `中文段落 ${k}，有注释[^n${k % 5}]。`,
];

/** A source of random blocks (deterministic: a linear congruential generator from `seed`). */
export function randomSource(seed: number): string {
  let state = seed;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const blocks: string[] = [];
  if (random(3) === 0) blocks.push("---\ntitle: Random\n---");
  const count = 4 + random(20);
  for (let k = 0; k < count; k++) blocks.push(BLOCKS[random(BLOCKS.length)](k));
  const separators = ["\n\n", "\n\n", "\n\n", "\n", "\n\n\n", "\n \n"];
  let text = blocks[0];
  for (const block of blocks.slice(1)) text += separators[random(separators.length)] + block;
  return random(2) ? `${text}\n` : text;
}
