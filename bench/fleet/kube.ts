// Fleet bench child: the fake API server in its own process. Prints its
// kubeconfig to the parent over IPC, and its CPU time on request.
import { startFakeKubernetes } from "../../src/testing/index.js";

const namespaces = (process.env.FLEET_NAMESPACES ?? "").split(",");
const kube = await startFakeKubernetes({
  namespaces,
  bookmarkIntervalMs: 30_000,
  compactionWindow: 1_000_000,
});
for (const namespace of namespaces) {
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace },
    data: { token: Buffer.from("bench-token").toString("base64") },
  });
}
const started = process.cpuUsage();
process.on("message", (message: { type: string }) => {
  if (message.type === "cpu") {
    const usage = process.cpuUsage(started);
    process.send?.({ type: "cpu", seconds: (usage.user + usage.system) / 1e6 });
  } else if (message.type === "stop") {
    void kube.close().then(() => process.exit(0));
  }
});
process.send?.({ type: "ready", kubeconfig: kube.kubeconfig });
