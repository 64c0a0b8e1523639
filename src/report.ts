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
      lines.push(`${file.path}${place}: ${severity}: ${message.reason}${rule}`);
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
