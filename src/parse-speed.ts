/**
 * Linear-time parsing for sources from many hands (a safety limit: the tree is the same).
 * micromark's `EditMap#consume` copies its whole list of events for every batch of edits, which
 * the document tokenizer makes each time a block inside quotes or lists closes: many short quotes
 * took time growing with the square of their number. This `consume` rebuilds the list from the
 * first edit on only. It patches micromark for the whole process, so `letter.ts` calls it (its
 * first plugin) rather than this module doing it on import.
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
