/** A press release's `embargo` is a real date and time: one that does not exist is refused at its place, not rolled over into another. */
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { FEATURES } from "../src/features.ts";
import { parseLetter } from "../src/letter.ts";

const errors = (embargo: string) => {
  const file = new VFile({ path: "release.md", value: `---\ntitle: Release\nlang: en\nembargo: ${embargo}\n---\n\nText.\n` });
  const letter = parseLetter(file, { features: FEATURES });
  return { letter, said: file.messages.filter((m) => m.fatal === true).map((m) => `${m.line}:${m.column} [${m.ruleId}] ${m.reason}`) };
};

describe("embargo", () => {
  it.each(["2026-13-01T10:00Z", "2026-00-10T10:00Z", "2026-02-30T10:00Z", "2026-06-15T24:00Z"])("%s does not exist: refused, at the embargo", (embargo) => {
    expect(errors(embargo).said).toEqual([
      `4:10 [front-matter-type] Front matter \`embargo\` must be a date and time with its zone, like \`2026-06-15T10:00+02:00\`; not \`${embargo}\``,
    ]);
  });

  it("a date that exists is read as written, its zone kept", () => {
    const { letter, said } = errors("2026-12-31T23:59+05:30");
    expect(said).toEqual([]);
    expect(letter?.meta.press?.embargo?.wall.toISOString()).toBe("2026-12-31T23:59:00.000Z");
    expect(letter?.meta.press?.embargo?.offset).toBe(330);
  });
});
