/**
 * The packet's proof, on the file read back: each part's pages read as its edition's, its first foot and the contents say where it starts, added
 * pages are blank. Read by the PDF's tags, in any script: Chromium leaves the @page margin boxes (running head, page number) untagged.
 */
import { collapseSpace, printable } from "../verify/reading.ts";
import { type PageContent, readPageItems, type StructNode } from "../verify/pdf.ts";

export interface PageReading {
  /** The page's text (tagged text), white space collapsed. */
  text: string;
  /** What is printed in the foot (the page number), collapsed. */
  foot: string;
  /** The page numbers of the contents: the last cell of each table row that is a whole number, in order. */
  rightNumbers: number[];
}

/** Every page of a PDF, read by its structure. */
export async function readPages(bytes: Uint8Array): Promise<PageReading[]> {
  return (await readPageItems(bytes)).map(readPage);
}

const join = (items: { str: string }[]) => collapseSpace(items.map((item) => item.str).join(" "));

function readPage({ items, tree }: PageContent): PageReading {
  // Tagged text is the page's, untagged text below all of it the foot.
  const bottom = Math.min(...items.filter((item) => item.mc !== null && item.str.trim()).map((item) => item.y));
  const text = items.filter((item) => item.mc !== null);
  const foot = items.filter((item) => item.mc === null && item.y < bottom);
  const byMc = new Map<string, string>();
  for (const item of items) if (item.mc !== null) byMc.set(item.mc, (byMc.get(item.mc) ?? "") + item.str);
  return { text: join(text), foot: join(foot), rightNumbers: tree ? contentsNumbers(tree, byMc) : [] };
}

/** The last cell of each table row (TR), where it reads a whole number. */
function contentsNumbers(node: StructNode, byMc: Map<string, string>): number[] {
  if (node.role !== "TR") return (node.children ?? []).flatMap((child) => contentsNumbers(child, byMc));
  const textOf = (child: StructNode): string =>
    child.type === "content" && child.id ? (byMc.get(child.id) ?? "") : (child.children ?? []).map(textOf).join("");
  const cells = (node.children ?? []).filter((child) => child.role === "TD" || child.role === "TH");
  const last = cells.length > 1 ? textOf(cells[cells.length - 1]).trim() : "";
  return /^\d+$/.test(last) ? [Number(last)] : [];
}

/** The page number in a page's foot: its digits (marks, spaces or unmapped glyphs around it left out), if one number. */
function pageNumber(foot: string): string | undefined {
  const numbers = foot.normalize("NFKC").match(/\d+/g) ?? [];
  return numbers.length === 1 ? numbers[0] : undefined;
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
    if (!first || pageNumber(first.foot) !== String(part.start + 1)) {
      problems.push(`${part.name} starts on page ${part.start + 1} of the packet, but that page's foot reads “${printable(first?.foot || "nothing")}”`);
    }
    part.edition.forEach((page, i) => {
      const inPacket = packet[part.start + i];
      if (inPacket?.text !== page.text)
        problems.push(
          `${part.name}, page ${i + 1}: the packet's page ${part.start + i + 1} does not read as its own edition's page ${i + 1} (its text or notes differ)`,
        );
    });
  }
  const listed = contentsPages.flatMap((p) => packet[p]?.rightNumbers ?? []);
  const expected = parts.map((p) => p.start + 1);
  if (listed.join(",") !== expected.join(","))
    problems.push(`The contents list the parts at pages ${listed.join(", ") || "(none)"}, but they start at pages ${expected.join(", ")}`);
  for (const b of blanks)
    if (packet[b] && (packet[b].text || packet[b].foot))
      problems.push(`Page ${b + 1} was added blank, but reads “${printable(packet[b].text || packet[b].foot)}”`);
  return problems;
}
