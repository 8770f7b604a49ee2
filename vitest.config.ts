import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Most of the suite's time is spent waiting (child processes, leases,
// watches, simulated transitions), not computing: vitest's default of one
// worker per core minus one (a single worker on a 2-core machine) ran those
// waits one after another. More workers than cores overlap them; every test
// file still runs alone in its own process. VITEST_MAX_WORKERS overrides.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || Math.max(3, availableParallelism());

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    maxWorkers,
  },
});
