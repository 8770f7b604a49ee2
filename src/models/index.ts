export * from "./conditions.js";
export * from "./field-error.js";
export * from "./parse.js";
export * from "./spec.js";
export * from "./status.js";
export * from "./vvp-deployment.js";
export * from "./vvp-deployment-body.js";
export * from "./well-known.js";
