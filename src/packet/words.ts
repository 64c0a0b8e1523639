/**
 * The few words a press release and a packet print themselves, from the words tables
 * (templates/words/<lang>.yaml) as broadside's own are, then English. Only a press release or a
 * packet needs them, so a table may leave them out without a warning.
 */
import { featureWords, fillWord } from "../language.ts";

export interface PressWords {
  /** "EMBARGOED UNTIL {when}". */
  embargoed: (when: string) => string;
  notesToEditors: string;
  /** The end mark after the release's body. */
  endMark: string;
  contacts: string;
  contents: string;
}

export function pressWords(lang: string): PressWords {
  const words = featureWords(lang, ["embargoed", "notes-to-editors", "end-mark", "contacts", "contents"]);
  return { ...words, embargoed: (when) => fillWord(words.embargoed, { when }), notesToEditors: words["notes-to-editors"], endMark: words["end-mark"] };
}
