// Fleet bench child: the VVP simulator in its own process, counting requests.
import { startVvpSimulator } from "../../src/simulator/index.js";
import { cpuMessage } from "./process-usage.js";

let requests = 0;
// Requests by method and path shape (ids and names replaced by *).
const tally = new Map<string, number>();
const vvp = await startVvpSimulator({
  clock: "wall",
  transitionMs: 10,
  seed: 5,
  onRequest: (request) => {
    requests += 1;
    const key = `${request.method} ${request.path.replace(/^\/api\/v1\/namespaces\/[^/]+/, "").replace(/\/(deployments|savepoints|jobs)\/[^/]+/, "/$1/*")}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  },
});
process.on("message", (message: { type: string }) => {
  if (message.type === "requests") {
    process.send?.({ type: "requests", requests, byKind: Object.fromEntries(tally) });
    requests = 0;
    tally.clear();
  } else if (message.type === "cpu") {
    process.send?.(cpuMessage());
  } else if (message.type === "stop") {
    void vvp.close().then(() => process.exit(0));
  }
});
process.send?.({ type: "ready", url: vvp.url });
