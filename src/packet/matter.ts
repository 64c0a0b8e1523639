/** The front matter of press releases (`embargo`, `dateline`, `contacts`) and of packets (`packet:`); every problem a message at its place. */
import type { Point } from "unist";
import type { VFile } from "vfile";
import type { MatterContext, MatterKeys } from "../frontmatter.ts";
import { fail, warn } from "../messages.ts";
import { featureWords, fillWord } from "../language.ts";

declare module "../frontmatter.ts" {
  interface FrontMatter {
    /** A press release's `embargo`, `dateline` and `contacts`. */
    press?: PressMatter;
    /** A packet's `packet:`. */
    packet?: PacketMatter;
  }
}

export interface Contact {
  name: string;
  role?: string;
  phone?: string;
  email?: string;
}

export interface Embargo {
  /** As written. */
  text: string;
  /** The wall-clock time written, as if it were UTC (for formatting). */
  wall: Date;
  /** Minutes east of UTC; undefined when no zone was written. */
  offset?: number;
  place: Point;
}

export interface PressMatter {
  embargo?: Embargo;
  dateline?: string;
  contacts: Contact[];
}

export interface PacketMatter {
  /** Each part's file as written, relative to the packet file, and where. */
  parts: { path: string; place: Point }[];
  /** Each part starts on a right-hand (odd) page. */
  duplex: boolean;
  imposition?: "booklet";
  /** The event the packet is for, on the cover (default: the subtitle). */
  event?: string;
}

/** A press release's keys; its notes are headed "Notes to editors" unless `notes-heading` says otherwise. */
export const PRESS_MATTER: MatterKeys = {
  keys: ["embargo", "dateline", "contacts"],
  read(meta, c) {
    const { embargo, dateline, contacts } = c.map;
    if (embargo === undefined && dateline === undefined && contacts === undefined) return;
    const press: PressMatter = { contacts: [] };
    const wrong = (key: string, message: string) => fail(c.file, `Front matter \`${key}\` must be ${message}`, c.at([key]), "front-matter-type");
    if (isText(embargo)) press.embargo = readEmbargo(String(embargo), c.at(["embargo"]), c.file);
    else if (embargo !== undefined && embargo !== null) wrong("embargo", EMBARGO_FORM);
    if (isText(dateline)) press.dateline = String(dateline).trim();
    else if (dateline !== undefined && dateline !== null) wrong("dateline", "text: the city and date, like `GENEVA, 15 June 2026`");
    press.contacts = readContacts(contacts, c);
    meta.press = press;
    meta.notesHeading ??= pressWords(meta.lang).notesToEditors;
  },
};

export const PACKET_MATTER: MatterKeys = { keys: ["packet"], read: (meta, c) => void (meta.packet = readPacketMatter(c)) };

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|([+-])(\d{2})(?::?(\d{2}))?)?$/i;
const EMBARGO_FORM = "a date and time with its zone, like `2026-06-15T10:00+02:00`";

function readEmbargo(text: string, place: Point, file: VFile): Embargo | undefined {
  const m = DATE_TIME.exec(text.trim());
  const wall = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
  // Date.UTC rolls a day or month past the end over into the next (a 13th month is January): refused instead.
  if (!m || !wall || Number.isNaN(wall.getTime()) || wall.getUTCMonth() !== +m[2] - 1 || wall.getUTCDate() !== +m[3] || +m[4] > 23) {
    fail(file, `Front matter \`embargo\` must be ${EMBARGO_FORM}; not \`${text}\``, place, "front-matter-type");
    return undefined;
  }
  // Minutes east of UTC: Z, or ±hh, ±hhmm, ±hh:mm.
  const offset = !m[7] ? undefined : m[8] ? (m[8] === "-" ? -1 : 1) * (+m[9] * 60 + +(m[10] ?? 0)) : 0;
  return { text: text.trim(), wall, offset, place };
}

/** "15 June 2026, 10:00 (UTC+02:00)" in the given language. */
export function formatEmbargo(embargo: Embargo, lang: string): string {
  const format = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(embargo.wall);
  let when: string;
  try {
    when = format(lang);
  } catch {
    when = format("en");
  }
  if (embargo.offset === undefined) return when;
  if (embargo.offset === 0) return `${when} (UTC)`;
  const a = Math.abs(embargo.offset);
  return `${when} (UTC${embargo.offset < 0 ? "−" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")})`;
}

const isText = (v: unknown): v is string | number => (typeof v === "string" && v.trim() !== "") || typeof v === "number";

function readContacts(contacts: unknown, c: MatterContext): Contact[] {
  if (contacts === undefined || contacts === null) return [];
  const list = Array.isArray(contacts) ? contacts : [contacts];
  const found: Contact[] = [];
  list.forEach((item, i) => {
    const path = Array.isArray(contacts) ? ["contacts", i] : ["contacts"];
    if (item === null || typeof item !== "object" || Array.isArray(item) || !isText((item as Record<string, unknown>).name)) {
      fail(c.file, "Each of the front matter's `contacts` is a mapping with at least `name` (and `role`, `phone`, `email`)", c.at(path), "front-matter-type");
      return;
    }
    const { name, role, phone, email, ...rest } = item as Record<string, unknown>;
    for (const key of Object.keys(rest))
      warn(c.file, `Unknown key \`${key}\` in a contact; known keys: name, role, phone, email`, c.at([...path, key]), "front-matter-unknown-key");
    const text = (v: unknown) => (isText(v) ? String(v).trim() : undefined);
    found.push({ name: String(name).trim(), role: text(role), phone: text(phone), email: text(email) });
  });
  return found;
}

function readPacketMatter({ map: { packet }, file, at }: MatterContext): PacketMatter | undefined {
  if (packet === undefined) return undefined;
  let ok = true;
  const bad = (key: string, reason: string, path = key.split(".")) => {
    ok = false;
    fail(file, `Front matter \`${key}\` ${reason}`, at(path), "front-matter-type");
  };
  if (packet === null || typeof packet !== "object" || Array.isArray(packet))
    return void bad("packet", "must be a mapping with `parts`, e.g. `packet: { parts: [press-release.md, letter.md] }`");
  const { parts, duplex, imposition, event, ...rest } = packet as Record<string, unknown>;
  for (const key of Object.keys(rest))
    warn(file, `Unknown front matter key \`packet.${key}\`; known keys: parts, duplex, imposition, event`, at(["packet", key]), "front-matter-unknown-key");
  if (!Array.isArray(parts) || parts.length === 0 || !parts.every((p) => typeof p === "string" && p.trim() !== ""))
    bad(
      "packet.parts",
      "must be a list of the parts' files, relative to the packet, e.g. `[press-release.md, letter.md]`",
      parts === undefined ? ["packet"] : undefined,
    );
  if (duplex !== undefined && typeof duplex !== "boolean") bad("packet.duplex", "is `true` (each part starts on a right-hand page, the default) or `false`");
  if (imposition !== undefined && imposition !== "booklet")
    bad("packet.imposition", `is \`booklet\` (an A5 booklet imposed on A4 sheets) or left out; not \`${String(imposition)}\``);
  if (event !== undefined && !isText(event)) bad("packet.event", "must be text");
  if (!ok) return undefined;
  return {
    parts: (parts as string[]).map((path, i) => ({ path: path.trim(), place: at(["packet", "parts", i]) })),
    duplex: duplex === undefined ? true : duplex === true,
    imposition: imposition as "booklet" | undefined,
    event: isText(event) ? String(event).trim() : undefined,
  };
}

/** The words press releases and packets print (templates/words/<lang>.yaml, else English): only they need them, so a table may leave them out. */
export function pressWords(lang: string) {
  const words = featureWords(lang, ["embargoed", "notes-to-editors", "end-mark", "contacts", "contents"]);
  // `embargoed` is "EMBARGOED UNTIL {when}"; `endMark` ends the release's body.
  return {
    ...words,
    embargoed: (when: string) => fillWord(words.embargoed, { when }),
    notesToEditors: words["notes-to-editors"],
    endMark: words["end-mark"],
  };
}
