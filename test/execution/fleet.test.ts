import { describe, expect, it } from "vitest";
import { listOwnedDeployments } from "../../src/execution/index.js";
import type { Deployment } from "../../src/vvp-client/index.js";
import {
  example,
  INSTANCE_ID,
  runningExample as running,
  startWorld,
  type World,
} from "./support.js";

const VVP_NAMESPACE = "default";

async function listedCopy(world: World, id: string): Promise<Deployment> {
  const listed = await listOwnedDeployments(world.client, {
    vvpNamespace: VVP_NAMESPACE,
    instanceId: INSTANCE_ID,
  });
  const found = listed.find((deployment) => deployment.metadata?.id === id);
  if (found === undefined) throw new Error("the owned list lacks the deployment");
  return found;
}

function calls(world: World): string[] {
  return world.simulator.requests.map((entry) => `${entry.method} ${entry.path}`);
}

describe("listOwnedDeployments", () => {
  it("lists one namespace's deployments of this instance in one request with the owner selector", async () => {
    const world = await startWorld();
    const id = await running(world);
    world.simulator.createDeploymentDirectly(VVP_NAMESPACE, {
      metadata: { name: "foreign", labels: { "ververica.platform/owner": "another-operator" } },
      spec: {
        deploymentTargetName: "default",
        template: {
          spec: {
            artifact: { kind: "JAR", jarUri: "s3://bucket/job.jar" },
            engineVersionName: "vera-4.1-flink-1.20",
          },
        },
      },
    });
    world.simulator.clearRequests();
    const listed = await listOwnedDeployments(world.client, {
      vvpNamespace: VVP_NAMESPACE,
      instanceId: INSTANCE_ID,
    });
    expect(listed.map((deployment) => deployment.metadata?.id)).toEqual([id]);
    expect(world.simulator.requests).toEqual([
      {
        method: "GET",
        path: `/api/v1/namespaces/${VVP_NAMESPACE}/deployments`,
        status: 200,
        query: { labelSelector: `ververica.platform/owner=${INSTANCE_ID}` },
      },
    ]);
  });
});

describe("reconcileOnce with a prefetched deployment", () => {
  it("costs no request in the steady state", async () => {
    const world = await startWorld();
    const id = await running(world);
    const deployment = await listedCopy(world, id);
    world.simulator.clearRequests();
    const result = await world.reconcile("my-deployment", { prefetched: { deployment } });
    expect(result.plan.actions).toEqual([]);
    expect(result.changed).toBe(false);
    expect(world.simulator.requests).toEqual([]);
  });

  it("re-reads the deployment before a write and writes when it is unchanged", async () => {
    const world = await startWorld();
    const id = await running(world);
    const deployment = await listedCopy(world, id);
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 1;
    });
    world.simulator.clearRequests();
    const result = await world.reconcile("my-deployment", { prefetched: { deployment } });
    expect(result.plan.actions.map((action) => action.type)).toEqual(["TriggerSavepoint"]);
    const log = calls(world);
    const reread = log.indexOf(`GET /api/v1/namespaces/${VVP_NAMESPACE}/deployments/${id}`);
    const write = log.indexOf(`POST /api/v1/namespaces/${VVP_NAMESPACE}/savepoints`);
    expect(reread).toBeGreaterThanOrEqual(0);
    expect(write).toBeGreaterThan(reread);
    expect(world.simulator.savepoints()).toHaveLength(1);
  });

  it("decides again from the fresh read when the deployment changed since the list", async () => {
    const world = await startWorld();
    const id = await running(world);
    const deployment = await listedCopy(world, id);
    // Another VVP user suspends the deployment after the host's list: the
    // listed copy still says RUNNING, on which a savepoint would be triggered.
    world.simulator.patchDeploymentDirectly(id, { spec: { state: "SUSPENDED" } });
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 1;
    });
    world.simulator.clearRequests();
    const result = await world.reconcile("my-deployment", { prefetched: { deployment } });
    expect(result.plan.actions.map((action) => action.type)).not.toContain("TriggerSavepoint");
    expect(calls(world)).not.toContain(`POST /api/v1/namespaces/${VVP_NAMESPACE}/savepoints`);
    expect(world.simulator.savepoints()).toEqual([]);
    expect(result.cr.status?.lastConsumedSavepointNonce).toBe(1);
  });

  it("ignores a prefetched copy of another deployment and reads its own", async () => {
    const world = await startWorld();
    const id = await running(world);
    const deployment = await listedCopy(world, id);
    const other = structuredClone(deployment);
    if (other.metadata !== undefined) other.metadata.id = "00000000-0000-0000-0000-000000000000";
    world.simulator.clearRequests();
    await world.reconcile("my-deployment", { prefetched: { deployment: other } });
    expect(calls(world)).toEqual([`GET /api/v1/namespaces/${VVP_NAMESPACE}/deployments/${id}`]);
  });
});

describe("the first cycle of a new CR", () => {
  it("looks for a lost create with one GET by name, whatever the namespace holds", async () => {
    const world = await startWorld();
    for (let index = 0; index < 20; index += 1) {
      const cr = example("PATCH");
      cr.metadata.name = `other-${index}`;
      cr.metadata.uid = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
      cr.spec.deployment.metadata.name = `other-${index}`;
      world.apply(cr);
      await world.reconcile(`other-${index}`);
    }
    world.apply(example("PATCH"));
    world.simulator.clearRequests();
    await world.reconcile("my-deployment");
    expect(calls(world)).toEqual([
      `GET /api/v1/namespaces/${VVP_NAMESPACE}/deployments/my-deployment`,
      `POST /api/v1/namespaces/${VVP_NAMESPACE}/deployments`,
    ]);
  });
});
