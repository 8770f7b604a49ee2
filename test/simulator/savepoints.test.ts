import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Savepoint, startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { call, createExample, deploymentPath } from "./support.js";

const TRANSITION = 2000;
const SAVEPOINTS = "/api/v1/namespaces/default/savepoints";
let simulator: VvpSimulator;
beforeEach(async () => {
  simulator = await startVvpSimulator({ transitionMs: TRANSITION });
});
afterEach(() => simulator.close());

const trigger = (deploymentId: string, annotations?: Record<string, string>) =>
  call<Savepoint>(simulator, "POST", SAVEPOINTS, {
    body: { metadata: { deploymentId, ...(annotations === undefined ? {} : { annotations }) } },
  });

describe("savepoints", () => {
  it("are refused with 409 and a message unless the deployment is RUNNING", async () => {
    const { metadata } = await createExample(simulator);
    const cancelled = await trigger(metadata.id);
    expect(cancelled.status).toBe(409);
    expect(cancelled.body).toMatchObject({
      message: expect.stringMatching(/CANCELLED, not RUNNING/),
    });
    await call(simulator, "PATCH", deploymentPath(metadata.id), {
      body: { spec: { state: "RUNNING" } },
    });
    const transitioning = await trigger(metadata.id);
    expect(transitioning.status).toBe(409);
    expect(transitioning.body).toMatchObject({ message: expect.stringMatching(/TRANSITIONING/) });
    expect(simulator.savepoints()).toEqual([]);
  });

  it("go STARTED → COMPLETED on the manual clock, keeping their annotations", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    const jobId = simulator.jobs()[0]?.metadata.id;
    const created = await trigger(metadata.id, { "ververica.platform/savepoint-nonce": "uid/1" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: "Savepoint",
      metadata: {
        deploymentId: metadata.id,
        jobId,
        origin: "USER_REQUEST",
        annotations: { "ververica.platform/savepoint-nonce": "uid/1" },
      },
      status: { state: "STARTED" },
    });
    const path = `${SAVEPOINTS}/${created.body.metadata.id}`;
    simulator.advance(TRANSITION - 1);
    expect((await call<Savepoint>(simulator, "GET", path)).body.status.state).toBe("STARTED");
    simulator.advance(1);
    const completed = (await call<Savepoint>(simulator, "GET", path)).body;
    expect(completed.status.state).toBe("COMPLETED");
    expect(completed.spec.savepointLocation).toMatch(/^s3:\/\//);
  });

  it("fail when the job stops before they complete", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    const created = await trigger(metadata.id);
    simulator.failJob(metadata.id);
    simulator.advance(TRANSITION);
    expect(
      simulator.savepoints().find((s) => s.metadata.id === created.body.metadata.id)?.status.state,
    ).toBe("FAILED");
  });

  it("are listed per deployment", async () => {
    const first = await createExample(simulator, { name: "first", state: "RUNNING" });
    const second = await createExample(simulator, { name: "second", state: "RUNNING" });
    simulator.advance(TRANSITION);
    await trigger(first.metadata.id);
    await trigger(second.metadata.id);
    await trigger(second.metadata.id);
    const list = async (query: string) =>
      (await call<{ items: Savepoint[] }>(simulator, "GET", `${SAVEPOINTS}${query}`)).body.items;
    expect(await list(`?deploymentId=${first.metadata.id}`)).toHaveLength(1);
    expect(await list(`?deploymentId=${second.metadata.id}`)).toHaveLength(2);
    expect(await list("")).toHaveLength(3);
    expect(
      (await call<{ items: Savepoint[] }>(simulator, "GET", "/api/v1/namespaces/other/savepoints"))
        .body.items,
    ).toEqual([]);
  });

  it("answer 400 without a deploymentId, 404 for an unknown deployment or savepoint", async () => {
    const missing = await call(simulator, "POST", SAVEPOINTS, { body: { metadata: {} } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/metadata\.deploymentId/);
    expect((await trigger("5b7c7a1e-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call(simulator, "GET", `${SAVEPOINTS}/nope`)).status).toBe(404);
  });
});
