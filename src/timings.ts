/**
 * `--timings`: every stage's start and end since Node started, so that stages which overlap (the browser starting while
 * the Markdown is parsed) show so. Only the command line asks for them: the process records nothing until it does.
 */
let spans: { stage: string; start: number; end: number }[] | undefined;

/** Record every stage from now on. */
export function recordTimings(): void {
  spans ??= [];
}

/** Run `run`, timed as `stage` when timings are recorded, whether it returns, throws or (when it returns a promise) settles. */
export function timed<T>(stage: string, run: () => T): T {
  const recorded = spans;
  if (!recorded) return run();
  const start = performance.now();
  const done = () => void recorded.push({ stage, start, end: performance.now() });
  let result: T;
  try {
    result = run();
  } catch (error) {
    done();
    throw error;
  }
  if (result instanceof Promise) return result.finally(done) as T;
  done();
  return result;
}

/** The stages recorded, in order of their start, as a table: start, end, duration (ms), a bar. */
export function formatTimings(): string {
  const sorted = [...(spans ?? [])].sort((a, b) => a.start - b.start || a.end - b.end);
  if (sorted.length === 0) return "";
  const last = Math.max(...sorted.map((s) => s.end));
  const width = Math.max(...sorted.map((s) => s.stage.length));
  const scale = 40 / last;
  const lines = sorted.map((s) => {
    const bar = " ".repeat(Math.round(s.start * scale)) + "█".repeat(Math.max(1, Math.round((s.end - s.start) * scale)));
    return `  ${s.stage.padEnd(width)}  ${s.start.toFixed(0).padStart(6)} ${s.end.toFixed(0).padStart(6)} ${(s.end - s.start).toFixed(0).padStart(6)}  ${bar}`;
  });
  return [`  ${"stage".padEnd(width)}  ${"from".padStart(6)} ${"to".padStart(6)} ${"ms".padStart(6)}  (ms since Node started)`, ...lines].join("\n");
}
