/** A web address that does not parse, has no host, has spaces, or a mistyped scheme (`htps://`, `https//`, a bare `www.`). */
import { lintRule } from "../lint-rule.ts";

function problem(url: string): string | undefined {
  if (/\s/.test(url)) return "has white space in it";
  if (/^[a-z]{2,6}\/\//i.test(url)) return "is missing the `:` after its scheme";
  if (/^(?:htp|htps|hhtp|hhtps|htttp|htttps|ttp|ttps):/i.test(url)) return "has a mistyped scheme";
  if (/^www\./i.test(url)) return "has no scheme: write https://" + url;
  if (/^https?:/i.test(url)) {
    if (!URL.canParse(url)) return "does not parse as a web address";
    const parsed = new URL(url);
    if (!parsed.hostname) return "has no host";
    if (!parsed.hostname.includes(".") && parsed.hostname !== "localhost") return `has the host “${parsed.hostname}”, which is not a domain`;
    if (!/^https?:\/\//i.test(url)) return "needs two slashes after the scheme";
  }
  return undefined;
}

export const urlMalformed = lintRule("broadside:url-malformed", "error", ({ links }, file) => {
  for (const { link } of links) {
    const why = problem(link.url);
    if (why) file.message(`Link ${link.url} ${why}`, link);
  }
});
