import { describe, expect, it } from "vitest";
import {
  FINALIZER,
  RESTART_NONCE_ANNOTATION,
  SAVEPOINT_NONCE_ANNOTATION,
} from "../../src/models/index.js";
import { InvalidObservationError } from "../../src/reconcile/index.js";
import { isVvpApiError } from "../../src/vvp-client/index.js";
import {
  condition,
  example,
  INSTANCE_ID,
  startWorld,
  TRANSITION_MS,
  type World,
} from "./support.js";

const DEPLOYMENTS = "/api/v1/namespaces/:ns/deployments";
const DEPLOYMENT = "/api/v1/namespaces/:ns/deployments/:id";
const SAVEPOINTS = "/api/v1/namespaces/:ns/savepoints";

/** Creates the example and brings it to RUNNING. */
async function running(
  world: World,
  customize: (cr: ReturnType<typeof example>) => void = () => {},
): Promise<string> {
  const cr = example("PATCH");
  customize(cr);
  world.apply(cr);
  await world.reconcile("my-deployment");
  world.edit("my-deployment", (cr) => {
    cr.spec.deployment.spec.state = "RUNNING";
  });
  await world.reconcile("my-deployment");
  world.simulator.advance(TRANSITION_MS);
  await world.reconcile("my-deployment");
  expect(world.cr("my-deployment").status?.actualState).toBe("RUNNING");
  const id = world.cr("my-deployment").status?.deploymentId;
  if (id === undefined) throw new Error("no deploymentId");
  return id;
}

function writes(world: World): string[] {
  return world.simulator.requests
    .filter((entry) => entry.method !== "GET")
    .map((entry) => `${entry.method} ${entry.path}`);
}

describe("end-to-end through reconcileOnce against the simulator", () => {
  it.each(["PATCH", "PUT"] as const)(
    "creates the %s example, then costs one GET and no write in the steady state",
    async (mode) => {
      const world = await startWorld();
      world.apply(example(mode));
      const first = await world.reconcile("my-deployment");
      expect(first.plan.actions.map((action) => action.type)).toEqual([
        "AddFinalizer",
        "CreateDeployment",
      ]);
      const cr = world.cr("my-deployment");
      expect(cr.metadata.finalizers).toEqual([FINALIZER]);
      expect(condition(cr, "Healthy")?.status).toBe("True");
      expect(world.mappingStore.entries().get(cr.metadata.uid ?? "")).toEqual({
        deploymentId: cr.status?.deploymentId,
        vvpNamespace: "default",
        instanceId: INSTANCE_ID,
      });

      world.simulator.clearRequests();
      const steady = await world.reconcile("my-deployment");
      expect(steady.changed).toBe(false);
      expect(steady.plan.actions).toEqual([]);
      expect(steady.events).toEqual([]);
      expect(world.simulator.requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
        `GET /api/v1/namespaces/default/deployments/${cr.status?.deploymentId}`,
      ]);
    },
  );

  it("a 400 on create gives AppManagerCreateFailed with VVP's message, and no retry until the spec changes", async () => {
    const world = await startWorld();
    const cr = example("PATCH");
    cr.spec.deployment.spec.deploymentTargetName = "no-such-target";
    world.apply(cr);
    await world.reconcile("my-deployment");
    const failed = condition(world.cr("my-deployment"), "Consistent");
    expect(failed).toMatchObject({ status: "False", reason: "AppManagerCreateFailed" });
    expect(failed?.message).toContain("no-such-target");
    const healthy = condition(world.cr("my-deployment"), "Healthy");
    expect(healthy?.status).toBe("False");
    expect(healthy?.message).toContain("AppManagerCreateFailed");

    world.simulator.clearRequests();
    await world.reconcile("my-deployment");
    expect(writes(world)).toEqual([]);

    // deploymentTargetName is immutable only after creation; this CR was never created.
    world.edit("my-deployment", (edited) => {
      edited.spec.deployment.spec.deploymentTargetName = "default";
    });
    await world.reconcile("my-deployment");
    expect(condition(world.cr("my-deployment"), "Consistent")?.reason).toBe("RecordIntact");
    expect(world.simulator.deployments()).toHaveLength(1);
  });

  it("a timeout on a create that VVP carried out is adopted, not duplicated", async () => {
    const world = await startWorld();
    world.simulator.failNext({ method: "POST", path: DEPLOYMENTS, mode: "timeout", applied: true });
    world.apply(example("PATCH"));
    await world.reconcile("my-deployment");
    expect(condition(world.cr("my-deployment"), "Consistent")?.status).not.toBe("True");
    expect(world.cr("my-deployment").status?.deploymentId).toBeUndefined();

    const adopted = await world.reconcile("my-deployment");
    expect(adopted.plan.actions.map((action) => action.type)).toContain("SaveMapping");
    const cr = world.cr("my-deployment");
    expect(condition(cr, "Consistent")).toMatchObject({ status: "True", reason: "RecordIntact" });
    expect(world.simulator.deployments()).toHaveLength(1);
    expect(cr.status?.deploymentId).toBe(world.simulator.deployments()[0]?.metadata.id);
    expect(writes(world).filter((call) => call.startsWith("POST"))).toHaveLength(1);
  });

  it("a 503 on PATCH loses nothing: the change lands on the next cycle", async () => {
    const world = await startWorld();
    const id = await running(world);
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.template.spec.artifact = {
        kind: "JAR",
        jarUri: "s3://my-bucket/artifacts/MyJob-2.jar",
      };
    });
    const generation = world.cr("my-deployment").metadata.generation;
    world.simulator.failNext({ method: "PATCH", path: DEPLOYMENT, status: 503 });
    await world.reconcile("my-deployment");
    const afterFailure = world.cr("my-deployment");
    expect(condition(afterFailure, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "ProjectionFailed",
    });
    // The seed: observedGeneration mirrors the generation after every cycle;
    // the owed change is recorded for the retry.
    expect(afterFailure.status?.observedGeneration).toBe(generation);
    expect(afterFailure.status?.unprojectedGeneration).toBe(generation);
    expect(world.simulator.deployment(id)?.spec.template.spec.artifact).toMatchObject({
      jarUri: "s3://my-bucket/artifacts/MyJob.jar",
    });

    await world.reconcile("my-deployment");
    const recovered = world.cr("my-deployment");
    expect(condition(recovered, "SpecAligned")?.status).toBe("True");
    expect(recovered.status?.observedGeneration).toBe(generation);
    expect(recovered.status?.unprojectedGeneration).toBeUndefined();
    expect(world.simulator.deployment(id)?.spec.template.spec.artifact).toMatchObject({
      jarUri: "s3://my-bucket/artifacts/MyJob-2.jar",
    });
  });

  it("a 503 on the savepoint call does not consume the nonce; after recovery exactly one savepoint exists for it", async () => {
    const world = await startWorld();
    const id = await running(world);
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 7;
    });
    world.simulator.failNext({ method: "POST", path: SAVEPOINTS, status: 503 });
    await world.reconcile("my-deployment");
    const afterFailure = world.cr("my-deployment");
    expect(afterFailure.status?.lastConsumedSavepointNonce).not.toBe(7);
    expect(afterFailure.status?.lastProcessedSavepointNonce).not.toBe(7);
    expect(world.simulator.savepoints()).toHaveLength(0);

    for (let cycle = 0; cycle < 3; cycle += 1) await world.reconcile("my-deployment");
    const mine = world.simulator
      .savepoints()
      .filter((savepoint) => savepoint.metadata.deploymentId === id);
    expect(mine).toHaveLength(1);
    // `<cr uid>/<nonce>/<generation>` (ours).
    const { uid, generation } = world.cr("my-deployment").metadata;
    expect(mine[0]?.metadata.annotations[SAVEPOINT_NONCE_ANNOTATION]).toBe(
      `${uid}/7/${generation}`,
    );
    expect(world.cr("my-deployment").status).toMatchObject({
      lastProcessedSavepointNonce: 7,
      lastConsumedSavepointNonce: 7,
    });
    expect(condition(world.cr("my-deployment"), "NonceAligned")?.status).toBe("True");
  });

  it("a savepoint whose answer was lost is recorded from VVP's savepoints, not triggered again", async () => {
    const world = await startWorld();
    const id = await running(world);
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 3;
    });
    world.simulator.failNext({ method: "POST", path: SAVEPOINTS, mode: "timeout", applied: true });
    await world.reconcile("my-deployment");
    await world.reconcile("my-deployment");
    expect(world.simulator.savepoints().filter((s) => s.metadata.deploymentId === id)).toHaveLength(
      1,
    );
    expect(world.cr("my-deployment").status?.lastProcessedSavepointNonce).toBe(3);
  });

  it("a restartNonce starts a new job once, via the template annotation", async () => {
    const world = await startWorld();
    const id = await running(world);
    const jobBefore = world.simulator.deployment(id)?.status.running?.jobId;
    world.edit("my-deployment", (cr) => {
      cr.spec.restartNonce = 0;
    });
    await world.reconcile("my-deployment");
    world.simulator.advance(TRANSITION_MS);
    await world.reconcile("my-deployment");
    const deployment = world.simulator.deployment(id);
    // `<nonce>/r<round>` (ours): the first restart of this CR.
    expect(deployment?.spec.template.metadata?.annotations?.[RESTART_NONCE_ANNOTATION]).toBe(
      "0/r1",
    );
    expect(deployment?.status.running?.jobId).not.toBe(jobBefore);
    world.simulator.clearRequests();
    await world.reconcile("my-deployment");
    expect(writes(world)).toEqual([]);
  });

  it("a viewer token gives a clear error naming the refused call, and no token in it", async () => {
    const world = await startWorld({
      simulator: { tokens: { "viewer-secret-token": { namespaces: "*", role: "viewer" } } },
      client: { token: "viewer-secret-token" },
    });
    world.apply(example("PATCH"));
    await world.reconcile("my-deployment");
    const cr = world.cr("my-deployment");
    const consistent = condition(cr, "Consistent");
    expect(consistent).toMatchObject({ status: "False", reason: "AppManagerCreateFailed" });
    expect(consistent?.message).toMatch(/403/);
    expect(JSON.stringify(cr)).not.toContain("viewer-secret-token");
    expect(world.simulator.deployments()).toHaveLength(0);
  });

  it("an unknown token fails the observation with a typed error that does not carry the token", async () => {
    const world = await startWorld({
      simulator: { tokens: { "right-token": { namespaces: "*", role: "editor" } } },
      client: { token: "wrong-secret-token" },
    });
    world.apply(example("PATCH"));
    const error = await world.reconcile("my-deployment").catch((caught: unknown) => caught);
    expect(isVvpApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401 });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain("wrong-secret-token");
    expect(world.cr("my-deployment").status).toBeUndefined();
  });

  it("deletion waits while RUNNING, proceeds once cancelled, and removes the finalizer last", async () => {
    const world = await startWorld();
    const id = await running(world);
    world.cluster.delete("my-deploy-namespace", "my-deployment", world.simulator.now());
    await world.reconcile("my-deployment");
    expect(condition(world.cr("my-deployment"), "DeletionBlocked")).toMatchObject({
      status: "True",
      reason: "DeploymentStillActive",
    });
    expect(world.simulator.deployment(id)).toBeDefined();

    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.state = "CANCELLED";
    });
    for (let cycle = 0; cycle < 4 && world.cluster.list().length > 0; cycle += 1) {
      await world.reconcile("my-deployment");
      world.simulator.advance(TRANSITION_MS);
    }
    expect(world.cluster.list()).toEqual([]);
    expect(world.simulator.deployment(id)).toBeUndefined();
    expect(world.mappingStore.entries().size).toBe(0);
  });

  it("Autopilot ACTIVE costs one more GET (the job) and reports AutopilotManaged", async () => {
    const world = await startWorld();
    const id = await running(world, (cr) => {
      cr.spec.deployment.spec.template.spec.parallelism = 2;
    });
    world.simulator.setAutopilot(id, "ACTIVE");
    world.simulator.startAutopilotScaling(id, { toParallelism: 4 });
    world.simulator.advance(TRANSITION_MS);
    world.simulator.clearRequests();
    await world.reconcile("my-deployment");
    expect(condition(world.cr("my-deployment"), "SpecAligned")?.reason).toBe(
      "StateProjectionSuppressedAutopilot",
    );
    for (let step = 0; step < 4; step += 1) {
      world.simulator.advance(TRANSITION_MS);
      await world.reconcile("my-deployment");
    }
    expect(writes(world)).toEqual([]);
    const cr = world.cr("my-deployment");
    expect(condition(cr, "ParallelismAligned")).toMatchObject({
      status: "False",
      reason: "AutopilotManaged",
    });
    world.simulator.clearRequests();
    await world.reconcile("my-deployment");
    expect(world.simulator.requests.map((entry) => entry.path)).toEqual([
      `/api/v1/namespaces/default/deployments/${id}`,
      expect.stringMatching(/\/jobs\//),
    ]);
  });

  it("with Autopilot ACTIVE, the author's own CANCELLED is projected, not taken for a scaling run", async () => {
    const world = await startWorld();
    const id = await running(world);
    world.simulator.setAutopilot(id, "ACTIVE");
    await world.reconcile("my-deployment");
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.state = "CANCELLED";
    });
    await world.reconcile("my-deployment");
    expect(world.simulator.deployment(id)?.spec.state).toBe("CANCELLED");
    world.simulator.advance(TRANSITION_MS);
    await world.reconcile("my-deployment");
    expect(world.cr("my-deployment").status?.actualState).toBe("CANCELLED");
    expect(condition(world.cr("my-deployment"), "SpecAligned")?.status).toBe("True");
  });

  it("with Autopilot ACTIVE, a state the author sets during a scaling run is sent once the run ends", async () => {
    const world = await startWorld();
    const id = await running(world, (cr) => {
      cr.spec.deployment.spec.template.spec.parallelism = 2;
    });
    world.simulator.setAutopilot(id, "ACTIVE");
    await world.reconcile("my-deployment");
    world.simulator.startAutopilotScaling(id, { toParallelism: 4 });
    await world.reconcile("my-deployment");
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    world.simulator.clearRequests();
    // The run's three steps, a cycle after each: nothing is sent while it lasts.
    for (let step = 0; step < 3; step += 1) {
      await world.reconcile("my-deployment");
      expect(condition(world.cr("my-deployment"), "SpecAligned")?.reason).toBe(
        "StateProjectionSuppressedAutopilot",
      );
      expect(world.cr("my-deployment").status?.observedSpecState).toBe("SUSPENDED");
      world.simulator.advance(TRANSITION_MS);
    }
    expect(writes(world)).toEqual([]);
    expect(world.simulator.autopilot(id).scalingInProgress).toBe(false);
    await world.reconcile("my-deployment");
    expect(writes(world)).toEqual([`PATCH /api/v1/namespaces/default/deployments/${id}`]);
    expect(world.simulator.deployment(id)?.spec.state).toBe("SUSPENDED");
    expect(condition(world.cr("my-deployment"), "SpecAligned")).toMatchObject({
      status: "True",
      reason: "ConfigUpdated",
    });
    world.simulator.advance(TRANSITION_MS);
    await world.reconcile("my-deployment");
    expect(world.cr("my-deployment").status?.actualState).toBe("SUSPENDED");
    expect(condition(world.cr("my-deployment"), "Healthy")?.status).toBe("True");
  });

  it.each(["PATCH", "PUT"] as const)(
    "%s: a timed-out write that VVP applies after a newer one is re-projected, then nothing is sent",
    async (mode) => {
      // Long enough that an answered write never times out on a loaded
      // machine; the faulted writes hang until it.
      const world = await startWorld({ client: { timeoutMs: 300 } });
      world.apply(example(mode));
      await world.reconcile("my-deployment");
      const id = world.cr("my-deployment").status?.deploymentId ?? "";
      const parallelism = (value: number) =>
        world.edit("my-deployment", (cr) => {
          cr.spec.deployment.spec.template.spec.parallelism = value;
        });
      // The write of parallelism 2 times out on every try (the client retries
      // an idempotent PUT 3 times): VVP has not applied it yet.
      world.simulator.failNext({
        method: mode,
        path: DEPLOYMENT,
        mode: "timeout",
        count: mode === "PUT" ? 3 : 1,
      });
      parallelism(2);
      const lost = await world.reconcile("my-deployment");
      const late = lost.plan.actions.find(
        (action) => action.type === "PatchDeployment" || action.type === "PutDeployment",
      );
      if (late === undefined || !("body" in late)) throw new Error("no write of parallelism 2");
      expect(condition(world.cr("my-deployment"), "SpecAligned")?.reason).toBe("ProjectionFailed");
      parallelism(3);
      await world.reconcile("my-deployment");
      expect(world.simulator.deployment(id)?.spec.template.spec.parallelism).toBe(3);
      // Now VVP applies the old write.
      if (mode === "PUT") await world.client.replaceDeployment("default", id, late.body as never);
      else await world.client.patchDeployment("default", id, late.body as never);
      expect(world.simulator.deployment(id)?.spec.template.spec.parallelism).toBe(2);

      world.simulator.clearRequests();
      const repair = await world.reconcile("my-deployment");
      expect(writes(world)).toEqual([`${mode} /api/v1/namespaces/default/deployments/${id}`]);
      expect(world.simulator.deployment(id)?.spec.template.spec.parallelism).toBe(3);
      expect(repair.events).toContainEqual(
        expect.objectContaining({
          reason: "SpecProjected",
          message: expect.stringMatching(/spec\.template\.spec\.parallelism/),
        }),
      );
      expect(condition(world.cr("my-deployment"), "SpecAligned")).toMatchObject({
        status: "True",
        reason: "ConfigUpdated",
      });

      world.simulator.clearRequests();
      const steady = await world.reconcile("my-deployment");
      expect(writes(world)).toEqual([]);
      expect(steady.plan.actions).toEqual([]);
    },
  );

  it("a malformed VVP answer fails the cycle with a typed error, writes nothing, and the next cycle recovers", async () => {
    let corrupt = false;
    const world = await startWorld({
      client: {
        // VVP (or a proxy) answers the deployment GET with a state of the wrong type.
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const url = String(input);
          if (!corrupt || init?.method !== "GET" || !/\/deployments\/[^/?]+$/.test(url)) {
            return response;
          }
          const body = (await response.json()) as { spec: Record<string, unknown> };
          body.spec.state = { toString: [] };
          return new Response(JSON.stringify(body), {
            status: response.status,
            headers: response.headers,
          });
        },
      },
    });
    await running(world);
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.template.spec.parallelism = 3;
    });
    const before = structuredClone(world.cr("my-deployment"));
    world.simulator.clearRequests();
    corrupt = true;
    const failed = world.reconcile("my-deployment");
    await expect(failed).rejects.toBeInstanceOf(InvalidObservationError);
    await expect(failed).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: "observed.deployment.spec.state" })],
    });
    expect(writes(world)).toEqual([]);
    expect(world.cr("my-deployment")).toEqual(before);
    corrupt = false;
    await world.reconcile("my-deployment");
    expect(condition(world.cr("my-deployment"), "SpecAligned")?.status).toBe("True");
    expect(writes(world)).toEqual([expect.stringMatching(/^PATCH /)]);
  });
});
