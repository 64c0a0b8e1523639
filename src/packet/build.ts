import { build, type BuildResult } from "../build.ts";
import type { PacketOptions } from "./index.ts";

/**
 * A build whose sources may include packets: each source is parsed once, the packets built by
 * src/packet, the letters as usual, all with one browser. The packet builder, and pdf-lib with
 * it, loads only when a source is a packet.
 */
export function buildWithPackets(options: PacketOptions): Promise<BuildResult> {
  return build({ ...options, packet: async (letter, printer) => (await import("./index.ts")).buildPacket(letter, options, printer) });
}
