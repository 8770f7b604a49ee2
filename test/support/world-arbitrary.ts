// The world arbitrary of the reconcile properties: a CR (either mode, any
// nonce and status history), VVP's deployment, savepoints and Autopilot.
// Shared with the fake API server's check that every status reconcile
// writes is accepted by the CRD (test/testing/crd-properties.test.ts).

import fc from "fast-check";
import type { ActualState, DesiredState } from "../../src/models/index.js";
import type { VvpSavepoint } from "../../src/nonces/index.js";
import { buildCr, deploymentFor, mappingFor, UID, type World } from "./builders.js";

const desired = fc.constantFrom<DesiredState>("RUNNING", "CANCELLED", "SUSPENDED");
const actual = fc.constantFrom<ActualState>(
  "RUNNING",
  "CANCELLED",
  "SUSPENDED",
  "TRANSITIONING",
  "FAILED",
  "FINISHED",
);
const nonce = fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined });
const nullableNonce = fc.oneof(nonce, fc.constant(null));

export const worldArb: fc.Arbitrary<{ world: World; syncEnabled: boolean }> = fc
  .record({
    mode: fc.constantFrom("PATCH", "PUT") as fc.Arbitrary<"PATCH" | "PUT">,
    state: fc.option(desired, { nil: null }),
    generation: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    savepointNonce: nullableNonce,
    restartNonce: nullableNonce,
    deleting: fc.boolean(),
    finalizer: fc.boolean(),
    parallelism: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    status: fc.record(
      {
        observedGeneration: fc.integer({ min: 1, max: 4 }),
        deploymentId: fc.constant("dep-0001"),
        lastConsumedSavepointNonce: nonce,
        lastProcessedSavepointNonce: nonce,
        lastConsumedTriggerNonce: nonce,
        lastProcessedTriggerNonce: nonce,
      },
      { requiredKeys: [] },
    ),
    deployment: fc.option(
      fc.record({
        specState: desired,
        actualState: actual,
        crUid: fc.constantFrom(UID, "someone-else", null),
        restartNonce: fc.option(fc.constantFrom("0", "1", "2", "3"), { nil: undefined }),
      }),
      { nil: null },
    ),
    mapped: fc.boolean(),
    autopilot: fc.option(
      fc.record({
        mode: fc.constantFrom("DISABLED", "MONITORING", "ACTIVE") as fc.Arbitrary<
          "DISABLED" | "MONITORING" | "ACTIVE"
        >,
        scalingInProgress: fc.boolean(),
        runtimeParallelism: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    savepoints: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    syncEnabled: fc.boolean(),
  })
  .map((spec) => {
    const cr = buildCr(spec.mode, {
      state: spec.state,
      generation: spec.generation,
      savepointNonce: spec.savepointNonce,
      restartNonce: spec.restartNonce,
      deleting: spec.deleting,
      finalizer: spec.finalizer,
      ...(spec.parallelism !== undefined ? { parallelism: spec.parallelism } : {}),
      status: JSON.parse(JSON.stringify(spec.status)),
    });
    const deployment =
      spec.deployment === null
        ? null
        : deploymentFor(cr, {
            specState: spec.deployment.specState,
            actualState: spec.deployment.actualState,
            crUid: spec.deployment.crUid,
            ...(spec.deployment.restartNonce !== undefined
              ? { restartNonce: spec.deployment.restartNonce }
              : {}),
          });
    const savepoints: VvpSavepoint[] = spec.savepoints.map((value, index) => ({
      metadata: {
        deploymentId: "dep-0001",
        createdAt: `2025-02-01T00:00:0${index}Z`,
        annotations: { "ververica.platform/savepoint-nonce": `${UID}/${value}` },
      },
    }));
    const world: World = {
      cr,
      deployment,
      mapping: spec.mapped ? mappingFor() : null,
      savepoints,
      ...(spec.autopilot !== undefined ? { autopilot: spec.autopilot } : {}),
    };
    return { world, syncEnabled: spec.syncEnabled };
  });
