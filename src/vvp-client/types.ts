import type { components } from "./generated/vvp-appmanager.js";

export type { components, operations, paths } from "./generated/vvp-appmanager.js";

/** The schemas of our VVP OpenAPI document, as generated types. */
export type VvpSchemas = components["schemas"];
/** A VVP Deployment, as sent and as returned. */
export type Deployment = VvpSchemas["Deployment"];
/** A VVP Deployment's `spec`. */
export type DeploymentSpec = VvpSchemas["DeploymentSpec"];
/** A job artifact (JAR, SQLSCRIPT or PYTHON). */
export type VvpArtifact = VvpSchemas["Artifact"];
/** A VVP savepoint. */
export type Savepoint = VvpSchemas["Savepoint"];
/** A VVP job; `spec.parallelism` is its runtime parallelism. */
export type Job = VvpSchemas["Job"];
/** A VVP event (named VvpEvent so it does not shadow the DOM's Event). */
export type VvpEvent = VvpSchemas["Event"];
/** A VVP deployment target. */
export type DeploymentTarget = VvpSchemas["DeploymentTarget"];
/** The body of a VVP 4xx/5xx answer. */
export type ErrorBody = VvpSchemas["ErrorBody"];

/**
 * An RFC 7396 merge patch of T: every key optional, `null` removes a key.
 * Arrays are replaced whole, as the RFC says.
 */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<T[K]> | null }
    : T;
