/**
 * Link rules, over every link in the body and the notes.
 *
 * - `url-malformed` (error): a web address that does not parse, has no host, has spaces, or has a
 *   mistyped scheme (`htps://`, `https//`, a bare `www.` as a link target).
 * - `url-insecure` (warning): `http:` for a host the letter also cites with `https:`.
 * - `url-cited-twice` (info): the same address cited under two different notes.
 */
import type { Link, Nodes } from "mdast";
import { fail, warn } from "../../messages.ts";
import type { Rule } from "../index.ts";
import { walk, where } from "../text.ts";
import type { FootnoteDefinition } from "mdast";

interface Cited {
  link: Link;
  note?: FootnoteDefinition;
}

function links(tree: Nodes): Cited[] {
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

export const linkRules: Rule[] = [
  {
    id: "url-malformed",
    check({ letter }) {
      for (const { link } of links(letter.tree)) {
        const why = problem(link.url);
        if (why) fail(letter.file, `Link ${link.url} ${why}`, link, "url-malformed");
      }
    },
  },
  {
    id: "url-insecure",
    check({ letter }) {
      const all = links(letter.tree);
      const secureHosts = new Set<string>();
      for (const { link } of all) {
        if (/^https:/i.test(link.url)) {
          try {
            secureHosts.add(new URL(link.url).hostname.toLowerCase());
          } catch {
            // reported by url-malformed
          }
        }
      }
      for (const { link } of all) {
        if (!/^http:/i.test(link.url)) continue;
        let host: string;
        try {
          host = new URL(link.url).hostname.toLowerCase();
        } catch {
          continue;
        }
        if (secureHosts.has(host)) warn(letter.file, `Link ${link.url} uses http: where the letter cites ${host} with https: elsewhere`, link, "url-insecure");
      }
    },
  },
  {
    id: "url-cited-twice",
    check({ letter }) {
      const first = new Map<string, Cited>();
      const number = (note: FootnoteDefinition) => letter.notes.byIdentifier.get(note.identifier)?.number;
      for (const cited of links(letter.tree)) {
        if (!cited.note || number(cited.note) === undefined) continue;
        const key = cited.link.url.replace(/\/+$/, "").toLowerCase();
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, cited);
        } else if (earlier.note && earlier.note.identifier !== cited.note.identifier) {
          const message = letter.file.info(
            `${cited.link.url} is cited in note ${number(cited.note)} and already in note ${number(earlier.note)} (at ${where(earlier.link.position?.start)})`,
            { place: cited.link.position, ruleId: "url-cited-twice", source: "broadside" },
          );
          void message;
        }
      }
    },
  },
];
