/**
 * The few words a press release and a packet print themselves, by language, looked up as the
 * words tables are (`lookupChain`), then English. Only a press release or a packet needs them, so
 * they are kept out of templates/words, where a missing entry warns for every letter.
 */
import { lookupChain } from "../language.ts";

export interface PressWords {
  /** "EMBARGOED UNTIL {when}". */
  embargoed: (when: string) => string;
  notesToEditors: string;
  /** The end mark after the release's body. */
  endMark: string;
  contacts: string;
  contents: string;
}

const WORDS: Record<string, PressWords> = {
  en: { embargoed: (w) => `EMBARGOED UNTIL ${w}`, notesToEditors: "Notes to editors", endMark: "ENDS", contacts: "Media contacts", contents: "Contents" },
  fr: { embargoed: (w) => `SOUS EMBARGO JUSQU’AU ${w}`, notesToEditors: "Notes aux rédactions", endMark: "FIN", contacts: "Contacts presse", contents: "Sommaire" },
  "zh-Hant": { embargoed: (w) => `禁止發布，直至 ${w}`, notesToEditors: "編輯備註", endMark: "完", contacts: "傳媒聯絡", contents: "目錄" },
  zh: { embargoed: (w) => `禁止发布，直至 ${w}`, notesToEditors: "编辑备注", endMark: "完", contacts: "媒体联络", contents: "目录" },
  ug: { embargoed: (w) => `${w} غىچە ئېلان قىلىشقا بولمايدۇ`, notesToEditors: "مۇھەررىرلەرگە ئىزاھات", endMark: "###", contacts: "ئاخبارات ئالاقىچىلىرى", contents: "مۇندەرىجە" },
};

export function pressWords(lang: string): PressWords {
  for (const tag of lookupChain(lang)) {
    const found = Object.keys(WORDS).find((key) => key.toLowerCase() === tag.toLowerCase());
    if (found) return WORDS[found];
  }
  return WORDS.en;
}
