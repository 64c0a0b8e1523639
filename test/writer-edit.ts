/**
 * LibreOffice Writer editing .docx files through its own scripting (test/writer-edit.py, UNO),
 * headless, one soffice for all the jobs of a test file, with a private profile and broadside's
 * own fontconfig (the host's fonts play no part).
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.ts";
import { libreOfficeFontconfig } from "./libreoffice.ts";

export type WriterEdit =
  | { op: "retype"; find: string; replace: string }
  | { op: "crossref"; after: string; footnote: number }
  | { op: "footnote"; after: string; text: string }
  | { op: "delete"; footnote: number }
  | { op: "uncall"; after: string }
  | { op: "style"; paragraph: number; style: string }
  | { op: "title"; value: string };

export interface WriterJob {
  in: string;
  out: string;
  edits: WriterEdit[];
}

/** Python with LibreOffice's UNO bridge (Debian's python3-uno is for the system Python). */
const PYTHON = process.env.BROADSIDE_UNO_PYTHON ?? "/usr/bin/python3";

export function editInWriter(jobs: WriterJob[], work: string): Promise<void> {
  const list = join(work, "writer-jobs.json");
  writeFileSync(list, JSON.stringify(jobs));
  return new Promise((done, fail) => {
    execFile(
      PYTHON,
      [join(ROOT, "test/writer-edit.py"), list],
      { encoding: "utf8", timeout: 180_000, env: { ...process.env, FONTCONFIG_FILE: libreOfficeFontconfig() } },
      (error, _stdout, stderr) => {
        if (error) fail(new Error(`LibreOffice Writer editing failed: ${error.message}\n${stderr}`));
        else done();
      },
    );
  });
}
