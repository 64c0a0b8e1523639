/**
 * micromark's `EditMap#consume` copies all its events for each batch of edits (one per block closing in a quote or list),
 * so many short quotes took quadratic time; this `consume` rebuilds from the first edit on only, giving the same tree.
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
