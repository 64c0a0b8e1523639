/**
 * `npm run check` on an edition that records its source's revision (`translation-of`): each unit of the source changed,
 * added or removed since is an `edition-behind` warning at the edition's own unit (or where an added one would go).
 */
import { toString } from "mdast-util-to-string";
import type { VFile } from "vfile";
import { sourceBeside } from "../boundary.ts";
import { frontMatterOf, type Letter } from "../letter.ts";
import { warn } from "../messages.ts";
import { firstWords } from "../import/read.ts";
import { readLetterUnits } from "./edition.ts";
import { compareUnits, readTranslationOf, revisionOf } from "./revision.ts";
import { unitsOf, type Unit } from "./units.ts";

const textOf = (unit: Unit) => unit.text ?? toString(unit.children, { includeImageAlt: false });

export async function checkEdition(letter: Letter, file: VFile): Promise<void> {
  const front = frontMatterOf(letter);
  const recorded = readTranslationOf(front);
  if (!recorded) return;
  const yaml = letter.tree.children.find((n) => n.type === "yaml");
  const frontPlace = yaml?.position ? { line: yaml.position.start.line, column: 1 } : { line: 1, column: 1 };
  const found = sourceBeside(file.path, recorded.source);
  if ("rule" in found) {
    warn(file, `This edition translates ${recorded.source}: ${found.reason}; whether it is behind cannot be told`, frontPlace, "edition-source");
    return;
  }
  const { source } = await readLetterUnits(found.path);
  if (!source) {
    warn(file, `This edition translates ${recorded.source}, which has errors; whether it is behind cannot be told`, frontPlace, "edition-source");
    return;
  }
  const now = revisionOf(source.units).revision;
  if (now === recorded.revision) return;
  const mine = unitsOf(letter, front);
  const placeOf = (old: number | undefined) => {
    const unit = old !== undefined && mine.length === recorded.units.length ? mine[old] : undefined;
    return unit ? { line: unit.line, column: unit.column } : frontPlace;
  };
  const changes = compareUnits(recorded.units, source.units);
  const since = `since this edition was translated (revision ${recorded.revision}, now ${now}); send the changes to the translator: npm run export -- --changed ${file.path}`;
  const taken = new Set<number>();
  // An edition that takes its signatories from the source (`signatories.from`) has nothing to translate in them.
  const from = front.signatories && typeof front.signatories === "object" && "from" in front.signatories;
  for (const index of changes.changed) {
    const unit = source.units[index];
    if (from && unit.kind === "signatory") continue;
    // What this unit was: a recorded unit no longer there, between the unchanged neighbours.
    let before = -1;
    for (let j = index - 1; j >= 0 && before < 0; j--) before = changes.same.get(j) ?? -1;
    let after = recorded.units.length;
    for (let j = index + 1; j < source.units.length && after === recorded.units.length; j++) after = changes.same.get(j) ?? recorded.units.length;
    const old = changes.removed.find((i) => i > before && i < after && !taken.has(i));
    if (old !== undefined) taken.add(old);
    const what = old !== undefined ? "changed" : "was added";
    const quote = firstWords(textOf(unit));
    warn(
      file,
      `${unit.label} of ${recorded.source} (line ${unit.line}, “${quote}”) ${what} ${since}`,
      placeOf(old ?? (before >= 0 ? before : undefined)),
      "edition-behind",
    );
  }
  // Removed units this edition cannot place are said once, with their count: the recorded list is the edition's text, a stranger's.
  let unplaced = 0;
  for (const old of changes.removed) {
    if (taken.has(old)) continue;
    const unit = mine.length === recorded.units.length ? mine[old] : undefined;
    if (!unit) unplaced++;
    else warn(file, `${unit.label} (“${firstWords(textOf(unit))}”) was removed from ${recorded.source} ${since}`, placeOf(old), "edition-behind");
  }
  if (unplaced)
    warn(file, `${unplaced === 1 ? "a unit was" : `${unplaced} units were`} removed from ${recorded.source} ${since}`, frontPlace, "edition-behind");
}
