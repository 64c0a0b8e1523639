/**
 * A packet's parts (`packet.parts`) resolved as the build resolves them: the same limits and
 * refusals (`packet-part-missing`, …), at the same places. Not one rule: its messages keep their ids.
 */
import { resolve } from "node:path";
import type { Root } from "mdast";
import type { Plugin } from "unified";
import { packetParts as resolveParts, projectFolder } from "../../boundary.ts";

export const packetParts: Plugin<[], Root> = () => (_, file) => {
  const packet = file.data.meta!.packet;
  if (packet) resolveParts(file, packet, resolve(file.path), projectFolder(resolve(file.path)));
};
