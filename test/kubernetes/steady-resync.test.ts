// The steady-resync shortcut (src/kubernetes/steady-cycles.ts): a resync
// that finds a CR's inputs as its last cycle left them answers without the
// cycle; every change of an input runs the cycle again.
import { afterEach, describe, expect, it } from "vitest";
import { createInMemoryMappingStore } from "../../src/execution/index.js";
import type { VvpDeploymentController } from "../../src/kubernetes/index.js";
import { mappingRecordName } from "../../src/kubernetes/index.js";
import { conditionOf, crObject, startWorld, until, type World } from "./harness.js";

const NS = "my-deploy-namespace";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function stored(name: string) {
  return (world as World).kube.get("vvpdeployments", NS, name) as unknown as {
    metadata: { uid: string; resourceVersion: string };
    status: { deploymentId: string; actualState?: string; conditions?: unknown[] };
  };
}

function healthy(name: string): boolean {
  return conditionOf(stored(name), "Healthy")?.status === "True";
}

/** A RUNNING CR, so its job can fail and its deployment change state. */
function runningCr(name: string): Record<string, unknown> {
  const object = crObject(name) as { spec: { deployment: { spec: { state: string } } } };
  object.spec.deployment.spec.state = "RUNNING";
  return object as unknown as Record<string, unknown>;
}

/** One resync, until every CR's reconcile of it ran and the queue is quiet. */
async function resyncOnce(controller: VvpDeploymentController, crs: number): Promise<void> {
  const before = controller.stats().reconciles;
  await controller.resync();
  await until(
    () =>
      controller.stats().reconciles >= before + crs &&
      controller.stats().queueDepth === 0 &&
      controller.stats().inFlight === 0,
    10_000,
    "the resync",
  );
}

/** A controller over Healthy CRs (RUNNING, or CANCELLED), after one resync that remembered every cycle. */
async function steadyFleet(names: string[], state = "RUNNING"): Promise<VvpDeploymentController> {
  world = await startWorld();
  const controller = await world.start();
  for (const name of names)
    world.kube.apply(state === "RUNNING" ? runningCr(name) : crObject(name));
  await until(
    () =>
      names.every((name) => healthy(name) && stored(name).status.actualState === state) &&
      controller.stats().queueDepth === 0 &&
      controller.stats().inFlight === 0,
    10_000,
    "Healthy and RUNNING",
  );
  // Until a resync is answered whole from the remembered cycles (on a loaded
  // machine the cache may lag behind the last status write: that resync's
  // cycle conflicts, is run again, and the next one is remembered).
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const before = controller.stats().unchanged;
    await resyncOnce(controller, names.length);
    if (controller.stats().unchanged - before === names.length) return controller;
  }
  throw new Error("no resync was answered from the remembered cycles");
}

describe("steady resync", () => {
  it("answers a CR whose CR, listed deployment and mapping record are unchanged without the cycle: one list, no other VVP request, no Kubernetes write, a debug line", async () => {
    const controller = await steadyFleet(["s1", "s2", "s3"]);
    const { kube, vvp } = world as World;
    const versions = ["s1", "s2", "s3"].map((name) => stored(name).metadata.resourceVersion);
    kube.clearRequests();
    vvp.clearRequests();
    const logged = (world as World).logs.length;
    const unchanged = controller.stats().unchanged;
    await resyncOnce(controller, 3);
    expect(controller.stats().unchanged).toBe(unchanged + 3);
    // The resync's one list of the VVP namespace, nothing more.
    expect(vvp.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v1/namespaces/default/deployments",
    ]);
    expect(kube.writes()).toBe(0);
    expect(["s1", "s2", "s3"].map((name) => stored(name).metadata.resourceVersion)).toEqual(
      versions,
    );
    // The same debug line a cycle that changed nothing writes.
    const lines = (world as World).logs
      .slice(logged)
      .filter((line) => line.startsWith("debug reconciled "))
      .map((line) => JSON.parse(line.slice("debug reconciled ".length)));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      namespace: NS,
      actions: [],
      healthy: "True/AllConditionsMet",
      actualState: "RUNNING",
    });
  });

  it("runs the cycle when VVP's status changed without a new resourceVersion (a failed job)", async () => {
    const controller = await steadyFleet(["f1", "f2"]);
    const { vvp } = world as World;
    const id = stored("f1").status.deploymentId;
    const version = vvp.deployment(id)?.metadata.resourceVersion;
    vvp.failJob(id);
    expect(vvp.deployment(id)?.metadata.resourceVersion).toBe(version);
    const unchanged = controller.stats().unchanged;
    await resyncOnce(controller, 2);
    // f2 is answered from its last cycle; f1 is reconciled.
    expect(controller.stats().unchanged).toBe(unchanged + 1);
    await until(() => stored("f1").status.actualState === "FAILED", 5_000, "actualState FAILED");
    expect(stored("f2").status.actualState).toBe("RUNNING");
  });

  it("runs the cycle when the deployment was changed in VVP, its status the same (a drifted field is projected back)", async () => {
    // CANCELLED: a template edit starts no job, so VVP's status stays the same.
    const controller = await steadyFleet(["d1"], "CANCELLED");
    const { vvp } = world as World;
    const id = stored("d1").status.deploymentId;
    const status = JSON.stringify(vvp.deployment(id)?.status);
    // Another VVP user edits it: a write, so a new resourceVersion.
    vvp.patchDeploymentDirectly(id, {
      spec: { template: { spec: { artifact: { jarUri: "s3://elsewhere/Other.jar" } } } },
    });
    expect(JSON.stringify(vvp.deployment(id)?.status)).toBe(status);
    vvp.clearRequests();
    const unchanged = controller.stats().unchanged;
    await resyncOnce(controller, 1);
    expect(controller.stats().unchanged).toBe(unchanged);
    await until(
      () => vvp.requests.some((request) => request.method === "PATCH"),
      5_000,
      "the PATCH back",
    );
    await until(
      () =>
        vvp.deployment(id)?.spec.template?.spec?.artifact?.jarUri ===
        "s3://my-bucket/artifacts/MyJob.jar",
      5_000,
      "the projected jarUri",
    );
  });

  it("runs the cycle when the CR changed (a new resourceVersion), and when its mapping record was deleted", async () => {
    const controller = await steadyFleet(["c1"]);
    const { kube } = world as World;
    // A label edit: a new resourceVersion, same generation.
    const object = kube.get("vvpdeployments", NS, "c1") as unknown as {
      metadata: { labels: Record<string, string> };
    };
    object.metadata.labels.team = "blue";
    kube.apply(object as never);
    await until(() => controller.stats().inFlight === 0 && controller.stats().queueDepth === 0);
    const unchanged = controller.stats().unchanged;
    await resyncOnce(controller, 1);
    // The label edit's watch event ran a cycle with no listed deployment; the
    // first resync after it runs the cycle again, the next is answered.
    expect(controller.stats().unchanged).toBe(unchanged);
    await resyncOnce(controller, 1);
    expect(controller.stats().unchanged).toBe(unchanged + 1);
    kube.delete("vvpdeploymentmappings", NS, mappingRecordName(stored("c1").metadata.uid));
    await until(
      () => conditionOf(stored("c1"), "Consistent")?.reason === "DBRecordMissing",
      5_000,
      "DBRecordMissing",
    );
    await until(() => controller.stats().inFlight === 0 && controller.stats().queueDepth === 0);
    const after = controller.stats().unchanged;
    await resyncOnce(controller, 1);
    expect(controller.stats().unchanged).toBe(after);
    expect(conditionOf(stored("c1"), "Consistent")?.reason).toBe("DBRecordMissing");
  });
});

describe("steady resync with a custom mapping store", () => {
  it("compares the record the store returns: a changed record runs the cycle", async () => {
    world = await startWorld();
    const store = createInMemoryMappingStore();
    const controller = await world.start({ mappingStore: store });
    world.kube.apply(crObject("m1"));
    await until(
      () =>
        healthy("m1") && controller.stats().queueDepth === 0 && controller.stats().inFlight === 0,
      10_000,
      "Healthy",
    );
    await resyncOnce(controller, 1);
    const unchanged = controller.stats().unchanged;
    await resyncOnce(controller, 1);
    expect(controller.stats().unchanged).toBe(unchanged + 1);
    const uid = stored("m1").metadata.uid;
    const kept = store.entries().get(uid);
    if (kept === undefined) throw new Error("no record");
    // Pointed elsewhere behind the controller's back (no watch on a custom store).
    await store.save(uid, { ...kept, deploymentId: "00000000-0000-0000-0000-000000000000" });
    await resyncOnce(controller, 1);
    expect(controller.stats().unchanged).toBe(unchanged + 1);
    await until(
      () => conditionOf(stored("m1"), "Consistent")?.status === "False",
      5_000,
      "Consistent=False",
    );
  });
});
