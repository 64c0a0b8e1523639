import { defineConfig } from "vitest/config";
import { bundleInPage } from "./bin/bundle.mjs";

export default defineConfig({
  // The in-page pagination script, as the command line's bundle carries it (bin/bundle.mjs).
  plugins: [
    {
      name: "paginate-in-page",
      resolveId: (id) => (id === "broadside:paginate-in-page" ? "\0" + id : undefined),
      load: async (id) => (id === "\0broadside:paginate-in-page" ? `export default ${JSON.stringify(await bundleInPage())};` : undefined),
    },
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // End-to-end tests start Chromium and LibreOffice: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Most of a test's time is spent waiting for Chromium, LibreOffice or a build in another
    // process: two files at a time keep both cores busy.
    maxWorkers: 2,
    // Every CLI a test starts builds in its own process: a build server (src/server) would
    // outlive the test. test/server.test.ts turns it on for its own runs.
    env: { BROADSIDE_SERVER: "off" },
  },
});
