/**
 * The boundary (src/boundary.ts) on its own: which folder is the project, what resolves inside it,
 * and reading that stops at its limit whatever a file says about its size.
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isRefusal, projectFolder, readBounded, resolveInside, sourceLinkOut } from "../src/boundary.ts";
import { tempDir } from "./helpers.ts";

describe("the project folder", () => {
  it("is --project when given, else the working folder when the source is inside it (not /), else the source's folder", () => {
    const root = realpathSync(tempDir());
    mkdirSync(join(root, "source"));
    writeFileSync(join(root, "source", "letter.md"), "");
    const cwd = process.cwd();
    try {
      process.chdir(root);
      expect(projectFolder(join(root, "source", "letter.md"))).toBe(root);
      expect(projectFolder(join(root, "source", "letter.md"), "source")).toBe(join(root, "source"));
      process.chdir(tempDir());
      expect(projectFolder(join(root, "source", "letter.md"))).toBe(join(root, "source"));
      // The root and the home folder hold far more than a project: the source's folder is.
      process.chdir("/");
      expect(projectFolder(join(root, "source", "letter.md"))).toBe(join(root, "source"));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("a source that is a link", () => {
  it("is refused when the link leads out of its project; a link inside it, or a linked folder of sources, is read", () => {
    const root = realpathSync(tempDir());
    const project = join(root, "project");
    mkdirSync(join(root, "synced"), { recursive: true });
    mkdirSync(project);
    writeFileSync(join(root, "secret.md"), "outside");
    writeFileSync(join(root, "synced", "letter.md"), "a letter");
    writeFileSync(join(project, "in.md"), "inside");
    symlinkSync(join(root, "secret.md"), join(project, "out.md"));
    symlinkSync("out.md", join(project, "chain.md"));
    symlinkSync("in.md", join(project, "in-link.md"));
    symlinkSync(join(root, "synced"), join(project, "source"));
    const cwd = process.cwd();
    try {
      process.chdir(project);
      expect(sourceLinkOut("out.md")?.rule).toBe("path-outside-project");
      expect(sourceLinkOut("chain.md")?.rule).toBe("path-outside-project");
      expect(sourceLinkOut("in-link.md")).toBeUndefined();
      expect(sourceLinkOut("in.md")).toBeUndefined();
      expect(sourceLinkOut(join("source", "letter.md"))).toBeUndefined();
      // Named from elsewhere, the project is the named file's folder: the link still leads out of it.
      process.chdir(tempDir());
      expect(sourceLinkOut(join(project, "out.md"))?.rule).toBe("path-outside-project");
      expect(sourceLinkOut(join(root, "secret.md"))).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("resolving a named file", () => {
  const root = realpathSync(tempDir());
  const project = join(root, "project");
  mkdirSync(join(project, "sub"), { recursive: true });
  writeFileSync(join(root, "secret.md"), "outside");
  writeFileSync(join(project, "sub", "in.md"), "inside");
  symlinkSync(join(root, "secret.md"), join(project, "out.md"));
  symlinkSync("sub/in.md", join(project, "in-link.md"));
  symlinkSync(root, join(project, "up"));
  const rule = (written: string, base = project) => {
    const found = resolveInside(written, base, project, "x");
    return isRefusal(found) ? found.rule : "inside";
  };

  it.each<[string, string, string?]>([
    ["sub/in.md", "inside"],
    ["in-link.md", "inside"],
    ["../sub/in.md", "inside", "sub"],
    ["../secret.md", "path-outside-project"],
    ["sub/../../secret.md", "path-outside-project"],
    ["out.md", "path-outside-project"],
    ["up/secret.md", "path-outside-project"],
    ["/etc/passwd", "path-outside-project"],
    ["/proc/self/environ", "path-special-file"],
    ["/dev/zero", "path-special-file"],
    ["sub", "path-not-file"],
    ["gone.md", "path-missing"],
    ["../gone.md", "path-outside-project"],
    ["a\0b", "path-outside-project"],
  ])("%s: %s", (written, want, from) => {
    expect(rule(written, from ? join(project, from) : project)).toBe(want);
  });
});

describe("reading with a bound", () => {
  it("reads a file within its limit, refuses one over it before reading", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a"), "12345");
    expect(Buffer.from(readBounded(join(dir, "a"), 5, "x") as Uint8Array).toString()).toBe("12345");
    expect(readBounded(join(dir, "a"), 4, "x")).toEqual({ rule: "file-too-large", reason: "x is 0.0 MB; broadside reads at most 0.0 MB" });
  });

  it("stops at the limit when a file says it is empty but is not (/proc), and refuses devices", () => {
    expect((readBounded("/proc/self/status", 64, "x") as { rule: string }).rule).toBe("file-too-large");
    expect(readBounded("/dev/zero", 64, "x")).toEqual({ rule: "path-not-file", reason: "x is a device, not a file" });
  });
});
