import { describe, expect, it } from "vitest";
import type { VvpDeploymentObject } from "../../src/models/index.js";
import {
  decideNonces,
  type NonceInput,
  type NonceStatus,
  nonceToken,
  provesTrigger,
  restartPatchBody,
  restartToken,
  savepointCreateBody,
  savepointTriggered,
  type VvpSavepoint,
} from "../../src/nonces/index.js";
import { buildCr, deploymentFor, UID } from "../support/builders.js";

const running = deploymentFor(buildCr("PATCH", { state: "RUNNING" }), { actualState: "RUNNING" });
// The CR's metadata.generation in these decisions: tokens read `<nonce>/4`.
const GENERATION = 4;

function input(overrides: Partial<NonceInput>): NonceInput {
  return {
    crUid: UID,
    generation: GENERATION,
    writtenGeneration: undefined,
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
    ["0 fires on a fresh CR", 0, {}, { outcome: "trigger", nonce: 0, token: "0/4" }],
    [
      "an increment fires",
      4,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 3 },
      { outcome: "trigger", nonce: 4, token: "4/4" },
    ],
    [
      "a decrement fires",
      2,
      { lastConsumedSavepointNonce: 3, lastProcessedSavepointNonce: 3 },
      { outcome: "trigger", nonce: 2, token: "2/4" },
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
      { outcome: "trigger", nonce: 4, token: "4/4" },
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
      token: "6/4",
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

describe("trigger tokens (ours): nonce and generation", () => {
  it("a token is <nonce>/<generation>, or the bare nonce without generation", () => {
    expect(nonceToken(3, 7)).toBe("3/7");
    expect(nonceToken(0, 1)).toBe("0/1");
    expect(nonceToken(3, undefined)).toBe("3");
  });

  it("a trigger carries the token of the current nonce and generation", () => {
    const decisions = decideNonces(
      input({ savepointNonce: 1, restartNonce: 2, generation: 9, savepoints: [] }),
    );
    expect(decisions.savepoint).toEqual({ outcome: "trigger", nonce: 1, token: "1/9" });
    // A restart's token is numbered by the restarts submitted, not by the generation.
    expect(decisions.restart).toEqual({ outcome: "trigger", nonce: 2, token: "2/r1" });
  });

  it("a restart's token stays the same across generations until the restart is recorded, and numbers the next round after", () => {
    const at = (generation: number, status = {}) =>
      decideNonces(input({ restartNonce: 2, generation, status })).restart;
    expect(at(9)).toEqual({ outcome: "trigger", nonce: 2, token: "2/r1" });
    expect(at(10)).toEqual({ outcome: "trigger", nonce: 2, token: "2/r1" });
    expect(at(11, { restartRounds: 4, lastConsumedTriggerNonce: 1 })).toEqual({
      outcome: "trigger",
      nonce: 2,
      token: "2/r5",
    });
    expect(restartToken(2, undefined)).toBe("2/r1");
  });

  it("a CR without generation triggers with the bare nonce as token", () => {
    const decisions = decideNonces(
      input({ savepointNonce: 1, restartNonce: 2, generation: undefined, savepoints: [] }),
    );
    expect(decisions.savepoint).toEqual({ outcome: "trigger", nonce: 1, token: "1" });
    expect(decisions.restart).toEqual({ outcome: "trigger", nonce: 2, token: "2/r1" });
  });
});

describe("exactly once across a crash", () => {
  const annotated = (token: string, createdAt: string, uid = UID): VvpSavepoint => ({
    metadata: {
      deploymentId: "d",
      createdAt,
      annotations: { "ververica.platform/savepoint-nonce": `${uid}/${token}` },
    },
  });
  const restartedWith = (annotation: string) =>
    deploymentFor(buildCr("PATCH", { state: "RUNNING" }), {
      restartNonce: annotation,
    }) as VvpDeploymentObject;

  it("a savepoint already carrying this CR's uid and nonce means done: nothing is sent", () => {
    const savepoints = [annotated("3/4", "2025-01-01T00:00:00Z")];
    expect(savepointOf(3, { lastConsumedSavepointNonce: 2 }, { savepoints })).toEqual({
      outcome: "alreadyDone",
      nonce: 3,
    });
  });

  it("even when the job is no longer RUNNING", () => {
    const savepoints = [annotated("3/4", "2025-01-01T00:00:00Z")];
    expect(savepointOf(3, {}, { savepoints, deployment: null })).toEqual({
      outcome: "alreadyDone",
      nonce: 3,
    });
  });

  it("a savepoint of the same nonce from before the last status write is an earlier request: 1 → 2 → 1 triggers again", () => {
    // Generation 2 triggered 1, generation 3 consumed 2 (status written at 3), generation 4 sets 1 again.
    const savepoints = [annotated("1/2", "2025-01-01T00:00:00Z")];
    const request = { nonce: 1, generation: 4, writtenGeneration: 3 };
    expect(savepointTriggered(savepoints, UID, request)).toBe(false);
    expect(savepointTriggered(savepoints, UID, { ...request, writtenGeneration: 2 })).toBe(true);
    expect(
      savepointOf(
        1,
        { lastConsumedSavepointNonce: 2, lastProcessedSavepointNonce: 2 },
        { savepoints, writtenGeneration: 3 },
      ),
    ).toEqual({ outcome: "trigger", nonce: 1, token: "1/4" });
  });

  it("a trigger lost by a crash counts even after a further edit of the CR", () => {
    // Triggered at generation 2 (last status write at 1), then edited to 3 before the next cycle.
    const savepoints = [annotated("1/2", "2025-01-01T00:00:00Z")];
    expect(savepointOf(1, {}, { savepoints, generation: 3, writtenGeneration: 1 })).toEqual({
      outcome: "alreadyDone",
      nonce: 1,
    });
    expect(
      decideNonces(
        input({
          restartNonce: 1,
          generation: 3,
          writtenGeneration: 1,
          deployment: restartedWith("1/2"),
        }),
      ).restart,
    ).toEqual({ outcome: "alreadyDone", nonce: 1 });
  });

  it("any savepoint carrying the token counts, not only the newest", () => {
    const savepoints = [
      annotated("1/4", "2025-01-01T00:00:00Z"),
      annotated("5/2", "2025-01-02T00:00:00Z"),
    ];
    expect(savepointOf(1, {}, { savepoints })).toMatchObject({ outcome: "alreadyDone" });
  });

  it("another CR's savepoints do not count", () => {
    const savepoints = [annotated("3/4", "2025-01-01T00:00:00Z", "other-uid")];
    expect(savepointOf(3, {}, { savepoints })).toEqual({
      outcome: "trigger",
      nonce: 3,
      token: "3/4",
    });
  });

  it("a restart is done when the template annotation already equals its token", () => {
    expect(
      decideNonces(
        input({
          restartNonce: 8,
          deployment: restartedWith("8/r3"),
          status: { lastConsumedTriggerNonce: 7, restartRounds: 2 },
        }),
      ).restart,
    ).toEqual({ outcome: "alreadyDone", nonce: 8 });
    expect(
      decideNonces(
        input({ restartNonce: 9, deployment: restartedWith("8/r3"), status: { restartRounds: 3 } }),
      ).restart,
    ).toEqual({ outcome: "trigger", nonce: 9, token: "9/r4" });
    // A token an older version wrote (nonce/generation) still proves its request.
    expect(
      decideNonces(
        input({
          restartNonce: 8,
          deployment: restartedWith("8/4"),
          status: { lastConsumedTriggerNonce: 7 },
        }),
      ).restart,
    ).toEqual({ outcome: "alreadyDone", nonce: 8 });
  });

  it("a template annotation of the same nonce from before the last status write is an earlier request: 1 → 2 → 1 restarts again", () => {
    expect(
      decideNonces(
        input({
          restartNonce: 1,
          writtenGeneration: 3,
          deployment: restartedWith("1/r1"),
          status: { lastConsumedTriggerNonce: 2, lastProcessedTriggerNonce: 1, restartRounds: 1 },
        }),
      ).restart,
    ).toEqual({ outcome: "trigger", nonce: 1, token: "1/r2" });
  });

  it.each([
    ["the current token", "3/4", 4, 4, true],
    ["a token written after the last status write", "3/3", 4, 2, true],
    ["a token as old as the last status write", "3/2", 4, 2, true],
    ["a token older than the last status write", "3/1", 4, 2, false],
    ["a token of another nonce", "2/4", 4, 2, false],
    ["a token from a later generation than the CR's", "3/5", 4, 2, false],
    ["a bare nonce while the CR has a generation", "3", 4, 2, false],
    ["a negative nonce", "-3/4", 4, 4, false],
    ["no status written yet", "3/1", 4, undefined, true],
    ["garbage", "3/x", 4, 2, false],
  ] as const)("provesTrigger: %s", (_name, observed, generation, writtenGeneration, expected) => {
    expect(provesTrigger(observed, { nonce: 3, generation, writtenGeneration })).toBe(expected);
  });

  it("provesTrigger without generation compares the bare nonce", () => {
    const request = { nonce: -1, generation: undefined, writtenGeneration: undefined };
    expect(provesTrigger("-1", request)).toBe(true);
    expect(provesTrigger("-1/2", request)).toBe(false);
    expect(provesTrigger(undefined, request)).toBe(false);
  });

  it("without generation the bare nonce is the evidence", () => {
    const savepoints = [annotated("3", "2025-01-01T00:00:00Z")];
    const decisions = decideNonces(
      input({
        generation: undefined,
        savepointNonce: 3,
        restartNonce: 5,
        savepoints,
        deployment: restartedWith("5/r1"),
      }),
    );
    expect(decisions.savepoint).toEqual({ outcome: "alreadyDone", nonce: 3 });
    expect(decisions.restart).toEqual({ outcome: "alreadyDone", nonce: 5 });
  });
});

describe("nonce bodies", () => {
  it("the savepoint body carries <cr uid>/<nonce>/<generation>", () => {
    expect(savepointCreateBody("dep", UID, nonceToken(0, 3))).toEqual({
      metadata: {
        deploymentId: "dep",
        annotations: { "ververica.platform/savepoint-nonce": `${UID}/0/3` },
      },
    });
  });
  it("the restart body patches only the template annotation, with the token", () => {
    expect(restartPatchBody(nonceToken(12, 5))).toEqual({
      spec: {
        template: { metadata: { annotations: { "ververica.platform/restart-nonce": "12/5" } } },
      },
    });
  });
});
