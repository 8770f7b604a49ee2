// Seed, "Conditions": Healthy's aggregation driven through reconcile for a
// failure of each sub-condition, DeletionBlocked's inverted polarity, and
// ParallelismAligned healing by itself.
import { describe, expect, it } from "vitest";
import { isHealthyState, SUB_CONDITION_TYPES } from "../../src/conditions/index.js";
import type { Condition, VvpDeploymentStatus } from "../../src/models/index.js";
import { type ReconcileInput, reconcile } from "../../src/reconcile/index.js";
import {
  conditionOf,
  editSpec,
  inputFor,
  must,
  steadyWorld,
  type World,
} from "../support/builders.js";
import { withJobState } from "./support.js";

const RUNNING = steadyWorld("PATCH", { state: "RUNNING", parallelism: 2 });

function deleting(world: World): World {
  const cr = must(world.cr);
  return {
    ...world,
    cr: { ...cr, metadata: { ...cr.metadata, deletionTimestamp: "2025-03-01T12:01:00Z" } },
  };
}

function unhealthy(status: VvpDeploymentStatus): Condition[] {
  return (status.conditions ?? []).filter(
    (condition) =>
      condition.type !== "Healthy" &&
      !isHealthyState(condition.type, {
        status: condition.status,
        reason: condition.reason,
        message: condition.message,
      }),
  );
}

const SINGLE_FAILURES: [string, string, () => ReconcileInput][] = [
  ["Consistent", "AppManagerRecordNotFound", () => inputFor({ ...RUNNING, deployment: null })],
  ["SpecAligned", "SyncDisabled", () => inputFor(RUNNING, { syncEnabled: false })],
  [
    "NonceAligned",
    "RestartBlocked",
    () =>
      inputFor(
        editSpec(withJobState(RUNNING, "FAILED"), (cr) => {
          cr.spec.restartNonce = 1;
        }),
      ),
  ],
  [
    "ParallelismAligned",
    "AutopilotManaged",
    () =>
      inputFor({
        ...RUNNING,
        autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 6 },
      }),
  ],
  ["DeletionBlocked", "DeploymentStillActive", () => inputFor(deleting(RUNNING))],
];

describe("seed: Healthy", () => {
  it.each(SINGLE_FAILURES)(
    "seed: a single failing sub-condition (%s %s) is propagated: Healthy False inherits its reason and message",
    (type, reason, input) => {
      const status = reconcile(input()).status;
      expect(unhealthy(status).map((condition) => [condition.type, condition.reason])).toEqual([
        [type, reason],
      ]);
      const failing = must(conditionOf(status, type));
      expect(conditionOf(status, "Healthy")).toMatchObject({
        status: "False",
        reason,
        message: failing.message,
      });
    },
  );

  it("seed: several failing sub-conditions give SubConditionsFailing, the message listing all failures", () => {
    const status = reconcile(
      inputFor(
        {
          ...RUNNING,
          deployment: null,
          autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 6 },
        },
        { syncEnabled: false },
      ),
    ).status;
    const failures = unhealthy(status);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    const healthy = must(conditionOf(status, "Healthy"));
    expect(healthy).toMatchObject({ status: "False", reason: "SubConditionsFailing" });
    for (const failure of failures) {
      expect(healthy.message).toContain(`${failure.type}: ${failure.reason}`);
    }
    for (const type of SUB_CONDITION_TYPES) {
      if (!failures.some((failure) => failure.type === type)) {
        expect(healthy.message).not.toContain(`${type}:`);
      }
    }
  });

  it("seed: Healthy is True AllConditionsMet when every other condition is in its healthy state", () => {
    const status = reconcile(inputFor(RUNNING)).status;
    expect(unhealthy(status)).toEqual([]);
    expect(conditionOf(status, "Healthy")).toMatchObject({
      status: "True",
      reason: "AllConditionsMet",
    });
  });
});

describe("seed: DeletionBlocked (inverted polarity)", () => {
  it("seed: DeletionBlocked False is healthy: Healthy stays True during an unblocked deletion", () => {
    const status = reconcile(
      inputFor(deleting(steadyWorld("PATCH", { state: "CANCELLED" }))),
    ).status;
    expect(conditionOf(status, "DeletionBlocked")?.status).toBe("False");
    expect(conditionOf(status, "Healthy")).toMatchObject({
      status: "True",
      reason: "AllConditionsMet",
    });
  });

  it("seed: DeletionBlocked absent is healthy: no DeletionBlocked outside a deletion", () => {
    const status = reconcile(inputFor(RUNNING)).status;
    expect(conditionOf(status, "DeletionBlocked")).toBeUndefined();
    expect(conditionOf(status, "Healthy")?.status).toBe("True");
  });

  it.each(["RUNNING", "TRANSITIONING"] as const)(
    "seed: DeletionBlocked True DeploymentStillActive while the deployment is %s",
    (state) => {
      const plan = reconcile(inputFor(deleting(withJobState(RUNNING, state))));
      expect(conditionOf(plan.status, "DeletionBlocked")).toMatchObject({
        status: "True",
        reason: "DeploymentStillActive",
      });
      expect(plan.actions.some((action) => action.type === "DeleteDeployment")).toBe(false);
      expect(plan.actions.some((action) => action.type === "RemoveFinalizer")).toBe(false);
    },
  );
});

describe("seed: ParallelismAligned auto-heals", () => {
  it("seed: ParallelismAligned follows VVP's parallelism on every cycle, with no CR update and no action", () => {
    const cr = must(RUNNING.cr);
    const steps = [
      [{ mode: "DISABLED" as const, scalingInProgress: false }, "True", "Aligned"],
      [{ mode: "ACTIVE" as const, scalingInProgress: false }, "True", "Aligned"],
      [
        { mode: "ACTIVE" as const, scalingInProgress: false, runtimeParallelism: 6 },
        "False",
        "AutopilotManaged",
      ],
      [
        { mode: "ACTIVE" as const, scalingInProgress: false, runtimeParallelism: 2 },
        "True",
        "Aligned",
      ],
    ] as const;
    let status = cr.status;
    for (const [autopilot, expectedStatus, reason] of steps) {
      const plan = reconcile(inputFor({ ...RUNNING, cr: { ...cr, status }, autopilot }));
      expect(plan.actions).toEqual([]);
      expect(conditionOf(plan.status, "ParallelismAligned")).toMatchObject({
        status: expectedStatus,
        reason,
      });
      status = plan.status;
    }
    expect(cr.metadata.generation).toBe(1);
  });

  it("seed: ParallelismAligned is True when the CR does not specify parallelism", () => {
    const world = steadyWorld("PATCH", { state: "RUNNING" });
    expect(must(world.cr).spec.deployment.spec.template.spec.parallelism).toBeUndefined();
    const plan = reconcile(
      inputFor({
        ...world,
        autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 6 },
      }),
    );
    expect(conditionOf(plan.status, "ParallelismAligned")).toMatchObject({
      status: "True",
      reason: "Aligned",
    });
  });
});

describe("seed: SpecAligned StateProjectionSuppressedAutopilot is transient", () => {
  it("seed: StateProjectionSuppressedAutopilot resolves automatically when scaling completes", () => {
    const deployment = must(RUNNING.deployment);
    const scaling = {
      ...RUNNING,
      deployment: {
        ...deployment,
        spec: { ...must(deployment.spec), state: "CANCELLED" as const },
        status: { state: "CANCELLED" as const },
      },
      autopilot: { mode: "ACTIVE" as const, scalingInProgress: true, runtimeParallelism: 2 },
    };
    const suppressed = reconcile(inputFor(scaling));
    expect(suppressed.actions).toEqual([]);
    expect(conditionOf(suppressed.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "StateProjectionSuppressedAutopilot",
    });
    // Autopilot finished: VVP runs again at a new parallelism; nothing to send, SpecAligned heals.
    const done = reconcile(
      inputFor({
        ...RUNNING,
        cr: { ...must(RUNNING.cr), status: suppressed.status },
        autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 4 },
      }),
    );
    expect(done.actions).toEqual([]);
    expect(conditionOf(done.status, "SpecAligned")?.status).toBe("True");
    expect(conditionOf(done.status, "ParallelismAligned")?.reason).toBe("AutopilotManaged");
  });
});
