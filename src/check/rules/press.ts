/**
 * Press release rules, on the front matter's `embargo`:
 *
 * - `embargo-passed` (warning): the embargo's time is already past (now, or SOURCE_DATE_EPOCH
 *   when set), so the release may go out at once; update it or remove it.
 * - `embargo-no-zone` (warning): the time has no zone (`Z`, `+02:00`), so journalists in other
 *   zones cannot know when it lifts.
 * - `packet-part-missing` (error): a packet (`packet.parts`) lists a file that is not there.
 */
import { dirname, resolve } from "node:path";
import { isRefusal, projectFolder, resolveInside } from "../../boundary.ts";
import { fail, warn } from "../../messages.ts";
import { buildDate } from "../../pdf/index.ts";
import type { Rule } from "../index.ts";

export const pressRules: Rule[] = [
  {
    id: "embargo-no-zone",
    check({ letter }) {
      const embargo = letter.meta.press?.embargo;
      if (embargo && embargo.offset === undefined) warn(letter.file, `The embargo \`${embargo.text}\` has no time zone: add one, like \`${embargo.text}+02:00\` or \`${embargo.text}Z\``, embargo.place, "embargo-no-zone");
    },
  },
  {
    id: "embargo-passed",
    check({ letter }) {
      const embargo = letter.meta.press?.embargo;
      const now = buildDate();
      // Without a zone, passed wherever on Earth it is read (the latest zone is UTC−12).
      const lifts = embargo?.instant ?? (embargo && new Date(embargo.wall.getTime() + 12 * 3_600_000));
      if (embargo && lifts && lifts.getTime() <= now.getTime()) warn(letter.file, `The embargo \`${embargo.text}\` has passed (it is now ${now.toISOString().slice(0, 16).replace("T", " ")} UTC): update it, or remove it if the release is out`, embargo.place, "embargo-passed");
    },
  },
];

/** `packet-part-missing` (error): a packet lists a part that is not there, at its place in the front matter. */
export const packetRules: Rule[] = [
  {
    id: "packet-part-missing",
    check({ letter }) {
      for (const part of letter.meta.packet?.parts ?? []) {
        const source = resolve(letter.file.path);
        const found = resolveInside(part.path, dirname(source), projectFolder(source), `Packet part \`${part.path}\``, "packet-part-missing");
        if (isRefusal(found)) fail(letter.file, found.reason, part.place, found.rule);
      }
    },
  },
];
