/**
 * Comparing readings of one letter: every call must show the same mark and lead to the note of that number, every note
 * have the same text. The reference is the largest group of identical readings (ties: the HTML's, then the PDF's), so one
 * broken format is the odd one out; calls are aligned, so that a missing call is one message, not every later call off by one.
 */
import { excerpt, FORMAT_NAMES, type Format, groupBy, type NoteCall, noteTextKey, type Reading, sameNoteText } from "./reading.ts";

/** What is wrong, and the note it is about as the reference numbers it (undefined: the document as a whole). */
type Disagreement = Reading["problems"][number];

const ORDER: Format[] = ["html", "pdf", "docx"];

const ORDINAL_RULES = new Intl.PluralRules("en", { type: "ordinal" });
const SUFFIX: Record<string, string> = { one: "st", two: "nd", few: "rd", other: "th" };
const ordinal = (n: number) => `${n}${SUFFIX[ORDINAL_RULES.select(n)]}`;

/** "a", "a and b", "a, b and c". */
const andList = (list: string[]) => (list.length <= 1 ? list.join("") : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`);

/** "the HTML", "the HTML and the PDF", "the HTML, the PDF and the DOCX". */
const names = (formats: Format[]) => andList(formats.map((f) => `the ${FORMAT_NAMES[f]}`));

const quote = (text: string | undefined, other?: string) => `"${excerpt(text ?? "", other)}"`;

function key(reading: Reading, unordered: boolean): string {
  return JSON.stringify([
    reading.calls.map((c) => [c.shown, c.leadsTo?.number ?? null, c.leadsTo?.shown ?? null]),
    [...reading.notes].sort((a, b) => a[0] - b[0]).map(([n, t]) => [n, noteTextKey(t, unordered)]),
    reading.problems,
  ]);
}

/** Group formats with identical readings, the reference group first. */
function groups(readings: Reading[], unordered: boolean): Reading[][] {
  const ordered = [...readings].sort((a, b) => ORDER.indexOf(a.format) - ORDER.indexOf(b.format));
  const byKey = groupBy(ordered, (reading) => key(reading, unordered));
  // Largest first; Map keeps insertion order, so ties keep the HTML, PDF, DOCX order.
  return [...byKey.values()].sort((a, b) => b.length - a.length);
}

const noteNumber = (shown: string) => (/^\d+$/.test(shown) ? Number(shown) : undefined);

/** The text under the number a call shows, for aligning calls. */
function callText(reading: Reading, call: NoteCall, unordered: boolean): string | undefined {
  const n = noteNumber(call.shown) ?? call.leadsTo?.number;
  const text = n === undefined ? undefined : reading.notes.get(n);
  return text === undefined ? undefined : noteTextKey(text, unordered);
}

/** A pair of aligned calls, or a call of one side without counterpart. */
type Step = { ref?: number; other?: number };

const GAP = 2;

/** Align two call sequences at least cost: a pair costs 0 when mark and note text agree, 1 when one does, 3 when neither; a lone call 2. */
function align(ref: { shown: string; text: string | undefined }[], other: { shown: string; text: string | undefined }[]): Step[] {
  // Equal heads and tails need no search.
  const same = (i: number, j: number) => ref[i].shown === other[j].shown && ref[i].text === other[j].text;
  let head = 0;
  while (head < ref.length && head < other.length && same(head, head)) head++;
  let tail = 0;
  while (tail < ref.length - head && tail < other.length - head && same(ref.length - 1 - tail, other.length - 1 - tail)) tail++;
  const steps: Step[] = [];
  for (let i = 0; i < head; i++) steps.push({ ref: i, other: i });
  const n = ref.length - head - tail;
  const m = other.length - head - tail;
  if (n * m > 25_000_000) {
    // Too many to search (tens of thousands of calls): pair them in order.
    for (let i = 0; i < Math.max(n, m); i++) steps.push({ ref: i < n ? head + i : undefined, other: i < m ? head + i : undefined });
  } else if (n > 0 || m > 0) {
    const cost = (i: number, j: number) => {
      const a = ref[head + i];
      const b = other[head + j];
      return (a.shown === b.shown ? 0 : 1) + (a.text === b.text ? 0 : 1) + (a.shown !== b.shown && a.text !== b.text ? 1 : 0);
    };
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    for (let i = 0; i <= n; i++) table[i * width] = i * GAP;
    for (let j = 0; j <= m; j++) table[j] = j * GAP;
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= m; j++) {
        table[i * width + j] = Math.min(table[(i - 1) * width + j - 1] + cost(i - 1, j - 1), table[(i - 1) * width + j] + GAP, table[i * width + j - 1] + GAP);
      }
    }
    const middle: Step[] = [];
    let i = n;
    let j = m;
    while (i > 0 || j > 0) {
      const here = table[i * width + j];
      if (i > 0 && j > 0 && here === table[(i - 1) * width + j - 1] + cost(i - 1, j - 1)) {
        middle.push({ ref: head + --i, other: head + --j });
      } else if (i > 0 && here === table[(i - 1) * width + j] + GAP) {
        middle.push({ ref: head + --i, other: undefined });
      } else {
        middle.push({ ref: undefined, other: head + --j });
      }
    }
    steps.push(...middle.reverse());
  }
  for (let k = tail; k > 0; k--) steps.push({ ref: ref.length - k, other: other.length - k });
  return steps;
}

/** What a call leads to, when that is not the note it shows: " (it leads to note 4)". */
function leadsElsewhere(call: NoteCall): string | undefined {
  if (!call.leadsTo) return "it leads to no note";
  if (call.leadsTo.shown !== call.shown) return `it leads to note ${call.leadsTo.shown}`;
  return undefined;
}

/** Compare one reading with the reference group; `reported` collects calls already described. */
function compareWith(reference: Reading[], reading: Reading, reported: Set<number>, unordered: boolean): Disagreement[] {
  const ref = reference[0];
  const refNames = names(reference.map((r) => r.format));
  /** "the HTML and the PDF have": the reference formats and a verb agreeing with them. */
  const they = (one: string, several: string) => `${refNames} ${reference.length === 1 ? one : several}`;
  const F = `the ${FORMAT_NAMES[reading.format]}`;
  const found: Disagreement[] = [];
  const say = (note: number | undefined, reason: string) => found.push({ note, reason });
  const steps = align(
    ref.calls.map((c) => ({ shown: c.shown, text: callText(ref, c, unordered) })),
    reading.calls.map((c) => ({ shown: c.shown, text: callText(reading, c, unordered) })),
  );

  // Which marks the other format shows for each note's calls.
  const shownFor = new Map<string, Set<string>>();
  for (const { ref: i, other: j } of steps) {
    if (i !== undefined && j !== undefined) shownFor.set(ref.calls[i].shown, (shownFor.get(ref.calls[i].shown) ?? new Set()).add(reading.calls[j].shown));
  }

  // Notes renumbered whole: every call shows m instead of n, and m has n's text.
  const renumbered = new Map<number, number>(); // reference number → other number
  for (const [n, marks] of shownFor) {
    const number = noteNumber(n);
    if (number === undefined || marks.size !== 1) continue;
    const m = noteNumber([...marks][0]);
    const text = ref.notes.get(number);
    const otherText = m === undefined ? undefined : reading.notes.get(m);
    if (m !== undefined && m !== number && text !== undefined && otherText !== undefined && sameNoteText(text, otherText, unordered)) {
      renumbered.set(number, m);
      say(number, `Note ${number}: ${F} numbers it ${m} (its calls and its text) where ${refNames} number it ${number}`);
    }
  }
  const accounted = new Set(renumbered.values()); // the other format's note numbers matched to a reference note

  // Reference notes of which the other format has neither a call nor the text.
  const otherTexts = [...reading.notes.values()];
  const missingWhole = new Set<number>();
  for (const [n, text] of ref.notes) {
    const called = ref.calls.some((c) => c.shown === String(n));
    if (called && !shownFor.has(String(n)) && !otherTexts.some((other) => sameNoteText(other, text, unordered))) {
      missingWhole.add(n);
      say(n, `Note ${n} is missing from ${F}: neither its call nor its text (${quote(text)}) is there, where ${they("has", "have")} both`);
    }
  }

  // Calls.
  let lastRef = 0;
  for (const { ref: i, other: j } of steps) {
    if (i !== undefined) lastRef = i + 1;
    const a = i === undefined ? undefined : ref.calls[i];
    const b = j === undefined ? undefined : reading.calls[j];
    const number = a && noteNumber(a.shown);
    if (a && b) {
      if (a.shown === b.shown || (number !== undefined && renumbered.has(number) && renumbered.get(number) === noteNumber(b.shown))) continue;
      const elsewhere = leadsElsewhere(b);
      if (elsewhere) reported.add(j!);
      const also = elsewhere ? ` (${elsewhere})` : "";
      say(number, `Note ${a.shown}: ${F} shows the ${ordinal(i! + 1)} note call as ${b.shown || "nothing"} where ${they("shows", "show")} ${a.shown}${also}`);
    } else if (a) {
      if (number === undefined || !missingWhole.has(number))
        say(number, `Note ${a.shown}: the ${ordinal(i! + 1)} note call, which ${they("shows", "show")} as ${a.shown}, is missing from ${F}`);
    } else if (b) {
      reported.add(j!);
      const place = lastRef === 0 ? "before the 1st note call" : `after the ${ordinal(lastRef)} note call`;
      say(noteNumber(b.shown), `Note ${b.shown}: ${F} has a note call showing ${b.shown || "nothing"} ${place} that ${they("does", "do")} not have`);
    }
  }

  // Texts.
  for (const [n, text] of ref.notes) {
    if (missingWhole.has(n)) continue;
    const m = renumbered.get(n) ?? n;
    const other = renumbered.has(n) || !accounted.has(m) ? reading.notes.get(m) : undefined;
    accounted.add(m);
    if (other === undefined) say(n, `Note ${n} is missing from the notes of ${F}, where ${they("has", "have")} ${quote(text)}`);
    else if (!sameNoteText(other, text, unordered)) {
      const refList = reference.map((r) => FORMAT_NAMES[r.format]).join(" and ");
      say(n, `Note ${n} text differs: ${FORMAT_NAMES[reading.format]} ${quote(other, text)} vs ${refList} ${quote(text, other)}`);
    }
  }
  for (const [m, text] of reading.notes) if (!accounted.has(m)) say(m, `Note ${m}: ${F} has a note ${quote(text)} that ${they("does", "do")} not have`);
  return found;
}

/** Self-contradictions of a group of identical readings: calls leading elsewhere, reader problems. */
function contradictions(group: Reading[], reported: Set<number>): Disagreement[] {
  const reading = group[0];
  const who = names(group.map((r) => r.format));
  const found: Disagreement[] = reading.problems.map((p) => ({
    note: p.note,
    reason: p.note === undefined ? capitalise(p.reason) : `Note ${p.note}: ${p.reason}`,
  }));
  // One message per (mark shown, place it leads to).
  const elsewhere = [...reading.calls.keys()].filter((i) => !reported.has(i) && leadsElsewhere(reading.calls[i]));
  const byWhere = groupBy(elsewhere, (i) => `${reading.calls[i].shown}\u0000${reading.calls[i].leadsTo?.shown ?? ""}`);
  for (const indexes of byWhere.values()) {
    const call = reading.calls[indexes[0]];
    const places = indexes.map((i) => i + 1);
    const which = places.length === 1 ? `the ${ordinal(places[0])} note call shows` : `the ${andList(places.map(ordinal))} note calls show`;
    const where = `${places.length === 1 ? "leads" : "lead"} to ${call.leadsTo ? `note ${call.leadsTo.shown}` : "no note"}`;
    found.push({ note: noteNumber(call.shown), reason: `Note ${call.shown || "?"}: in ${who}, ${which} ${call.shown || "nothing"} but ${where}` });
  }
  return found;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every disagreement among the readings, sorted by note. With one reading, only its self-contradictions. */
export function compareReadings(readings: Reading[]): Disagreement[] {
  if (readings.length === 0) return [];
  // In a right-to-left document a PDF may give any note's characters in visual order.
  const unordered = readings.some((r) => r.rightToLeft);
  const [reference, ...others] = groups(readings, unordered);
  const found = contradictions(reference, new Set());
  for (const group of others) {
    for (const reading of group) {
      const reported = new Set<number>();
      found.push(...compareWith(reference, reading, reported, unordered));
      found.push(...contradictions([reading], reported));
    }
  }
  // By note number (the sort is stable); messages about the whole document first.
  return found.sort((a, b) => (a.note ?? 0) - (b.note ?? 0));
}
