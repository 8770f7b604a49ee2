import { defineConfig } from "vitest/config";

// Most of the suite's time is spent waiting (child processes, leases,
// watches, simulated transitions), and vitest's default on a 2-core machine
// is a single worker that runs those waits one after another.
// VITEST_MAX_WORKERS=3 overlaps them (299 s → 216 s for `npm test` on a
// shared 2-core machine), but under that load a few tests with tight timings
// failed (see the README), so the default stays vitest's until they are loosened.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || undefined;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    ...(maxWorkers === undefined ? {} : { maxWorkers }),
  },
});
