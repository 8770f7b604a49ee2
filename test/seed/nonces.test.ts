// Seed, "spec.savepointNonce and spec.restartNonce", every sentence, driven
// through reconcile/settle cycles for both nonces (the unit tables of
// test/nonces exercise decideNonces alone).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reconcile, settle } from "../../src/reconcile/index.js";
import { conditionOf, cycle, editSpec, inputFor, must, type World } from "../support/builders.js";
import { propertyParameters } from "../support/property.js";
import {
  actionTypes,
  editNonce,
  failAt,
  NONCE_KINDS,
  type NonceKindFacts,
  RUNNING_WORLD,
  statusOf,
  triggeredNonces,
  withJobState,
} from "./support.js";

/** One host cycle; returns the nonces of this kind the plan triggered and the new world. */
function run(world: World, facts: NonceKindFacts) {
  const result = cycle(world);
  return { ...result, triggered: triggeredNonces(result.plan, facts) };
}

describe.each(NONCE_KINDS.map((facts) => [facts.field, facts] as const))(
  "seed nonce rules for %s",
  (_field, facts) => {
    it(`seed: changing ${facts.field} to a different non-null number triggers ${facts.action} once`, () => {
      const first = run(editNonce(RUNNING_WORLD, facts, 1), facts);
      expect(first.triggered).toEqual([1]);
      expect(statusOf(first.world)[facts.processed]).toBe(1);
      expect(conditionOf(statusOf(first.world), "NonceAligned")).toMatchObject({
        status: "True",
        reason: "NoncesProcessed",
      });
      // The same value, on later cycles and on an unrelated spec edit: nothing more.
      expect(run(first.world, facts).triggered).toEqual([]);
      const unrelated = editSpec(first.world, (cr) => {
        cr.spec.deployment.spec.template.spec.parallelism = 4;
      });
      expect(run(unrelated, facts).triggered).toEqual([]);
    });

    it(`seed: a ${facts.field} decrement triggers (equality comparison)`, () => {
      const five = run(editNonce(RUNNING_WORLD, facts, 5), facts);
      expect(five.triggered).toEqual([5]);
      const three = run(editNonce(five.world, facts, 3), facts);
      expect(three.triggered).toEqual([3]);
      expect(statusOf(three.world)[facts.processed]).toBe(3);
      const minus = run(editNonce(three.world, facts, -1), facts);
      expect(minus.triggered).toEqual([-1]);
    });

    it(`seed: ${facts.field} 0 triggers on a CR that never processed a nonce`, () => {
      expect(statusOf(RUNNING_WORLD)[facts.processed]).toBeUndefined();
      expect(statusOf(RUNNING_WORLD)[facts.consumed]).toBeUndefined();
      const zero = run(editNonce(RUNNING_WORLD, facts, 0), facts);
      expect(zero.triggered).toEqual([0]);
      expect(statusOf(zero.world)[facts.processed]).toBe(0);
    });

    it(`seed: ${facts.field} null disables the operation`, () => {
      const one = run(editNonce(RUNNING_WORLD, facts, 1), facts);
      const disabled = run(editNonce(one.world, facts, null), facts);
      expect(disabled.plan.actions).toEqual([]);
      expect(conditionOf(statusOf(disabled.world), "NonceAligned")?.status).toBe("True");
      // Null on a fresh history is no request at all.
      expect(run(editNonce(RUNNING_WORLD, facts, null), facts).plan.actions).toEqual([]);
    });

    it(`seed: ${facts.field} processed while the job is not RUNNING is blocked: no call, NonceAligned False ${facts.blockedReason}`, () => {
      const done = run(editNonce(RUNNING_WORLD, facts, 1), facts).world;
      for (const state of [
        "FAILED",
        "TRANSITIONING",
        "CANCELLED",
        "SUSPENDED",
        "FINISHED",
      ] as const) {
        const blocked = run(editNonce(withJobState(done, state), facts, 2), facts);
        expect(blocked.triggered, state).toEqual([]);
        expect(conditionOf(blocked.settled.status, "NonceAligned"), state).toMatchObject({
          status: "False",
          reason: facts.blockedReason,
        });
        // Not submitted: lastProcessed keeps the last value that was.
        expect(blocked.settled.status[facts.processed], state).toBe(1);
      }
    });

    it(`seed: ${facts.field} is blocked while an Autopilot scaling operation is in progress`, () => {
      const scaling = {
        ...editNonce(RUNNING_WORLD, facts, 1),
        autopilot: { mode: "ACTIVE" as const, scalingInProgress: true },
      };
      const plan = reconcile(inputFor(scaling));
      expect(triggeredNonces(plan, facts)).toEqual([]);
      expect(conditionOf(plan.status, "NonceAligned")).toMatchObject({
        status: "False",
        reason: facts.blockedReason,
      });
    });

    it(`seed: the blocked ${facts.field} is consumed: reverting to the same value does not re-trigger`, () => {
      const blocked = run(editNonce(withJobState(RUNNING_WORLD, "FAILED"), facts, 7), facts);
      expect(blocked.triggered).toEqual([]);
      // The job runs again; the blocked value stays consumed.
      const recovered = withJobState(blocked.world, "RUNNING");
      const again = run(recovered, facts);
      expect(again.triggered).toEqual([]);
      expect(conditionOf(again.settled.status, "NonceAligned")).toMatchObject({
        status: "False",
        reason: facts.blockedReason,
      });
      // Reverting through null to the blocked value does not re-trigger either.
      const cleared = run(editNonce(again.world, facts, null), facts);
      expect(cleared.triggered).toEqual([]);
      const reverted = run(editNonce(cleared.world, facts, 7), facts);
      expect(reverted.triggered).toEqual([]);
      expect(conditionOf(reverted.settled.status, "NonceAligned")?.reason).toBe(
        facts.blockedReason,
      );
    });

    it(`seed: a new ${facts.field} value applied after the job returns to RUNNING retries`, () => {
      const blocked = run(editNonce(withJobState(RUNNING_WORLD, "FAILED"), facts, 7), facts);
      const retried = run(editNonce(withJobState(blocked.world, "RUNNING"), facts, 8), facts);
      expect(retried.triggered).toEqual([8]);
      expect(statusOf(retried.world)[facts.processed]).toBe(8);
      expect(conditionOf(statusOf(retried.world), "NonceAligned")).toMatchObject({
        status: "True",
        reason: "NoncesProcessed",
      });
    });

    it(`seed: ${facts.processed} is the last ${facts.field} value successfully submitted`, () => {
      const world = editNonce(run(editNonce(RUNNING_WORLD, facts, 1), facts).world, facts, 2);
      const input = inputFor(world);
      const plan = reconcile(input);
      expect(triggeredNonces(plan, facts)).toEqual([2]);
      // A transient failure submits nothing: the field keeps 1 and the value is retried.
      const transient = settle(
        input,
        plan,
        failAt(plan, facts.action, { kind: "http", status: 503, message: "unavailable" }),
      );
      expect(transient.status[facts.processed]).toBe(1);
      const retry = reconcile(
        inputFor({ ...world, cr: { ...must(world.cr), status: transient.status } }),
      );
      expect(triggeredNonces(retry, facts)).toEqual([2]);
      // A refusal submits nothing either.
      const refused = settle(
        input,
        plan,
        failAt(plan, facts.action, { kind: "http", status: 400, message: "refused" }),
      );
      expect(refused.status[facts.processed]).toBe(1);
      // Success records it.
      expect(
        settle(
          input,
          plan,
          plan.actions.map((action) => ({ action, result: "succeeded" as const })),
        ).status[facts.processed],
      ).toBe(2);
    });

    it(`seed: any ${facts.field} change triggers exactly once while the job runs (property)`, () => {
      const values = fc.array(fc.option(fc.integer({ min: -2, max: 3 }), { nil: null }), {
        minLength: 1,
        maxLength: 4,
      });
      fc.assert(
        fc.property(values, (sequence) => {
          let world = RUNNING_WORLD;
          let lastConsumed: number | undefined;
          for (const value of sequence) {
            const step = run(editNonce(world, facts, value), facts);
            const expected = value !== null && value !== lastConsumed ? [value] : [];
            expect(step.triggered).toEqual(expected);
            if (value !== null) lastConsumed = value;
            world = step.world;
          }
        }),
        propertyParameters,
      );
    });
  },
);

describe("seed: both nonces", () => {
  it("seed: a blocked savepointNonce stays reported while a later restartNonce runs", () => {
    const [savepoint, restart] = NONCE_KINDS as [NonceKindFacts, NonceKindFacts];
    const blocked = run(editNonce(withJobState(RUNNING_WORLD, "FAILED"), savepoint, 1), savepoint);
    const restarted = cycle(editNonce(withJobState(blocked.world, "RUNNING"), restart, 1));
    expect(actionTypes(restarted.plan)).toEqual(["RestartJob"]);
    // NonceAligned still reports the savepoint that was blocked.
    expect(conditionOf(restarted.settled.status, "NonceAligned")?.reason).toBe("SavepointBlocked");
  });
});
