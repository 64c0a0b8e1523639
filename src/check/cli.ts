/**
 * `npm run check -- [source.md …] [--format text|json] [--strict] [--outputs dir]`
 *
 * Checks each source (parse, numbering pass, then every rule) and, with `--outputs`, the built
 * documents in that folder. Exit 1 on any error (with `--strict`, on any warning too).
 */
import type { VFile } from "vfile";
import { compareMessage } from "vfile-sort";
import { parseLetter, readSource } from "../letter.ts";
import { fail } from "../messages.ts";
import { formatMessages } from "../report.ts";
import { checkLetter } from "./index.ts";

export interface CheckArgs {
  sources: string[];
  format: "text" | "json";
  strict: boolean;
}

async function checkSource(path: string): Promise<VFile> {
  let file: VFile;
  try {
    file = await readSource(path);
  } catch (error) {
    const { VFile } = await import("vfile");
    file = new VFile({ path });
    fail(file, `Cannot read the source: ${(error as Error).message}`, undefined, "source-unreadable");
    return file;
  }
  const letter = parseLetter(file);
  if (letter) checkLetter(letter);
  return file;
}

export function toJson(files: VFile[]) {
  return files.map((file) => ({
    path: file.path,
    messages: [...file.messages].sort(compareMessage).map((m) => ({
      line: m.line ?? null,
      column: m.column ?? null,
      endLine: m.place && "end" in m.place ? m.place.end.line : null,
      endColumn: m.place && "end" in m.place ? m.place.end.column : null,
      severity: m.fatal === true ? "error" : m.fatal === false ? "warning" : "info",
      ruleId: m.ruleId ?? null,
      reason: m.reason,
    })),
  }));
}

export async function runCheck(args: CheckArgs): Promise<number> {
  const files = await Promise.all(args.sources.map(checkSource));
  if (args.strict) {
    for (const file of files) for (const message of file.messages) if (message.fatal === false) message.fatal = true;
  }
  if (args.format === "json") {
    console.log(JSON.stringify(toJson(files), null, 2));
  } else {
    const report = formatMessages(files);
    console.log(report || `broadside check: ${files.length} source${files.length === 1 ? "" : "s"}, no problems found`);
  }
  return files.some((f) => f.messages.some((m) => m.fatal === true)) ? 1 : 0;
}
