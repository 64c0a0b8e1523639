/**
 * The few words a press release and a packet print themselves, by language. Kept in one table so
 * that it can be folded into the general translated-words table (templates/i18n) later.
 * Lookup falls back from the full tag to its shorter prefixes, then to English.
 */
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
  "zh-Hans": { embargoed: (w) => `禁止发布，直至 ${w}`, notesToEditors: "编辑备注", endMark: "完", contacts: "媒体联络", contents: "目录" },
  ug: { embargoed: (w) => `${w} غىچە ئېلان قىلىشقا بولمايدۇ`, notesToEditors: "مۇھەررىرلەرگە ئىزاھات", endMark: "###", contacts: "ئاخبارات ئالاقىچىلىرى", contents: "مۇندەرىجە" },
};

/** Traditional Chinese regions: a tag like `zh-HK` or `zh-TW` reads `zh-Hant`. */
const HANT_REGIONS = /^zh-(HK|TW|MO)$/i;

export function pressWords(lang: string): PressWords {
  let tag = HANT_REGIONS.test(lang) ? "zh-Hant" : lang;
  for (;;) {
    const found = Object.keys(WORDS).find((key) => key.toLowerCase() === tag.toLowerCase());
    if (found) return WORDS[found];
    const cut = tag.lastIndexOf("-");
    if (cut < 0) return tag.toLowerCase() === "zh" ? WORDS["zh-Hans"] : WORDS.en;
    tag = tag.slice(0, cut);
  }
}

/** Right-to-left scripts among the languages broadside sets: the direction of a part's title. */
export function isRtl(lang: string): boolean {
  return /^(ar|ug|fa|ur|he|yi|ps|sd|ckb)(-|$)/i.test(lang);
}
