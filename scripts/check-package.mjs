// Loads the built package both ways a consumer would and checks the public names exist.
import { createRequire } from "node:module";

const required = [
  "VvpDeploymentSchema",
  "parseVvpDeployment",
  "validateVvpDeployment",
  "reviewAdmission",
  "buildCrd",
  "reconcile",
  "settle",
  "createVvpClient",
  "reconcileOnce",
];
const simulatorRequired = ["startVvpSimulator"];
const kubernetesRequired = ["createVvpDeploymentController"];
const testingRequired = ["startFakeKubernetes"];
const require = createRequire(import.meta.url);
const esm = await import("../dist/index.js");
const cjs = require("../dist/index.cjs");
const simulatorEsm = await import("../dist/simulator.js");
const simulatorCjs = require("../dist/simulator.cjs");
// client-node is ESM only: the CJS build of ./kubernetes loads it through
// require(esm), which is why the package needs Node 20.19 or later.
const kubernetesEsm = await import("../dist/kubernetes.js");
const kubernetesCjs = require("../dist/kubernetes.cjs");
const testingEsm = await import("../dist/testing.js");
const testingCjs = require("../dist/testing.cjs");
const lacking = (names, esmModule, cjsModule, entry) =>
  names.flatMap((name) => [
    ...(typeof esmModule[name] === "undefined" ? [`import ${entry}: ${name}`] : []),
    ...(typeof cjsModule[name] === "undefined" ? [`require ${entry}: ${name}`] : []),
  ]);
const missing = [
  ...lacking(required, esm, cjs, "vvp-deployment-sdk"),
  ...lacking(simulatorRequired, simulatorEsm, simulatorCjs, "vvp-deployment-sdk/simulator"),
  ...lacking(kubernetesRequired, kubernetesEsm, kubernetesCjs, "vvp-deployment-sdk/kubernetes"),
  ...lacking(testingRequired, testingEsm, testingCjs, "vvp-deployment-sdk/testing"),
];
if (missing.length > 0) {
  console.error(`built package lacks: ${missing.join(", ")}`);
  process.exit(1);
}
// A host may load both builds in one process: errors of one must be instances
// of the other's classes.
const apiFields = { kind: "http", status: 503, method: "GET", path: "/x", message: "x" };
const crossed = [
  new esm.VvpApiError(apiFields) instanceof cjs.VvpApiError,
  new cjs.VvpApiError(apiFields) instanceof esm.VvpApiError,
  new esm.InvalidObservationError([]) instanceof cjs.InvalidObservationError,
  new cjs.InvalidObservationError([]) instanceof esm.InvalidObservationError,
  esm.isTransient(new cjs.VvpApiError(apiFields)),
];
if (esm.VvpApiError === cjs.VvpApiError || crossed.includes(false)) {
  console.error(`errors are not instances across the ESM and CJS builds: ${crossed.join(", ")}`);
  process.exit(1);
}
console.log(
  `built package exports ${required.length + simulatorRequired.length + kubernetesRequired.length + testingRequired.length} names through import and require; its errors are instances across both`,
);
