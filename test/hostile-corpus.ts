/**
 * The hostile corpus (`test/hostile/`): one Markdown source per attack, each beside a
 * `<name>.expected` file holding its exact outcome: `built` or `not built`, then every message
 * the build prints for it as `line:col: severity: reason [rule-id]`, in order.
 *
 * Sources named `allow-html-*` are built with `--allow-html`. `pdf-fetch.md` has `PORT` where a
 * test puts its listener's port. The files a source refers to (images, a symbolic link, a file
 * outside the source's folder) are made in a temp folder by {@link prepareCorpus}; nothing
 * outside that folder is touched.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "./helpers.ts";
import { GIF, JPEG, png, pngHeader, WEBP } from "./images.ts";

export const CORPUS = join(ROOT, "test/hostile");

/** A string found only in files outside the project folder: no output may contain it. */
export const CANARY = "CANARY-outside-the-project-5d41402abc4b";

export interface Expected {
  built: boolean;
  messages: string[];
}

export function corpusNames(): string[] {
  return readdirSync(CORPUS)
    .filter((n) => n.endsWith(".md"))
    .map((n) => n.slice(0, -3))
    .sort();
}

export function expected(name: string): Expected {
  const [first, ...rest] = readFileSync(join(CORPUS, `${name}.expected`), "utf8")
    .trimEnd()
    .split("\n");
  if (first !== "built" && first !== "not built") throw new Error(`${name}.expected must start with "built" or "not built"`);
  return { built: first === "built", messages: rest.filter(Boolean) };
}

/**
 * A temp folder `root` with the corpus copied into `root/src` and everything it refers to:
 * `root/secret.png` outside the source folder (with {@link CANARY} in it), `src/link.png` a
 * symbolic link to it and `src/chain.png` one to that, a pipe, a folder, and images.
 */
export function prepareCorpus(): { root: string; src: string } {
  const root = tempDir("broadside-hostile-");
  const src = join(root, "src");
  mkdirSync(join(src, "images"), { recursive: true });
  for (const name of readdirSync(CORPUS)) copyFileSync(join(CORPUS, name), join(src, name));
  writeFileSync(join(root, "secret.png"), Buffer.concat([png(4, 4, [0, 0, 0]), Buffer.from(CANARY)]));
  symlinkSync(join(root, "secret.png"), join(src, "link.png"));
  // A chain of links that leads out, one that stays inside, a pipe and a folder named as images.
  symlinkSync("link.png", join(src, "chain.png"));
  symlinkSync("images/dot.gif", join(src, "inner-link.png"));
  execFileSync("mkfifo", [join(src, "pipe.png")]);
  mkdirSync(join(src, "folder.png"));
  writeFileSync(join(src, "square.png"), png(40, 40));
  writeFileSync(join(src, "images", "dot.gif"), GIF);
  writeFileSync(join(src, "pixel.jpg"), JPEG);
  writeFileSync(join(src, "pixel.webp"), WEBP);
  writeFileSync(join(src, "notes.txt"), "Not an image at all.\n");
  writeFileSync(
    join(src, "drawing.svg"),
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="https://attacker.example/x.png"/></svg>\n',
  );
  writeFileSync(join(src, "huge.png"), Buffer.concat([png(8, 8), Buffer.alloc(6 * 1024 * 1024)]));
  writeFileSync(join(src, "bomb.png"), pngHeader(50_000, 50_000));
  // A GIF whose screen is 10 × 10 and whose one frame is 20000 × 20000: a pixel bomb behind a small header.
  writeFileSync(
    join(src, "frame.gif"),
    Buffer.concat([
      Buffer.from("GIF89a\x0a\x00\x0a\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff", "latin1"),
      Buffer.from(",\x00\x00\x00\x00\x20\x4e\x20\x4e\x00\x02\x02\x44\x01\x00;", "latin1"),
    ]),
  );
  return { root, src };
}

/** The messages the CLI printed for one source, without the path in front. */
export function messagesFor(stderr: string, path: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith(`${path}:`))
    .map((line) => line.slice(path.length + 1));
}

/**
 * Path and resource attacks on a packet, made in a temp folder: `root/project` is the project
 * folder (the build runs in it), `root/outside` holds a Markdown file with {@link CANARY}.
 * Each part is listed with the message it must get, at its line in the packet's front matter.
 */
export function preparePathAttacks(port: number): { root: string; project: string; parts: [part: string, message: RegExp][] } {
  const root = tempDir("broadside-paths-");
  const project = join(root, "project");
  const outside = join(root, "outside");
  mkdirSync(join(project, "letters"), { recursive: true });
  mkdirSync(outside);
  const letter = (title: string) => `---\ntitle: ${title}\nlang: en\n---\n\nA letter.[^1]\n\n[^1]: A note.\n`;
  writeFileSync(join(outside, "secret.md"), letter(CANARY));
  writeFileSync(join(project, "letters", "ok.md"), letter("Inside"));
  symlinkSync(join(outside, "secret.md"), join(project, "link.md"));
  symlinkSync("link.md", join(project, "chain.md"));
  symlinkSync("/proc/self/environ", join(project, "environ.md"));
  execFileSync("mkfifo", [join(project, "pipe.md")]);
  mkdirSync(join(project, "folder.md"));
  writeFileSync(join(project, "photo.png"), png(4, 4));
  const outsideRule = /is outside the project folder .*\[path-outside-project\]/;
  const parts: [string, RegExp][] = [
    ["letters/ok.md", /^$/],
    ["../outside/secret.md", outsideRule],
    [join(outside, "secret.md"), outsideRule],
    ["letters/../../outside/secret.md", outsideRule],
    ["/etc/passwd", outsideRule],
    ["/proc/self/environ", /is a file of the system \(\/proc\/self\/environ\).*\[path-special-file\]/],
    ["/dev/zero", /is a file of the system \(\/dev\/zero\).*\[path-special-file\]/],
    ["link.md", /is a link to a file outside the project folder .*\[path-outside-project\]/],
    ["chain.md", /is a link to a file outside the project folder .*\[path-outside-project\]/],
    ["environ.md", /is a link to a file of the system .*\[path-special-file\]/],
    ["pipe.md", /is a named pipe, not a file \[path-not-file\]/],
    ["folder.md", /is a folder, not a file \[path-not-file\]/],
    ["photo.png", /is not a Markdown source .*\[packet-part-type\]/],
    [`http://127.0.0.1:${port}/part.md`, /not found .*\[packet-part-missing\]/],
  ];
  const list = parts.map(([part]) => `    - ${JSON.stringify(part)}`).join("\n");
  writeFileSync(join(project, "attack.packet.md"), `---\ntitle: Attack\nlang: en\npacket:\n  parts:\n${list}\n---\n\nThe parts.\n`);
  // An edition taking its signatories from a file: a link out and a pipe are refused, not read.
  for (const [name, from] of [
    ["sig-link.md", "link.md"],
    ["sig-pipe.md", "pipe.md"],
  ]) {
    writeFileSync(join(project, name), `---\ntitle: Edition\nlang: fr\nsignatories:\n  from: ${from}\n---\n\nUne lettre.\n\n## Signataires\n`);
  }
  const many = Array.from({ length: 1000 }, () => "    - letters/ok.md").join("\n");
  writeFileSync(join(project, "many.packet.md"), `---\ntitle: Many\nlang: en\npacket:\n  parts:\n${many}\n---\n`);
  return { root, project, parts };
}
