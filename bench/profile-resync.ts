import { KubeConfig } from "@kubernetes/client-node";
import { createVvpDeploymentController } from "../src/kubernetes/index.js";
import { startVvpSimulator } from "../src/simulator/index.js";
import { startFakeKubernetes } from "../src/testing/index.js";
import { idle, seedFleet, until } from "./controller.js";

// npx tsx bench/profile-resync.ts [CRS] [OUT_DIR]: a fleet of CRS CRs
// (default 2,000) in the steady state, five resyncs under the V8 profiler;
// writes OUT_DIR/resync.cpuprofile (default: the current directory).
const N = Number(process.argv[2] ?? 2000);
const OUT = process.argv[3] ?? ".";
const kube = await startFakeKubernetes({ namespaces: ["f"], bookmarkIntervalMs: 30_000 });
const vvp = await startVvpSimulator({ clock: "wall", transitionMs: 10, seed: 3 });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromString(kube.kubeconfig);
await seedFleet(kube, vvp, kubeConfig, { namespace: "f", crs: N });
const c = createVvpDeploymentController({
  kubeConfig,
  instanceId: "my-operator",
  watchedNamespaces: ["f"],
  vvp: { baseUrl: vvp.url },
  concurrency: 16,
  tokenTtlMs: 3_600_000,
});
c.start();
await c.synced;
await until(() => c.stats().reconciles >= N && idle(c), 600_000, "first");
const { Session } = await import("node:inspector/promises");
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
for (let i = 0; i < 5; i++) {
  const before = c.stats().reconciles;
  const t = performance.now();
  await c.resync();
  await until(() => idle(c) && c.stats().reconciles >= before + N, 600_000, "resync", 1);
  console.log("resync ms", (performance.now() - t).toFixed(0));
}
const { profile } = await session.post("Profiler.stop");
const { writeFileSync, mkdirSync } = await import("node:fs");
mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}/resync.cpuprofile`, JSON.stringify(profile));
await c.stop();
await kube.close();
await vvp.close();
