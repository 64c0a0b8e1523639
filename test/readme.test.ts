import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.ts";

describe("the README and CI agree", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const commands = /^```sh\n([^\n]+)\n([^\n]+)\n```/.exec(readme);

  it("starts with exactly two commands: build, then test", () => {
    expect(commands?.index).toBe(0);
    expect(commands?.[1]).toBe("npm install && npm run setup && npm run build");
    expect(commands?.[2]).toBe("npm test");
  });

  it("has CI run the README's test command after npm ci", () => {
    const ci = readFileSync(join(ROOT, ".ci/run"), "utf8")
      .split("\n")
      .filter((l) => l.trim() && !l.trim().startsWith("#"));
    expect(ci).toContain('npm ci --no-audit --no-fund 2>&1 | tee "$log"');
    expect(ci.join("\n")).toMatch(/grep -qi "npm warn" "\$log"; then .*exit 1/);
    expect(ci[ci.length - 1]).toBe(commands?.[2]);
  });

  it("has package scripts for both commands", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.build).toBe("node bin/broadside.mjs build");
    expect(pkg.scripts.setup).toBe("node bin/broadside.mjs setup");
    expect(pkg.scripts.test).toMatch(/vitest run/);
  });
});
