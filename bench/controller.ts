// Benchmarks of the Kubernetes controller against the fake API server and the
// simulator, as ratios in one run: a steady-state resync of N CRs against N
// bare VVP GETs with the same client (requests and time), the memory the
// controller holds per CR, and the time from a spec change to its PATCH in
// VVP against a bare watch seeing the same change.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { KubeConfig } from "@kubernetes/client-node";
import { createClientNodeKubeApi } from "../src/kubernetes/client-node-api.js";
import {
  createVvpDeploymentController,
  type VvpDeploymentController,
} from "../src/kubernetes/index.js";
import { startVvpSimulator, type VvpSimulator } from "../src/simulator/index.js";
import { type FakeKubernetes, startFakeKubernetes } from "../src/testing/index.js";
import { createVvpClient } from "../src/vvp-client/index.js";
import type { BenchResult } from "./reconcile.js";

/** A row of this bench: BenchResult with the unit of its two figures. */
export interface ControllerBenchResult extends BenchResult {
  unit: string;
}

const NAMESPACE = "bench";
const TOKEN = "bench-token";
const CONCURRENCY = 16;

interface World {
  kube: FakeKubernetes;
  vvp: VvpSimulator;
  kubeConfig: KubeConfig;
  controller: VvpDeploymentController;
  patchesSeen: Map<string, number>;
  setupSeconds: number;
  crKiB: number;
  /** The heap in use with the controller, which is then stopped and dropped. */
  releaseController(): Promise<number>;
  close(): Promise<void>;
}

function cr(index: number): Record<string, unknown> {
  return {
    apiVersion: "ververica.platform/v1",
    kind: "VvpDeployment",
    metadata: {
      name: `cr-${index}`,
      namespace: NAMESPACE,
      labels: { "ververica.platform/owner": "my-operator" },
      annotations: { apikeySecretName: "my-vvp-apikey" },
    },
    spec: {
      syncingMode: "PATCH",
      deployment: {
        metadata: { name: `cr-${index}`, namespace: "default" },
        spec: {
          state: "CANCELLED",
          deploymentTargetName: "default",
          template: {
            spec: {
              artifact: { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob.jar" },
              engineVersionName: "vera-4.1-flink-1.20",
              parallelism: 1,
            },
          },
        },
      },
    },
  };
}

// A full GC before each heap reading, without asking for --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Creates cr-0 through a controller, then seeds cr-1 … cr-(N-1) from it. */
async function seed(
  kube: FakeKubernetes,
  vvp: VvpSimulator,
  kubeConfig: KubeConfig,
  crs: number,
): Promise<void> {
  kube.apply(cr(0));
  const template = createVvpDeploymentController({
    kubeConfig,
    instanceId: "my-operator",
    watchedNamespaces: [NAMESPACE],
    vvp: { baseUrl: vvp.url },
  });
  template.start();
  const first = () => kube.get("vvpdeployments", NAMESPACE, "cr-0");
  await until(
    () => JSON.stringify(first()?.status ?? {}).includes('"AllConditionsMet"'),
    30_000,
    "cr-0 Healthy",
  );
  await until(() => idle(template), 30_000, "cr-0 done");
  await template.stop();
  const cr0 = first() as {
    metadata: { uid: string; finalizers?: string[] };
    status: { deploymentId: string };
  };
  const uid0 = cr0.metadata.uid;
  const id0 = cr0.status.deploymentId;
  const deployment0 = vvp.deployment(id0);
  const record0 = kube.get("vvpdeploymentmappings", NAMESPACE, `vvp-mapping-${uid0}`);
  if (deployment0 === undefined || record0 === undefined)
    throw new Error("bench: cr-0 was not created");
  const body0 = JSON.stringify({
    metadata: {
      name: deployment0.metadata.name,
      namespace: deployment0.metadata.namespace,
      labels: deployment0.metadata.labels,
      annotations: deployment0.metadata.annotations,
    },
    spec: deployment0.spec,
  });
  const status0 = JSON.stringify(cr0.status);
  const recordText0 = JSON.stringify({
    apiVersion: record0.apiVersion,
    kind: record0.kind,
    metadata: {
      name: record0.metadata.name,
      namespace: NAMESPACE,
      labels: record0.metadata.labels,
    },
    spec: record0.spec,
  });
  const renamed = (text: string, index: number) => text.replace(/cr-0(?![0-9])/g, `cr-${index}`);
  // Through the API (the fake's direct controls copy every object per call).
  const api = createClientNodeKubeApi(kubeConfig);
  let next = 1;
  const worker = async () => {
    while (next < crs) {
      const index = next;
      next += 1;
      const object = cr(index) as { metadata: Record<string, unknown> };
      object.metadata.finalizers = cr0.metadata.finalizers;
      const stored = await api.create("vvpdeployments", NAMESPACE, object);
      const uid = stored.metadata?.uid ?? "";
      const created = vvp.createDeploymentDirectly(
        "default",
        JSON.parse(renamed(body0, index).replaceAll(uid0, uid)),
      );
      const id = created.metadata.id;
      await api.mergePatch(
        "vvpdeployments",
        NAMESPACE,
        `cr-${index}`,
        { status: JSON.parse(renamed(status0, index).replaceAll(id0, id)) },
        { subresource: "status" },
      );
      await api.create(
        "vvpdeploymentmappings",
        NAMESPACE,
        JSON.parse(recordText0.replaceAll(uid0, uid).replaceAll(id0, id)),
      );
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function until(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 2,
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`bench: ${what} not reached`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function idle(controller: VvpDeploymentController): boolean {
  const stats = controller.stats();
  return stats.queueDepth === 0 && stats.inFlight === 0;
}

/**
 * N CRs in the steady state. The first one is created by a controller; the
 * others are seeded from it directly into the fake API server and the
 * simulator (its status, VVP deployment and mapping record, renamed), which
 * takes seconds where creating 10,000 through the API would take minutes.
 */
async function startWorld(crs: number): Promise<World> {
  const started = performance.now();
  const kube = await startFakeKubernetes({ namespaces: [NAMESPACE], bookmarkIntervalMs: 30_000 });
  const vvp = await startVvpSimulator({ clock: "wall", transitionMs: 10, seed: 3 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace: NAMESPACE },
    data: { token: Buffer.from(TOKEN).toString("base64") },
  });
  await seed(kube, vvp, kubeConfig, crs);
  console.error(
    `controller bench: ${crs} CRs seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const patchesSeen = new Map<string, number>();
  const fetcher: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    if (request.method === "PATCH")
      patchesSeen.set(new URL(request.url).pathname, performance.now());
    return fetch(request);
  };
  // The CR objects themselves, for the memory row: what holding them costs bare.
  const before = heapUsed();
  const copies = kube.objects("vvpdeployments");
  const crKiB = (heapUsed() - before) / 1024 / crs;
  copies.length = 0;
  let controller: VvpDeploymentController | undefined = createVvpDeploymentController({
    kubeConfig,
    instanceId: "my-operator",
    watchedNamespaces: [NAMESPACE],
    vvp: { baseUrl: vvp.url, fetch: fetcher },
    concurrency: CONCURRENCY,
    tokenTtlMs: 3_600_000,
  });
  controller.start();
  await controller.synced;
  // Checked rarely: each look copies every CR out of the fake.
  const healthy = () =>
    kube
      .objects("vvpdeployments")
      .every((object) =>
        (
          (object.status as { conditions?: { type: string; status: string }[] } | undefined)
            ?.conditions ?? []
        ).some((condition) => condition.type === "Healthy" && condition.status === "True"),
      );
  await until(healthy, 120_000, "all Healthy", 250);
  // Through `controller` only: a const capturing it here would keep it alive
  // (closures of one scope share their context) and spoil the memory row.
  await until(
    () => controller === undefined || (idle(controller) && controller.stats().delayed === 0),
    120_000,
    "quiet",
  );
  const setupSeconds = (performance.now() - started) / 1000;
  return {
    kube,
    vvp,
    kubeConfig,
    get controller() {
      if (controller === undefined) throw new Error("bench: the controller was released");
      return controller;
    },
    patchesSeen,
    setupSeconds,
    crKiB,
    // The fake API server shares this process, so the controller's share is
    // measured by dropping it: heap with it minus heap without it.
    async releaseController() {
      const releasing = controller;
      if (releasing === undefined) return 0;
      await until(() => idle(releasing), 60_000, "idle");
      const held = heapUsed();
      controller = undefined;
      await releasing.stop({ drainTimeoutMs: 5_000 });
      return held;
    },
    async close() {
      await controller?.stop({ drainTimeoutMs: 5_000 });
      await kube.close();
      await vvp.close();
    },
  };
}

/** A steady-state resync of every CR: VVP requests, Kubernetes writes and time. */
async function resync(world: World): Promise<{ requests: number; writes: number; ms: number }> {
  await until(() => idle(world.controller), 60_000, "idle");
  world.vvp.clearRequests();
  world.kube.clearRequests();
  const reconciles = world.controller.stats().reconciles;
  const crs = world.kube.objects("vvpdeployments").length;
  const started = performance.now();
  await world.controller.resync();
  await until(
    () => idle(world.controller) && world.controller.stats().reconciles >= reconciles + crs,
    600_000,
    "resync",
  );
  const ms = performance.now() - started;
  return { requests: world.vvp.requests.length, writes: world.kube.writes(), ms };
}

/** N bare GETs of the same deployments with the same client and concurrency. */
async function bareGets(world: World): Promise<{ requests: number; ms: number }> {
  const client = createVvpClient({ baseUrl: world.vvp.url, token: TOKEN });
  const ids = world.kube
    .objects("vvpdeployments")
    .map((object) => (object.status as { deploymentId?: string } | undefined)?.deploymentId ?? "");
  world.vvp.clearRequests();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next] ?? "";
      next += 1;
      await client.getDeployment("default", id);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { requests: world.vvp.requests.length, ms: performance.now() - started };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Time from a spec change (a merge patch, as kubectl apply sends) to the controller's PATCH in VVP, and to a bare watch's event. */
async function applyLatency(world: World, samples: number): Promise<number> {
  const api = createClientNodeKubeApi(world.kubeConfig);
  const edit = (index: number, parallelism: number) =>
    api.mergePatch("vvpdeployments", NAMESPACE, `cr-${index}`, {
      spec: { deployment: { spec: { template: { spec: { parallelism } } } } },
    });
  const controllerMs: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    await until(() => idle(world.controller), 60_000, "idle");
    const stored = world.kube.get("vvpdeployments", NAMESPACE, `cr-${sample}`);
    const id = (stored?.status as { deploymentId?: string } | undefined)?.deploymentId ?? "";
    const path = `/api/v1/namespaces/default/deployments/${id}`;
    world.patchesSeen.delete(path);
    const started = performance.now();
    await edit(sample, 2 + sample);
    await until(() => world.patchesSeen.has(path), 30_000, "PATCH in VVP");
    controllerMs.push((world.patchesSeen.get(path) ?? 0) - started);
  }
  return median(controllerMs);
}

/** The same change seen by a bare watch that only prints it (the controller stopped). */
async function watchLatency(world: World, samples: number): Promise<number> {
  const api = createClientNodeKubeApi(world.kubeConfig);
  const edit = (index: number, parallelism: number) =>
    api.mergePatch("vvpdeployments", NAMESPACE, `cr-${index}`, {
      spec: { deployment: { spec: { template: { spec: { parallelism } } } } },
    });
  const watchMs: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const resourceVersion = world.kube.resourceVersion();
    let seen: number | undefined;
    const watch = api.watch(
      "vvpdeployments",
      NAMESPACE,
      { resourceVersion, timeoutSeconds: 60, allowWatchBookmarks: true },
      {
        onEvent: (event) => {
          if (event.type === "MODIFIED" && event.object.metadata?.name === `cr-${sample}`) {
            seen ??= performance.now();
            console.error(`watch: ${event.type} ${event.object.metadata?.name}`);
          }
        },
        onClose: () => {},
      },
    );
    await until(() => world.kube.watches().length > 0, 5_000, "watch open");
    const started = performance.now();
    await edit(sample, 100 + sample);
    await until(() => seen !== undefined, 30_000, "watch event");
    watchMs.push((seen ?? 0) - started);
    watch.abort();
  }
  return median(watchMs);
}

function row(
  name: string,
  subject: number,
  baseline: number,
  target: number,
  unit: string,
): ControllerBenchResult {
  return {
    name,
    subjectMicroseconds: subject,
    baselineMicroseconds: baseline,
    ratio: subject / baseline,
    target,
    unit,
  };
}

/** Resync, memory and latency rows for 1,000 CRs, and the resync rows for 10,000 unless BENCH_CONTROLLER_SMALL is set. */
export async function benchController(): Promise<ControllerBenchResult[]> {
  const rows: ControllerBenchResult[] = [];
  const sizes = process.env.BENCH_CONTROLLER_SMALL ? [1_000] : [1_000, 10_000];
  for (const crs of sizes) {
    const world = await startWorld(crs);
    try {
      console.error(
        `controller bench: ${crs} CRs set up through the controller in ${world.setupSeconds.toFixed(1)} s`,
      );
      const steady = await resync(world);
      if (steady.writes !== 0)
        throw new Error(`a steady-state resync wrote ${steady.writes} times to Kubernetes`);
      const gets = await bareGets(world);
      const label = crs.toLocaleString("en-US");
      rows.push(
        row(
          `controller resync ${label} CRs: VVP requests vs ${label} GETs`,
          steady.requests,
          gets.requests,
          0.01,
          "req",
        ),
      );
      rows.push(
        row(`controller resync ${label} CRs: time vs ${label} GETs`, steady.ms, gets.ms, 2, "ms"),
      );
      const controllerMs = crs === 1_000 ? await applyLatency(world, 9) : undefined;
      const held = await world.releaseController();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const heldKiB = (held - heapUsed()) / 1024 / crs;
      console.error(
        `controller bench: the controller holds ${heldKiB.toFixed(2)} KiB per CR; a CR object alone takes ${world.crKiB.toFixed(2)} KiB`,
      );
      // Everything the controller holds per CR, its cached CR included (the
      // watch's JSON-parsed copy can be smaller than a structured clone), is
      // compared with the goal of 10 KiB beyond one copy of the CR: a clamped
      // "held minus CR" would read 0 whenever the cached copy is the smaller one.
      rows.push(
        row(
          `controller memory per CR, its CR included (${label} CRs), vs 10 KiB + one CR copy`,
          heldKiB,
          10 + world.crKiB,
          1,
          "KiB",
        ),
      );
      if (controllerMs !== undefined) {
        const watchMs = await watchLatency(world, 9);
        rows.push(
          row("spec change → PATCH in VVP vs → bare watch event", controllerMs, watchMs, 10, "ms"),
        );
      }
    } finally {
      await world.close();
    }
  }
  return rows;
}
