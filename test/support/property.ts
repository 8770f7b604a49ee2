import type fc from "fast-check";

/**
 * Number of cases for property tests: CI sets FAST_CHECK_RUNS=10000; a local
 * `npm test` runs fewer so the edit-test loop stays quick.
 */
export const PROPERTY_RUNS = Number(process.env.FAST_CHECK_RUNS ?? 500);

/** fast-check parameters shared by every property test (seeded by fast-check, reported on failure). */
export const propertyParameters: fc.Parameters<unknown> = { numRuns: PROPERTY_RUNS };
