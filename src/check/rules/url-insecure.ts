/** `http:` for a host the letter also cites with `https:`. */
import { lintRule } from "../lint-rule.ts";

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined; // reported by url-malformed
  }
};

export const urlInsecure = lintRule("broadside:url-insecure", "warning", (letter, file) => {
  const links = letter.links.map(({ link }) => link);
  const secureHosts = new Set(links.filter((link) => /^https:/i.test(link.url)).map((link) => hostOf(link.url)));
  for (const link of links) {
    const host = /^http:/i.test(link.url) ? hostOf(link.url) : undefined;
    if (host && secureHosts.has(host)) file.message(`Link ${link.url} uses http: where the letter cites ${host} with https: elsewhere`, link);
  }
});
