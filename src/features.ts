/** The features broadside is built with: the core knows none of them, and the commands hand this list to `parseLetter`. */
import type { Feature } from "./letter.ts";
import { packetFeature, pressFeature } from "./packet/press.ts";

export const FEATURES: readonly Feature[] = [pressFeature, packetFeature];
