import { describe, expect, it } from "vitest";
import type { VvpDeployment } from "../../src/models/index.js";
import { reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  conditionOf,
  editSpec,
  inputFor,
  must,
  steadyWorld,
  type World,
  writeStatus,
} from "../support/builders.js";

// Mid-run, Autopilot has taken the job down on purpose: VVP's desired state differs from the CR's.
function scaling(world: World): World {
  const deployment = must(world.deployment, "deployment");
  return {
    ...world,
    deployment: {
      ...deployment,
      spec: { ...must(deployment.spec), state: "CANCELLED" },
      status: { state: "CANCELLED" },
    },
    autopilot: { mode: "ACTIVE", scalingInProgress: true, runtimeParallelism: 2 },
  };
}

describe("a spec edit during an Autopilot scaling run waits for the run", () => {
  for (const mode of ["PATCH", "PUT"] as const) {
    it(`${mode}: nothing is sent during the run; the change is projected once it completes`, () => {
      const steady = steadyWorld(mode, { state: "RUNNING" });
      const edited = editSpec(scaling(steady), (cr) => {
        cr.spec.deployment.spec.template.spec.flinkConfiguration = {
          "execution.checkpointing.interval": "10s",
        };
      });
      const input = inputFor(edited);
      const plan = reconcile(input);
      expect(plan.actions).toEqual([]);
      const settled = settle(input, plan, allSucceeded(plan));
      // Observed at once; the change stays owed until the run completes.
      const generation = must(edited.cr).metadata.generation;
      expect(settled.status.observedGeneration).toBe(generation);
      expect(settled.status.unprojectedGeneration).toBe(generation);
      expect(conditionOf(settled.status, "SpecAligned")).toMatchObject({
        status: "False",
        reason: "StateProjectionSuppressedAutopilot",
        message: expect.stringMatching(
          /spec change waits for the Autopilot scaling operation to complete/,
        ),
      });

      // The run completed: VVP runs again, Autopilot idle.
      const during = writeStatus(edited, settled.status);
      const done: World = {
        ...during,
        deployment: steady.deployment,
        autopilot: { mode: "ACTIVE", scalingInProgress: false, runtimeParallelism: 4 },
      };
      const afterInput = inputFor(done);
      const after = reconcile(afterInput);
      const write = after.actions.find(
        (action) => action.type === "PatchDeployment" || action.type === "PutDeployment",
      );
      expect(write?.type).toBe(mode === "PUT" ? "PutDeployment" : "PatchDeployment");
      const body = JSON.stringify(write && "body" in write ? write.body : {});
      expect(body).toContain("execution.checkpointing.interval");
      const final = settle(afterInput, after, allSucceeded(after));
      expect(final.status.observedGeneration).toBe(must(edited.cr).metadata.generation);
      expect(final.status.unprojectedGeneration).toBeUndefined();
      expect(conditionOf(final.status, "SpecAligned")).toMatchObject({
        status: "True",
        reason: "ConfigUpdated",
      });
    });
  }

  it("state drift alone during the run keeps its own message", () => {
    const world = scaling(steadyWorld("PATCH", { state: "RUNNING" }));
    const plan = reconcile(inputFor(world));
    expect(plan.actions).toEqual([]);
    const condition = conditionOf(plan.status, "SpecAligned");
    expect(condition?.reason).toBe("StateProjectionSuppressedAutopilot");
    expect(condition?.message).toMatch(/differs from the desired RUNNING/);
    expect(plan.status.observedGeneration).toBe((world.cr as VvpDeployment).metadata.generation);
  });
});

describe("status.projectedSpecState: the state last sent and accepted", () => {
  it("is set by the create and by each accepted projection", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING" });
    expect(must(steady.cr).status?.projectedSpecState).toBe("RUNNING");
    const edited = editSpec(steady, (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    const input = inputFor(edited);
    const plan = reconcile(input);
    expect(plan.status.projectedSpecState).toBe("SUSPENDED");
    expect(settle(input, plan, allSucceeded(plan)).status.projectedSpecState).toBe("SUSPENDED");
  });

  it("stays while the change waits for a scaling run, although observedSpecState follows the CR", () => {
    const edited = editSpec(scaling(steadyWorld("PATCH", { state: "RUNNING" })), (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    const plan = reconcile(inputFor(edited));
    expect(plan.actions).toEqual([]);
    expect(plan.status.observedSpecState).toBe("SUSPENDED");
    expect(plan.status.projectedSpecState).toBe("RUNNING");
  });

  it("stays when the projection fails or is not run", () => {
    const edited = editSpec(steadyWorld("PUT", { state: "RUNNING" }), (cr) => {
      cr.spec.deployment.spec.state = "CANCELLED";
    });
    const input = inputFor(edited);
    const plan = reconcile(input);
    const failed = plan.actions.map((action) => ({
      action,
      result: "failed" as const,
      error: { kind: "timeout" as const, message: "no answer" },
    }));
    const settled = settle(input, plan, failed);
    expect(settled.status.observedSpecState).toBe("CANCELLED");
    expect(settled.status.projectedSpecState).toBe("RUNNING");
    expect(settle(input, plan, []).status.projectedSpecState).toBe("RUNNING");
  });
});
