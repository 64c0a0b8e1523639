/**
 * Installing what the build and the tests need on the machine, the same way every time:
 * find it, else install it where we can (Debian/Ubuntu as root), else say exactly what to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export function which(command: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

export function canAptInstall(): boolean {
  return process.platform === "linux" && typeof process.getuid === "function" && process.getuid() === 0 && existsSync("/usr/bin/apt-get");
}

/** `apt-get install` the packages (after one `apt-get update`); true when it worked. */
export function aptInstall(packages: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  console.log(`broadside setup: apt-get install ${packages.join(" ")}`);
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  if (update.status !== 0) return false;
  const install = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  return install.status === 0;
}
