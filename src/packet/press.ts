/**
 * A press release (`embargo`, `dateline` or `contacts` in the front matter) gets its embargo line, dateline, end mark and media contacts as
 * ordinary Markdown nodes, so that every compiler prints them like any other text.
 */
import type { BlockContent, Paragraph, PhrasingContent, Root, RootContent } from "mdast";
import type { VFile } from "vfile";
import type { FrontMatter } from "../frontmatter.ts";
import type { Feature } from "../letter.ts";
import { formatEmbargo, PACKET_MATTER, PRESS_MATTER, pressWords } from "./matter.ts";

/** Press releases: their front-matter keys and the lines they add around the text. */
export const pressFeature: Feature = { matter: [PRESS_MATTER], plugins: [() => (tree: Root, file: VFile) => addPressMatter(tree, file.data.meta!)] };
/** Packets: their `packet:` key (src/packet/index.ts builds them). */
export const packetFeature: Feature = { matter: [PACKET_MATTER] };

declare module "mdast" {
  interface Data {
    /** Press-release furniture made from the front matter: the .docx styles it so that an import leaves it out. */
    press?: boolean;
  }
}

const text = (value: string): PhrasingContent => ({ type: "text", value });
const classed = (className: string) => ({ press: true, hProperties: { className: [className] } });

function addPressMatter(tree: Root, meta: FrontMatter): void {
  const press = meta.press;
  if (!press || meta.packet) return; // a packet's contacts go on its cover (src/packet)
  const words = pressWords(meta.lang);
  const body = tree.children;
  // Footnote definitions (and the front matter) stay where they are: what is added goes around the text.
  const isText = (node: RootContent) => node.type !== "yaml" && node.type !== "footnoteDefinition" && node.type !== "definition";
  const first = body.findIndex(isText);
  const last = body.reduce((found, node, i) => (isText(node) ? i : found), -1);

  const after: RootContent[] = [{ type: "paragraph", data: classed("end-mark"), children: [text(words.endMark)] }];
  if (press.contacts.length) {
    after.push({ type: "heading", depth: 2, data: classed("contacts-heading"), children: [text(words.contacts)] });
    after.push({
      type: "list",
      ordered: false,
      spread: false,
      data: classed("contacts"),
      children: press.contacts.map((c) => ({
        type: "listItem",
        spread: false,
        children: [
          {
            type: "paragraph",
            children: [{ type: "strong", children: [text(c.name)] }, ...[c.role, c.phone, c.email].filter((v): v is string => !!v).map((v) => text(`, ${v}`))],
          } as BlockContent,
        ],
      })),
    });
  }
  body.splice(last + 1, 0, ...after);

  // A copy of the paragraph: the parsed nodes may be shared with a kept parse (npm run dev).
  const at = body.findIndex((node) => node.type === "paragraph" && !node.data?.hProperties);
  const paragraph = body[at] as Paragraph | undefined;
  if (press.dateline && paragraph)
    body[at] = {
      ...paragraph,
      children: [{ type: "strong", data: { press: true }, children: [text(press.dateline)] }, { ...text(" — "), data: { press: true } }, ...paragraph.children],
    };
  if (press.embargo) {
    body.splice(first < 0 ? body.length : first, 0, {
      type: "paragraph",
      data: classed("embargo"),
      children: [{ type: "strong", children: [text(words.embargoed(formatEmbargo(press.embargo, meta.lang)))] }],
    });
  }
}
