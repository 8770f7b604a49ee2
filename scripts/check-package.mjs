// Loads the built package both ways a consumer would and checks the public names exist.
import { createRequire } from "node:module";

const required = ["VvpDeploymentSchema", "parseVvpDeployment"];
const esm = await import("../dist/index.js");
const cjs = createRequire(import.meta.url)("../dist/index.cjs");
const missing = required.flatMap((name) => [
  ...(typeof esm[name] === "undefined" ? [`import: ${name}`] : []),
  ...(typeof cjs[name] === "undefined" ? [`require: ${name}`] : []),
]);
if (missing.length > 0) {
  console.error(`built package lacks: ${missing.join(", ")}`);
  process.exit(1);
}
console.log(`built package exports ${required.length} names through import and require`);
