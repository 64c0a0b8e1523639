/**
 * Parsing speed: linear time for sources from many hands, and fewer wasted attempts at GFM's
 * email autolinks (`remarkFastEmailAutolinks`, below). Neither changes the tree.
 *
 * micromark (the CommonMark parser under remark) applies batched edits to its list of events
 * with `EditMap#consume`, which copies the *whole* list every time, even when every edit is near
 * its end. The document tokenizer does that each time a block inside quotes or lists is closed, so
 * a source made of many short quotes (`> a`, a blank line, `> b`, …) takes time growing with the
 * square of its length: 16,000 of them, 128 kB, took a minute. This replaces `consume` with one
 * that gives the same result but only rebuilds the list from the first edit on, which for those
 * edits is a few events. Imported for its effect by `letter.ts`, before anything is parsed.
 */
import { EditMap } from "micromark-util-edit-map";
import type { Processor } from "unified";

type Event = unknown;
type Change = [number, number, Event[]];

interface EditMapInternals {
  map: Change[];
  index?: Map<number, Change>;
}

const patched = Symbol.for("broadside.editMapConsume");
const proto = EditMap.prototype as unknown as Record<symbol, boolean> & { consume(events: Event[]): void };

if (!proto[patched]) {
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

/**
 * GFM's email autolink literals (`press@example.org` without `<>`), attempted only where one
 * can be.
 *
 * micromark-extension-gfm-autolink-literal registers its email construct on every letter and
 * digit, so the start of every word leaves the fast path for plain text: the tokenizer saves its
 * state, reads the word as the local part of an address, finds no `@` after it, and rewinds.
 * Skipping the attempts where no address can start makes a warm parse of the letter 15 % faster
 * (19.9 → 16.9 ms: `dev`'s preview) and the letter ×50 5–10 % (a cold first parse is the
 * same). (The extension's own source says this is better done afterwards, on the events.) An
 * email literal can only succeed where the run of atext characters (letters, digits, `+ - . _`)
 * that starts here is followed by `@`, and those characters are the source's own characters
 * (no escape, reference or line ending is atext); so the construct's `previous` check, which
 * decides whether it is tried at all, also checks that in the source. Where it says no, the
 * construct would have failed anyway: the tree is the same, and tests compare it with the
 * extension as it is on a corpus.
 */
interface TokenizeContext {
  now(): { offset: number };
}
interface Construct {
  name?: string;
  previous?: (this: TokenizeContext, code: number | null) => boolean;
}
type ConstructList = Construct | Construct[];
interface MicromarkExtension {
  text?: Record<string, ConstructList | undefined>;
}

const AT = 64;
const atext = (code: number) => code === 43 || code === 45 || code === 46 || code === 95 || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** The source being parsed: set around each parse by the plugin's parser (parsing is synchronous). */
let parsing: string | undefined;

function emailAhead(context: TokenizeContext): boolean {
  const source = parsing;
  if (source === undefined) return true; // not ours to judge: try it, as the extension would
  let i = context.now().offset;
  while (i < source.length && atext(source.charCodeAt(i))) i++;
  return source.charCodeAt(i) === AT;
}

const faster = new WeakMap<Construct, Construct>();
function withLookahead(construct: Construct): Construct {
  const previous = construct.previous;
  if (construct.name !== "emailAutolink" || !previous) return construct;
  let fast = faster.get(construct);
  if (!fast) {
    fast = { ...construct, previous(code) { return previous.call(this, code) && emailAhead(this); } };
    faster.set(construct, fast);
  }
  return fast;
}

/**
 * A unified plugin, used after remark-gfm: rewrites the email autolink construct in the
 * micromark extensions added so far, and wraps the parser to know the source.
 */
export function remarkFastEmailAutolinks(this: Processor) {
  const extensions = ((this.data() as { micromarkExtensions?: MicromarkExtension[] }).micromarkExtensions ?? []);
  const rewrite = (extension: MicromarkExtension | MicromarkExtension[]): void => {
    if (Array.isArray(extension)) return extension.forEach(rewrite);
    for (const [code, list] of Object.entries(extension.text ?? {})) {
      if (list) extension.text![code] = Array.isArray(list) ? list.map(withLookahead) : withLookahead(list);
    }
  };
  rewrite(extensions);
  const parse = this.parser;
  if (!parse) throw new Error("remarkFastEmailAutolinks must come after remark-parse: it wraps its parser");
  this.parser = (doc, file) => {
    parsing = doc;
    try {
      return parse(doc, file);
    } finally {
      parsing = undefined;
    }
  };
}
