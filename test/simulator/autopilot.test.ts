import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AUTOPILOT_MODE_ANNOTATION,
  type Job,
  startVvpSimulator,
  type VvpSimulator,
} from "../../src/simulator/index.js";
import { call, createExample, deploymentPath, getDeployment } from "./support.js";

const STEP = 1000;
let simulator: VvpSimulator;
beforeEach(async () => {
  simulator = await startVvpSimulator({ transitionMs: STEP });
});
afterEach(() => simulator.close());

async function runningDeployment(parallelism = 2): Promise<string> {
  const { metadata } = await createExample(simulator, { state: "RUNNING", parallelism });
  simulator.advance(STEP);
  return metadata.id;
}

async function observe(id: string) {
  const deployment = await getDeployment(simulator, id);
  const jobId = deployment.status.running?.jobId;
  const job =
    jobId === undefined
      ? undefined
      : (await call<Job>(simulator, "GET", `/api/v1/namespaces/default/jobs/${jobId}`)).body;
  return {
    desired: deployment.spec.state,
    actual: deployment.status.state,
    parallelism: job?.spec.parallelism,
  };
}

describe("Autopilot", () => {
  it("is DISABLED by default; the mode shows on the deployment as an annotation", async () => {
    const id = await runningDeployment();
    expect(simulator.autopilot(id)).toEqual({ mode: "DISABLED", scalingInProgress: false });
    expect(
      (await getDeployment(simulator, id)).metadata.annotations[AUTOPILOT_MODE_ANNOTATION],
    ).toBeUndefined();
    simulator.setAutopilot(id, "MONITORING");
    expect(
      (await getDeployment(simulator, id)).metadata.annotations[AUTOPILOT_MODE_ANNOTATION],
    ).toBe("MONITORING");
    simulator.setAutopilot(id, "ACTIVE");
    // A client's PUT or PATCH cannot remove VVP's bookkeeping annotations.
    await call(simulator, "PATCH", deploymentPath(id), {
      body: { metadata: { annotations: null } },
    });
    expect(
      (await getDeployment(simulator, id)).metadata.annotations[AUTOPILOT_MODE_ANNOTATION],
    ).toBe("ACTIVE");
    expect(simulator.autopilot(id).mode).toBe("ACTIVE");
  });

  it("runs a scaling run step by step: RUNNING → CANCELLED → TRANSITIONING → RUNNING at the new parallelism", async () => {
    const id = await runningDeployment(2);
    simulator.setAutopilot(id, "ACTIVE");
    const firstJob = (await getDeployment(simulator, id)).status.running?.jobId;
    simulator.startAutopilotScaling(id, { toParallelism: 6 });
    expect(simulator.autopilot(id).scalingInProgress).toBe(true);
    expect(await observe(id)).toEqual({ desired: "CANCELLED", actual: "RUNNING", parallelism: 2 });
    simulator.advance(STEP);
    expect(await observe(id)).toEqual({
      desired: "CANCELLED",
      actual: "CANCELLED",
      parallelism: undefined,
    });
    simulator.advance(STEP);
    expect(await observe(id)).toEqual({
      desired: "RUNNING",
      actual: "TRANSITIONING",
      parallelism: undefined,
    });
    simulator.advance(STEP);
    expect(await observe(id)).toEqual({ desired: "RUNNING", actual: "RUNNING", parallelism: 6 });
    const after = await getDeployment(simulator, id);
    expect(after.status.running?.jobId).not.toBe(firstJob);
    // Autopilot acts on the job; the deployment's template keeps its parallelism.
    expect(after.spec.template.spec.parallelism).toBe(2);
    expect(simulator.autopilot(id)).toEqual({
      mode: "ACTIVE",
      scalingInProgress: false,
      runtimeParallelism: 6,
    });
  });

  it("moves VVP's desired state as writes that bump resourceVersion", async () => {
    const id = await runningDeployment();
    simulator.setAutopilot(id, "ACTIVE");
    const before = (await getDeployment(simulator, id)).metadata.resourceVersion;
    simulator.startAutopilotScaling(id, { toParallelism: 3 });
    simulator.advance(3 * STEP);
    expect((await getDeployment(simulator, id)).metadata.resourceVersion).toBe(before + 2);
  });

  it("keeps its parallelism for the next job while ACTIVE, and forgets it when turned off", async () => {
    const id = await runningDeployment(2);
    simulator.setAutopilot(id, "ACTIVE");
    simulator.startAutopilotScaling(id, { toParallelism: 5 });
    simulator.advance(3 * STEP);
    const restart = { spec: { template: { metadata: { annotations: { r: "1" } } } } };
    await call(simulator, "PATCH", deploymentPath(id), { body: restart });
    simulator.advance(STEP);
    expect((await observe(id)).parallelism).toBe(5);
    simulator.setAutopilot(id, "DISABLED");
    await call(simulator, "PATCH", deploymentPath(id), {
      body: { spec: { template: { metadata: { annotations: { r: "2" } } } } },
    });
    simulator.advance(STEP);
    expect((await observe(id)).parallelism).toBe(2);
  });

  it("scales only in ACTIVE mode and on a RUNNING deployment", async () => {
    const id = await runningDeployment();
    expect(() => simulator.startAutopilotScaling(id, { toParallelism: 3 })).toThrow(/not ACTIVE/);
    simulator.setAutopilot(id, "MONITORING");
    expect(() => simulator.startAutopilotScaling(id, { toParallelism: 3 })).toThrow(
      /MONITORING, not ACTIVE/,
    );
    simulator.setAutopilot(id, "ACTIVE");
    await call(simulator, "PATCH", deploymentPath(id), { body: { spec: { state: "CANCELLED" } } });
    expect(() => simulator.startAutopilotScaling(id, { toParallelism: 3 })).toThrow(
      /RUNNING deployment/,
    );
    expect(() => simulator.setAutopilot(id, "ON" as "ACTIVE")).toThrow(/mode must be one of/);
  });

  it("a user's write during the run takes over", async () => {
    const id = await runningDeployment();
    simulator.setAutopilot(id, "ACTIVE");
    simulator.startAutopilotScaling(id, { toParallelism: 3 });
    simulator.advance(STEP);
    await call(simulator, "PATCH", deploymentPath(id), { body: { spec: { state: "RUNNING" } } });
    expect(simulator.autopilot(id).scalingInProgress).toBe(false);
    simulator.advance(STEP);
    expect(await observe(id)).toMatchObject({
      desired: "RUNNING",
      actual: "RUNNING",
      parallelism: 2,
    });
  });
});
