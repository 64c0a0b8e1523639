/** The same address cited under two different notes: information, as it may be meant. */
import type { Link } from "mdast";
import { lintRule } from "../lint-rule.ts";
import { where } from "../text.ts";
import { trimTrailing } from "../../text.ts";

export const urlCitedTwice = lintRule("broadside:url-cited-twice", "info", ({ links }, file) => {
  const first = new Map<string, { link: Link; number: number }>();
  for (const { link, note } of links) {
    const number = note && file.data.notes?.byIdentifier.get(note.identifier)?.number;
    if (number === undefined) continue;
    const key = trimTrailing(link.url, /\//).toLowerCase();
    const earlier = first.get(key);
    if (!earlier) first.set(key, { link, number });
    else if (earlier.number !== number) {
      file.message(`${link.url} is cited in note ${number} and already in note ${earlier.number} (at ${where(earlier.link.position?.start)})`, link);
    }
  }
});
