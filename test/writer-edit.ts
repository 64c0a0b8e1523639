/**
 * LibreOffice Writer editing .docx files through its own scripting (test/writer-edit.py, UNO),
 * headless, one soffice for all the jobs of a test file, with a private profile and broadside's
 * own fontconfig (the host's fonts play no part).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
  | { op: "title"; value: string }
  // The crowd's (test/writer-crowd.ts): places given by numbers taken modulo what the document has.
  | { op: "words"; p: number; at: number; n: number; text: string }
  | { op: "reorder" | "join" | "copypara"; p: number }
  | { op: "format"; p: number; at: number; n: number; kind: "bold" | "italic" | "underline" }
  | { op: "split" | "linebreak"; p: number; at: number }
  | { op: "notetext"; k: number; text: string }
  | { op: "delnote"; k: number }
  | { op: "movecall"; k: number; at: number }
  | { op: "addnote" | "comment"; p: number; at: number; text: string }
  | { op: "link"; p: number; at: number; text: string; url: string }
  | { op: "row"; k: number; text: string }
  | { op: "parastyle"; p: number; styles: string[] }
  | { op: "track"; accept: boolean; edit: WriterEdit };

export interface WriterJob {
  in: string;
  out: string;
  edits: WriterEdit[];
  /** Writer's filter for .docx: "MS Word 2007 XML" (Word 2007-365, the default) or "Office Open XML Text". */
  filter?: string;
}

/** Python with LibreOffice's UNO bridge (Debian's python3-uno is for the system Python). */
const PYTHON = process.env.BROADSIDE_UNO_PYTHON ?? "/usr/bin/python3";

/**
 * Make the jobs' edits in one soffice. With `tolerant`, a job whose edit fails is recorded and the
 * next goes on: the result lists, for each job made, what each edit did (writer-edit.py) or its error.
 */
export function editInWriter(jobs: WriterJob[], work: string, tolerant = false, timeout = 180_000): Promise<JobDone[]> {
  const list = join(work, "writer-jobs.json");
  const log = join(work, "writer-done.json");
  writeFileSync(list, JSON.stringify(jobs));
  return new Promise((done, fail) => {
    execFile(
      PYTHON,
      [join(ROOT, "test/writer-edit.py"), list, ...(tolerant ? [log] : [])],
      { encoding: "utf8", timeout, env: { ...process.env, FONTCONFIG_FILE: libreOfficeFontconfig() } },
      (error, _stdout, stderr) => {
        const made: JobDone[] = tolerant && existsSync(log) ? JSON.parse(readFileSync(log, "utf8")) : [];
        if (error && !(tolerant && made.length)) fail(new Error(`LibreOffice Writer editing failed: ${error.message}\n${stderr}`));
        else {
          if (error) process.stderr.write(`LibreOffice Writer stopped after ${made.length} of ${jobs.length} jobs: ${stderr.slice(-2000)}\n`);
          done(made);
        }
      },
    );
  });
}

export interface JobDone {
  out: string;
  done: Record<string, unknown>[];
  error?: string;
}
