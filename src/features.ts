/**
 * The features broadside is built with. The core (src/letter.ts) knows none of them: each brings
 * its front-matter keys and its transforms, and the commands hand this list to `parseLetter`.
 */
import type { Feature } from "./letter.ts";
import { packetFeature, pressFeature } from "./packet/press.ts";

export const FEATURES: readonly Feature[] = [pressFeature, packetFeature];
