import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type SimulatedDeployment,
  SPEC_VERSION_ANNOTATION,
  startVvpSimulator,
  type VvpSimulator,
} from "../../src/simulator/index.js";
import { exampleCr } from "../support/examples.js";
import { call, createExample, deploymentPath, getDeployment } from "./support.js";

let simulator: VvpSimulator;
beforeEach(async () => {
  simulator = await startVvpSimulator({ transitionMs: 1000, now: "2025-06-01T12:00:00.000Z" });
});
afterEach(() => simulator.close());

const patch = (id: string, body: unknown) =>
  call<SimulatedDeployment>(simulator, "PATCH", deploymentPath(id), { body });
const put = (id: string, body: unknown) =>
  call<SimulatedDeployment>(simulator, "PUT", deploymentPath(id), { body });

describe("PATCH is an RFC 7396 merge patch", () => {
  it("merges nested objects, removes keys set to null and replaces arrays", async () => {
    const { metadata } = await createExample(simulator);
    await patch(metadata.id, {
      metadata: { labels: { team: "a", tier: "gold" } },
      spec: {
        template: {
          spec: {
            flinkConfiguration: {
              "state.backend": "rocksdb",
              "execution.checkpointing.interval": "10s",
            },
            artifact: { additionalDependencies: ["s3://a.jar", "s3://b.jar"] },
          },
        },
      },
    });
    const reply = await patch(metadata.id, {
      metadata: { labels: { tier: null } },
      spec: {
        template: {
          spec: {
            flinkConfiguration: { "state.backend": null },
            artifact: { additionalDependencies: ["s3://c.jar"] },
          },
        },
      },
    });
    expect(reply.status).toBe(200);
    const after = reply.body;
    expect(after.metadata.labels).toEqual({ team: "a" });
    expect(after.spec.template.spec.flinkConfiguration).toEqual({
      "execution.checkpointing.interval": "10s",
    });
    expect(after.spec.template.spec.artifact).toEqual({
      kind: "JAR",
      jarUri: "s3://my-bucket/artifacts/MyJob.jar",
      additionalDependencies: ["s3://c.jar"],
    });
    // Untouched siblings survive the merge.
    expect(after.spec.template.spec.engineVersionName).toBe("vera-4.1-flink-1.20");
    expect(after.spec.deploymentTargetName).toBe("default");
  });

  it("always bumps resourceVersion and modifiedAt, even when nothing changed", async () => {
    const { metadata } = await createExample(simulator);
    simulator.advance(60_000);
    const first = await patch(metadata.id, {});
    expect(first.body.metadata.resourceVersion).toBe(2);
    expect(first.body.metadata.modifiedAt).toBe("2025-06-01T12:01:00.000Z");
    expect(first.body.metadata.createdAt).toBe("2025-06-01T12:00:00.000Z");
    const second = await patch(metadata.id, { spec: { state: "CANCELLED" } });
    expect(second.body.metadata.resourceVersion).toBe(3);
    // VVP's spec version moves only when the spec does.
    expect(second.body.metadata.annotations[SPEC_VERSION_ANNOTATION]).toBe("1");
    const third = await patch(metadata.id, { spec: { template: { spec: { parallelism: 2 } } } });
    expect(third.body.metadata.resourceVersion).toBe(4);
    expect(third.body.metadata.annotations[SPEC_VERSION_ANNOTATION]).toBe("2");
  });

  it("ignores server-owned keys and keeps VVP's bookkeeping annotations", async () => {
    const { metadata } = await createExample(simulator);
    const reply = await patch(metadata.id, {
      metadata: {
        resourceVersion: 99,
        annotations: { [SPEC_VERSION_ANNOTATION]: null, mine: "x" },
      },
      status: { state: "RUNNING" },
    });
    expect(reply.body.metadata.resourceVersion).toBe(2);
    expect(reply.body.metadata.annotations).toEqual({ [SPEC_VERSION_ANNOTATION]: "1", mine: "x" });
    expect(reply.body.status.state).toBe("CANCELLED");
  });

  it.each([
    ["id", { id: "00000000-0000-4000-8000-000000000000" }],
    ["name", { name: "renamed" }],
    ["namespace", { namespace: "elsewhere" }],
  ])("refuses to change metadata.%s with 400", async (field, metadataPatch) => {
    const { metadata } = await createExample(simulator);
    const reply = await patch(metadata.id, { metadata: metadataPatch });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ message: expect.stringContaining(`metadata.${field}`) });
    const same = await patch(metadata.id, { metadata: { [field]: metadata[field as "id"] } });
    expect(same.status).toBe(200);
  });

  it("refuses to remove a required field", async () => {
    const { metadata } = await createExample(simulator);
    const reply = await patch(metadata.id, { spec: { deploymentTargetName: null } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      message: expect.stringContaining("spec.deploymentTargetName"),
    });
  });

  it("answers 404 for an unknown deployment and 400 for a body that is not an object", async () => {
    const missing = await patch("5b7c7a1e-0000-4000-8000-000000000000", {});
    expect(missing.status).toBe(404);
    const { metadata } = await createExample(simulator);
    const notObject = await patch(metadata.id, [1, 2]);
    expect(notObject.status).toBe(400);
    expect(notObject.body).toMatchObject({ message: expect.stringMatching(/JSON object/) });
  });
});

describe("PUT replaces", () => {
  it("replaces spec, labels and annotations; omitted fields fall back to defaults", async () => {
    const { metadata } = await createExample(simulator);
    await patch(metadata.id, {
      metadata: { labels: { old: "label" }, annotations: { old: "annotation" } },
      spec: { template: { spec: { flinkConfiguration: { a: "b" }, parallelism: 5 } } },
    });
    const body = exampleCr("PUT").spec.deployment as unknown as SimulatedDeployment;
    body.metadata.labels = { fresh: "label" };
    const reply = await put(metadata.id, body);
    expect(reply.status).toBe(200);
    expect(reply.body.metadata.labels).toEqual({ fresh: "label" });
    expect(reply.body.metadata.annotations).toEqual({ [SPEC_VERSION_ANNOTATION]: "3" });
    expect(reply.body.spec.template.spec.flinkConfiguration).toBeUndefined();
    expect(reply.body.spec.template.spec.parallelism).toBe(1);
    expect(reply.body.spec.template.spec.numberOfTaskManagers).toBe(1);
    expect(reply.body.spec.maxJobCreationAttempts).toBe(3);
    expect(reply.body.metadata.resourceVersion).toBe(3);
    expect(reply.body.metadata.id).toBe(metadata.id);
  });

  it("refuses an identity change and an invalid body with 400", async () => {
    const { metadata } = await createExample(simulator);
    const body = exampleCr("PUT").spec.deployment as unknown as SimulatedDeployment;
    body.metadata.name = "another-name";
    const renamed = await put(metadata.id, body);
    expect(renamed.status).toBe(400);
    expect(renamed.body).toMatchObject({ message: expect.stringContaining("metadata.name") });
    const empty = await put(metadata.id, { metadata: { name: "my-deployment" } });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({
      message: expect.stringContaining("spec.deploymentTargetName"),
    });
    expect((await getDeployment(simulator, metadata.id)).metadata.resourceVersion).toBe(1);
  });
});

describe("DELETE", () => {
  it("is refused unless spec.state is CANCELLED, then the deployment is gone", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(1000);
    const refused = await call(simulator, "DELETE", deploymentPath(metadata.id));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/CANCELLED/);
    expect(simulator.deployments()).toHaveLength(1);
    await patch(metadata.id, { spec: { state: "SUSPENDED" } });
    expect((await call(simulator, "DELETE", deploymentPath(metadata.id))).status).toBe(409);
    await patch(metadata.id, { spec: { state: "CANCELLED" } });
    const deleted = await call<SimulatedDeployment>(
      simulator,
      "DELETE",
      deploymentPath(metadata.id),
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.id).toBe(metadata.id);
    expect((await call(simulator, "GET", deploymentPath(metadata.id))).status).toBe(404);
    expect((await call(simulator, "DELETE", deploymentPath(metadata.id))).status).toBe(404);
    expect(simulator.jobs().every((job) => job.status.state !== "STARTED")).toBe(true);
  });
});
