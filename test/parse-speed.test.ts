/**
 * The parser's speed-ups give the tree micromark gives without them: the email autolink
 * lookahead (src/parse-speed.ts) is compared, node for node and position for position, with
 * GFM's extension as it ships, on every Markdown file of the project and on sources written to
 * find where an address is and is not a link.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import { remarkFastEmailAutolinks } from "../src/parse-speed.ts";
import { ROOT } from "./helpers.ts";

const shipped = unified().use(remarkParse).use(remarkFrontmatter, ["yaml", "toml"]).use(remarkGfm);
const ours = unified().use(remarkParse).use(remarkFrontmatter, ["yaml", "toml"]).use(remarkGfm).use(remarkFastEmailAutolinks);

const EMAILS = [
  "Write to press@example.org, or to info@uyghur-example.net.",
  "a.b-c_d+e@sub.example.co.uk and x@y (no dot) and x@y. and x@y.z. and @nobody and nobody@",
  "(press@example.org) [press@example.org] *press@example.org* **x@y.org** `code@example.org`",
  "path/inside@example.org stays text; so does a/b@example.org; but ./press@example.org?",
  "mailto:press@example.org xmpp:someone@example.org https://example.org/@user www.example.org/a@b",
  "[a link with press@example.org in it](https://example.org) and ![alt a@b.org](x.png)",
  "escaped press\\@example.org, referenced press&#64;example.org, entity press&commat;example.org",
  "tab\tpress@example.org, no-break\u00a0press@example.org, CJK 芝援香港press@example.org 字",
  "a word that ends the line press\n@example.org and press@\nexample.org",
  "> quoted press@example.org\n> > deeper x@y.org\n>\n> lazy\nline@example.org",
  "- item press@example.org\n  - nested a@b.org\n\n1. numbered c@d.org\n   continued e@f.org",
  "| who | mail |\n| --- | --- |\n| press | press@example.org |\n| x | a\\|b@c.org |",
  "Text.[^1]\n\n[^1]: A note with press@example.org and more@example.org.\n    Its second line third@example.org.",
  "    indented code press@example.org\n\n```\nfenced press@example.org\n```",
  "<press@example.org> <https://example.org> <not an autolink@example.org>",
  "x_@y.org -x@y.org .x@y.org +x@y.org x.@y.org x@-y.org x@y_.org x@y.org_",
  "a@b.c@d.org a@b@c.org ...@x.org 1@2.org UPPER@CASE.ORG",
  "The end of the file: last@example.org",
];

function sources(): [string, string][] {
  const files: [string, string][] = [["source/letter.md", readFileSync(join(ROOT, "source/letter.md"), "utf8")]];
  for (const dir of ["test/fixtures", "test/hostile", "source"]) {
    for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith(".md"))) files.push([`${dir}/${name}`, readFileSync(join(ROOT, dir, name), "utf8")]);
  }
  EMAILS.forEach((text, i) => files.push([`email case ${i + 1}`, text]));
  files.push(["every email case in one file, CRLF", EMAILS.join("\r\n\r\n")]);
  return files;
}

describe("the email autolink lookahead", () => {
  it.each(sources())("gives the same tree as GFM's extension: %s", (_name, text) => {
    expect(ours.parse(text)).toEqual(shipped.parse(text));
  });

  it("still links the addresses GFM links", () => {
    const tree = ours.parse(EMAILS[0]);
    const links = JSON.stringify(tree).match(/"url":"mailto:[^"]+"/g);
    expect(links).toEqual(['"url":"mailto:press@example.org"', '"url":"mailto:info@uyghur-example.net"']);
  });
});
