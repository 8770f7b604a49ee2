// `npm run demo`: the real controller (`vvp-deployment-sdk/kubernetes`) on the
// fake Kubernetes API server and the embedded VVP simulator, both on
// 127.0.0.1. kubectl applies the seed's two examples and edits them step by
// step; after each step the demo waits for the controller to converge and
// prints `kubectl get vvpdeployments -o wide`, the Events it recorded, the
// VVP calls and the Kubernetes writes. No cluster needed; it ends by itself.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { createVvpDeploymentController } from "../src/kubernetes/index.js";
import { startVvpSimulator } from "../src/simulator/index.js";
import { startFakeKubernetes } from "../src/testing/index.js";

const INSTANCE_ID = "my-operator";
const NAMESPACE = "my-deploy-namespace";
const TRANSITION_MS = 300;
const TOKEN = "demo-token";
const root = fileURLToPath(new URL("../", import.meta.url));

const kube = await startFakeKubernetes({ namespaces: [NAMESPACE], bookmarkIntervalMs: 1_000 });
const vvp = await startVvpSimulator({ clock: "wall", transitionMs: TRANSITION_MS, seed: 7 });
const dir = mkdtempSync(join(tmpdir(), "vvp-demo-"));
const kubeconfigPath = join(dir, "kubeconfig");
writeFileSync(kubeconfigPath, kube.kubeconfig);
const kubeConfig = new KubeConfig();
kubeConfig.loadFromString(kube.kubeconfig);
const controller = createVvpDeploymentController({
  kubeConfig,
  instanceId: INSTANCE_ID,
  watchedNamespaces: [NAMESPACE],
  vvp: { baseUrl: vvp.url },
  // Short timings: VVP's own changes (transitions, Autopilot) show within a second.
  resyncPeriodMs: 1_000,
  tokenTtlMs: 1_000,
  watch: { timeoutSeconds: { min: 30, max: 60 }, idleTimeoutMs: 5_000 },
});

async function kubectl(...args: string[]): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(
    "kubectl",
    ["--kubeconfig", kubeconfigPath, "--cache-dir", join(dir, "cache"), ...args],
    { cwd: root },
  );
  // kubectl says "No resources found" on stderr.
  return `${stdout}${stderr}`;
}

type Cr = {
  metadata: { name: string; deletionTimestamp?: string };
  status?: {
    deploymentId?: string;
    actualState?: string;
    conditions?: { type: string; status: string; reason: string }[];
  };
};

function crs(): Cr[] {
  return kube.objects("vvpdeployments") as unknown as Cr[];
}

function cr(name: string): Cr | undefined {
  return crs().find((object) => object.metadata.name === name);
}

function condition(name: string, type: string): { status: string; reason: string } | undefined {
  return cr(name)?.status?.conditions?.find((entry) => entry.type === type);
}

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const seenEvents = new Set<string>();

interface DemoEvent {
  regarding: { name: string };
  type: string;
  reason: string;
  note: string;
  eventTime?: string;
  series?: { count: number; lastObservedTime?: string };
}

/** When an Event last happened: its series' last observation, else its time. */
const lastSeen = (event: DemoEvent) => event.series?.lastObservedTime ?? event.eventTime ?? "";

/** Events recorded since the last call, in time order, as `name: Type Reason: note ×count`. */
function newEvents(): string[] {
  const lines: string[] = [];
  const events = (kube.objects("events.events.k8s.io") as unknown as DemoEvent[]).sort((a, b) =>
    lastSeen(a).localeCompare(lastSeen(b)),
  );
  for (const event of events) {
    const { regarding, type, reason, note, series } = event;
    const key = `${regarding.name}/${reason}/${note}/${series?.count ?? 1}`;
    if (seenEvents.has(key)) continue;
    seenEvents.add(key);
    lines.push(
      `${regarding.name}: ${type} ${reason}: ${note}${series === undefined ? "" : ` (×${series.count})`}`,
    );
  }
  return lines;
}

let step = 0;

/** One step: a change, a wait for the controller to converge, and what it did. */
async function scene(
  title: string,
  change: () => Promise<unknown>,
  done: () => boolean,
): Promise<void> {
  step += 1;
  console.log(`\n━━ ${step}. ${title}`);
  vvp.clearRequests();
  kube.clearRequests();
  await change();
  await until(title, done).catch((error) => {
    console.log(
      JSON.stringify(
        crs().map((object) => object.status),
        null,
        1,
      ),
      newEvents(),
    );
    throw error;
  });
  const calls = vvp.requests.map((entry) => {
    const query = new URLSearchParams(entry.query ?? {}).toString();
    return `${entry.method} ${entry.path}${query === "" ? "" : `?${query}`} → ${entry.status}`;
  });
  console.log(`VVP calls (${calls.length}):`);
  for (const call of calls) console.log(`  ${call}`);
  const writes = kube
    .requests()
    .filter((request) => request.method !== "GET" && request.userAgent.includes("node"))
    .map(
      (request) =>
        `${request.method} ${request.resource}/${request.name ?? ""}${request.subresource === undefined ? "" : `/${request.subresource}`} → ${request.status}`,
    );
  console.log(`Kubernetes writes by the controller (${writes.length}):`);
  for (const write of writes) console.log(`  ${write}`);
  const events = newEvents();
  if (events.length > 0) console.log("Events:");
  for (const event of events) console.log(`  ${event}`);
  console.log(
    `$ kubectl get vvpdeployments -o wide\n${(await kubectl("get", "vvpdeployments", "-n", NAMESPACE, "-o", "wide")).trimEnd()}`,
  );
}

function mergePatch(name: string, patch: unknown): Promise<string> {
  return kubectl(
    "patch",
    "vvpdeployment",
    name,
    "-n",
    NAMESPACE,
    "--type",
    "merge",
    "-p",
    JSON.stringify(patch),
  );
}

function deploymentSpec(spec: unknown): unknown {
  return { spec: { deployment: { spec } } };
}

/** Whether the controller recorded an Event with this reason about the CR. */
function eventSeen(name: string, reason: string): boolean {
  return kube.objects("events.events.k8s.io").some((event) => {
    const fields = event as unknown as { regarding?: { name?: string }; reason?: string };
    return fields.regarding?.name === name && fields.reason === reason;
  });
}

function status(name: string): Record<string, unknown> {
  return (cr(name)?.status ?? {}) as Record<string, unknown>;
}

/** The CR reports `state` and VVP really is in it (a spec change makes a RUNNING job transition again). */
const actual = (name: string, state: string) => () => {
  const id = cr(name)?.status?.deploymentId;
  const deployment = id === undefined ? undefined : vvp.deployment(id);
  return cr(name)?.status?.actualState === state && deployment?.status.state === state;
};
const healthy = (name: string) => () => condition(name, "Healthy")?.status === "True";

try {
  console.log(
    `Fake API server at ${kube.url}, VVP simulator at ${vvp.url}; operator instance ${INSTANCE_ID}`,
  );
  // ours: applied from a manifest; `kubectl create secret` sends protobuf, which the fake does not speak.
  const secretPath = join(dir, "secret.yaml");
  writeFileSync(
    secretPath,
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: my-vvp-apikey\n  namespace: ${NAMESPACE}\nstringData:\n  token: ${TOKEN}\n`,
  );
  await kubectl("apply", "-f", secretPath);
  controller.start();
  await controller.synced;

  // Both seed examples name the same VVP deployment; a second CR claiming it
  // would rightly be refused (AppManagerCreateFailed), so the PUT one gets its own names.
  const putPath = join(dir, "put-minimal.yaml");
  writeFileSync(
    putPath,
    readFileSync(join(root, "examples/put-minimal.yaml"), "utf8").replaceAll(
      "name: my-deployment",
      "name: my-put-deployment",
    ),
  );

  await scene(
    "kubectl apply -f examples/patch-minimal.yaml -f put-minimal.yaml (state CANCELLED)",
    () => kubectl("apply", "-f", "examples/patch-minimal.yaml", "-f", putPath),
    () => healthy("my-deployment")() && healthy("my-put-deployment")(),
  );

  const lists = controller.stats().fleetLists;
  await scene(
    "Nothing changed: a resync lists VVP once and writes nothing",
    () => controller.resync(),
    () =>
      controller.stats().fleetLists > lists &&
      controller.stats().queueDepth === 0 &&
      controller.stats().inFlight === 0,
  );

  await scene(
    "Set state RUNNING on both; VVP goes TRANSITIONING → RUNNING",
    async () => {
      await mergePatch("my-deployment", deploymentSpec({ state: "RUNNING" }));
      await mergePatch("my-put-deployment", deploymentSpec({ state: "RUNNING" }));
    },
    () => actual("my-deployment", "RUNNING")() && actual("my-put-deployment", "RUNNING")(),
  );

  await scene(
    "Change the spec: a new jar and parallelism 2 (PATCH), two task managers (PUT)",
    async () => {
      await mergePatch(
        "my-deployment",
        deploymentSpec({
          template: {
            spec: {
              artifact: { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob-2.jar" },
              parallelism: 2,
            },
          },
        }),
      );
      await mergePatch(
        "my-put-deployment",
        deploymentSpec({ template: { spec: { numberOfTaskManagers: 2 } } }),
      );
    },
    () => {
      const id = cr("my-deployment")?.status?.deploymentId ?? "";
      const deployment = vvp.deployment(id);
      return (
        deployment?.spec.template?.spec?.parallelism === 2 &&
        actual("my-deployment", "RUNNING")() &&
        condition("my-put-deployment", "SpecAligned")?.status === "True" &&
        actual("my-put-deployment", "RUNNING")()
      );
    },
  );

  await scene(
    "savepointNonce: 1 on my-deployment",
    () => mergePatch("my-deployment", { spec: { savepointNonce: 1 } }),
    () =>
      condition("my-deployment", "NonceAligned")?.status === "True" && vvp.savepoints().length > 0,
  );

  await scene(
    "restartNonce: 1 on my-deployment: a new job",
    () => mergePatch("my-deployment", { spec: { restartNonce: 1 } }),
    () =>
      status("my-deployment").lastProcessedTriggerNonce === 1 &&
      actual("my-deployment", "RUNNING")(),
  );

  await scene(
    "Suspend my-put-deployment",
    () => mergePatch("my-put-deployment", deploymentSpec({ state: "SUSPENDED" })),
    actual("my-put-deployment", "SUSPENDED"),
  );

  await scene(
    "savepointNonce: 1 on the SUSPENDED my-put-deployment: blocked and consumed",
    () => mergePatch("my-put-deployment", { spec: { savepointNonce: 1 } }),
    () => condition("my-put-deployment", "NonceAligned")?.reason === "SavepointBlocked",
  );

  await scene(
    "Autopilot ACTIVE on my-deployment scales it to parallelism 4; a state change waits for the run",
    async () => {
      const id = cr("my-deployment")?.status?.deploymentId ?? "";
      vvp.setAutopilot(id, "ACTIVE");
      vvp.startAutopilotScaling(id, { toParallelism: 4 });
      await mergePatch("my-deployment", deploymentSpec({ state: "SUSPENDED" }));
    },
    actual("my-deployment", "SUSPENDED"),
  );

  await scene(
    "Set my-deployment RUNNING again, then kubectl delete it while it is RUNNING: blocked",
    async () => {
      await mergePatch("my-deployment", deploymentSpec({ state: "RUNNING" }));
      await until("RUNNING", actual("my-deployment", "RUNNING"));
      await kubectl("delete", "vvpdeployment", "my-deployment", "-n", NAMESPACE, "--wait=false");
    },
    () => condition("my-deployment", "DeletionBlocked")?.status === "True",
  );

  await scene(
    "Set state CANCELLED: the deletion goes through",
    () => mergePatch("my-deployment", deploymentSpec({ state: "CANCELLED" })),
    () => cr("my-deployment") === undefined && eventSeen("my-deployment", "DeploymentDeleted"),
  );

  await scene(
    "kubectl delete my-put-deployment (SUSPENDED): cancelled, deleted, gone",
    () => kubectl("delete", "vvpdeployment", "my-put-deployment", "-n", NAMESPACE, "--wait=false"),
    () =>
      cr("my-put-deployment") === undefined && eventSeen("my-put-deployment", "DeploymentDeleted"),
  );

  const records = kube
    .objects("vvpdeploymentmappings")
    .filter((map) => map.metadata.name?.startsWith("vvp-mapping-"));
  console.log(
    `\nVVP deployments left: ${vvp.deployments().length}; mapping records left: ${records.length}`,
  );
} finally {
  await controller.stop({ drainTimeoutMs: 2_000 });
  await kube.close();
  await vvp.close();
  rmSync(dir, { recursive: true, force: true });
}
