/**
 * Link rules, over every link in the body and the notes.
 *
 * - `url-malformed` (error): a web address that does not parse, has no host, has spaces, or has a
 *   mistyped scheme (`htps://`, `https//`, a bare `www.` as a link target).
 * - `url-insecure` (warning): `http:` for a host the letter also cites with `https:`.
 * - `url-cited-twice` (info): the same address cited under two different notes.
 */
import type { FootnoteDefinition, Link, Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { fail, info, warn } from "../../messages.ts";
import { walk, where } from "../text.ts";

interface Cited {
  link: Link;
  note?: FootnoteDefinition;
}

function links(tree: Root): Cited[] {
  const found: Cited[] = [];
  walk(tree, (node, _parent, note) => {
    if (node.type === "link") found.push({ link: node, note });
  });
  return found;
}

function problem(url: string): string | undefined {
  if (/\s/.test(url)) return "has white space in it";
  if (/^[a-z]{2,6}\/\//i.test(url)) return "is missing the `:` after its scheme";
  if (/^(?:htp|htps|hhtp|hhtps|htttp|htttps|ttp|ttps):/i.test(url)) return "has a mistyped scheme";
  if (/^www\./i.test(url)) return "has no scheme: write https://" + url;
  if (/^https?:/i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return "does not parse as a web address";
    }
    if (!parsed.hostname) return "has no host";
    if (!parsed.hostname.includes(".") && parsed.hostname !== "localhost") return `has the host “${parsed.hostname}”, which is not a domain`;
    if (!/^https?:\/\//i.test(url)) return "needs two slashes after the scheme";
  }
  return undefined;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined; // reported by url-malformed
  }
};

export const remarkLintLinks: Plugin<[], Root> = () => (tree: Root, file: VFile) => {
  const all = links(tree);
  for (const { link } of all) {
    const why = problem(link.url);
    if (why) fail(file, `Link ${link.url} ${why}`, link, "url-malformed");
  }
  const secureHosts = new Set(all.filter(({ link }) => /^https:/i.test(link.url)).map(({ link }) => hostOf(link.url)));
  for (const { link } of all) {
    const host = /^http:/i.test(link.url) ? hostOf(link.url) : undefined;
    if (host && secureHosts.has(host)) warn(file, `Link ${link.url} uses http: where the letter cites ${host} with https: elsewhere`, link, "url-insecure");
  }
  const first = new Map<string, Cited>();
  const number = (note: FootnoteDefinition) => file.data.notes?.byIdentifier.get(note.identifier)?.number;
  for (const cited of all) {
    if (!cited.note || number(cited.note) === undefined) continue;
    const key = cited.link.url.replace(/\/+$/, "").toLowerCase();
    const earlier = first.get(key);
    if (!earlier) first.set(key, cited);
    else if (earlier.note && earlier.note.identifier !== cited.note.identifier) {
      const reason = `${cited.link.url} is cited in note ${number(cited.note)} and already in note ${number(earlier.note)} (at ${where(earlier.link.position?.start)})`;
      info(file, reason, cited.link, "url-cited-twice");
    }
  }
};
