import { describe, expect, it } from "vitest";
import {
  applyFinalizersInMemory,
  createDefaultAutopilotProvider,
  reconcileOnce,
} from "../../src/execution/index.js";
import { PROJECTED_STATE_ANNOTATION } from "../../src/models/index.js";
import { projectDeployment } from "../../src/projection/index.js";
import type { VvpClient } from "../../src/vvp-client/index.js";
import { buildCr, deploymentFor, INSTANCE } from "../support/builders.js";
import { condition, INSTANCE_ID, runningExample, startWorld, TRANSITION_MS } from "./support.js";

const noJobs = { getJob: async () => null } as unknown as VvpClient;

describe("the projected-state mark", () => {
  it("every body with a state carries it; a body without a state carries none", () => {
    const cr = buildCr("PATCH", { state: "RUNNING" });
    for (const operation of ["create", "update"] as const) {
      const { body } = projectDeployment(cr, { operation, instanceId: INSTANCE });
      expect(body.metadata?.annotations?.[PROJECTED_STATE_ANNOTATION]).toBe("RUNNING");
    }
    const stateless = buildCr("PATCH");
    delete (stateless.spec.deployment.spec as { state?: string }).state;
    const { body } = projectDeployment(stateless, { operation: "update", instanceId: INSTANCE });
    expect(body.metadata?.annotations?.[PROJECTED_STATE_ANNOTATION]).toBeUndefined();
  });

  it("the provider reads the mark before a stale status.projectedSpecState", async () => {
    const provider = createDefaultAutopilotProvider({ modeOf: () => "ACTIVE" });
    const cr = buildCr("PATCH", { state: "SUSPENDED" });
    cr.status = { projectedSpecState: "RUNNING" };
    const deployment = deploymentFor(cr, { specState: "SUSPENDED" });
    deployment.metadata = {
      ...deployment.metadata,
      annotations: {
        ...deployment.metadata?.annotations,
        [PROJECTED_STATE_ANNOTATION]: "SUSPENDED",
      },
    };
    const marked = await provider.observe({ cr, deployment, client: noJobs });
    expect(marked.scalingInProgress).toBe(false);
    // Autopilot moved spec.state, not the mark: a scaling run.
    const moved = { ...deployment, spec: { ...deployment.spec, state: "CANCELLED" as const } };
    expect(
      (await provider.observe({ cr, deployment: moved, client: noJobs })).scalingInProgress,
    ).toBe(true);
    // Without the mark (an older deployment) the status still decides.
    const unmarked = deploymentFor(cr, { specState: "SUSPENDED" });
    expect(
      (await provider.observe({ cr, deployment: unmarked, client: noJobs })).scalingInProgress,
    ).toBe(true);
  });

  it("a cycle whose status write is lost: the next cycles still project and trigger", async () => {
    const world = await startWorld();
    const id = await runningExample(world);
    world.simulator.setAutopilot(id, "ACTIVE");
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    // The status write of this cycle is lost: the result is not written back.
    await reconcileOnce({
      cr: world.cr("my-deployment"),
      client: world.client,
      mappingStore: world.mappingStore,
      instanceId: INSTANCE_ID,
      now: world.simulator.now(),
      finalizers: applyFinalizersInMemory(),
    });
    expect(world.simulator.deployment(id)?.spec.state).toBe("SUSPENDED");
    world.simulator.advance(TRANSITION_MS);
    await world.reconcile("my-deployment");
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.state = "RUNNING";
    });
    await world.reconcile("my-deployment");
    expect(condition(world.cr("my-deployment"), "SpecAligned")?.reason).toBe("ConfigUpdated");
    expect(world.simulator.deployment(id)?.spec.state).toBe("RUNNING");
    world.simulator.advance(TRANSITION_MS);
    await world.reconcile("my-deployment");
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 3;
    });
    await world.reconcile("my-deployment");
    expect(world.cr("my-deployment").status?.lastProcessedSavepointNonce).toBe(3);
  });
});
