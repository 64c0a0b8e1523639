/**
 * Linear-time parsing for sources from many hands (a safety limit, not a speed-up: it does not
 * change the tree).
 *
 * micromark (the CommonMark parser under remark) applies batched edits to its list of events
 * with `EditMap#consume`, which copies the *whole* list every time, even when every edit is near
 * its end. The document tokenizer does that each time a block inside quotes or lists is closed, so
 * a source made of many short quotes (`> a`, a blank line, `> b`, …) takes time growing with the
 * square of its length: 16,000 of them, 128 kB, took a minute. This replaces `consume` with one
 * that gives the same result but only rebuilds the list from the first edit on, which for those
 * edits is a few events. `letter.ts`'s processor calls it once, as its first plugin: it patches
 * micromark for the whole process, so it is a call, not an effect of importing this module.
 */
import { EditMap } from "micromark-util-edit-map";

type Event = unknown;
type Change = [number, number, Event[]];

interface EditMapInternals {
  map: Change[];
  index?: Map<number, Change>;
}

const patched = Symbol.for("broadside.editMapConsume");

/** Give micromark's `EditMap#consume` the linear-time version (once per process). */
export function makeMicromarkLinear(): void {
  const proto = EditMap.prototype as unknown as Record<symbol, boolean> & { consume(events: Event[]): void };
  if (proto[patched]) return;
  proto[patched] = true;
  proto.consume = function consume(this: EditMapInternals, events: Event[]): void {
    const map = this.map;
    if (map.length === 0) return;
    map.sort((a, b) => a[0] - b[0]);
    const start = map[0][0];
    const tail = events.slice(start);
    events.length = start;
    let cursor = start;
    for (const [at, remove, add] of map) {
      for (let i = cursor; i < at; i++) events.push(tail[i - start]);
      for (const event of add) events.push(event);
      cursor = Math.max(cursor, at + remove);
    }
    for (let i = cursor - start; i < tail.length; i++) events.push(tail[i]);
    map.length = 0;
    this.index?.clear();
  };
}
