import type { ChildProcess } from "node:child_process";

export declare function noteBrowser(executablePath: string): void;

export interface ChromiumExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  error?: Error;
  /** The end of what it wrote to stderr. */
  stderr: string;
}

export interface SpawnedChromium {
  executablePath: string;
  child: ChildProcess;
  userDataDir: string;
  exited: Promise<ChromiumExit>;
  /** SIGKILL its process group, now. */
  kill(): void;
}

export declare function spawnChromium(executablePath: string): SpawnedChromium;
export declare function spawnKnownBrowser(): SpawnedChromium | undefined;
