import { afterEach, describe, expect, it } from "vitest";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import type { ControllerMetrics } from "../../src/kubernetes/index.js";
import { mappingRecordName } from "../../src/kubernetes/index.js";
import type { KubeApi } from "../../src/kubernetes/kube-api.js";
import {
  conditionOf,
  crObject,
  INSTANCE,
  putSecret,
  startWorld,
  TOKEN,
  until,
  type World,
} from "./harness.js";

const NS = "my-deploy-namespace";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function cr(world: World, name: string) {
  return world.kube.get("vvpdeployments", NS, name);
}

function healthy(world: World, name: string): boolean {
  return conditionOf(cr(world, name), "Healthy")?.status === "True";
}

/** A fetch for the VVP client that remembers the bearer token of every request. */
function recordingFetch(bearers: string[]): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    bearers.push(request.headers.get("authorization") ?? "");
    return fetch(request);
  };
}

describe("the token Secret", () => {
  it("missing: a clear Healthy=Unknown message and a Warning Event naming the Secret, no VVP call; healed once it exists", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    await world.start();
    const object = crObject("no-secret");
    (object.metadata as { annotations: Record<string, string> }).annotations.apikeySecretName =
      "absent";
    kube.apply(object);
    await kube.waitFor(
      () => conditionOf(cr(world as World, "no-secret"), "Healthy")?.status === "Unknown",
    );
    expect(conditionOf(cr(world, "no-secret"), "Healthy")).toMatchObject({
      reason: "ApiKeySecretUnavailable",
      message:
        "cannot read the VVP API token: Secret my-deploy-namespace/absent (annotation apikeySecretName) does not exist",
    });
    // The cycle is observed like any other; the change waits for the token.
    const unseen = cr(world, "no-secret") as unknown as {
      metadata: { generation: number };
      status: { observedGeneration?: number; unprojectedGeneration?: number };
    };
    expect(unseen.status.observedGeneration).toBe(unseen.metadata.generation);
    expect(unseen.status.unprojectedGeneration).toBe(unseen.metadata.generation);
    await until(() => kube.objects("events.events.k8s.io").length > 0);
    const warning = kube
      .objects("events.events.k8s.io")
      .find(
        (event) => (event as Record<string, unknown>).reason === "ApiKeySecretUnavailable",
      ) as Record<string, unknown>;
    expect(warning?.note).toContain("Secret my-deploy-namespace/absent");
    expect(warning?.type).toBe("Warning");
    expect(vvp.requests).toHaveLength(0);
    putSecret(kube, NS, "absent", TOKEN);
    await kube.waitFor(() => healthy(world as World, "no-secret"), 5000);
    expect(vvp.deployments()).toHaveLength(1);
    await until(() => (world as World).logs.some((line) => line.startsWith("info reconciled")));
    const reconciled = world.logs.find((line) => line.startsWith("info reconciled")) ?? "";
    expect(JSON.parse(reconciled.slice(reconciled.indexOf("{")))).toMatchObject({
      namespace: NS,
      name: "no-secret",
    });
  });

  it("without the key `token`: the message says which key is missing", async () => {
    world = await startWorld();
    putSecret(world.kube, NS, "my-vvp-apikey", undefined);
    await world.start();
    world.kube.apply(crObject("no-key"));
    await world.kube.waitFor(
      () => conditionOf(cr(world as World, "no-key"), "Healthy")?.status === "Unknown",
    );
    expect(conditionOf(cr(world, "no-key"), "Healthy")?.message).toBe(
      'cannot read the VVP API token: Secret my-deploy-namespace/my-vvp-apikey has no key "token"',
    );
  });

  it("not usable in an HTTP header (a line break inside): reported naming the Secret, the token never in logs, Events or status", async () => {
    world = await startWorld();
    const secretPart = "s3cond-line-of-the-token";
    putSecret(world.kube, NS, "my-vvp-apikey", `first-line\n${secretPart}`);
    await world.start();
    world.kube.apply(crObject("bad-token"));
    await world.kube.waitFor(
      () => conditionOf(cr(world as World, "bad-token"), "Healthy")?.status === "Unknown",
    );
    await until(() =>
      (world as World).logs.some((line) => line.startsWith("warn reconcile failed")),
    );
    // Failure and success lines name the CR the same way: namespace and name.
    const fieldsOf = (prefix: string) =>
      (world as World).logs
        .filter((line) => line.startsWith(prefix))
        .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);
    expect(fieldsOf("warn reconcile failed")[0]).toMatchObject({
      namespace: NS,
      name: "bad-token",
    });
    expect(fieldsOf("warn reconcile failed")[0]).not.toHaveProperty("key");
    // The host binds instanceId once (the operator's base fields); no line repeats it.
    expect(world.logs.filter((line) => line.includes('"instanceId"'))).toEqual([]);
    expect(conditionOf(cr(world, "bad-token"), "Healthy")?.message).toBe(
      'cannot read the VVP API token: key "token" of Secret my-deploy-namespace/my-vvp-apikey holds characters an HTTP header cannot carry (a line break, a space or a non-ASCII character)',
    );
    await until(() =>
      (world as World).kube
        .objects("events.events.k8s.io")
        .some((event) => (event as Record<string, unknown>).reason === "ApiKeySecretUnavailable"),
    );
    expect(world.vvp.requests).toHaveLength(0);
    const everything = JSON.stringify([
      world.logs,
      world.kube.objects("events"),
      world.kube.objects("vvpdeployments"),
    ]);
    expect(everything).not.toContain(secretPart);
    expect(everything).not.toContain("first-line");
  });

  it("rotated: later requests carry the new token; no token appears in logs, Events or status", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    const bearers: string[] = [];
    await world.start({ vvp: { baseUrl: vvp.url, fetch: recordingFetch(bearers) } });
    kube.apply(crObject("rotating"));
    await kube.waitFor(() => healthy(world as World, "rotating"));
    expect(new Set(bearers)).toEqual(new Set([`Bearer ${TOKEN}`]));
    const rotated = "r0tated-token-value";
    putSecret(kube, NS, "my-vvp-apikey", rotated);
    await new Promise((resolve) => setTimeout(resolve, 60)); // the 50 ms token TTL of the harness
    const object = cr(world, "rotating") as unknown as {
      spec: { deployment: { spec: { state: string } } };
    };
    object.spec.deployment.spec.state = "RUNNING";
    kube.apply(object);
    // The simulator knows only the first token: VVP refuses the rotated one (401).
    await kube.waitFor(() => bearers.includes(`Bearer ${rotated}`), 5000);
    await until(() => conditionOf(cr(world as World, "rotating"), "Healthy")?.status === "Unknown");
    expect(conditionOf(cr(world, "rotating"), "Healthy")).toMatchObject({
      reason: "ApiKeyRejected",
      message: "VVP refused the API token of Secret my-deploy-namespace/my-vvp-apikey (HTTP 401)",
    });
    // Rotated back to a token VVP knows: healed without a restart.
    putSecret(kube, NS, "my-vvp-apikey", TOKEN);
    await until(() => healthy(world as World, "rotating"), 10_000);
    const everything = JSON.stringify([
      world.logs,
      kube.objects("events"),
      kube.objects("vvpdeployments"),
    ]);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(rotated);
  });

  it("not required when API-key auth is off: a CR without the annotation calls VVP with no token", async () => {
    world = await startWorld();
    const bearers: string[] = [];
    await world.start({
      apiKey: false,
      vvp: { baseUrl: world.vvp.url, fetch: recordingFetch(bearers) },
    });
    const object = crObject("no-auth");
    delete (object.metadata as { annotations?: unknown }).annotations;
    world.kube.apply(object);
    await world.kube.waitFor(() => bearers.length > 0);
    expect(bearers.every((bearer) => bearer === "")).toBe(true);
  });
});

describe("the mapping store", () => {
  it("survives a restart: a fresh controller finds every record, creates nothing and writes nothing", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    const first = await world.start();
    for (const name of ["m1", "m2", "m3"]) kube.apply(crObject(name));
    await kube.waitFor(
      () => ["m1", "m2", "m3"].every((name) => healthy(world as World, name)),
      5000,
    );
    await first.stop();
    const records = kube
      .objects("vvpdeploymentmappings")
      .filter((map) => map.metadata.name?.startsWith("vvp-mapping-"));
    expect(records).toHaveLength(3);
    expect(records[0]?.metadata.labels).toMatchObject({ "ververica.platform/owner": INSTANCE });
    kube.clearRequests();
    vvp.clearRequests();
    const second = await world.start();
    await second.resync();
    await kube.waitFor(() => second.stats().reconciles >= 3 && second.stats().inFlight === 0);
    expect(vvp.deployments()).toHaveLength(3);
    expect(vvp.requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(kube.writes()).toBe(0);
  });

  it("a record deleted out of band surfaces as Consistent=False/DBRecordMissing", async () => {
    world = await startWorld();
    const { kube } = world;
    const controller = await world.start();
    kube.apply(crObject("lost"));
    await until(() => healthy(world as World, "lost") && controller.stats().inFlight === 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const uid = cr(world, "lost")?.metadata.uid as string;
    kube.delete("vvpdeploymentmappings", NS, mappingRecordName(uid));
    await kube.waitFor(
      () => conditionOf(cr(world as World, "lost"), "Consistent")?.reason === "DBRecordMissing",
    );
    expect(conditionOf(cr(world, "lost"), "Consistent")?.status).toBe("False");
  });
});

describe("reconciling", () => {
  it("reconciles a new CR once: the watch events of its own finalizer and status writes are skipped", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    const controller = await world.start();
    kube.apply(crObject("once"));
    await until(() => healthy(world as World, "once"));
    await until(() => controller.stats().skipped >= 1 && controller.stats().inFlight === 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(controller.stats()).toMatchObject({ reconciles: 1, conflicts: 0, errors: 0 });
    // GET by name (404), POST: nothing more.
    expect(vvp.requests.map((request) => request.method)).toEqual(["GET", "POST"]);
    // An author's edit is not one of ours: it is reconciled.
    const object = cr(world, "once") as unknown as {
      spec: { deployment: { spec: { state: string } } };
    };
    object.spec.deployment.spec.state = "RUNNING";
    kube.apply(object);
    await until(() => controller.stats().reconciles >= 2);
  });

  it("a spec edit during a reconcile makes the status write conflict (409): the fresh CR is reconciled, nothing overwritten", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    let edited = false;
    const editingFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === "PATCH" && !edited) {
        edited = true;
        // The author edits the CR while the controller talks to VVP.
        const current = kube.get("vvpdeployments", NS, "raced") as unknown as {
          spec: {
            restartNonce?: number;
            deployment: { spec: { template: { spec: Record<string, unknown> } } };
          };
        };
        current.spec.deployment.spec.template.spec.parallelism = 3;
        kube.apply(current);
      }
      return fetch(request);
    };
    await world.start({ vvp: { baseUrl: vvp.url, fetch: editingFetch } });
    kube.apply(crObject("raced"));
    await kube.waitFor(() => healthy(world as World, "raced"));
    const object = cr(world, "raced") as unknown as {
      spec: { deployment: { spec: { state: string } } };
    };
    object.spec.deployment.spec.state = "RUNNING";
    kube.apply(object);
    await kube.waitFor(() => {
      const deployment = vvp.deployments()[0] as
        | { spec: { template: { spec: { parallelism?: number } } } }
        | undefined;
      return (
        edited &&
        deployment?.spec.template.spec.parallelism === 3 &&
        healthy(world as World, "raced")
      );
    }, 5000);
    const conflicts = kube
      .requests({ method: "PATCH", subresource: "status" })
      .filter((request) => request.status === 409);
    expect(conflicts.length).toBeGreaterThanOrEqual(1);
    const stored = cr(world, "raced") as unknown as {
      spec: {
        deployment: { spec: { state: string; template: { spec: { parallelism?: number } } } };
      };
    };
    expect(stored.spec.deployment.spec.template.spec.parallelism).toBe(3);
    expect(stored.spec.deployment.spec.state).toBe("RUNNING");
  });

  it("a spec edit that makes the finalizer patch conflict (409) is reconciled too, not skipped as our own write", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    const inner = createClientNodeKubeApi(world.kubeConfig);
    let edited = false;
    const kubeApi: KubeApi = {
      ...inner,
      async mergePatch(resource, namespace, name, patch, options) {
        if (resource === "vvpdeployments" && options?.subresource === undefined && !edited) {
          edited = true;
          // The author edits the CR between the controller's read and its finalizer patch.
          const current = kube.get("vvpdeployments", NS, name) as unknown as {
            spec: { deployment: { spec: { template: { spec: Record<string, unknown> } } } };
          };
          current.spec.deployment.spec.template.spec.parallelism = 3;
          kube.apply(current);
        }
        return inner.mergePatch(resource, namespace, name, patch, options);
      },
    };
    await world.start({ kubeApi });
    kube.apply(crObject("finalizer-raced"));
    await kube.waitFor(() => {
      const deployment = vvp.deployments()[0] as
        | { spec: { template: { spec: { parallelism?: number } } } }
        | undefined;
      return edited && deployment?.spec.template.spec.parallelism === 3;
    }, 3000);
    const stored = cr(world, "finalizer-raced") as unknown as {
      metadata: { generation: number };
      status: { observedGeneration?: number };
    };
    await kube.waitFor(() => {
      const now = cr(world as World, "finalizer-raced") as typeof stored;
      return now.status?.observedGeneration === now.metadata.generation;
    }, 3000);
    // One deployment, created from the edited spec.
    expect(vvp.deployments()).toHaveLength(1);
    // The race is no failure: no Warning Event from the stale read.
    expect(kube.objects("Event").map((event) => event.reason)).toEqual(["DeploymentCreated"]);
  });

  it("never runs more workers than `concurrency`, and reports controller-runtime's metrics", async () => {
    world = await startWorld();
    const { kube } = world;
    const seen = {
      maxActive: 0,
      adds: 0,
      results: new Map<string, number>(),
      depths: [] as number[],
    };
    const metrics: ControllerMetrics = {
      activeWorkers: (count) => {
        seen.maxActive = Math.max(seen.maxActive, count);
      },
      queueAdd: () => {
        seen.adds += 1;
      },
      queueDepth: (depth) => seen.depths.push(depth),
      queueRetry: () => {},
      reconcileDone: (result) => seen.results.set(result, (seen.results.get(result) ?? 0) + 1),
    };
    const controller = await world.start({ concurrency: 2, metrics });
    for (let index = 0; index < 12; index += 1) kube.apply(crObject(`w${index}`));
    await kube.waitFor(
      () =>
        Array.from({ length: 12 }, (_, index) => `w${index}`).every((name) =>
          healthy(world as World, name),
        ),
      10_000,
    );
    await until(() => controller.stats().inFlight === 0 && controller.stats().queueDepth === 0);
    expect(seen.maxActive).toBe(2);
    expect(seen.adds).toBeGreaterThanOrEqual(12);
    const finished = [...seen.results.values()].reduce((sum, count) => sum + count, 0);
    expect(finished).toBe(controller.stats().reconciles - controller.stats().conflicts);
    expect(Math.max(...seen.depths)).toBeGreaterThan(0);
  });
});

describe("logging", () => {
  it("logs each reconcile that changed something with the CR's namespace/name and its result; an unchanged one only at debug", async () => {
    world = await startWorld();
    const { kube } = world;
    const controller = await world.start();
    kube.apply(crObject("logged"));
    await until(() => healthy(world as World, "logged"));
    const reconciled = (level: string) =>
      (world as World).logs
        .filter((line) => line.startsWith(`${level} reconciled `))
        .map((line) => JSON.parse(line.slice(`${level} reconciled `.length)));
    await until(() =>
      reconciled("info").some((fields) => fields.healthy === "True/AllConditionsMet"),
    );
    expect(reconciled("info")[0]).toMatchObject({
      namespace: NS,
      name: "logged",
      actions: expect.arrayContaining(["AddFinalizer:succeeded", "CreateDeployment:succeeded"]),
    });
    const infoLines = reconciled("info").length;
    await controller.resync();
    await until(() => reconciled("debug").some((fields) => fields.name === "logged"));
    expect(reconciled("info")).toHaveLength(infoLines);
    expect(JSON.stringify(world.logs)).not.toContain(TOKEN);
  });
});

describe("start and stop", () => {
  it("is synced once every namespace listed (after a failed list), and stop drains in-flight reconciles", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    kube.faults.failNext({ method: "GET", resource: "vvpdeployments", watch: false, status: 500 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    // VVP answers the first POST only when the test says so.
    const slowFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === "POST" && held === 0) {
        held += 1;
        await gate;
      }
      return fetch(request);
    };
    const controller = await world.start({ vvp: { baseUrl: vvp.url, fetch: slowFetch } });
    expect(controller.hasSynced()).toBe(true);
    const lists = kube.requests({ method: "GET", resource: "vvpdeployments", watch: false });
    expect(lists.map((request) => request.status).slice(0, 2)).toEqual([500, 200]);
    kube.apply(crObject("draining"));
    await until(() => held === 1);
    let stopped = false;
    const stopping = controller.stop({ drainTimeoutMs: 5_000 }).then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    // The in-flight reconcile finished: its deployment and status are written.
    expect(vvp.deployments()).toHaveLength(1);
    expect(conditionOf(cr(world, "draining"), "Healthy")?.status).toBe("True");
  });

  it("stop gives up waiting after drainTimeoutMs", async () => {
    world = await startWorld();
    const never: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === "POST") return new Promise<Response>(() => {});
      return fetch(request);
    };
    const controller = await world.start({ vvp: { baseUrl: world.vvp.url, fetch: never } });
    world.kube.apply(crObject("stuck"));
    await until(() => controller.stats().inFlight === 1);
    const started = Date.now();
    await controller.stop({ drainTimeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
