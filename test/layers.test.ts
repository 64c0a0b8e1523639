/**
 * The layers of src/ as drawn from the imports (docs/contributing.md): the core imports no
 * feature, compiler or command, and no module imports itself through others.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");
const CORE = ["letter", "frontmatter", "notes", "markdown", "safety", "language"].map((name) => join(SRC, `${name}.ts`));
const ABOVE_CORE = /^(packet|pdf|html|docx|ooxml|check|import|xliff|dev|verify|setup)\/|^(features|build|edition|cli|api)\.ts$/;

const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(SRC, f));
/** Every module a file imports (types and lazy imports too), as absolute paths. */
const imports = new Map(
  files.map((file) => {
    const found = [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => resolve(dirname(file), m[1]));
    return [file, found.filter((f) => files.includes(f))];
  }),
);

function reached(from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) for (const next of imports.get(todo.pop()!) ?? []) if (!seen.has(next)) (seen.add(next), todo.push(next));
  return seen;
}

describe("the layers of src/", () => {
  it("the core reaches no feature, compiler or command, even through other modules", () => {
    for (const core of CORE) {
      const above = [...reached(core)].map((f) => relative(SRC, f)).filter((f) => ABOVE_CORE.test(f));
      expect(above, relative(SRC, core)).toEqual([]);
    }
  });

  it("no module imports itself through others", () => {
    const circles = files.filter((file) => reached(file).has(file)).map((f) => relative(SRC, f));
    expect(circles).toEqual([]);
  });
});
