// The few CR fields the controller reads itself, each guarded: the CR is
// raw JSON here, and a malformed one must not crash the loop.
import { API_KEY_SECRET_ANNOTATION } from "../models/index.js";
import type { KubeObject } from "./kube-api.js";

/** The annotation that names the CR's token Secret (the models' constant). */
export const APIKEY_SECRET_ANNOTATION = API_KEY_SECRET_ANNOTATION;

/** The queue key of an object: `namespace/name`. */
export function keyOf(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

/**
 * The fields naming a CR on every log line about it, on success and failure
 * alike: `namespace` and `name` (never a combined key).
 */
export function crFields(key: string): { namespace: string; name: string } {
  const [namespace = "", name = ""] = splitKey(key);
  return { namespace, name };
}

/** The namespace and name of a queue key. */
export function splitKey(key: string): string[] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** `namespace/secretName` of the CR's token Secret (empty name without the annotation). */
export function secretKeyOf(cr: KubeObject): string {
  return `${cr.metadata?.namespace}/${cr.metadata?.annotations?.[APIKEY_SECRET_ANNOTATION] ?? ""}`;
}

function specDeploymentMetadata(cr: KubeObject): Record<string, unknown> {
  const spec = cr.spec as { deployment?: { metadata?: Record<string, unknown> } } | undefined;
  return spec?.deployment?.metadata ?? {};
}

/** spec.deployment.metadata.namespace, when a non-empty string. */
export function vvpNamespaceOf(cr: KubeObject): string | undefined {
  const namespace = specDeploymentMetadata(cr).namespace;
  return typeof namespace === "string" && namespace !== "" ? namespace : undefined;
}

/** spec.deployment.metadata.name, when a string. */
export function deploymentNameOf(cr: KubeObject): string | undefined {
  const name = specDeploymentMetadata(cr).name;
  return typeof name === "string" ? name : undefined;
}

/** status.deploymentId, when a string. */
export function deploymentIdOf(cr: KubeObject): string | undefined {
  const id = (cr.status as { deploymentId?: unknown } | undefined)?.deploymentId;
  return typeof id === "string" ? id : undefined;
}

/** Why a CR's token cannot be used: Healthy's reason and the Warning Event's. */
export type TokenProblem = "ApiKeySecretUnavailable" | "ApiKeyRejected";

/**
 * ours: a CR whose token cannot be used gets Healthy=Unknown with the token
 * problem as its reason and a message naming the Secret; the next successful
 * reconcile computes every condition again. The cycle ends like any other:
 * observedGeneration mirrors the generation, and a generation it had not
 * observed yet is recorded as owed (unprojectedGeneration), so the change is
 * projected once the token works.
 */
export function withHealthyUnknown(
  status: Record<string, unknown>,
  reason: TokenProblem,
  message: string,
  now: string,
  generation: number | undefined,
): Record<string, unknown> {
  const conditions = Array.isArray(status.conditions)
    ? (status.conditions as Record<string, unknown>[])
    : [];
  const healthy = conditions.find((condition) => condition.type === "Healthy");
  const next = {
    type: "Healthy",
    status: "Unknown",
    reason,
    message,
    lastTransitionTime:
      healthy?.status === "Unknown" && typeof healthy.lastTransitionTime === "string"
        ? healthy.lastTransitionTime
        : now,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  const others = conditions.filter((condition) => condition.type !== "Healthy");
  if (generation === undefined) return { ...status, conditions: [next, ...others] };
  const owed =
    status.observedGeneration !== generation || status.unprojectedGeneration !== undefined;
  return {
    ...status,
    observedGeneration: generation,
    ...(owed ? { unprojectedGeneration: generation } : {}),
    conditions: [next, ...others],
  };
}
