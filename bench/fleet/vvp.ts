// Fleet bench child: the VVP simulator in its own process, counting requests.
import { startVvpSimulator } from "../../src/simulator/index.js";

let requests = 0;
const vvp = await startVvpSimulator({
  clock: "wall",
  transitionMs: 10,
  seed: 5,
  onRequest: () => {
    requests += 1;
  },
});
const started = process.cpuUsage();
process.on("message", (message: { type: string }) => {
  if (message.type === "requests") {
    process.send?.({ type: "requests", requests });
    requests = 0;
  } else if (message.type === "cpu") {
    const usage = process.cpuUsage(started);
    process.send?.({ type: "cpu", seconds: (usage.user + usage.system) / 1e6 });
  } else if (message.type === "stop") {
    void vvp.close().then(() => process.exit(0));
  }
});
process.send?.({ type: "ready", url: vvp.url });
