/**
 * Content problems are vfile messages with a place and a rule id; this keeps the
 * calls short and makes errors (`fatal: true`) and warnings look the same everywhere.
 */
import type { Node, Point, Position } from "unist";
import type { VFile } from "vfile";

type Place = Node | Position | Point | undefined;

const SOURCE = "broadside";

function options(place: Place, ruleId: string) {
  const at = place && "type" in place ? place.position : place;
  return { place: at, ruleId, source: SOURCE };
}

/** An error: the build of this file stops before anything is written. */
export function fail(file: VFile, reason: string, place: Place, ruleId: string) {
  const message = file.message(reason, options(place, ruleId));
  message.fatal = true;
  return message;
}

/** A warning: the build goes on. */
export function warn(file: VFile, reason: string, place: Place, ruleId: string) {
  return file.message(reason, options(place, ruleId));
}

/** Information: nothing is wrong, but the author may want to know (e.g. what was ignored). */
export function info(file: VFile, reason: string, place: Place, ruleId: string) {
  return file.info(reason, options(place, ruleId));
}

export function hasErrors(file: VFile): boolean {
  return file.messages.some((m) => m.fatal === true);
}
