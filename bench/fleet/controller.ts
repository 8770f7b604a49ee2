// Fleet bench child: one controller (one instanceId, the shard key) in its
// own process. Answers "stats" (with the heap after a full GC) and "resync"
// (a steady resync of its shard, timed) over IPC.
import { KubeConfig } from "@kubernetes/client-node";
import { createVvpDeploymentController } from "../../src/kubernetes/index.js";
import { cpuSeconds } from "./process-usage.js";

// Warnings and errors the controller logs, counted by message and error (ids
// and numbers blanked), so the table can say what the reconcile errors were.
const warnings = new Map<string, number>();
const count = (fields: Record<string, unknown>, message: string) => {
  const error = typeof fields.error === "string" ? fields.error : "";
  const key = `${message}${error === "" ? "" : `: ${String(fields.errorName ?? "")} ${error}`}`
    .replaceAll(/[0-9a-f]{8}-[0-9a-f-]{27}|\d+/g, "#")
    .slice(0, 160);
  warnings.set(key, (warnings.get(key) ?? 0) + 1);
};
const kubeConfig = new KubeConfig();
kubeConfig.loadFromString(process.env.FLEET_KUBECONFIG ?? "");
const controller = createVvpDeploymentController({
  kubeConfig,
  instanceId: process.env.FLEET_INSTANCE_ID ?? "shard-0",
  watchedNamespaces: (process.env.FLEET_NAMESPACES ?? "").split(","),
  vvp: { baseUrl: process.env.FLEET_VVP_URL ?? "" },
  concurrency: 16,
  // The default: the steady state's 300 s requeue is left to the resync.
  resyncPeriodMs: 300_000,
  tokenTtlMs: 3_600_000,
  logger: { debug: () => {}, info: () => {}, warn: count, error: count },
});
const gc = (globalThis as { gc?: () => void }).gc;
const idle = () => {
  const stats = controller.stats();
  return stats.queueDepth === 0 && stats.inFlight === 0;
};
process.on("message", async (message: { type: string; crs?: number }) => {
  if (message.type === "stats") {
    gc?.();
    gc?.();
    process.send?.({
      type: "stats",
      stats: controller.stats(),
      warnings: Object.fromEntries(warnings),
      heapUsed: process.memoryUsage().heapUsed,
      cpuSeconds: cpuSeconds(),
    });
  } else if (message.type === "quiet") {
    // No work queued, running or scheduled: what a steady resync starts from.
    const begin = Date.now();
    while (!idle() || controller.stats().delayed > 0) {
      if (Date.now() - begin > 120_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    process.send?.({ type: "quiet", delayed: controller.stats().delayed });
  } else if (message.type === "resync") {
    while (!idle()) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = controller.stats().reconciles;
    const begin = performance.now();
    await controller.resync();
    while (!idle() || controller.stats().reconciles < before + (message.crs ?? 0))
      await new Promise((resolve) => setTimeout(resolve, 2));
    process.send?.({ type: "resynced", ms: performance.now() - begin });
  } else if (message.type === "stop") {
    await controller.stop({ drainTimeoutMs: 5_000 });
    process.exit(0);
  }
});
controller.start();
process.send?.({ type: "ready" });
