// Fleet bench child: the fake API server in its own process. Prints its
// kubeconfig to the parent over IPC, and its CPU time on request.
import { startFakeKubernetes } from "../../src/testing/index.js";
import { cpuMessage } from "./process-usage.js";

const namespaces = (process.env.FLEET_NAMESPACES ?? "").split(",");
const kube = await startFakeKubernetes({
  namespaces,
  bookmarkIntervalMs: 30_000,
  compactionWindow: Number(process.env.FLEET_COMPACTION ?? "1000000"),
});
for (const namespace of namespaces) {
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace },
    data: { token: Buffer.from("bench-token").toString("base64") },
  });
}
// Requests served, by method, resource and subresource; the fake's own log is
// emptied into it every second, so it does not grow with the fleet.
const tally = new Map<string, number>();
const drain = () => {
  for (const entry of kube.requests()) {
    const key = `${entry.method} ${entry.resource ?? entry.path}${entry.subresource ? `/${entry.subresource}` : ""}${entry.watch ? " (watch)" : ""}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  kube.clearRequests();
};
const drainTimer = setInterval(drain, 1000);
process.on("message", (message: { type: string }) => {
  if (message.type === "requests") {
    drain();
    process.send?.({ type: "requests", requests: Object.fromEntries(tally) });
    tally.clear();
  } else if (message.type === "cpu") {
    process.send?.(cpuMessage());
  } else if (message.type === "stop") {
    clearInterval(drainTimer);
    void kube.close().then(() => process.exit(0));
  }
});
process.send?.({ type: "ready", kubeconfig: kube.kubeconfig });
