/**
 * broadside as a coalition installs it: `npm pack`, then the tarball installed into an empty
 * project in the temp folder (no checkout around it), and the commands and the API run there on
 * that project's own files. One pack and one install for both tests.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers.ts";
import { pdfText, readDocx, readHtml, readPdf } from "./readers.ts";

// Without the npm_* variables `npm test` sets, which would point the inner npm at this checkout.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 240_000 });
}

const project = tempDir("broadside-project-");
const npx = (...args: string[]) => run("npx", ["--no", "broadside", ...args], project);
let installed: SpawnSyncReturns<string>;

describe("the packed package, installed in another project", () => {
  beforeAll(() => {
    const packs = tempDir("broadside-pack-");
    const packed = run("npm", ["pack", "--pack-destination", packs, "--silent"], ROOT);
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = join(
      packs,
      readdirSync(packs).find((n) => n.endsWith(".tgz"))!,
    );
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "letters", private: true }));
    // broadside's run-time packages (fonts: most of the install's bytes) hard-linked from this
    // checkout: npm keeps those of the versions it resolves and removes any it does not need.
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const runtime = Object.entries(lock.packages).filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(path) && !entry.dev);
    for (const folder of new Set(runtime.map(([path]) => dirname(path)))) {
      mkdirSync(join(project, folder), { recursive: true });
      run("cp", ["-al", ...runtime.filter(([path]) => dirname(path) === folder).map(([path]) => join(ROOT, path)), join(project, folder)], ROOT);
    }
    installed = run("npm", ["install", "--save-dev", tarball, "--prefer-offline", "--no-audit", "--no-fund"], project);
    expect(installed.status, installed.stderr).toBe(0);
  }, 300_000);

  it("installs without warnings and builds, checks and imports the project's own letters", async () => {
    expect(installed.stderr).not.toMatch(/warn/i);
    const pkg = join(project, "node_modules", "broadside");
    expect(existsSync(join(pkg, "src"))).toBe(false); // the prebuilt bundle, no sources
    expect(existsSync(join(pkg, "test"))).toBe(false);

    // Installing ran nothing; setup finds the browser when asked, and says so.
    const setup = npx("setup");
    expect(setup.status, setup.stderr).toBe(0);
    expect(setup.stdout).toMatch(/^broadside setup: found the PDF browser \/\S+; nothing installed$/m);

    const init = npx("init");
    expect(init.status, init.stderr).toBe(0);
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toMatch(/^dist\/$/m);
    const readme = readFileSync(join(project, "README.md"), "utf8");
    for (const command of ["build", "check", "import"]) expect(readme).toContain(`npx broadside ${command}`);
    expect(readFileSync(join(project, "source", "letter.md"), "utf8")).toContain("[^2]:");
    expect(npx("init").stdout).toContain("kept source/letter.md"); // never overwrites

    // The project's own style.css replaces broadside's; the other templates stay broadside's.
    mkdirSync(join(project, "templates"));
    writeFileSync(join(project, "templates", "style.css"), `${readFileSync(join(pkg, "templates", "style.css"), "utf8")}\nbody { --the-project-own: 1; }\n`);

    // A press packet of the letter, built in the same run.
    writeFileSync(
      join(project, "source", "kit.packet.md"),
      "---\ntitle: Press kit\nlang: en\npacket:\n  parts: [letter.md]\n---\n\nThe letter, for the press.\n",
    );

    const build = npx("build");
    expect(build.status, build.stderr).toBe(0);
    expect(build.stdout).toContain("wrote dist/letter.pdf");
    expect(build.stdout).toMatch(/^ {2}verified: each part of kit\.packet\.md reads as its own edition/m);
    expect((await pdfText(join(project, "dist", "kit.pdf"))).replace(/\s+/g, " ")).toContain("Release the detained journalists");
    rmSync(join(project, "source", "kit.packet.md"));
    expect(existsSync(join(pkg, "dist"))).toBe(false);
    const html = await readHtml(join(project, "dist", "letter.html"));
    expect(html.calls).toEqual([1, 2, 1]);
    expect(html.notes.get(1)).toMatch(/^Anote:wherea/);
    expect(readFileSync(join(project, "dist", "letter.html"), "utf8")).toContain("--the-project-own: 1");
    const pdf = await readPdf(join(project, "dist", "letter.pdf"), { notesHeading: "Notes" });
    const docx = await readDocx(join(project, "dist", "letter.docx"));
    expect(pdf.calls).toEqual(html.calls);
    expect(docx.calls).toEqual(html.calls);
    expect(pdf.notes).toEqual(html.notes);
    expect(docx.notes).toEqual(html.notes);

    expect(npx("check").stdout).toContain("no problems found");
    writeFileSync(join(project, "source", "bad.md"), "---\ntitle: Bad\nlang: en\n---\n\nA call to nothing.[^9]\n");
    const bad = npx("check");
    rmSync(join(project, "source", "bad.md"));
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/^source\/bad\.md:6:\d+: error: /m);

    const imported = npx("import", "dist/letter.docx", "--lang", "fr", "--out", "source/letter.fr.md");
    expect(imported.status, imported.stderr).toBe(0);
    const translation = readFileSync(join(project, "source", "letter.fr.md"), "utf8");
    expect(translation).toMatch(/^lang: fr$/m);
    expect(translation.match(/^\[\^\w+\]:/gm)).toHaveLength(2);
    rmSync(join(project, "source", "letter.fr.md"));
  }, 180_000);

  it("offers build, check and importDocx as a typed API with the command line's statuses", () => {
    writeFileSync(join(project, "bad.md"), "---\ntitle: Bad\nlang: en\n---\n\nA call to nothing.[^9]\n");
    writeFileSync(
      join(project, "use.mjs"),
      `import { build, check, importDocx, formatReport } from "broadside";
const checked = await check();
const built = await build({ sources: ["source/letter.md"], outDir: "api-out", formats: ["html", "docx"] });
const bad = await build({ sources: ["bad.md"], formats: ["html"], outDir: "api-bad" });
const wrong = await build({ formats: ["xml"] });
const imported = await importDocx("api-out/letter.docx", { lang: "de" });
console.log(JSON.stringify({
  checked: [checked.status, checked.files.map((f) => f.path)],
  built: [built.status, built.written.map((w) => w.format)],
  bad: [bad.status, formatReport(bad.files), bad.written.length],
  wrong: [wrong.status, wrong.error?.message],
  imported: [imported.status, /^lang: de$/m.test(imported.markdown ?? ""), imported.file?.path],
  exitCode: process.exitCode ?? null,
}));
`,
    );
    const used = run(process.execPath, ["use.mjs"], project);
    expect(used.status, used.stderr).toBe(0);
    const result = JSON.parse(used.stdout);
    expect(result.checked).toEqual([0, ["source/letter.md"]]);
    expect(result.built).toEqual([0, ["html", "docx"]]);
    expect(readdirSync(join(project, "api-out")).sort()).toEqual(["letter.docx", "letter.html"]);
    expect(result.bad[0]).toBe(1);
    expect(result.bad[1]).toMatch(/^bad\.md:6:\d+: error: /m);
    expect(result.bad[2]).toBe(0);
    expect(existsSync(join(project, "api-bad", "bad.html"))).toBe(false);
    expect(result.wrong[0]).toBe(2);
    expect(result.wrong[1]).toContain("xml");
    expect(result.imported).toEqual([0, true, "api-out/letter.docx"]);
    expect(result.exitCode).toBe(null);

    // The shipped types: a right use compiles, a wrong format does not.
    writeFileSync(
      join(project, "use.ts"),
      `import { build, type BuildResult, type Status } from "broadside";
const result: BuildResult = await build({ formats: ["html"], notes: "endnotes" });
const status: Status = result.status;
// @ts-expect-error formats are html, pdf and docx
await build({ formats: ["xml"] });
export { status };
`,
    );
    writeFileSync(join(project, "package.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(project, "package.json"), "utf8")), type: "module" }));
    const tsc = run(
      process.execPath,
      [
        join(ROOT, "node_modules", "typescript", "bin", "tsc"),
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--module",
        "nodenext",
        "--target",
        "es2022",
        "use.ts",
      ],
      project,
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);
});
