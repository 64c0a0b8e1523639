/** Content problems are vfile messages with a place and a rule id: errors (`fatal: true`) and warnings made the same way everywhere. */
import type { Node, Point, Position } from "unist";
import type { VFile } from "vfile";

type Place = Node | Position | Point | undefined;

const options = (place: Place, ruleId: string) => ({ place: place && "type" in place ? place.position : place, ruleId, source: "broadside" });

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

/** At most this many messages per rule and file; then one that says how many more there are. */
const MAX_REPORTS = 20;

/**
 * Messages with a cap per rule, so that a source repeating one mistake thousands of times gives a
 * short report; `done()` adds the count of those left out. Errors stay errors when not shown.
 */
export function cappedReporter(file: VFile) {
  const counts = new Map<string, number>();
  return {
    report(kind: "fail" | "warn", reason: string, place: Place, rule: string) {
      const count = (counts.get(rule) ?? 0) + 1;
      counts.set(rule, count);
      if (count <= MAX_REPORTS) (kind === "fail" ? fail : warn)(file, reason, place, rule);
    },
    done() {
      for (const [rule, count] of counts) {
        if (count > MAX_REPORTS) warn(file, `… and ${count - MAX_REPORTS} more messages like these (only the first ${MAX_REPORTS} are shown)`, undefined, rule);
      }
    },
  };
}

export type Report = ReturnType<typeof cappedReporter>["report"];
