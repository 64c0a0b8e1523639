/**
 * The packet's proof, on the assembled file read back with the proof's PDF reader (pdf.js): every
 * page of a part reads the same as the same page of the part's own edition (its text, notes
 * included, the page number at the foot apart), the page number printed at the foot of each
 * part's first page is where the part starts, the contents list those numbers, and the added
 * blank pages are blank.
 */
import { readPageItems } from "../verify/pdf.ts";

/** Below this height (pt from the bottom edge) is the page foot's number, under the bottom margin. */
const FOOT = 50;

export interface PageReading {
  /** The page's text above the foot, white space collapsed. */
  text: string;
  /** What is printed in the foot (the page number), collapsed. */
  foot: string;
  /** Items that are whole numbers and stand right of 70 % of the width (the contents' page column). */
  rightNumbers: number[];
}

export async function readPages(bytes: Uint8Array, width: number): Promise<PageReading[]> {
  return (await readPageItems(bytes)).map((items) => {
    const join = (list: typeof items) => list.map((item) => item.str).join(" ").replace(/\s+/g, " ").trim();
    return {
      text: join(items.filter((item) => item.y >= FOOT)),
      foot: join(items.filter((item) => item.y < FOOT)),
      rightNumbers: items.filter((item) => /^\s*\d+\s*$/.test(item.str) && item.x > width * 0.7).map((item) => Number(item.str)),
    };
  });
}

export interface PartLayout {
  name: string;
  /** 0-based index of its first page in the packet. */
  start: number;
  /** Its edition's pages, read back. */
  edition: PageReading[];
}

/** Every disagreement, in words; empty when the packet is right. */
export function proveLayout(packet: PageReading[], parts: PartLayout[], contentsPages: number[], blanks: number[]): string[] {
  const problems: string[] = [];
  for (const part of parts) {
    const first = packet[part.start];
    if (first?.foot !== String(part.start + 1)) problems.push(`${part.name} starts on page ${part.start + 1} of the packet, but that page's foot reads “${first?.foot ?? "nothing"}”`);
    part.edition.forEach((page, i) => {
      const inPacket = packet[part.start + i];
      if (inPacket?.text !== page.text) problems.push(`${part.name}, page ${i + 1}: the packet's page ${part.start + i + 1} does not read as its own edition's page ${i + 1} (its text or notes differ)`);
    });
  }
  const listed = contentsPages.flatMap((p) => packet[p]?.rightNumbers ?? []);
  const expected = parts.map((p) => p.start + 1);
  if (listed.join(",") !== expected.join(",")) problems.push(`The contents list the parts at pages ${listed.join(", ") || "(none)"}, but they start at pages ${expected.join(", ")}`);
  for (const b of blanks) if (packet[b] && (packet[b].text || packet[b].foot)) problems.push(`Page ${b + 1} was added blank, but reads “${packet[b].text || packet[b].foot}”`);
  return problems;
}
