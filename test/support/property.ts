import type fc from "fast-check";

/**
 * Number of cases for property tests: CI sets FAST_CHECK_RUNS=10000; a local
 * `npm test` runs fewer so the edit-test loop stays quick.
 */
export const PROPERTY_RUNS = Number(process.env.FAST_CHECK_RUNS ?? 500);

/**
 * The seed of every property test. CI pins one (FAST_CHECK_SEED) so that a
 * run is reproducible and a red CI always means a change broke something;
 * unset, fast-check draws a fresh seed and keeps exploring (`npm run fuzz`).
 */
export const PROPERTY_SEED =
  process.env.FAST_CHECK_SEED === undefined ? undefined : Number(process.env.FAST_CHECK_SEED);

/** fast-check parameters shared by every property test (the seed is reported on failure). */
export const propertyParameters: fc.Parameters<unknown> =
  PROPERTY_SEED === undefined
    ? { numRuns: PROPERTY_RUNS }
    : { numRuns: PROPERTY_RUNS, seed: PROPERTY_SEED };
