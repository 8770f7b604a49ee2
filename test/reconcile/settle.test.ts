import { describe, expect, it } from "vitest";
import { reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  conditionOf,
  editSpec,
  inputFor,
  must,
  steadyWorld,
} from "../support/builders.js";

describe("settle", () => {
  const world = editSpec(steadyWorld("PATCH", { state: "RUNNING" }), (cr) => {
    cr.spec.savepointNonce = 1;
    cr.spec.deployment.spec.template.spec.engineVersionName = "vera-4.3-flink-1.20";
  });
  const input = inputFor(world);
  const plan = reconcile(input);

  it("plans the savepoint then the projection", () => {
    expect(plan.actions.map((action) => action.type)).toEqual([
      "TriggerSavepoint",
      "PatchDeployment",
    ]);
  });

  it("with every action succeeded gives the plan's status", () => {
    expect(settle(input, plan, allSucceeded(plan))).toEqual({
      status: plan.status,
      events: plan.events,
      requeueAfterMs: plan.requeueAfterMs,
    });
  });

  it("stops at the first failure: later actions count as not run whatever is reported", () => {
    const [savepoint, patch] = plan.actions;
    const settled = settle(input, plan, [
      { action: must(savepoint), result: "failed", error: { kind: "network", message: "reset" } },
      { action: must(patch), result: "succeeded" },
    ]);
    expect(settled.status.observedGeneration).toBe(2);
    expect(settled.status.unprojectedGeneration).toBe(2);
    expect(conditionOf(settled.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "ProjectionFailed",
    });
    expect(settled.status.lastConsumedSavepointNonce).toBeUndefined();
    expect(settled.events.some((event) => event.reason === "SpecProjected")).toBe(false);
  });

  it("a missing outcome counts as not run", () => {
    const settled = settle(input, plan, []);
    expect(settled.status.observedGeneration).toBe(2);
    expect(settled.status.unprojectedGeneration).toBe(2);
    expect(settled.status.lastConsumedSavepointNonce).toBeUndefined();
  });

  it("never puts a token-like header into messages: only VVP's message and status", () => {
    const settled = settle(input, plan, [
      {
        action: must(plan.actions[0]),
        result: "failed",
        error: { kind: "http", status: 401, message: "unauthorized" },
      },
    ]);
    const text = JSON.stringify(settled);
    expect(text).toContain("HTTP 401: unauthorized");
    expect(text).not.toMatch(/Bearer/);
  });
});
