// Freshness of ACTUAL: the time from a state change (a merge patch, as
// kubectl apply sends) until the CR's status.actualState shows the new
// state, p50 and p99, against the floor of the same change in the same
// round: the time until VVP itself reports that state (the simulator's
// transition). The ratio says how much later than VVP `kubectl get` shows it.
import { KubeConfig } from "@kubernetes/client-node";
import { createClientNodeKubeApi } from "../src/kubernetes/client-node-api.js";
import { createVvpDeploymentController } from "../src/kubernetes/index.js";
import { startVvpSimulator } from "../src/simulator/index.js";
import { startFakeKubernetes } from "../src/testing/index.js";
import { type BenchRow, median } from "./harness.js";

const NAMESPACE = "fresh";
const CRS = 10;
const ROUNDS = 8;
/** How long the simulator's jobs take to change state (a short Flink transition). */
const TRANSITION_MS = 800;
/** ACTUAL may trail VVP by about a second (the moving requeue) on a 0.8 s transition. */
const TARGET = 3;

function cr(index: number): Record<string, unknown> {
  return {
    apiVersion: "ververica.platform/v1",
    kind: "VvpDeployment",
    metadata: {
      name: `fresh-${index}`,
      namespace: NAMESPACE,
      labels: { "ververica.platform/owner": "my-operator" },
    },
    spec: {
      syncingMode: "PATCH",
      deployment: {
        metadata: { name: `fresh-${index}`, namespace: "default" },
        spec: {
          state: "RUNNING",
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

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`bench: ${what} not reached`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

/**
 * Change → ACTUAL updated against VVP reaching the state, both timed from
 * the same change: one ratio per change (min/median/max), p50 and p99 of
 * both sides in the note.
 */
export async function benchFreshness(): Promise<BenchRow[]> {
  const kube = await startFakeKubernetes({ namespaces: [NAMESPACE], bookmarkIntervalMs: 30_000 });
  const vvp = await startVvpSimulator({ clock: "wall", transitionMs: TRANSITION_MS, seed: 5 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  const controller = createVvpDeploymentController({
    kubeConfig,
    instanceId: "my-operator",
    watchedNamespaces: [NAMESPACE],
    vvp: { baseUrl: vvp.url },
    apiKey: false,
    concurrency: 4,
    resyncPeriodMs: 3_600_000,
  });
  const actualOf = (index: number) =>
    (kube.get("vvpdeployments", NAMESPACE, `fresh-${index}`)?.status as
      | { actualState?: string; deploymentId?: string }
      | undefined) ?? {};
  try {
    controller.start();
    await controller.synced;
    for (let index = 0; index < CRS; index += 1) kube.apply(cr(index));
    const all = (state: string) =>
      Array.from({ length: CRS }, (_, index) => actualOf(index).actualState === state).every(
        Boolean,
      );
    await until(() => all("RUNNING"), 60_000, "all RUNNING");
    const api = createClientNodeKubeApi(kubeConfig);
    const actualMs: number[] = [];
    const vvpMs: number[] = [];
    // Each round flips every CR (RUNNING → CANCELLED → RUNNING …); both
    // times are taken from the same change, so the rounds interleave subject
    // and floor by construction.
    for (let round = 0; round < ROUNDS; round += 1) {
      const state = round % 2 === 0 ? "CANCELLED" : "RUNNING";
      const ids = Array.from({ length: CRS }, (_, index) => actualOf(index).deploymentId ?? "");
      const started = performance.now();
      const seenActual = Array.from({ length: CRS }, (): number | undefined => undefined);
      const seenVvp = Array.from({ length: CRS }, (): number | undefined => undefined);
      await Promise.all(
        ids.map((_, index) =>
          api.mergePatch("vvpdeployments", NAMESPACE, `fresh-${index}`, {
            spec: { deployment: { spec: { state } } },
          }),
        ),
      );
      await until(
        () => {
          const now = performance.now() - started;
          for (let index = 0; index < CRS; index += 1) {
            if (
              seenVvp[index] === undefined &&
              vvp.deployment(ids[index] ?? "")?.status?.state === state
            )
              seenVvp[index] = now;
            if (seenActual[index] === undefined && actualOf(index).actualState === state)
              seenActual[index] = now;
          }
          return seenActual.every((value) => value !== undefined);
        },
        120_000,
        `round ${round}`,
      );
      for (let index = 0; index < CRS; index += 1) {
        actualMs.push(seenActual[index] as number);
        const vvpAt = seenVvp[index];
        if (vvpAt === undefined) throw new Error("bench: VVP's state was never seen");
        vvpMs.push(vvpAt);
      }
    }
    const ratios = actualMs.map((actual, index) => actual / (vvpMs[index] ?? Number.NaN));
    const ms = (value: number) => `${Math.round(value)} ms`;
    return [
      {
        name: `state change → ACTUAL updated in the CR's status (${CRS} CRs × ${ROUNDS} rounds)`,
        floor: `VVP reaching the state after the same change (${TRANSITION_MS} ms transition)`,
        subject: median(actualMs),
        floorValue: median(vvpMs),
        unit: "ms",
        ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) },
        rounds: ratios.length,
        goal: TARGET,
        note: `p50 ${ms(percentile(actualMs, 50))} vs ${ms(percentile(vvpMs, 50))}, p99 ${ms(percentile(actualMs, 99))} vs ${ms(percentile(vvpMs, 99))}`,
      },
    ];
  } finally {
    await controller.stop({ drainTimeoutMs: 5_000 });
    await kube.close();
    await vvp.close();
  }
}
