/** `http:` for a host the letter also cites with `https:`. */
import { lintRule } from "../lint-rule.ts";

/** An address that does not parse has no host here: url-malformed reports it. */
const hostOf = (url: string) => (URL.canParse(url) ? new URL(url).hostname.toLowerCase() : undefined);

export const urlInsecure = lintRule("broadside:url-insecure", "warning", (letter, file) => {
  const links = letter.links.map(({ link }) => link);
  const secureHosts = new Set(links.filter((link) => /^https:/i.test(link.url)).map((link) => hostOf(link.url)));
  for (const link of links) {
    const host = /^http:/i.test(link.url) ? hostOf(link.url) : undefined;
    if (host && secureHosts.has(host)) file.message(`Link ${link.url} uses http: where the letter cites ${host} with https: elsewhere`, link);
  }
});
