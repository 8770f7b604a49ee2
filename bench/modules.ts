// Every bench module `npm run bench` runs, in order. To add rows, write a
// module (see bench/harness.ts: interleave, rowOf) and add one line here.

import { benchCliStart } from "./cli-start.js";
import { benchController } from "./controller.js";
import { benchCreate } from "./create.js";
import { benchFreshness } from "./freshness.js";
import type { BenchModule, BenchRow } from "./harness.js";
import { type BenchResult, benchReconcile } from "./reconcile.js";
import { benchReconcileOnce } from "./reconcile-once.js";
import {
  benchValidateManyErrors,
  benchValidateManyKeys,
  benchValidateManyKeysParsed,
  benchValidateOneError,
  benchValidateValid,
} from "./validate.js";
import { benchWebhook } from "./webhook.js";
import { benchWebhookApiKey } from "./webhook-api-key.js";

/** A row of the older shape (one ratio, not interleaved), shown as one round. */
function legacy(result: BenchResult & { unit?: string }): BenchRow {
  return {
    name: result.name,
    floor: "(see the bench file; not interleaved)",
    subject: result.subjectMicroseconds,
    floorValue: result.baselineMicroseconds,
    unit: result.unit ?? "µs",
    ratio: { min: result.ratio, median: result.ratio, max: result.ratio },
    rounds: 1,
    goal: result.target,
  };
}

/** Wraps a function returning rows of either shape as a module. */
export function module(
  id: string,
  run: () => Promise<BenchRow | BenchRow[] | BenchResult | BenchResult[]>,
): BenchModule {
  return {
    id,
    run: async () =>
      [await run()].flat().map((row) => ("target" in row ? legacy(row) : (row as BenchRow))),
  };
}

export const BENCH_MODULES: BenchModule[] = [
  module("reconcile", benchReconcile),
  module("reconcile-once", benchReconcileOnce),
  module("create", benchCreate),
  module("validate", async () => [
    ...(await benchValidateValid()),
    ...(await benchValidateManyKeys()),
    ...(await benchValidateManyKeysParsed()),
    ...(await benchValidateOneError()),
    ...(await benchValidateManyErrors()),
  ]),
  module("webhook", benchWebhook),
  module("webhook-api-key", benchWebhookApiKey),
  module("controller", benchController),
  module("freshness", benchFreshness),
  module("cli-start", benchCliStart),
];
