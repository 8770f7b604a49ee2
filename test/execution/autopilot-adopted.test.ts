import { describe, expect, it } from "vitest";
import { condition, example, startWorld, TRANSITION_MS } from "./support.js";

const DEPLOYMENTS = "/api/v1/namespaces/:ns/deployments";

// The issue-7 livelock on a deployment no write of ours has set a state on
// since it was linked: an adopted create (its answer lost) leaves
// status.projectedSpecState unset, and the Autopilot provider must not fall
// back to observedSpecState (the CR's desired state, written every cycle).
describe("Autopilot deferral on an adopted deployment", () => {
  it("a state set during a scaling run is sent once the run ends", async () => {
    const world = await startWorld();
    world.simulator.failNext({ method: "POST", path: DEPLOYMENTS, mode: "timeout", applied: true });
    const cr = example("PATCH");
    cr.spec.deployment.spec.state = "RUNNING";
    cr.spec.deployment.spec.template.spec.parallelism = 2;
    world.apply(cr);
    await world.reconcile("my-deployment");
    await world.reconcile("my-deployment");
    const id = world.cr("my-deployment").status?.deploymentId ?? "";
    expect(id).not.toBe("");
    world.simulator.advance(TRANSITION_MS);
    await world.reconcile("my-deployment");
    expect(world.cr("my-deployment").status?.actualState).toBe("RUNNING");

    world.simulator.setAutopilot(id, "ACTIVE");
    await world.reconcile("my-deployment");
    world.simulator.startAutopilotScaling(id, { toParallelism: 4 });
    await world.reconcile("my-deployment");
    world.edit("my-deployment", (edited) => {
      edited.spec.deployment.spec.state = "SUSPENDED";
    });
    for (let step = 0; step < 3; step += 1) {
      await world.reconcile("my-deployment");
      world.simulator.advance(TRANSITION_MS);
    }
    expect(world.simulator.autopilot(id).scalingInProgress).toBe(false);
    await world.reconcile("my-deployment");
    await world.reconcile("my-deployment");
    expect(world.simulator.deployment(id)?.spec.state).toBe("SUSPENDED");
    expect(condition(world.cr("my-deployment"), "SpecAligned")).toMatchObject({
      status: "True",
      reason: "ConfigUpdated",
    });
  });
});
