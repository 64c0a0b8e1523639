/**
 * Where a build's time goes: `npm run build -- --timings` prints every stage with its start and
 * end, counted from the moment Node started, so stages that overlap (the browser starting while
 * the Markdown is parsed) show as overlapping. Passed to the stages that record into it; a build
 * without it records nothing.
 */
export interface Span {
  stage: string;
  /** ms since the process started (performance.now()). */
  start: number;
  end: number;
}

export class Timings {
  readonly spans: Span[] = [];
  /** Where the table counts from (performance.now()), and what that moment is called. */
  readonly #origin: number;
  readonly #since: string;

  constructor({ origin = 0, since = "Node started" }: { origin?: number; since?: string } = {}) {
    this.#origin = origin;
    this.#since = since;
  }

  /** Time `run` as `stage`, whether it returns or throws. */
  async time<T>(stage: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.spans.push({ stage, start, end: performance.now() });
    }
  }

  timeSync<T>(stage: string, run: () => T): T {
    const start = performance.now();
    try {
      return run();
    } finally {
      this.spans.push({ stage, start, end: performance.now() });
    }
  }

  /** The stages in order of their start, as a table: start, end, duration (ms), a bar. */
  format(): string {
    const spans = this.spans
      .map((s) => ({ ...s, start: s.start - this.#origin, end: s.end - this.#origin }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    if (spans.length === 0) return "";
    const last = Math.max(...spans.map((s) => s.end));
    const width = Math.max(...spans.map((s) => s.stage.length));
    const scale = 40 / last;
    const lines = spans.map((s) => {
      const bar = " ".repeat(Math.round(s.start * scale)) + "█".repeat(Math.max(1, Math.round((s.end - s.start) * scale)));
      return `  ${s.stage.padEnd(width)}  ${s.start.toFixed(0).padStart(6)} ${s.end.toFixed(0).padStart(6)} ${(s.end - s.start).toFixed(0).padStart(6)}  ${bar}`;
    });
    return [`  ${"stage".padEnd(width)}  ${"from".padStart(6)} ${"to".padStart(6)} ${"ms".padStart(6)}  (ms since ${this.#since})`, ...lines].join("\n");
  }
}

/** Time with `timings` when there is one; else just run. */
export function timed<T>(timings: Timings | undefined, stage: string, run: () => Promise<T>): Promise<T> {
  return timings ? timings.time(stage, run) : run();
}

export function timedSync<T>(timings: Timings | undefined, stage: string, run: () => T): T {
  return timings ? timings.timeSync(stage, run) : run();
}
