// Every row of every condition table in the seed, as a named test driven
// through reconcile/settle, so each proves the core reaches that row.
import { describe, expect, it } from "vitest";
import { reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  buildCr,
  conditionOf,
  deploymentFor,
  editSpec,
  freshWorld,
  inputFor,
  must,
  steadyWorld,
} from "../support/builders.js";

const running = () => steadyWorld("PATCH", { state: "RUNNING", parallelism: 2 });

describe("seed table: Healthy", () => {
  it("True AllConditionsMet: all sub-conditions are healthy", () => {
    const plan = reconcile(inputFor(running()));
    expect(conditionOf(plan.status, "Healthy")).toMatchObject({
      status: "True",
      reason: "AllConditionsMet",
    });
  });
  it("False (propagated): a single failing sub-condition's reason, e.g. SavepointBlocked", () => {
    const world = editSpec(steadyWorld("PATCH", { state: "CANCELLED" }), (cr) => {
      cr.spec.savepointNonce = 1;
    });
    const plan = reconcile(inputFor(world));
    expect(conditionOf(plan.status, "Healthy")).toMatchObject({
      status: "False",
      reason: "SavepointBlocked",
      message: conditionOf(plan.status, "NonceAligned")?.message,
    });
  });
  it("False SubConditionsFailing: several failing, each listed as Type: Reason", () => {
    const world = editSpec(steadyWorld("PATCH", { state: "CANCELLED" }), (cr) => {
      cr.spec.savepointNonce = 1;
    });
    const plan = reconcile(inputFor(world, { syncEnabled: false }));
    const healthy = conditionOf(plan.status, "Healthy");
    expect(healthy).toMatchObject({ status: "False", reason: "SubConditionsFailing" });
    expect(healthy?.message).toContain("SpecAligned: SyncDisabled");
    expect(healthy?.message).toContain("NonceAligned: SavepointBlocked");
  });
});

describe("seed table: Consistent", () => {
  it("True RecordIntact: the CR is linked to a VVP deployment", () => {
    expect(conditionOf(reconcile(inputFor(running())).status, "Consistent")).toMatchObject({
      status: "True",
      reason: "RecordIntact",
    });
  });
  it("False AppManagerRecordNotFound: the record exists, the VVP deployment does not; nothing sent", () => {
    const plan = reconcile(inputFor({ ...running(), deployment: null }));
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "False",
      reason: "AppManagerRecordNotFound",
    });
    expect(plan.actions).toEqual([]);
    expect(plan.events).toContainEqual(
      expect.objectContaining({ type: "Warning", reason: "AppManagerRecordNotFound" }),
    );
  });
  it("False DBRecordMissing: the record is missing but the deployment still exists; nothing sent", () => {
    const plan = reconcile(inputFor({ ...running(), mapping: null }));
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "False",
      reason: "DBRecordMissing",
    });
    expect(plan.actions).toEqual([]);
  });
  it("False ResourceDeleted: both the record and the deployment are gone; nothing sent", () => {
    const plan = reconcile(inputFor({ ...running(), mapping: null, deployment: null }));
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "False",
      reason: "ResourceDeleted",
    });
    expect(conditionOf(plan.status, "Consistent")?.message).toContain("--force");
    expect(plan.actions).toEqual([]);
  });
  it("False AppManagerCreateFailed: the create failed, with VVP's message", () => {
    const world = freshWorld(buildCr("PATCH"));
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      plan.actions.map((action) =>
        action.type === "CreateDeployment"
          ? {
              action,
              result: "failed",
              error: {
                kind: "http",
                status: 400,
                message: "engine version vera-0 is not supported",
              },
            }
          : { action, result: "succeeded" },
      ),
    );
    const consistent = conditionOf(settled.status, "Consistent");
    expect(consistent).toMatchObject({ status: "False", reason: "AppManagerCreateFailed" });
    expect(consistent?.message).toContain("engine version vera-0 is not supported");
  });
  it("False AppManagerCreateFailed: a deployment of that name exists and is not ours; nothing sent", () => {
    const cr = buildCr("PATCH");
    const plan = reconcile(
      inputFor({ ...freshWorld(cr), deployment: deploymentFor(cr, { crUid: "someone-else" }) }),
    );
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "False",
      reason: "AppManagerCreateFailed",
    });
    expect(conditionOf(plan.status, "Consistent")?.message).toContain(
      "not managed by this resource",
    );
    expect(plan.actions).toEqual([]);
  });
});

describe("seed table: SpecAligned", () => {
  it("True ConfigUpdated: the spec was projected", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.deployment.spec.template.spec.engineVersionName = "vera-4.3-flink-1.20";
    });
    const plan = reconcile(inputFor(world));
    expect(plan.actions.map((action) => action.type)).toEqual(["PatchDeployment"]);
    expect(conditionOf(plan.status, "SpecAligned")).toMatchObject({
      status: "True",
      reason: "ConfigUpdated",
    });
  });
  it("True SpecUnchanged: no spec changes since the last projection", () => {
    const world = running();
    const status = world.cr?.status;
    const cr = {
      ...must(world.cr),
      status: {
        ...status,
        conditions: status?.conditions?.filter((c) => c.type !== "SpecAligned"),
      },
    };
    const plan = reconcile(inputFor({ ...world, cr }));
    expect(plan.actions).toEqual([]);
    expect(conditionOf(plan.status, "SpecAligned")).toMatchObject({
      status: "True",
      reason: "SpecUnchanged",
    });
  });
  it("False StateProjectionSuppressedAutopilot: drift during an Autopilot scaling run; nothing sent", () => {
    const world = running();
    const drifted = {
      ...must(world.deployment),
      spec: { ...must(must(world.deployment).spec), state: "SUSPENDED" as const },
    };
    const plan = reconcile(
      inputFor({
        ...world,
        deployment: drifted,
        autopilot: { mode: "ACTIVE", scalingInProgress: true },
      }),
    );
    expect(plan.actions).toEqual([]);
    expect(conditionOf(plan.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "StateProjectionSuppressedAutopilot",
    });
  });
  it("False SyncDisabled: the change is recorded but not projected", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    const plan = reconcile(inputFor(world, { syncEnabled: false }));
    expect(plan.actions).toEqual([]);
    expect(conditionOf(plan.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "SyncDisabled",
    });
    expect(plan.status.syncEnabled).toBe(false);
    // Observed, and recorded as owed: projected once sync is enabled again.
    expect(plan.status.observedGeneration).toBe(2);
    expect(plan.status.unprojectedGeneration).toBe(2);
    const enabled = reconcile(
      inputFor({ ...world, cr: { ...must(world.cr), status: plan.status } }),
    );
    expect(enabled.actions.map((action) => action.type)).toEqual(["PatchDeployment"]);
  });
});

describe("seed table: NonceAligned", () => {
  it("True NoncesProcessed: all nonce operations processed", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.savepointNonce = 1;
      cr.spec.restartNonce = 1;
    });
    const plan = reconcile(inputFor(world));
    expect(plan.actions.map((action) => action.type)).toEqual(["TriggerSavepoint", "RestartJob"]);
    expect(conditionOf(plan.status, "NonceAligned")).toMatchObject({
      status: "True",
      reason: "NoncesProcessed",
    });
  });
  it("True NoncesProcessed: none requested", () => {
    expect(conditionOf(reconcile(inputFor(running())).status, "NonceAligned")).toMatchObject({
      status: "True",
      reason: "NoncesProcessed",
    });
  });
  it("False SavepointBlocked: the job is not RUNNING", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.savepointNonce = 1;
    });
    const failed = { ...must(world.deployment), status: { state: "FAILED" as const } };
    const plan = reconcile(inputFor({ ...world, deployment: failed }));
    expect(conditionOf(plan.status, "NonceAligned")).toMatchObject({
      status: "False",
      reason: "SavepointBlocked",
    });
    expect(plan.actions.some((action) => action.type === "TriggerSavepoint")).toBe(false);
    expect(plan.status.lastConsumedSavepointNonce).toBe(1);
  });
  it("False RestartBlocked: an Autopilot scaling operation is in progress", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.restartNonce = 1;
    });
    const plan = reconcile(
      inputFor({ ...world, autopilot: { mode: "ACTIVE", scalingInProgress: true } }),
    );
    expect(conditionOf(plan.status, "NonceAligned")).toMatchObject({
      status: "False",
      reason: "RestartBlocked",
    });
    expect(plan.actions.some((action) => action.type === "RestartJob")).toBe(false);
  });
});

describe("seed table: ParallelismAligned", () => {
  it("True Aligned: Autopilot is not active", () => {
    expect(conditionOf(reconcile(inputFor(running())).status, "ParallelismAligned")).toMatchObject({
      status: "True",
      reason: "Aligned",
    });
  });
  it("False AutopilotManaged: Autopilot's runtime parallelism differs from the CR's; it auto-heals", () => {
    const world = running();
    const managed = reconcile(
      inputFor({
        ...world,
        autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 6 },
      }),
    );
    expect(conditionOf(managed.status, "ParallelismAligned")).toMatchObject({
      status: "False",
      reason: "AutopilotManaged",
    });
    expect(managed.actions).toEqual([]);
    const healed = reconcile(
      inputFor({
        ...world,
        cr: { ...must(world.cr), status: managed.status },
        autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 2 },
      }),
    );
    expect(conditionOf(healed.status, "ParallelismAligned")).toMatchObject({
      status: "True",
      reason: "Aligned",
    });
  });
});

describe("seed table: DeletionBlocked", () => {
  const deleting = (world: ReturnType<typeof running>) => ({
    ...world,
    cr: {
      ...must(world.cr),
      metadata: { ...must(world.cr).metadata, deletionTimestamp: "2025-03-01T12:01:00Z" },
    },
  });
  it("True DeploymentStillActive: the deployment is RUNNING; nothing is done", () => {
    const plan = reconcile(inputFor(deleting(running())));
    expect(conditionOf(plan.status, "DeletionBlocked")).toMatchObject({
      status: "True",
      reason: "DeploymentStillActive",
    });
    expect(plan.actions).toEqual([]);
  });
  it("False: normal state, deletion is not blocked", () => {
    const plan = reconcile(inputFor(deleting(steadyWorld("PATCH"))));
    expect(conditionOf(plan.status, "DeletionBlocked")).toMatchObject({
      status: "False",
      reason: "DeploymentInactive",
    });
  });
  it("absent: while the CR is not being deleted", () => {
    expect(conditionOf(reconcile(inputFor(running())).status, "DeletionBlocked")).toBeUndefined();
  });
});

describe("settle rows of the tables", () => {
  it("SpecAligned False ProjectionFailed (ours) with VVP's message", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(input, plan, [
      {
        action: must(plan.actions[0]),
        result: "failed",
        error: { kind: "http", status: 500, message: "database unavailable" },
      },
    ]);
    expect(conditionOf(settled.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "ProjectionFailed",
    });
    expect(conditionOf(settled.status, "SpecAligned")?.message).toContain("database unavailable");
    expect(settle(input, plan, allSucceeded(plan)).status).toEqual(plan.status);
  });
});
