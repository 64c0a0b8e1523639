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
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "./helpers.ts";
import { GIF, JPEG, png, pngHeader, WEBP } from "./images.ts";

export const CORPUS = join(ROOT, "test/hostile");

export interface Expected {
  built: boolean;
  messages: string[];
}

export function corpusNames(): string[] {
  return readdirSync(CORPUS).filter((n) => n.endsWith(".md")).map((n) => n.slice(0, -3)).sort();
}

export function expected(name: string): Expected {
  const [first, ...rest] = readFileSync(join(CORPUS, `${name}.expected`), "utf8").trimEnd().split("\n");
  if (first !== "built" && first !== "not built") throw new Error(`${name}.expected must start with "built" or "not built"`);
  return { built: first === "built", messages: rest.filter(Boolean) };
}

/**
 * A temp folder `root` with the corpus copied into `root/src` and everything it refers to:
 * `root/secret.png` outside the source folder, `src/link.png` a symbolic link to it, and images.
 */
export function prepareCorpus(): { root: string; src: string } {
  const root = tempDir("broadside-hostile-");
  const src = join(root, "src");
  mkdirSync(join(src, "images"), { recursive: true });
  for (const name of readdirSync(CORPUS)) copyFileSync(join(CORPUS, name), join(src, name));
  writeFileSync(join(root, "secret.png"), png(4, 4, [0, 0, 0]));
  symlinkSync(join(root, "secret.png"), join(src, "link.png"));
  writeFileSync(join(src, "square.png"), png(40, 40));
  writeFileSync(join(src, "images", "dot.gif"), GIF);
  writeFileSync(join(src, "pixel.jpg"), JPEG);
  writeFileSync(join(src, "pixel.webp"), WEBP);
  writeFileSync(join(src, "notes.txt"), "Not an image at all.\n");
  writeFileSync(join(src, "drawing.svg"), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="https://attacker.example/x.png"/></svg>\n');
  writeFileSync(join(src, "huge.png"), Buffer.concat([png(8, 8), Buffer.alloc(6 * 1024 * 1024)]));
  writeFileSync(join(src, "bomb.png"), pngHeader(50_000, 50_000));
  return { root, src };
}

/** The messages the CLI printed for one source, without the path in front. */
export function messagesFor(stderr: string, path: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith(`${path}:`)).map((line) => line.slice(path.length + 1));
}
