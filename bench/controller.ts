// Benchmarks of the Kubernetes controller against the fake API server and the
// simulator, every ratio from interleaved rounds:
// - a steady-state resync of a fleet against ONE bare VVP list of the same
//   VVP namespace (what a resync cannot do with less), time and requests;
// - a spec change until VVP receives the PATCH (stamped by the simulator as
//   it arrives), against a bare client-node watch seeing the same change at
//   the same time;
// - the controller's heap growth per added CR between two fleet sizes, each
//   in a fresh process, against the growth per CR of the same CRs JSON-parsed.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { fleetCr } from "./fleet-cr.js";
import { type BenchRow, interleave, rowOf, timed } from "./harness.js";

const TOKEN = "bench-token";
const INSTANCE_ID = "my-operator";
const CONCURRENCY = 16;
const OWNER = "ververica.platform/owner";

/** One fleet: its Kubernetes namespace and VVP namespace share the name. */
interface Fleet {
  namespace: string;
  crs: number;
}

interface World {
  kube: FakeKubernetes;
  vvp: VvpSimulator;
  kubeConfig: KubeConfig;
  /** When VVP received each PATCH, by path (epoch ms). */
  patchesReceived: Map<string, number>;
  close(): Promise<void>;
}

export async function until(
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

export function idle(controller: VvpDeploymentController): boolean {
  const stats = controller.stats();
  return stats.queueDepth === 0 && stats.inFlight === 0;
}

function controllerFor(
  world: World,
  namespaces: string[],
  instanceId = INSTANCE_ID,
): VvpDeploymentController {
  return createVvpDeploymentController({
    kubeConfig: world.kubeConfig,
    instanceId,
    watchedNamespaces: namespaces,
    vvp: { baseUrl: world.vvp.url },
    concurrency: CONCURRENCY,
    tokenTtlMs: 3_600_000,
  });
}

/**
 * Fills a fleet in the steady state: cr-0 is created by a controller; the
 * others are copied from it (CR, status, VVP deployment and mapping record,
 * renamed) through the API, which takes seconds where creating each through
 * a controller would take minutes.
 */
export async function seedFleet(
  kube: FakeKubernetes,
  vvp: VvpSimulator,
  kubeConfig: KubeConfig,
  fleet: Fleet,
  owner = INSTANCE_ID,
): Promise<void> {
  const { namespace, crs } = fleet;
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace },
    data: { token: Buffer.from(TOKEN).toString("base64") },
  });
  kube.apply(fleetCr(namespace, 0, owner));
  const template = createVvpDeploymentController({
    kubeConfig,
    instanceId: owner,
    watchedNamespaces: [namespace],
    vvp: { baseUrl: vvp.url },
  });
  template.start();
  const first = () => kube.get("vvpdeployments", namespace, "cr-0");
  await until(
    () => JSON.stringify(first()?.status ?? {}).includes('"AllConditionsMet"'),
    60_000,
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
  const record0 = kube.get("vvpdeploymentmappings", namespace, `vvp-mapping-${uid0}`);
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
    metadata: { name: record0.metadata.name, namespace, labels: record0.metadata.labels },
    spec: record0.spec,
  });
  const renamed = (text: string, index: number) => text.replace(/cr-0(?![0-9])/g, `cr-${index}`);
  const api = createClientNodeKubeApi(kubeConfig);
  let next = 1;
  const worker = async () => {
    while (next < crs) {
      const index = next;
      next += 1;
      const object = fleetCr(namespace, index, owner) as { metadata: Record<string, unknown> };
      object.metadata.finalizers = cr0.metadata.finalizers;
      const stored = await api.create("vvpdeployments", namespace, object);
      const uid = stored.metadata?.uid ?? "";
      const created = vvp.createDeploymentDirectly(
        namespace,
        JSON.parse(renamed(body0, index).replaceAll(uid0, uid)),
      );
      const id = created.metadata.id;
      await api.mergePatch(
        "vvpdeployments",
        namespace,
        `cr-${index}`,
        { status: JSON.parse(renamed(status0, index).replaceAll(id0, id)) },
        { subresource: "status" },
      );
      await api.create(
        "vvpdeploymentmappings",
        namespace,
        JSON.parse(recordText0.replaceAll(uid0, uid).replaceAll(id0, id)),
      );
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

async function startWorld(fleets: Fleet[]): Promise<World> {
  const started = performance.now();
  const kube = await startFakeKubernetes({
    namespaces: fleets.map((fleet) => fleet.namespace),
    bookmarkIntervalMs: 30_000,
  });
  const patchesReceived = new Map<string, number>();
  const vvp = await startVvpSimulator({
    clock: "wall",
    transitionMs: 10,
    seed: 3,
    onRequest: (request) => {
      if (request.method === "PATCH") patchesReceived.set(request.path, request.receivedAt);
    },
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  for (const fleet of fleets) await seedFleet(kube, vvp, kubeConfig, fleet);
  console.error(
    `controller bench: ${fleets.map((fleet) => fleet.crs).join(" + ")} CRs seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    kube,
    vvp,
    kubeConfig,
    patchesReceived,
    async close() {
      await kube.close();
      await vvp.close();
    },
  };
}

function healthy(kube: FakeKubernetes, namespace: string): boolean {
  return kube
    .objects("vvpdeployments")
    .filter((object) => object.metadata.namespace === namespace)
    .every((object) =>
      (
        (object.status as { conditions?: { type: string; status: string }[] } | undefined)
          ?.conditions ?? []
      ).some((condition) => condition.type === "Healthy" && condition.status === "True"),
    );
}

/** A started controller over one fleet, once it reconciled every CR and went quiet. */
async function settledController(world: World, fleet: Fleet): Promise<VvpDeploymentController> {
  const controller = controllerFor(world, [fleet.namespace]);
  controller.start();
  await controller.synced;
  await until(() => controller.stats().reconciles >= fleet.crs, 600_000, "first resync", 20);
  await until(() => idle(controller) && controller.stats().delayed === 0, 120_000, "quiet");
  if (!healthy(world.kube, fleet.namespace)) throw new Error("bench: the fleet is not Healthy");
  return controller;
}

/** Resync rows: one steady resync of the fleet against one bare VVP list of its namespace. */
// Each resync sample (floor and subject alike) starts from a collected heap:
// at 10,000 CRs one process holds the fake, the simulator and the controller,
// and a major collection owed by one sample otherwise lands in whichever
// sample comes next (medians moved 1.3× → 1.7× between identical runs).
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

async function resyncRows(world: World, fleet: Fleet, rounds: number): Promise<BenchRow[]> {
  const controller = await settledController(world, fleet);
  try {
    const client = createVvpClient({ baseUrl: world.vvp.url, token: TOKEN });
    const list = async () => {
      collectGarbage();
      return timed(async () => {
        const listed = await client.listDeployments(fleet.namespace, {
          labelSelector: `${OWNER}=${INSTANCE_ID}`,
        });
        if (listed.length !== fleet.crs) throw new Error("bench: the bare list is short");
      });
    };
    let writes = 0;
    let requests = 0;
    const resync = async () => {
      await until(() => idle(controller), 60_000, "idle");
      world.vvp.clearRequests();
      world.kube.clearRequests();
      collectGarbage();
      const before = controller.stats().reconciles;
      const ms = await timed(async () => {
        await controller.resync();
        await until(
          () => idle(controller) && controller.stats().reconciles >= before + fleet.crs,
          600_000,
          "resync",
          1,
        );
      });
      writes += world.kube.writes();
      requests = Math.max(requests, world.vvp.requests.length);
      return ms;
    };
    const samples = await interleave(rounds, list, resync);
    if (writes !== 0) throw new Error(`bench: steady resyncs wrote ${writes} times to Kubernetes`);
    const label = fleet.crs.toLocaleString("en-US");
    return [
      rowOf(
        {
          name: `controller: steady resync of ${label} CRs (fake API server, simulator, ${CONCURRENCY} workers, one process)`,
          floor: `one bare VVP list of the same ${label} deployments, same client`,
          unit: "ms",
          goal: 1.5,
        },
        samples,
      ),
      {
        name: `controller: VVP requests of one steady resync of ${label} CRs (no Kubernetes write)`,
        floor: "one bare VVP list",
        subject: requests,
        floorValue: 1,
        unit: "req",
        ratio: { min: requests, median: requests, max: requests },
        rounds: samples.ratios.length,
        goal: 1,
      },
    ];
  } finally {
    await controller.stop({ drainTimeoutMs: 5_000 });
  }
}

/**
 * A spec change (a merge patch, as kubectl apply sends it) until the
 * simulator receives the controller's PATCH, against the same change until a
 * bare client-node watch, open all along, receives its event: each sample
 * gives both at once, so its ratio is one round.
 */
async function latencyRow(world: World, fleet: Fleet, samples: number): Promise<BenchRow> {
  const controller = await settledController(world, fleet);
  const api = createClientNodeKubeApi(world.kubeConfig);
  const seen = new Map<string, number>();
  const watch = api.watch(
    "vvpdeployments",
    fleet.namespace,
    {
      resourceVersion: world.kube.resourceVersion(),
      timeoutSeconds: 600,
      allowWatchBookmarks: true,
    },
    {
      onEvent: (event) => {
        const name = event.object.metadata?.name ?? "";
        const spec = (event.object as { spec?: unknown }).spec;
        const parallelism = (
          spec as { deployment?: { spec?: { template?: { spec?: { parallelism?: number } } } } }
        )?.deployment?.spec?.template?.spec?.parallelism;
        if (event.type === "MODIFIED" && !seen.has(`${name}/${parallelism}`))
          seen.set(`${name}/${parallelism}`, performance.timeOrigin + performance.now());
      },
      onClose: () => {},
    },
  );
  try {
    await until(() => world.kube.watches().length > 0, 5_000, "watch open");
    const result = { subject: [] as number[], floor: [] as number[], ratios: [] as number[] };
    for (let sample = 0; sample < samples + 1; sample += 1) {
      await until(() => idle(controller), 60_000, "idle");
      const name = `cr-${sample}`;
      const stored = world.kube.get("vvpdeployments", fleet.namespace, name);
      const id = (stored?.status as { deploymentId?: string } | undefined)?.deploymentId ?? "";
      const path = `/api/v1/namespaces/${fleet.namespace}/deployments/${id}`;
      world.patchesReceived.delete(path);
      const parallelism = 2 + sample;
      const started = performance.timeOrigin + performance.now();
      await api.mergePatch("vvpdeployments", fleet.namespace, name, {
        spec: { deployment: { spec: { template: { spec: { parallelism } } } } },
      });
      await until(
        () => world.patchesReceived.has(path) && seen.has(`${name}/${parallelism}`),
        30_000,
        "PATCH in VVP and the watch event",
      );
      // The first sample warms both paths up.
      if (sample === 0) continue;
      const patchMs = (world.patchesReceived.get(path) ?? 0) - started;
      const watchMs = (seen.get(`${name}/${parallelism}`) ?? 0) - started;
      result.subject.push(patchMs);
      result.floor.push(watchMs);
      result.ratios.push(patchMs / watchMs);
    }
    return rowOf(
      {
        name: "spec change (merge patch) → VVP receives the controller's PATCH (stamped by the simulator)",
        floor:
          "the same change → a bare client-node watch, open at the same time, receives the event",
        unit: "ms",
        goal: 10,
      },
      result,
    );
  } finally {
    watch.abort();
    await controller.stop({ drainTimeoutMs: 5_000 });
  }
}

/** Runs `bench/controller-heap.ts` in a fresh node and returns the heap it reports, in bytes. */
function heapOfProcess(args: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--expose-gc", new URL("./controller-heap.ts", import.meta.url).pathname],
      { env: { ...process.env, ...args }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const heap = Number(/heapUsed=(\d+)/.exec(output)?.[1]);
      if (code !== 0 || !Number.isFinite(heap))
        reject(new Error(`bench: controller-heap exited ${code}: ${output}`));
      else resolve(heap);
    });
  });
}

/**
 * The controller's heap growth per added CR between a small and a large
 * fleet, each in a fresh process after its first resync, against the heap
 * growth per CR of the same CRs JSON-parsed (as the watch delivers them) in
 * a fresh process.
 */
async function memoryRow(
  world: World,
  small: Fleet,
  large: Fleet,
  rounds: number,
): Promise<BenchRow> {
  const directory = mkdtempSync(join(tmpdir(), "vvp-bench-heap-"));
  try {
    const kubeconfigFile = join(directory, "kubeconfig");
    writeFileSync(kubeconfigFile, world.kube.kubeconfig);
    for (const fleet of [small, large]) {
      const texts = world.kube
        .objects("vvpdeployments")
        .filter((object) => object.metadata.namespace === fleet.namespace)
        .map((object) => JSON.stringify(object));
      writeFileSync(join(directory, `${fleet.namespace}.jsonl`), `${texts.join("\n")}\n`);
    }
    const growth = async (mode: "controller" | "parsed") => {
      const heapOf = (fleet: Fleet) =>
        heapOfProcess({
          BENCH_HEAP_MODE: mode,
          BENCH_HEAP_KUBECONFIG: kubeconfigFile,
          BENCH_HEAP_VVP_URL: world.vvp.url,
          BENCH_HEAP_NAMESPACE: fleet.namespace,
          BENCH_HEAP_CRS: String(fleet.crs),
          BENCH_HEAP_FILE: join(directory, `${fleet.namespace}.jsonl`),
        });
      const smallHeap = await heapOf(small);
      const largeHeap = await heapOf(large);
      return (largeHeap - smallHeap) / 1024 / (large.crs - small.crs);
    };
    const samples = await interleave(
      rounds,
      () => growth("parsed"),
      () => growth("controller"),
      { warmup: false },
    );
    return rowOf(
      {
        name: `controller: heap growth per added CR, ${small.crs.toLocaleString("en-US")} → ${large.crs.toLocaleString("en-US")} CRs, each size in a fresh process after its first resync`,
        floor: "heap growth per CR of the same CRs JSON-parsed, fresh process",
        unit: "KiB",
        goal: 1,
      },
      samples,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The controller rows. Fleets: 1,000 and 10,000 CRs
 * (BENCH_CONTROLLER_SMALL=1: 1,000 and 3,000).
 */
export async function benchController(): Promise<BenchRow[]> {
  const largeCrs = process.env.BENCH_CONTROLLER_SMALL ? 3_000 : 10_000;
  const small: Fleet = { namespace: "fleet-small", crs: 1_000 };
  const large: Fleet = { namespace: "fleet-large", crs: largeCrs };
  const world = await startWorld([small, large]);
  try {
    const rows: BenchRow[] = [];
    rows.push(...(await resyncRows(world, small, 9)));
    rows.push(...(await resyncRows(world, large, 9)));
    rows.push(await latencyRow(world, small, 9));
    rows.push(await memoryRow(world, small, large, 3));
    return rows;
  } finally {
    await world.close();
  }
}
