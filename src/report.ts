/** Messages as `file:line:col: severity: reason [rule-id]`, one a line (editors and CI jump to them), sorted by place, then counted. */
import type { VFile } from "vfile";
import { statistics } from "vfile-statistics";
import { compareMessage } from "vfile-sort";

export function formatMessages(files: VFile[]): string {
  const lines: string[] = [];
  for (const file of files) {
    for (const message of [...file.messages].sort(compareMessage)) {
      const severity = message.fatal === true ? "error" : message.fatal === false ? "warning" : "info";
      const place = message.line ? `:${message.line}:${message.column ?? 1}` : "";
      const rule = message.ruleId ? ` [${message.ruleId}]` : "";
      lines.push(printable(`${file.path}${place}: ${severity}: ${message.reason}${rule}`));
    }
  }
  const stats = statistics(files);
  if (stats.total > 0) {
    const parts = [];
    if (stats.fatal) parts.push(`${stats.fatal} error${stats.fatal === 1 ? "" : "s"}`);
    if (stats.warn) parts.push(`${stats.warn} warning${stats.warn === 1 ? "" : "s"}`);
    if (stats.info) parts.push(`${stats.info} info`);
    lines.push(`${stats.total} message${stats.total === 1 ? "" : "s"} (${parts.join(", ")})`);
  }
  return lines.join("\n");
}

/**
 * Control characters and bidirectional overrides written as `\u{1B}`: messages quote a stranger's text and
 * file names, which must not drive the terminal (escape sequences) or reorder what a reader sees.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
