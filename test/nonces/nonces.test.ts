import { describe, expect, it } from "vitest";
import type { VvpDeploymentObject } from "../../src/models/index.js";
import {
  decideNonces,
  latestTriggeredSavepointNonce,
  type NonceInput,
  type NonceStatus,
  restartPatchBody,
  savepointCreateBody,
  type VvpSavepoint,
} from "../../src/nonces/index.js";
import { buildCr, deploymentFor, UID } from "../support/builders.js";

const running = deploymentFor(buildCr("PATCH", { state: "RUNNING" }), { actualState: "RUNNING" });

function input(overrides: Partial<NonceInput>): NonceInput {
  return {
    crUid: UID,
    savepointNonce: undefined,
    restartNonce: undefined,
    status: {},
    deployment: running,
    desiredState: "RUNNING",
    scalingInProgress: false,
    savepoints: undefined,
    mayWrite: true,
    ...overrides,
  };
}

function savepointOf(
  value: number | null | undefined,
  status: NonceStatus,
  extra: Partial<NonceInput> = {},
) {
  return decideNonces(input({ savepointNonce: value, status, ...extra })).savepoint;
}

describe("nonce equality semantics (decision table)", () => {
  it.each([
    ["unset: nothing", undefined, {}, { outcome: "idle" }],
    [
      "null disables",
      null,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 3 },
      { outcome: "idle" },
    ],
    ["null clears a blocked value", null, { lastConsumedSavepointNonce: 3 }, { outcome: "idle" }],
    ["0 fires on a fresh CR", 0, {}, { outcome: "trigger", nonce: 0 }],
    [
      "an increment fires",
      4,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 3 },
      { outcome: "trigger", nonce: 4 },
    ],
    [
      "a decrement fires",
      2,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 3 },
      { outcome: "trigger", nonce: 2 },
    ],
    [
      "the same value does not fire again",
      3,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 3 },
      { outcome: "idle" },
    ],
    [
      "a consumed but never submitted value stays blocked",
      3,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 2 },
      { outcome: "stillBlocked", nonce: 3 },
    ],
    [
      "a new value after a block retries",
      4,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 2 },
      { outcome: "trigger", nonce: 4 },
    ],
  ] as const)("%s", (_name, value, status, expected) => {
    expect(savepointOf(value, status)).toEqual(expected);
  });
});

describe("nonce blocks: consumed, never re-triggered by reverting", () => {
  const notRunning = deploymentFor(buildCr("PATCH"), {
    specState: "RUNNING",
    actualState: "FAILED",
  });
  it.each([
    [
      "the job is not RUNNING",
      { deployment: notRunning },
      "JobNotRunning",
      "the job is FAILED, not RUNNING",
    ],
    [
      "the desired state is not RUNNING",
      { desiredState: "CANCELLED" as const },
      "DesiredStateNotRunning",
      "the desired state is CANCELLED",
    ],
    [
      "an Autopilot scaling run is in progress",
      { scalingInProgress: true },
      "AutopilotScaling",
      "Autopilot scaling",
    ],
    ["there is no deployment yet", { deployment: null }, "NoDeployment", "does not exist yet"],
  ] as const)("blocked when %s", (_name, extra, cause, text) => {
    const decision = savepointOf(5, {}, extra);
    expect(decision).toMatchObject({ outcome: "blocked", nonce: 5, cause });
    expect(decision.outcome === "blocked" && decision.message).toContain(text);
    expect(decideNonces(input({ restartNonce: 5, ...extra })).restart).toMatchObject({
      outcome: "blocked",
      cause,
    });
  });

  it("reverting to a blocked value does not re-trigger, even after null in between", () => {
    const status = { lastConsumedSavepointNonce: 5, lastProcessedSavepointNonce: 4 };
    expect(savepointOf(null, status)).toEqual({ outcome: "idle" });
    expect(savepointOf(5, status)).toEqual({ outcome: "stillBlocked", nonce: 5 });
  });

  it("a new value applied after the job is RUNNING again triggers", () => {
    expect(
      savepointOf(6, { lastConsumedSavepointNonce: 5, lastProcessedSavepointNonce: 4 }),
    ).toEqual({
      outcome: "trigger",
      nonce: 6,
    });
  });
});

describe("nonces wait while nothing may be written", () => {
  it("a new value waits, unconsumed, when writes are not allowed", () => {
    expect(savepointOf(1, {}, { mayWrite: false })).toEqual({ outcome: "waiting", nonce: 1 });
  });
  it("but a consumed value is not pending", () => {
    expect(
      savepointOf(
        1,
        { lastConsumedSavepointNonce: 1, lastProcessedSavepointNonce: 1 },
        { mayWrite: false },
      ),
    ).toEqual({
      outcome: "idle",
    });
  });
});

describe("exactly once across a crash", () => {
  const annotated = (nonce: number, createdAt: string, uid = UID): VvpSavepoint => ({
    metadata: {
      deploymentId: "d",
      createdAt,
      annotations: { "ververica.platform/savepoint-nonce": `${uid}/${nonce}` },
    },
  });

  it("a savepoint already carrying this CR's uid and nonce means done: nothing is sent", () => {
    const savepoints = [annotated(3, "2025-01-01T00:00:00Z")];
    expect(savepointOf(3, { lastConsumedSavepointNonce: 2 }, { savepoints })).toEqual({
      outcome: "alreadyDone",
      nonce: 3,
    });
  });

  it("even when the job is no longer RUNNING", () => {
    const savepoints = [annotated(3, "2025-01-01T00:00:00Z")];
    expect(savepointOf(3, {}, { savepoints, deployment: null })).toEqual({
      outcome: "alreadyDone",
      nonce: 3,
    });
  });

  it("only the newest savepoint of this CR counts, so 1 → 2 → 1 triggers again", () => {
    const savepoints = [annotated(2, "2025-01-02T00:00:00Z"), annotated(1, "2025-01-01T00:00:00Z")];
    expect(latestTriggeredSavepointNonce(savepoints, UID)).toBe(2);
    expect(
      savepointOf(
        1,
        { lastConsumedSavepointNonce: 2, lastProcessedSavepointNonce: 2 },
        { savepoints },
      ),
    ).toEqual({
      outcome: "trigger",
      nonce: 1,
    });
  });

  it("another CR's savepoints do not count", () => {
    const savepoints = [annotated(3, "2025-01-01T00:00:00Z", "other-uid")];
    expect(savepointOf(3, {}, { savepoints })).toEqual({ outcome: "trigger", nonce: 3 });
  });

  it("a restart is done when the template annotation already equals the nonce", () => {
    const restarted = deploymentFor(buildCr("PATCH", { state: "RUNNING" }), {
      restartNonce: "8",
    }) as VvpDeploymentObject;
    expect(
      decideNonces(
        input({ restartNonce: 8, deployment: restarted, status: { lastConsumedTriggerNonce: 7 } }),
      ).restart,
    ).toEqual({
      outcome: "alreadyDone",
      nonce: 8,
    });
    expect(decideNonces(input({ restartNonce: 9, deployment: restarted })).restart).toEqual({
      outcome: "trigger",
      nonce: 9,
    });
  });
});

describe("nonce bodies", () => {
  it("the savepoint body carries <cr uid>/<nonce>", () => {
    expect(savepointCreateBody("dep", UID, 0)).toEqual({
      metadata: {
        deploymentId: "dep",
        annotations: { "ververica.platform/savepoint-nonce": `${UID}/0` },
      },
    });
  });
  it("the restart body patches only the template annotation, as a string", () => {
    expect(restartPatchBody(12)).toEqual({
      spec: {
        template: { metadata: { annotations: { "ververica.platform/restart-nonce": "12" } } },
      },
    });
  });
});
