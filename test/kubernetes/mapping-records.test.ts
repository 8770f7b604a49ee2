// The mapping record: a VvpDeploymentMapping of our own (users get no RBAC on
// it), records of an earlier version migrated from ConfigMaps on first read,
// and never trusted alone: a record pointing at another CR's deployment makes
// the operator act on nothing (Consistent False DeploymentNotOwned), so
// deleting that CR leaves the other deployment alone.
import { afterEach, describe, expect, it } from "vitest";
import { mappingRecordName } from "../../src/kubernetes/index.js";
import { conditionOf, crObject, INSTANCE, startWorld, until, type World } from "./harness.js";

const NS = "my-deploy-namespace";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Record_ {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { crUid: string; deploymentId: string; vvpNamespace: string; instanceId: string };
}

function cr(world: World, name: string) {
  return world.kube.get("vvpdeployments", NS, name) as unknown as
    | { metadata: { uid: string; generation: number }; status?: { deploymentId?: string } }
    | undefined;
}

function healthy(world: World, name: string): boolean {
  return conditionOf(cr(world, name), "Healthy")?.status === "True";
}

function recordOf(world: World, name: string): Record_ {
  const uid = cr(world, name)?.metadata.uid ?? "";
  return world.kube.get("vvpdeploymentmappings", NS, mappingRecordName(uid)) as unknown as Record_;
}

describe("mapping records", () => {
  it("are VvpDeploymentMapping objects labelled with the instance, one per CR", async () => {
    world = await startWorld();
    await world.start();
    world.kube.apply(crObject("a"));
    await until(() => healthy(world as World, "a"), 10_000);
    const record = recordOf(world, "a");
    expect(record.spec).toEqual({
      crUid: cr(world, "a")?.metadata.uid,
      deploymentId: cr(world, "a")?.status?.deploymentId,
      vvpNamespace: "default",
      instanceId: INSTANCE,
    });
    expect(record.metadata.labels).toMatchObject({ "ververica.platform/owner": INSTANCE });
    expect(
      world.kube
        .objects("configmaps")
        .filter((map) => map.metadata.name?.startsWith("vvp-mapping-")),
    ).toEqual([]);
  });

  it("an earlier version's ConfigMap record is migrated on first read: intact, nothing recreated", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    const first = await world.start();
    kube.apply(crObject("legacy"));
    await until(() => healthy(world as World, "legacy"), 10_000);
    await first.stop();
    // What the earlier version stored: a ConfigMap, no mapping object.
    const record = recordOf(world, "legacy");
    kube.delete("vvpdeploymentmappings", NS, record.metadata.name);
    kube.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: record.metadata.name, namespace: NS, labels: record.metadata.labels },
      data: record.spec,
    });
    vvp.clearRequests();
    const second = await world.start();
    await second.resync();
    await until(() => recordOf(world as World, "legacy") !== undefined, 10_000, "migrated");
    await until(() => kube.get("configmaps", NS, record.metadata.name) === undefined, 10_000);
    expect(recordOf(world, "legacy").spec).toEqual(record.spec);
    expect(conditionOf(cr(world, "legacy"), "Consistent")).toMatchObject({
      status: "True",
      reason: "RecordIntact",
    });
    expect(vvp.deployments()).toHaveLength(1);
    expect(vvp.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("a record pointed at another CR's deployment: nothing is written, and deleting the CR leaves that deployment running", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    await world.start();
    for (const name of ["victim", "attacker"]) {
      const object = crObject(name) as { spec: { deployment: { spec: { state: string } } } };
      object.spec.deployment.spec.state = "RUNNING";
      kube.apply(object);
    }
    await until(
      () => healthy(world as World, "victim") && healthy(world as World, "attacker"),
      10_000,
    );
    const victimId = cr(world, "victim")?.status?.deploymentId ?? "";
    // Someone with write access to the records points the attacker's at the victim's deployment.
    const record = recordOf(world, "attacker");
    kube.apply({ ...record, spec: { ...record.spec, deploymentId: victimId } });
    await until(
      () =>
        conditionOf(cr(world as World, "attacker"), "Consistent")?.reason === "DeploymentNotOwned",
      10_000,
      "DeploymentNotOwned",
    );
    expect(conditionOf(cr(world, "attacker"), "Consistent")?.status).toBe("False");
    vvp.clearRequests();
    kube.delete("vvpdeployments", NS, "attacker");
    await until(() => cr(world as World, "attacker") === undefined, 10_000, "attacker deleted");
    expect(vvp.deployment(victimId)?.spec.state).toBe("RUNNING");
    expect(vvp.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });
});
