import { describe, expect, it } from "vitest";
import { FINALIZER } from "../../src/models/index.js";
import {
  type PlanAction,
  REQUEUE_MOVING_MIN_MS,
  REQUEUE_SHORT_MS,
  reconcile,
  settle,
} from "../../src/reconcile/index.js";
import {
  buildCr,
  conditionOf,
  cycle,
  DEPLOYMENT_ID,
  deploymentFor,
  inputFor,
  must,
  steadyWorld,
  UID,
  type World,
} from "../support/builders.js";

const types = (actions: PlanAction[]) => actions.map((action) => action.type);

function deleting(world: World): World {
  const cr = must(world.cr);
  return {
    ...world,
    cr: { ...cr, metadata: { ...cr.metadata, deletionTimestamp: "2025-03-01T12:01:00Z" } },
  };
}

describe("the deletion sequence", () => {
  it("the generation bump of a delete is observed: observedGeneration mirrors it, also when blocked", () => {
    const world = deleting(steadyWorld("PATCH", { state: "RUNNING" }));
    const cr = must(world.cr);
    const generation = (cr.metadata.generation ?? 1) + 1;
    const bumped = { ...world, cr: { ...cr, metadata: { ...cr.metadata, generation } } };
    const blocked = reconcile(inputFor(bumped));
    expect(conditionOf(blocked.status, "DeletionBlocked")?.status).toBe("True");
    expect(blocked.status.observedGeneration).toBe(generation);
    const gone = {
      ...bumped,
      deployment: { ...must(bumped.deployment), status: { state: "CANCELLED" as const } },
    };
    expect(reconcile(inputFor(gone)).status.observedGeneration).toBe(generation);
  });

  it.each([
    ["RUNNING", REQUEUE_SHORT_MS],
    ["TRANSITIONING", REQUEUE_MOVING_MIN_MS],
  ] as const)(
    "VVP %s: DeletionBlocked True, nothing else, a warning once, short requeue",
    (state, requeue) => {
      const world = deleting(steadyWorld("PATCH", { state: "RUNNING" }));
      const observed = { ...world, deployment: { ...must(world.deployment), status: { state } } };
      const first = cycle(observed);
      expect(first.plan.actions).toEqual([]);
      expect(conditionOf(first.plan.status, "DeletionBlocked")).toMatchObject({
        status: "True",
        reason: "DeploymentStillActive",
      });
      expect(first.plan.events).toEqual([
        expect.objectContaining({ type: "Warning", reason: "DeploymentStillActive" }),
      ]);
      expect(first.plan.requeueAfterMs).toBe(requeue);
      const again = cycle(first.world);
      expect(again.plan.events).toEqual([]);
      expect(again.plan.status).toEqual(first.world.cr?.status);
    },
  );

  it("an inactive deployment with a desired state other than CANCELLED: cancel, delete, drop the record, remove the finalizer", () => {
    const world = deleting(steadyWorld("PATCH", { state: "RUNNING" }));
    const failed = {
      ...world,
      deployment: { ...must(world.deployment), status: { state: "FAILED" as const } },
    };
    const plan = reconcile(inputFor(failed));
    expect(plan.actions).toEqual([
      {
        type: "PatchDeployment",
        vvpNamespace: "default",
        deploymentId: DEPLOYMENT_ID,
        body: {
          metadata: { annotations: { "ververica.platform/projected-state": "CANCELLED" } },
          spec: { state: "CANCELLED" },
        },
        purpose: "Cancel",
      },
      { type: "DeleteDeployment", vvpNamespace: "default", deploymentId: DEPLOYMENT_ID },
      { type: "DeleteMapping", crUid: UID },
      { type: "RemoveFinalizer", finalizer: FINALIZER },
    ]);
    expect(conditionOf(plan.status, "DeletionBlocked")).toMatchObject({
      status: "False",
      reason: "DeploymentInactive",
    });
  });

  it("a CANCELLED deployment is deleted without a cancel patch, and the CR goes", () => {
    const world = deleting(steadyWorld("PUT"));
    const result = cycle(world);
    expect(types(result.plan.actions)).toEqual([
      "DeleteDeployment",
      "DeleteMapping",
      "RemoveFinalizer",
    ]);
    expect(result.world).toMatchObject({ cr: null, deployment: null, mapping: null });
  });

  it("a DELETE answered 404 counts as gone", () => {
    const world = deleting(steadyWorld("PATCH"));
    const input = inputFor(world);
    const plan = reconcile(input);
    const outcomes = plan.actions.map((action) =>
      action.type === "DeleteDeployment"
        ? {
            action,
            result: "failed" as const,
            error: { kind: "http" as const, status: 404, message: "not found" },
          }
        : { action, result: "succeeded" as const },
    );
    const settled = settle(input, plan, outcomes);
    expect(settled.events).toContainEqual(expect.objectContaining({ reason: "DeploymentDeleted" }));
    expect(settled.events.some((event) => event.type === "Warning")).toBe(false);
  });

  it("a failing DELETE stops the sequence: the finalizer stays, a warning, backoff", () => {
    const world = deleting(steadyWorld("PATCH"));
    const input = inputFor(world);
    const plan = reconcile(input);
    const [del, ...rest] = plan.actions;
    const settled = settle(input, plan, [
      {
        action: must(del),
        result: "failed",
        error: { kind: "http", status: 500, message: "boom" },
      },
      ...rest.map((action) => ({ action, result: "succeeded" as const })),
    ]);
    expect(settled.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "DeletionFailed" }),
    ]);
    expect(settled.requeueAfterMs).toBeGreaterThan(0);
  });

  it("when nothing is left in VVP or the store, the finalizer goes at once", () => {
    const world = deleting(steadyWorld("PATCH"));
    const plan = reconcile(inputFor({ ...world, deployment: null, mapping: null }));
    expect(types(plan.actions)).toEqual(["RemoveFinalizer"]);
  });

  it("a deployment that is not ours is never deleted", () => {
    const cr = buildCr("PATCH");
    const world = deleting({
      cr,
      deployment: deploymentFor(cr, { crUid: "someone-else" }),
      mapping: null,
      savepoints: [],
    });
    expect(types(reconcile(inputFor(world)).actions)).toEqual(["RemoveFinalizer"]);
  });

  it("a deployment carrying our cr-uid without a record is ours to delete", () => {
    const cr = buildCr("PATCH");
    const world = deleting({ cr, deployment: deploymentFor(cr), mapping: null, savepoints: [] });
    expect(types(reconcile(inputFor(world)).actions)).toEqual([
      "DeleteDeployment",
      "RemoveFinalizer",
    ]);
  });

  it("without our finalizer there is nothing to do", () => {
    const world = deleting(steadyWorld("PATCH"));
    const cr = { ...must(world.cr), metadata: { ...must(world.cr).metadata, finalizers: [] } };
    expect(reconcile(inputFor({ ...world, cr })).actions).toEqual([]);
  });

  it("while sync is disabled nothing is written to VVP: the deletion waits", () => {
    const world = deleting(steadyWorld("PATCH"));
    const plan = reconcile(inputFor(world, { syncEnabled: false }));
    expect(plan.actions).toEqual([]);
    expect(conditionOf(plan.status, "DeletionBlocked")?.message).toContain("sync");
  });
});
