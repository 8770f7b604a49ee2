import { writeFileSync } from "node:fs";
import { startFakeKubernetes } from "./src/testing/index.ts";
const kube = await startFakeKubernetes();
writeFileSync("/tmp/kc-config", kube.kubeconfig);
console.log("ready");
await new Promise((r) => setTimeout(r, 60000));
await kube.close();
