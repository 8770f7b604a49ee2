// `npm run generate`: rewrites every generated file from its source of truth.
// CI runs it and fails when the checked-in files differ.
import { generateClientTypes } from "./generate-client.js";
import { generateCrdArtifacts } from "./generate-crd.js";

const steps: Array<() => Promise<string[]>> = [
  generateCrdArtifacts,
  generateClientTypes,
  async () => (await import("./generate-deploy.js")).generateDeploy(),
];

for (const step of steps) {
  for (const path of await step()) console.log(`generated ${path}`);
}
