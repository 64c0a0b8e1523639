/**
 * Press release rules, on the front matter's `embargo`:
 *
 * - `embargo-passed` (warning): the embargo's time is already past (now, or SOURCE_DATE_EPOCH
 *   when set), so the release may go out at once; update it or remove it.
 * - `embargo-no-zone` (warning): the time has no zone (`Z`, `+02:00`), so journalists in other
 *   zones cannot know when it lifts.
 * - `packet-part-missing` (error): a packet (`packet.parts`) lists a file that is not there.
 */
import { resolve } from "node:path";
import type { Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { packetParts, projectFolder } from "../../boundary.ts";
import { warn } from "../../messages.ts";
import { buildDate } from "../../pdf/index.ts";

export const remarkLintPress: Plugin<[], Root> = () => (_: Root, file: VFile) => {
  const meta = file.data.meta!;
  const embargo = meta.press?.embargo;
  if (embargo && embargo.offset === undefined)
    warn(
      file,
      `The embargo \`${embargo.text}\` has no time zone: add one, like \`${embargo.text}+02:00\` or \`${embargo.text}Z\``,
      embargo.place,
      "embargo-no-zone",
    );
  const now = buildDate();
  // Without a zone, passed wherever on Earth it is read (the latest zone is UTC−12).
  const lifts = embargo?.instant ?? (embargo && new Date(embargo.wall.getTime() + 12 * 3_600_000));
  if (embargo && lifts && lifts.getTime() <= now.getTime())
    warn(
      file,
      `The embargo \`${embargo.text}\` has passed (it is now ${now.toISOString().slice(0, 16).replace("T", " ")} UTC): update it, or remove it if the release is out`,
      embargo.place,
      "embargo-passed",
    );
  // The build's own resolution of a packet's parts: the same limits and refusals, at the same places.
  if (meta.packet) packetParts(file, meta.packet, resolve(file.path), projectFolder(resolve(file.path)));
};
