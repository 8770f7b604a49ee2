import { VVP_CONTROLLER_ANNOTATION_PREFIX } from "../models/index.js";
import { assertDeploymentName, validateDeployment } from "./deployment-validation.js";
import { SimulatorError } from "./errors.js";
import { currentJob, isJobAlive, setJobState } from "./jobs.js";
import { converge } from "./lifecycle.js";
import { applyMergePatch } from "./merge-patch.js";
import {
  canonicalJson,
  type DeploymentRecord,
  type SimulatorState,
  SPEC_VERSION_ANNOTATION,
} from "./state.js";
import type { JsonObject, JsonValue, SimulatedDeployment } from "./types.js";

/**
 * What VVP fills in where a create or PUT body leaves a field out (VVP's
 * deployment defaults): PATCH mode relies on them, PUT mode resets to them.
 */
const SPEC_DEFAULTS: JsonObject = {
  state: "CANCELLED",
  upgradeStrategy: { kind: "STATEFUL" },
  restoreStrategy: { kind: "LATEST_STATE", allowNonRestoredState: false },
  maxSavepointCreationAttempts: 4,
  maxJobCreationAttempts: 4,
  template: { metadata: { annotations: {} }, spec: { parallelism: 1 } },
};

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fillDefaults(target: JsonObject, defaults: JsonObject): JsonObject {
  const result = structuredClone(target);
  for (const [key, fallback] of Object.entries(defaults)) {
    const present = result[key];
    if (present === undefined) result[key] = structuredClone(fallback);
    else if (isObject(present) && isObject(fallback)) result[key] = fillDefaults(present, fallback);
  }
  return result;
}

function requireObject(value: JsonValue, what: string): JsonObject {
  if (!isObject(value))
    throw new SimulatorError(400, `The request body must be a JSON object (${what})`);
  return value;
}

function optionalObject(value: JsonValue | undefined, field: string): JsonObject {
  if (value === undefined) return {};
  if (!isObject(value)) throw new SimulatorError(400, `${field}: must be an object`);
  return value;
}

function notFound(namespace: string, deploymentId: string): SimulatorError {
  return new SimulatorError(
    404,
    `Deployment ${deploymentId} not found in namespace ${JSON.stringify(namespace)}`,
  );
}

/** The deployment's record, or a 404. */
export function requireDeployment(
  state: SimulatorState,
  namespace: string,
  deploymentId: string,
): DeploymentRecord {
  const record = state.addressDeployment(namespace, deploymentId);
  if (record === undefined) throw notFound(namespace, deploymentId);
  return record;
}

function controllerAnnotations(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).filter(([key]) => key.startsWith(VVP_CONTROLLER_ANNOTATION_PREFIX)),
  );
}

function withoutControllerAnnotations(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).filter(
      ([key]) => !key.startsWith(VVP_CONTROLLER_ANNOTATION_PREFIX),
    ),
  );
}

// metadata.id, name and namespace identify a deployment; an update may repeat
// them but never change them.
function assertIdentityUnchanged(metadata: JsonObject, current: SimulatedDeployment): void {
  for (const field of ["id", "name", "namespace"] as const) {
    if (field in metadata && metadata[field] !== current.metadata[field]) {
      throw new SimulatorError(
        400,
        `metadata.${field}: Forbidden: ${field} is immutable (${JSON.stringify(current.metadata[field])}), got ${JSON.stringify(metadata[field])}`,
      );
    }
  }
}

/** Deep copy of a deployment for answers and snapshots. */
export function snapshot(record: DeploymentRecord): SimulatedDeployment {
  return structuredClone(record.deployment);
}

/**
 * `POST …/deployments`: VVP defaults, validation (400), unique name per
 * namespace (409); the deployment starts CANCELLED and follows `spec.state`.
 */
export function createDeployment(
  state: SimulatorState,
  namespace: string,
  body: JsonValue,
): SimulatedDeployment {
  const object = requireObject(body, "a Deployment");
  const metadata = optionalObject(object.metadata, "metadata");
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    throw new SimulatorError(
      400,
      `metadata.namespace: Invalid value ${JSON.stringify(metadata.namespace)}: the request is for namespace ${JSON.stringify(namespace)}`,
    );
  }
  assertDeploymentName(metadata.name);
  const name = metadata.name;
  const existing = state.deploymentByName(namespace, name)?.deployment.metadata;
  if (existing !== undefined) {
    throw new SimulatorError(
      409,
      `A deployment named ${JSON.stringify(name)} already exists in namespace ${JSON.stringify(namespace)} (id ${existing.id})`,
    );
  }
  const valid = validateDeployment(
    {
      metadata: {
        name,
        namespace,
        labels: metadata.labels ?? {},
        annotations: metadata.annotations ?? {},
      },
      spec: fillDefaults(optionalObject(object.spec, "spec"), SPEC_DEFAULTS),
    },
    state.config,
  );
  const now = state.clock.nowIso();
  const record: DeploymentRecord = {
    deployment: {
      apiVersion: "v1",
      kind: "Deployment",
      metadata: {
        id: state.newId(),
        name,
        namespace,
        labels: valid.metadata.labels,
        annotations: {
          ...withoutControllerAnnotations(valid.metadata.annotations),
          [SPEC_VERSION_ANNOTATION]: "1",
        },
        resourceVersion: 1,
        createdAt: now,
        modifiedAt: now,
      },
      spec: valid.spec as SimulatedDeployment["spec"],
      status: { state: "CANCELLED" },
    },
    autopilotMode: "DISABLED",
  };
  state.addDeployment(record);
  converge(state, record, true);
  return snapshot(record);
}

// Stores an update: every write bumps resourceVersion and modifiedAt, even a
// no-op (as VVP does); the spec version annotation moves only when the spec did.
function commitUpdate(
  state: SimulatorState,
  record: DeploymentRecord,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  spec: SimulatedDeployment["spec"],
): SimulatedDeployment {
  const { deployment } = record;
  const specChanged = canonicalJson(deployment.spec) !== canonicalJson(spec);
  const kept = controllerAnnotations(deployment.metadata.annotations);
  if (specChanged) {
    kept[SPEC_VERSION_ANNOTATION] = String(Number(kept[SPEC_VERSION_ANNOTATION] ?? "0") + 1);
  }
  deployment.metadata.labels = labels;
  deployment.metadata.annotations = { ...withoutControllerAnnotations(annotations), ...kept };
  deployment.metadata.resourceVersion += 1;
  deployment.metadata.modifiedAt = state.clock.nowIso();
  deployment.spec = spec;
  if (record.scaling !== undefined) {
    // A user's write takes precedence over Autopilot: the run is abandoned.
    record.scaling.timer.cancel();
    record.scaling = undefined;
    state.recordEvent(
      record,
      "AUTOPILOT_SCALING_ABORTED",
      "A spec update interrupted the scaling run.",
    );
  }
  converge(state, record, specChanged);
  return snapshot(record);
}

/**
 * `PATCH …/deployments/{id}`: an RFC 7396 merge patch of `metadata.labels`,
 * `metadata.annotations` and `spec`; other keys (status, resourceVersion, …)
 * are server-owned and ignored. Always bumps resourceVersion.
 */
export function patchDeployment(
  state: SimulatorState,
  namespace: string,
  deploymentId: string,
  body: JsonValue,
): SimulatedDeployment {
  const record = requireDeployment(state, namespace, deploymentId);
  const patch = requireObject(body, "a JSON merge patch of a Deployment");
  const current = record.deployment;
  const metadataPatch = patch.metadata === null ? {} : optionalObject(patch.metadata, "metadata");
  assertIdentityUnchanged(metadataPatch, current);
  const merged = applyMergePatch(
    {
      metadata: { labels: current.metadata.labels, annotations: current.metadata.annotations },
      spec: current.spec as unknown as JsonObject,
    },
    {
      metadata: {
        ...("labels" in metadataPatch ? { labels: metadataPatch.labels ?? null } : {}),
        ...("annotations" in metadataPatch
          ? { annotations: metadataPatch.annotations ?? null }
          : {}),
      },
      ...(patch.spec === undefined ? {} : { spec: patch.spec }),
    },
  ) as JsonObject;
  const mergedMetadata = optionalObject(merged.metadata, "metadata");
  return replaceContent(state, record, mergedMetadata, merged.spec ?? {});
}

/**
 * `PUT …/deployments/{id}`: replaces spec, labels and annotations (VVP's
 * bookkeeping annotations stay); omitted spec fields fall back to VVP's defaults.
 */
export function putDeployment(
  state: SimulatorState,
  namespace: string,
  deploymentId: string,
  body: JsonValue,
): SimulatedDeployment {
  const record = requireDeployment(state, namespace, deploymentId);
  const object = requireObject(body, "a Deployment");
  const current = record.deployment;
  const metadata = optionalObject(object.metadata, "metadata");
  assertIdentityUnchanged(metadata, current);
  return replaceContent(
    state,
    record,
    metadata,
    fillDefaults(optionalObject(object.spec, "spec"), SPEC_DEFAULTS),
  );
}

/**
 * The end of PATCH and PUT alike: the new labels, annotations and spec are
 * validated under the deployment's unchanged identity, then committed.
 */
function replaceContent(
  state: SimulatorState,
  record: DeploymentRecord,
  metadata: JsonObject,
  spec: JsonValue,
): SimulatedDeployment {
  const { name, namespace } = record.deployment.metadata;
  const valid = validateDeployment(
    {
      metadata: {
        name,
        namespace,
        labels: metadata.labels ?? {},
        annotations: metadata.annotations ?? {},
      },
      spec,
    },
    state.config,
  );
  if (valid.spec.state === undefined) {
    throw new SimulatorError(400, "spec.state: Required value: it cannot be removed");
  }
  return commitUpdate(
    state,
    record,
    valid.metadata.labels,
    valid.metadata.annotations,
    valid.spec as SimulatedDeployment["spec"],
  );
}

/**
 * `DELETE …/deployments/{id}`: refused with 409 unless `spec.state` is
 * CANCELLED; then the deployment (and any job still stopping) is gone.
 */
export function deleteDeployment(
  state: SimulatorState,
  namespace: string,
  deploymentId: string,
): SimulatedDeployment {
  const record = requireDeployment(state, namespace, deploymentId);
  const { deployment } = record;
  if (deployment.spec.state !== "CANCELLED") {
    throw new SimulatorError(
      409,
      `Deployment ${JSON.stringify(deployment.metadata.name)} cannot be deleted: its desired state is ${deployment.spec.state}; set spec.state to CANCELLED first`,
    );
  }
  removeDeployment(state, record);
  return structuredClone(deployment);
}

/** Drops a deployment with its timers and stops its job; the API checks are the caller's. */
export function removeDeployment(state: SimulatorState, record: DeploymentRecord): void {
  record.transition?.timer.cancel();
  record.scaling?.timer.cancel();
  const job = currentJob(state, record);
  if (isJobAlive(job)) setJobState(state, job, "TERMINATED");
  state.forgetDeployment(record);
}

/** One requirement of a label selector. */
type LabelRequirement =
  | { key: string; operator: "=" | "!="; value: string }
  | { key: string; operator: "in" | "notin"; values: string[] }
  | { key: string; operator: "exists" | "!exists" };

/** Splits a selector at the commas that are not inside `in (…)` value sets. */
function selectorTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of selector) {
    if (character === "(") depth += 1;
    if (character === ")") depth -= 1;
    if (character === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += character;
  }
  terms.push(current);
  return terms.map((term) => term.trim()).filter((term) => term !== "");
}

/**
 * Parses a Kubernetes label selector: equality (`a=b`, `a==b`, `a!=b`),
 * set-based (`a in (b,c)`, `a notin (b)`) and existence (`a`, `!a`); 400 on a
 * malformed term.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return selectorTerms(selector).map((term): LabelRequirement => {
    const set = /^([^=!\s(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
    if (set !== null) {
      const [, key = "", operator, values = ""] = set;
      return {
        key,
        operator: operator === "in" ? "in" : "notin",
        values: values.split(",").map((value) => value.trim()),
      };
    }
    const match = /^([^=!\s]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (match !== null) {
      const [, key = "", operator, value = ""] = match;
      return { key, operator: operator === "!=" ? "!=" : "=", value: value.trim() };
    }
    if (/^![^=!\s]+$/.test(term)) return { key: term.slice(1), operator: "!exists" };
    if (/^[^=!\s]+$/.test(term)) return { key: term, operator: "exists" };
    throw new SimulatorError(400, `labelSelector: Invalid value ${JSON.stringify(term)}`);
  });
}

function matches(labels: Record<string, string>, requirements: LabelRequirement[]): boolean {
  return requirements.every((requirement) => {
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case "=":
        return value === requirement.value;
      case "!=":
        return value !== requirement.value;
      case "in":
        return value !== undefined && requirement.values.includes(value);
      case "notin":
        return value === undefined || !requirement.values.includes(value);
      case "exists":
        return value !== undefined;
      case "!exists":
        return value === undefined;
    }
    return false;
  });
}

/** `GET …/deployments`: the namespace's deployments, filtered by `labelSelector`. */
export function listDeployments(
  state: SimulatorState,
  namespace: string,
  labelSelector?: string,
): SimulatedDeployment[] {
  const requirements = labelSelector === undefined ? [] : parseLabelSelector(labelSelector);
  return [...state.deployments.values()]
    .filter(
      (record) =>
        record.deployment.metadata.namespace === namespace &&
        matches(record.deployment.metadata.labels, requirements),
    )
    .map(snapshot);
}
