import { defineConfig } from "vitest/config";

// Test wall time (see the README): most of it used to be spent starting a
// fresh worker and importing the same modules again for each of the 133 test
// files, and waiting (child processes, leases, watches, transitions) one file
// after another. Test files share a worker and its module cache
// (isolate: false; a test that needs a module's fresh state re-imports it
// after vi.resetModules()), and two workers overlap the waits of one file
// with the CPU of another. VITEST_MAX_WORKERS overrides the count.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || 2;
// A property test at CI's 10,000 runs takes a few seconds alone but may take
// a minute on a loaded machine: the timeout grows with the runs.
const propertyRuns = Number(process.env.FAST_CHECK_RUNS ?? 500);
const testTimeout = Math.max(30_000, propertyRuns * 12);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout,
    isolate: false,
    maxWorkers,
  },
});
