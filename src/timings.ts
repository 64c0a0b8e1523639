/**
 * `--timings`: every stage's start and end since Node started, so that stages which overlap (the browser starting while
 * the Markdown is parsed) show so. A build without it records nothing.
 */
export class Timings {
  /** Each stage's start and end, in ms since the process started (performance.now()). */
  readonly #spans: { stage: string; start: number; end: number }[] = [];

  /** Time `run` as `stage`, whether it returns, throws or (when it returns a promise) settles. */
  time<T>(stage: string, run: () => T): T {
    const start = performance.now();
    const done = () => void this.#spans.push({ stage, start, end: performance.now() });
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

  /** The stages in order of their start, as a table: start, end, duration (ms), a bar. */
  format(): string {
    const spans = [...this.#spans].sort((a, b) => a.start - b.start || a.end - b.end);
    if (spans.length === 0) return "";
    const last = Math.max(...spans.map((s) => s.end));
    const width = Math.max(...spans.map((s) => s.stage.length));
    const scale = 40 / last;
    const lines = spans.map((s) => {
      const bar = " ".repeat(Math.round(s.start * scale)) + "█".repeat(Math.max(1, Math.round((s.end - s.start) * scale)));
      return `  ${s.stage.padEnd(width)}  ${s.start.toFixed(0).padStart(6)} ${s.end.toFixed(0).padStart(6)} ${(s.end - s.start).toFixed(0).padStart(6)}  ${bar}`;
    });
    return [`  ${"stage".padEnd(width)}  ${"from".padStart(6)} ${"to".padStart(6)} ${"ms".padStart(6)}  (ms since Node started)`, ...lines].join("\n");
  }
}

/** Time with `timings` when there is one; else just run. */
export function timed<T>(timings: Timings | undefined, stage: string, run: () => T): T {
  return timings ? timings.time(stage, run) : run();
}
