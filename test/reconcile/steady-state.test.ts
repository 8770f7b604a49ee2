// The steady state must be silent: an unchanged CR whose VVP deployment
// matches gets no action, no event, and the very status it has, so a host
// writes nothing.
import { describe, expect, it } from "vitest";
import { reconcile } from "../../src/reconcile/index.js";
import {
  buildCr,
  converge,
  cycle,
  DEPLOYMENT_ID,
  deploymentFor,
  freshWorld,
  INSTANCE,
  inputFor,
  mappingFor,
  steadyWorld,
} from "../support/builders.js";
import { exampleCr } from "../support/examples.js";

describe.each(["PATCH", "PUT"] as const)("the seed's %s example", (mode) => {
  it("a fresh CR converges: created, then the next reconcile is silent", () => {
    const first = cycle(freshWorld(buildCr(mode, { finalizer: false })));
    expect(first.plan.actions.map((action) => action.type)).toEqual([
      "AddFinalizer",
      "CreateDeployment",
    ]);
    const second = reconcile(inputFor(first.world));
    expect(second.actions).toEqual([]);
    expect(second.events).toEqual([]);
    expect(second.status).toStrictEqual(first.world.cr?.status);
  });

  it("is silent in the steady state, with the status written by hand", () => {
    const cr = buildCr(mode, {
      status: {
        deploymentId: DEPLOYMENT_ID,
        observedGeneration: 1,
        syncEnabled: true,
        observedSpecState: "CANCELLED",
        actualState: "CANCELLED",
        vvpNamespace: "default",
        instanceId: INSTANCE,
        conditions: [
          {
            type: "Healthy",
            status: "True",
            reason: "AllConditionsMet",
            message: "All sub-conditions are healthy",
            lastTransitionTime: "2025-02-01T00:00:00Z",
            observedGeneration: 1,
          },
          {
            type: "Consistent",
            status: "True",
            reason: "RecordIntact",
            message: "Linked to VVP deployment my-deployment in namespace default",
            lastTransitionTime: "2025-02-01T00:00:00Z",
            observedGeneration: 1,
          },
          {
            type: "SpecAligned",
            status: "True",
            reason: "SpecUnchanged",
            message: "No spec changes since the last projection",
            lastTransitionTime: "2025-02-01T00:00:00Z",
            observedGeneration: 1,
          },
          {
            type: "NonceAligned",
            status: "True",
            reason: "NoncesProcessed",
            message: "All nonce operations have been processed, or none were requested",
            lastTransitionTime: "2025-02-01T00:00:00Z",
            observedGeneration: 1,
          },
          {
            type: "ParallelismAligned",
            status: "True",
            reason: "Aligned",
            message: "Autopilot is not active",
            lastTransitionTime: "2025-02-01T00:00:00Z",
            observedGeneration: 1,
          },
        ],
      },
    });
    const before = structuredClone(cr.status);
    const plan = reconcile(
      inputFor({ cr, deployment: deploymentFor(cr), mapping: mappingFor(), savepoints: [] }),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.events).toEqual([]);
    expect(plan.status).toStrictEqual(before);
  });

  it.each(["RUNNING", "SUSPENDED"] as const)("is silent once converged with state %s", (state) => {
    const world = steadyWorld(mode, { state, savepointNonce: 2, restartNonce: 0, parallelism: 3 });
    const plan = reconcile(inputFor(world, { now: "2025-03-02T00:00:00Z" }));
    expect(plan.actions).toEqual([]);
    expect(plan.events).toEqual([]);
    expect(plan.status).toStrictEqual(world.cr?.status);
  });

  it("is silent for the example exactly as checked in (no uid, no generation)", () => {
    const world = converge(freshWorld(exampleCr(mode)));
    const plan = reconcile(inputFor(world));
    expect(plan.actions).toEqual([]);
    expect(plan.events).toEqual([]);
    expect(plan.status).toStrictEqual(world.cr?.status);
  });

  it("stays silent while sync is disabled and nothing changes", () => {
    const world = converge(steadyWorld(mode), { syncEnabled: false });
    const plan = reconcile(inputFor(world, { syncEnabled: false }));
    expect(plan.actions).toEqual([]);
    expect(plan.events).toEqual([]);
    expect(plan.status).toStrictEqual(world.cr?.status);
  });
});
