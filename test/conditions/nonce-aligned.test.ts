// A blocked nonce is reported the same way on every later cycle from the
// structured record the status keeps, never from the text of an earlier message.
import { describe, expect, it } from "vitest";
import type { ActualState, VvpDeploymentStatus } from "../../src/models/index.js";
import { reconcile, settle } from "../../src/reconcile/index.js";
import {
  conditionOf,
  cycle,
  editSpec,
  inputFor,
  must,
  steadyWorld,
  type World,
  writeStatus,
} from "../support/builders.js";

const KINDS = [
  { field: "savepointNonce", record: "blockedSavepointNonce", action: "TriggerSavepoint" },
  { field: "restartNonce", record: "blockedTriggerNonce", action: "RestartJob" },
] as const;

function withJob(world: World, state: ActualState): World {
  const deployment = must(world.deployment, "deployment");
  return { ...world, deployment: { ...deployment, status: { state } } };
}

function nonceAligned(status: VvpDeploymentStatus | undefined) {
  return conditionOf(must(status, "status"), "NonceAligned");
}

describe("NonceAligned keeps a blocked nonce's state in status fields", () => {
  for (const kind of KINDS) {
    it(`${kind.field}: the block is recorded with its cause, and later cycles report it from that record`, () => {
      const steady = steadyWorld("PATCH", { state: "RUNNING" });
      const blocked = cycle(
        editSpec(withJob(steady, "FAILED"), (cr) => {
          cr.spec[kind.field] = 4;
        }),
      ).world;
      const status = must(blocked.cr?.status, "status");
      expect(status[kind.record]).toEqual({ nonce: 4, cause: "JobNotRunning", detail: "FAILED" });
      const message = nonceAligned(status)?.message;
      expect(message).toMatch(new RegExp(`^${kind.field} 4 is blocked: the job is FAILED`));

      // Someone rewrote the message; the job runs again. The record, not the
      // text, tells the next cycle what to report, and nothing is triggered.
      const garbled = writeStatus(withJob(blocked, "RUNNING"), {
        ...status,
        conditions: status.conditions?.map((condition) =>
          condition.type === "NonceAligned"
            ? { ...condition, message: "edited by hand" }
            : condition,
        ),
      });
      const again = reconcile(inputFor(garbled));
      expect(again.actions).toEqual([]);
      expect(nonceAligned(again.status)).toMatchObject({ status: "False", message });
      expect(again.status[kind.record]).toEqual(status[kind.record]);

      // A new value fires and the record goes.
      const fresh = editSpec(garbled, (cr) => {
        cr.spec[kind.field] = 5;
      });
      const next = cycle(fresh);
      expect(next.plan.actions.map((action) => action.type)).toEqual([kind.action]);
      expect(next.world.cr?.status?.[kind.record]).toBeUndefined();
      expect(nonceAligned(next.world.cr?.status)?.status).toBe("True");
    });
  }

  it("a nonce VVP refused with a 4xx keeps VVP's answer for later cycles", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING" });
    const edited = editSpec(steady, (cr) => {
      cr.spec.savepointNonce = 7;
    });
    const input = inputFor(edited);
    const plan = reconcile(input);
    const settled = settle(input, plan, [
      {
        action: must(plan.actions[0]),
        result: "failed",
        error: { kind: "http", status: 409, message: "savepoint already in progress" },
      },
    ]);
    expect(settled.status.blockedSavepointNonce).toEqual({
      nonce: 7,
      cause: "RefusedByVvp",
      detail: "HTTP 409: savepoint already in progress",
    });
    const message = nonceAligned(settled.status)?.message;
    expect(message).toContain("was refused by VVP (HTTP 409: savepoint already in progress)");
    const later = reconcile(inputFor(writeStatus(edited, settled.status)));
    expect(later.actions).toEqual([]);
    expect(nonceAligned(later.status)?.message).toBe(message);
  });

  it("a status written before the record existed still reports the block, in general words", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING" });
    const legacy = writeStatus(
      editSpec(steady, (cr) => {
        cr.spec.restartNonce = 2;
      }),
      { ...must(steady.cr?.status), lastConsumedTriggerNonce: 2 },
    );
    const plan = reconcile(inputFor(legacy));
    expect(plan.actions).toEqual([]);
    expect(nonceAligned(plan.status)).toMatchObject({
      status: "False",
      reason: "RestartBlocked",
      message: expect.stringMatching(/^restartNonce 2 is blocked\. Apply a new restartNonce/),
    });
  });
});
