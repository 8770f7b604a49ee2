// A fake API server, a VVP simulator and a controller wired together, for the
// controller's tests. Every timing is in milliseconds.
import { KubeConfig } from "@kubernetes/client-node";
import {
  createVvpDeploymentController,
  type VvpDeploymentController,
  type VvpDeploymentControllerOptions,
} from "../../src/kubernetes/index.js";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { exampleCr } from "../support/examples.js";

export const INSTANCE = "my-operator";
export const TOKEN = "s3cr3t-vvp-token-value";

/** Fast timings for tests. */
export const FAST = {
  backoff: { baseMs: 5, maxMs: 200 },
  watch: {
    timeoutSeconds: { min: 30, max: 60 },
    idleTimeoutMs: 2_000,
    backoff: { baseMs: 5, maxMs: 50 },
  },
  resyncPeriodMs: 3_600_000,
  tokenTtlMs: 50,
  kubeRequestTimeoutMs: 5_000,
} as const;

/** The world of one test. */
export interface World {
  kube: FakeKubernetes;
  vvp: VvpSimulator;
  kubeConfig: KubeConfig;
  logs: string[];
  start(overrides?: Partial<VvpDeploymentControllerOptions>): Promise<VvpDeploymentController>;
  close(): Promise<void>;
}

/** Starts the fake API server and the simulator (wall clock, short transitions). */
export async function startWorld(
  options: {
    namespaces?: string[];
    transitionMs?: number;
    bookmarkIntervalMs?: number;
    /** More tokens VVP accepts besides TOKEN. */
    tokens?: string[];
  } = {},
): Promise<World> {
  const namespaces = options.namespaces ?? ["my-deploy-namespace"];
  const kube = await startFakeKubernetes({
    namespaces,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
  });
  const vvp = await startVvpSimulator({
    clock: "wall",
    transitionMs: options.transitionMs ?? 20,
    tokens: Object.fromEntries(
      [TOKEN, ...(options.tokens ?? [])].map((token) => [
        token,
        { namespaces: "*", role: "editor" },
      ]),
    ),
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  for (const namespace of namespaces) putSecret(kube, namespace, "my-vvp-apikey", TOKEN);
  const logs: string[] = [];
  const controllers: VvpDeploymentController[] = [];
  const stopped = new WeakSet<VvpDeploymentController>();
  const logger = {
    debug: (fields: object, message: string) =>
      logs.push(`debug ${message} ${JSON.stringify(fields)}`),
    info: (fields: object, message: string) =>
      logs.push(`info ${message} ${JSON.stringify(fields)}`),
    warn: (fields: object, message: string) =>
      logs.push(`warn ${message} ${JSON.stringify(fields)}`),
    error: (fields: object, message: string) =>
      logs.push(`error ${message} ${JSON.stringify(fields)}`),
  };
  return {
    kube,
    vvp,
    kubeConfig,
    logs,
    async start(overrides = {}) {
      const controller = createVvpDeploymentController({
        kubeConfig,
        instanceId: INSTANCE,
        watchedNamespaces: namespaces,
        vvp: { baseUrl: vvp.url },
        logger,
        ...FAST,
        ...overrides,
      });
      controllers.push(controller);
      // A controller the test stopped itself is not stopped again at close:
      // with a request left hanging, a second stop would wait its whole drain.
      const stop = controller.stop.bind(controller);
      controller.stop = (options) => {
        stopped.add(controller);
        return stop(options);
      };
      controller.start();
      await controller.synced;
      return controller;
    },
    async close() {
      for (const controller of controllers) {
        if (!stopped.has(controller)) await controller.stop({ drainTimeoutMs: 2_000 });
      }
      await kube.close();
      await vvp.close();
    },
  };
}

/** Creates or replaces the token Secret. */
export function putSecret(
  kube: FakeKubernetes,
  namespace: string,
  name: string,
  token: string | undefined,
): void {
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    type: "Opaque",
    data:
      token === undefined
        ? { other: "eA==" }
        : { token: Buffer.from(`${token}\n`).toString("base64") },
  });
}

/** The seed's PATCH example, renamed, as a plain object to apply. */
export function crObject(
  name: string,
  namespace = "my-deploy-namespace",
  owner = INSTANCE,
): Record<string, unknown> {
  const cr = structuredClone(exampleCr("PATCH")) as unknown as {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: { deployment: { metadata: { name: string; namespace: string } } };
  };
  cr.metadata.name = name;
  cr.metadata.namespace = namespace;
  cr.metadata.labels["ververica.platform/owner"] = owner;
  cr.spec.deployment.metadata.name = `${namespace}-${name}`;
  return cr as unknown as Record<string, unknown>;
}

/** The condition of a type on a stored CR, or undefined. */
export function conditionOf(
  object: unknown,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  const conditions =
    (
      (object as { status?: unknown } | undefined)?.status as
        | { conditions?: { type: string }[] }
        | undefined
    )?.conditions ?? [];
  return conditions.find((condition) => condition.type === type) as never;
}

/** Polls until `condition()` holds (state that changes without a Kubernetes request, e.g. in VVP). */
export async function until(
  condition: () => boolean,
  timeoutMs = 5_000,
  what = "condition",
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
