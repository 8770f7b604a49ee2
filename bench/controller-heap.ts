// Child process of the controller bench's memory row (run with --expose-gc):
// prints `heapUsed=<bytes>` after a full GC, holding either a controller over
// one fleet after its first resync (BENCH_HEAP_MODE=controller) or the
// fleet's CRs JSON-parsed from a file, one per line (BENCH_HEAP_MODE=parsed).
import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { createVvpDeploymentController } from "../src/kubernetes/index.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`controller-heap: ${name} is not set`);
  return value;
};
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("controller-heap: run with --expose-gc");

const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const mode = env("BENCH_HEAP_MODE");
let held: unknown;
if (mode === "parsed") {
  held = readFileSync(env("BENCH_HEAP_FILE"), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as unknown);
} else {
  const crs = Number(env("BENCH_HEAP_CRS"));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(readFileSync(env("BENCH_HEAP_KUBECONFIG"), "utf8"));
  const controller = createVvpDeploymentController({
    kubeConfig,
    instanceId: "my-operator",
    watchedNamespaces: [env("BENCH_HEAP_NAMESPACE")],
    vvp: { baseUrl: env("BENCH_HEAP_VVP_URL") },
    concurrency: 16,
    tokenTtlMs: 3_600_000,
  });
  controller.start();
  await controller.synced;
  const started = Date.now();
  for (;;) {
    const stats = controller.stats();
    if (stats.reconciles >= crs && stats.queueDepth === 0 && stats.inFlight === 0) break;
    if (Date.now() - started > 600_000) throw new Error("controller-heap: the resync did not end");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  held = controller;
}
console.log(`heapUsed=${heapUsed()}`);
if (held === undefined) throw new Error("unreachable");
process.exit(0);
