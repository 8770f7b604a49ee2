import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActualState, VvpDeployment } from "../../src/models/index.js";
import { type ActionOutcome, reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  applyAction,
  buildCr,
  converge,
  cycle,
  freshWorld,
  INSTANCE,
  inputFor,
  observe,
  writeStatus,
} from "../support/builders.js";
import { propertyParameters } from "../support/property.js";
import { worldArb } from "../support/world-arbitrary.js";

describe("properties of reconcile", () => {
  it("is deterministic and leaves its input untouched", () => {
    fc.assert(
      fc.property(worldArb, ({ world, syncEnabled }) => {
        const input = inputFor(world, { syncEnabled });
        const copy = structuredClone(input);
        const plan = reconcile(input);
        expect(input).toEqual(copy);
        expect(reconcile(copy)).toEqual(plan);
      }),
      propertyParameters,
    );
  });

  it("is idempotent: once the plan's effects and status are applied, the next plan has no action", () => {
    fc.assert(
      fc.property(worldArb, ({ world, syncEnabled }) => {
        const first = cycle(world, { syncEnabled });
        if (first.world.cr === null) return;
        // A blocked deletion that sends the author's non-RUNNING state is a
        // step of a sequence: once VVP has left RUNNING, the next step
        // deletes. That sequence is checked to converge below.
        const unblocking = first.plan.actions.some(
          (action) => action.type === "PatchDeployment" && action.purpose === "Cancel",
        );
        if (unblocking && world.cr?.metadata.deletionTimestamp !== undefined) return;
        const second = reconcile(inputFor(first.world, { syncEnabled }));
        expect(second.actions).toEqual([]);
      }),
      propertyParameters,
    );
  });

  it("converges: a few cycles reach a plan with no action", () => {
    fc.assert(
      fc.property(worldArb, ({ world, syncEnabled }) => {
        const settled = converge(world, { syncEnabled }, 4);
        if (settled.cr === null) return;
        expect(reconcile(inputFor(settled, { syncEnabled })).actions).toEqual([]);
      }),
      propertyParameters,
    );
  });

  it("Healthy is True exactly when every sub-condition is healthy, in the fixed order", () => {
    fc.assert(
      fc.property(worldArb, ({ world, syncEnabled }) => {
        const plan = reconcile(inputFor(world, { syncEnabled }));
        if (plan.skipped !== undefined) return;
        const conditions = plan.status.conditions ?? [];
        const [healthy, ...rest] = conditions;
        expect(healthy?.type).toBe("Healthy");
        const order = [
          "Consistent",
          "SpecAligned",
          "NonceAligned",
          "ParallelismAligned",
          "DeletionBlocked",
        ];
        expect(rest.map((condition) => condition.type)).toEqual(order.slice(0, rest.length));
        const allHealthy = rest.every((condition) =>
          condition.type === "DeletionBlocked"
            ? condition.status === "False"
            : condition.status === "True",
        );
        expect(healthy?.status === "True").toBe(allHealthy);
      }),
      propertyParameters,
    );
  });

  it("never writes to VVP while sync is disabled", () => {
    fc.assert(
      fc.property(worldArb, ({ world }) => {
        const plan = reconcile(inputFor(world, { syncEnabled: false }));
        const vvpWrites = plan.actions.filter((action) =>
          [
            "CreateDeployment",
            "PatchDeployment",
            "PutDeployment",
            "TriggerSavepoint",
            "RestartJob",
            "DeleteDeployment",
          ].includes(action.type),
        );
        expect(vvpWrites).toEqual([]);
      }),
      propertyParameters,
    );
  });
});

type Step =
  | { kind: "set"; which: "savepointNonce" | "restartNonce"; value: number | null }
  | { kind: "job"; state: ActualState }
  | { kind: "scaling"; on: boolean }
  | {
      kind: "cycle";
      how: "ok" | "crash" | "fail";
      at: number;
      applied: boolean;
      syncEnabled: boolean;
    };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    which: fc.constantFrom("savepointNonce" as const, "restartNonce" as const),
    value: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  }),
  fc.record({
    kind: fc.constant("job" as const),
    state: fc.constantFrom<ActualState>("RUNNING", "FAILED", "TRANSITIONING"),
  }),
  fc.record({ kind: fc.constant("scaling" as const), on: fc.boolean() }),
  fc.record({
    kind: fc.constant("cycle" as const),
    how: fc.constantFrom("ok" as const, "crash" as const, "fail" as const),
    at: fc.nat({ max: 4 }),
    applied: fc.boolean(),
    syncEnabled: fc.boolean(),
  }),
);

describe("a nonce value never triggers twice", () => {
  it("whatever happens between: crashes before the status write, failures after VVP acted, blocks, sync off", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("PATCH" as const, "PUT" as const),
        fc.array(stepArb, { maxLength: 25 }),
        (mode, steps) => {
          let world = converge(freshWorld(buildCr(mode, { state: "RUNNING" })));
          // One episode per value the CR holds; each may trigger at most once.
          const episode = { savepointNonce: 0, restartNonce: 0 };
          const triggers = new Map<string, number>();
          const count = (key: string) => {
            const next = (triggers.get(key) ?? 0) + 1;
            triggers.set(key, next);
            expect(next, `${key} triggered twice`).toBe(1);
          };
          for (const step of steps) {
            if (step.kind === "set") {
              const cr = structuredClone(world.cr as VvpDeployment);
              if (cr.spec[step.which] === step.value) continue;
              cr.spec[step.which] = step.value;
              cr.metadata.generation = (cr.metadata.generation ?? 1) + 1;
              episode[step.which] += 1;
              world = { ...world, cr };
            } else if (step.kind === "job") {
              if (world.deployment !== null)
                world = {
                  ...world,
                  deployment: { ...world.deployment, status: { state: step.state } },
                };
            } else if (step.kind === "scaling") {
              world = { ...world, autopilot: { mode: "ACTIVE", scalingInProgress: step.on } };
            } else {
              const input = {
                cr: world.cr as VvpDeployment,
                observed: observe(world),
                instanceId: INSTANCE,
                now: "2025-03-01T12:00:00Z",
                syncEnabled: step.syncEnabled,
              };
              const plan = reconcile(input);
              const failAt = step.how === "fail" ? Math.min(step.at, plan.actions.length - 1) : -1;
              const outcomes: ActionOutcome[] = [];
              const succeeded = allSucceeded(plan);
              plan.actions.forEach((action, index) => {
                const runs = failAt < 0 || index < failAt || (index === failAt && step.applied);
                if (runs) {
                  world = applyAction(world, action);
                  if (action.type === "TriggerSavepoint")
                    count(`savepoint#${episode.savepointNonce}`);
                  if (action.type === "RestartJob") count(`restart#${episode.restartNonce}`);
                }
                if (index === failAt)
                  outcomes.push({
                    action,
                    result: "failed",
                    error: { kind: "timeout", message: "no answer" },
                  });
                else if (failAt >= 0 && index > failAt) outcomes.push({ action, result: "notRun" });
                else outcomes.push(succeeded[index] as ActionOutcome);
              });
              if (step.how !== "crash")
                world = writeStatus(world, settle(input, plan, outcomes).status);
            }
          }
        },
      ),
      propertyParameters,
    );
  });
});
