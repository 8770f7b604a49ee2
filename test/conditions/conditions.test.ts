import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ConditionState,
  computeConditions,
  deletionBlockedState,
  healthyState,
  isHealthyState,
  newlyUnhealthy,
  parallelismAlignedState,
  type SubConditionStates,
  setCondition,
} from "../../src/conditions/index.js";
import type { Condition } from "../../src/models/index.js";
import { propertyParameters } from "../support/property.js";

const T0 = "2025-03-01T12:00:00Z";
const T1 = "2025-03-01T12:05:00Z";

const ok: SubConditionStates = {
  Consistent: { status: "True", reason: "RecordIntact", message: "linked" },
  SpecAligned: { status: "True", reason: "SpecUnchanged", message: "unchanged" },
  NonceAligned: { status: "True", reason: "NoncesProcessed", message: "done" },
  ParallelismAligned: { status: "True", reason: "Aligned", message: "aligned" },
};
const savepointBlocked: ConditionState = {
  status: "False",
  reason: "SavepointBlocked",
  message: "savepointNonce 3 is blocked",
};
const syncDisabled: ConditionState = {
  status: "False",
  reason: "SyncDisabled",
  message: "sync off",
};

describe("Healthy's aggregation (seed: Healthy table)", () => {
  it("True AllConditionsMet when every sub-condition is healthy", () => {
    expect(healthyState(ok)).toMatchObject({ status: "True", reason: "AllConditionsMet" });
  });
  it("True when DeletionBlocked is False", () => {
    expect(
      healthyState({ ...ok, DeletionBlocked: deletionBlockedState("CANCELLED") }),
    ).toMatchObject({ status: "True", reason: "AllConditionsMet" });
  });
  it("False (propagated): a single failing sub-condition gives its reason and message", () => {
    expect(healthyState({ ...ok, NonceAligned: savepointBlocked })).toEqual({
      status: "False",
      reason: "SavepointBlocked",
      message: "savepointNonce 3 is blocked",
    });
  });
  it("False SubConditionsFailing: several failing, the message lists each Type: Reason", () => {
    const state = healthyState({
      ...ok,
      NonceAligned: savepointBlocked,
      SpecAligned: syncDisabled,
    });
    expect(state.status).toBe("False");
    expect(state.reason).toBe("SubConditionsFailing");
    expect(state.message).toContain("SpecAligned: SyncDisabled");
    expect(state.message).toContain("NonceAligned: SavepointBlocked");
  });
  it("an Unknown sub-condition counts as failing", () => {
    expect(
      healthyState({
        ...ok,
        Consistent: { status: "Unknown", reason: "Creating", message: "creating" },
      }),
    ).toEqual({ status: "False", reason: "Creating", message: "creating" });
  });
  it("DeletionBlocked True is failing (inverted polarity)", () => {
    expect(healthyState({ ...ok, DeletionBlocked: deletionBlockedState("RUNNING") })).toMatchObject(
      {
        status: "False",
        reason: "DeploymentStillActive",
      },
    );
  });

  it("property: Healthy is True exactly when every sub-condition is healthy", () => {
    const state = (reasons: string[]) =>
      fc.record({
        status: fc.constantFrom("True", "False", "Unknown"),
        reason: fc.constantFrom(...reasons),
        message: fc.string(),
      }) as fc.Arbitrary<ConditionState>;
    fc.assert(
      fc.property(
        fc.record({
          Consistent: state(["RecordIntact", "DBRecordMissing"]),
          SpecAligned: state(["ConfigUpdated", "SyncDisabled"]),
          NonceAligned: state(["NoncesProcessed", "RestartBlocked"]),
          ParallelismAligned: state(["Aligned", "AutopilotManaged"]),
          DeletionBlocked: fc.option(state(["DeploymentStillActive", "DeploymentInactive"]), {
            nil: undefined,
          }),
        }),
        (states) => {
          const { DeletionBlocked, ...rest } = states;
          const input: SubConditionStates = DeletionBlocked === undefined ? rest : states;
          const allHealthy =
            Object.entries(rest).every(([, s]) => s.status === "True") &&
            (DeletionBlocked === undefined || DeletionBlocked.status === "False");
          expect(healthyState(input).status === "True").toBe(allHealthy);
        },
      ),
      propertyParameters,
    );
  });
});

describe("setCondition: Kubernetes merge rules", () => {
  const clock0 = { now: T0, generation: 1 };
  const clock1 = { now: T1, generation: 2 };
  it("a new condition gets now and observedGeneration", () => {
    expect(setCondition(undefined, "NonceAligned", savepointBlocked, clock0)).toEqual({
      type: "NonceAligned",
      ...savepointBlocked,
      lastTransitionTime: T0,
      observedGeneration: 1,
    });
  });
  it("lastTransitionTime is kept while the status does not change, even if reason and message do", () => {
    const first = setCondition(undefined, "NonceAligned", savepointBlocked, clock0);
    const next = setCondition(
      first,
      "NonceAligned",
      { status: "False", reason: "RestartBlocked", message: "m" },
      clock1,
    );
    expect(next).toEqual({
      type: "NonceAligned",
      status: "False",
      reason: "RestartBlocked",
      message: "m",
      lastTransitionTime: T0,
      observedGeneration: 2,
    });
  });
  it("lastTransitionTime changes when the status changes", () => {
    const first = setCondition(undefined, "NonceAligned", savepointBlocked, clock0);
    expect(setCondition(first, "NonceAligned", ok.NonceAligned, clock1).lastTransitionTime).toBe(
      T1,
    );
  });
  it("an unchanged condition is returned as it was", () => {
    const first = setCondition(undefined, "NonceAligned", savepointBlocked, clock0);
    expect(setCondition(first, "NonceAligned", savepointBlocked, { now: T1, generation: 1 })).toBe(
      first,
    );
  });
  it("observedGeneration is left out when the generation is unknown", () => {
    expect(
      setCondition(undefined, "Healthy", ok.Consistent, { now: T0, generation: undefined }),
    ).not.toHaveProperty("observedGeneration");
  });
});

describe("computeConditions", () => {
  it("keeps the fixed order, DeletionBlocked last and only while deleting", () => {
    const types = (conditions: Condition[]) => conditions.map((condition) => condition.type);
    expect(types(computeConditions(undefined, ok, { now: T0, generation: 1 }))).toEqual([
      "Healthy",
      "Consistent",
      "SpecAligned",
      "NonceAligned",
      "ParallelismAligned",
    ]);
    expect(
      types(
        computeConditions(
          undefined,
          { ...ok, DeletionBlocked: deletionBlockedState("RUNNING") },
          { now: T0, generation: 1 },
        ),
      ),
    ).toEqual([
      "Healthy",
      "Consistent",
      "SpecAligned",
      "NonceAligned",
      "ParallelismAligned",
      "DeletionBlocked",
    ]);
  });
  it("whatever order the previous conditions were in", () => {
    const previous = computeConditions(undefined, ok, { now: T0, generation: 1 }).reverse();
    expect(computeConditions(previous, ok, { now: T1, generation: 1 })).toEqual(previous.reverse());
  });
});

describe("ParallelismAligned (seed table)", () => {
  it.each([
    [
      "True Aligned: Autopilot is not active",
      undefined,
      { mode: "DISABLED" as const, runtimeParallelism: 8 },
      4,
      "True",
      "Aligned",
    ],
    [
      "True Aligned: Autopilot only monitors",
      undefined,
      { mode: "MONITORING" as const, runtimeParallelism: 8 },
      4,
      "True",
      "Aligned",
    ],
    [
      "True Aligned: Autopilot has not scaled yet",
      undefined,
      { mode: "ACTIVE" as const },
      4,
      "True",
      "Aligned",
    ],
    [
      "True Aligned: the CR does not specify parallelism",
      undefined,
      { mode: "ACTIVE" as const, runtimeParallelism: 8 },
      undefined,
      "True",
      "Aligned",
    ],
    [
      "True Aligned: the CR's parallelism matches Autopilot's",
      undefined,
      { mode: "ACTIVE" as const, runtimeParallelism: 4 },
      4,
      "True",
      "Aligned",
    ],
    [
      "False AutopilotManaged: active and different",
      undefined,
      { mode: "ACTIVE" as const, runtimeParallelism: 8 },
      4,
      "False",
      "AutopilotManaged",
    ],
  ])("%s", (_name, _unused, autopilot, parallelism, status, reason) => {
    expect(parallelismAlignedState(parallelism, autopilot)).toMatchObject({ status, reason });
  });
});

describe("DeletionBlocked (seed table)", () => {
  it.each([
    ["RUNNING", "True", "DeploymentStillActive"],
    ["TRANSITIONING", "True", "DeploymentStillActive"],
    ["CANCELLED", "False", "DeploymentInactive"],
    ["SUSPENDED", "False", "DeploymentInactive"],
    ["FAILED", "False", "DeploymentInactive"],
    ["FINISHED", "False", "DeploymentInactive"],
    [undefined, "False", "DeploymentInactive"],
  ] as const)("VVP %s → %s %s", (state, status, reason) => {
    const condition = deletionBlockedState(state);
    expect(condition).toMatchObject({ status, reason });
    expect(isHealthyState("DeletionBlocked", condition)).toBe(status === "False");
  });
});

describe("newlyUnhealthy: warnings only when a condition first turns unhealthy", () => {
  const previous = computeConditions(
    undefined,
    { ...ok, SpecAligned: syncDisabled },
    { now: T0, generation: 1 },
  );
  it.each([
    ["healthy → unhealthy warns", undefined, { ...ok, SpecAligned: syncDisabled }, ["SpecAligned"]],
    ["unhealthy, same reason → silent", previous, { ...ok, SpecAligned: syncDisabled }, []],
    [
      "unhealthy, another reason → warns",
      previous,
      {
        ...ok,
        SpecAligned: {
          status: "False",
          reason: "ProjectionFailed",
          message: "x",
        } as ConditionState,
      },
      ["SpecAligned"],
    ],
    [
      "Unknown → silent",
      undefined,
      {
        ...ok,
        Consistent: { status: "Unknown", reason: "Creating", message: "" } as ConditionState,
      },
      [],
    ],
    [
      "DeletionBlocked True warns",
      undefined,
      { ...ok, DeletionBlocked: deletionBlockedState("RUNNING") },
      ["DeletionBlocked"],
    ],
  ] as const)("%s", (_name, before, states, expected) => {
    expect(newlyUnhealthy(before, states).map((entry) => entry.type)).toEqual(expected);
  });
});
