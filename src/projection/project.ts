import {
  PROJECTED_STATE_ANNOTATION,
  RESTART_NONCE_ANNOTATION,
  type SyncingMode,
  type VvpDeployment,
  type VvpDeploymentObject,
} from "../models/index.js";
import { crIdentity, type JsonObject, markedMetadata } from "./marks.js";
import { deepMerge } from "./merge.js";
import { setOwn } from "./own-keys.js";

/** A create or update of the VVP deployment. */
export type ProjectionOperation = "create" | "update";

/** The HTTP method of a projection: create is POST in both modes (ours). */
export type ProjectionMethod = "POST" | "PATCH" | "PUT";

/** A deployment body sent to VVP: never carries `status` nor VVP's bookkeeping. */
export type DeploymentRequestBody = {
  // A key-remapping mapped type, not Omit: Omit on a loose object loses the known keys.
  [Key in keyof VvpDeploymentObject as Key extends "status"
    ? never
    : Key]: VvpDeploymentObject[Key];
};

/** Options of {@link projectDeployment}. */
export interface ProjectionOptions {
  operation: ProjectionOperation;
  /** The operator instance, written as the owner label. */
  instanceId: string;
  /**
   * The restart-nonce template annotation a PUT body carries (ours), so a PUT
   * leaves VVP's template annotation as it is and does not restart the job:
   * the token of a restart triggered in the same cycle, else the value the
   * observed deployment holds. Absent: the body carries none. Ignored by
   * PATCH (a merge patch keeps what it does not send) and by create.
   */
  restartAnnotation?: string;
}

/** The request that projects a CR to VVP. */
export interface Projection {
  method: ProjectionMethod;
  body: DeploymentRequestBody;
}

/**
 * Builds the body that projects the CR to VVP.
 * Create: POST with `spec.deployment`, with `initFields` deep-merged first in
 * PATCH mode (`spec.deployment` wins on a shared leaf). Update: PATCH with
 * exactly the fields present in `spec.deployment`, or PUT with all of it.
 * Every body carries the operator marks (an author's owner label or cr-uid
 * annotation is overwritten); the author's restart-nonce template annotation
 * is never sent, and a PUT update carries the one given in the options.
 * Bodies share unchanged subtrees with the CR: treat them as read-only.
 */
export function projectDeployment(cr: VvpDeployment, options: ProjectionOptions): Projection {
  const mode: SyncingMode = cr.spec.syncingMode;
  const source = cr.spec.deployment as unknown as JsonObject;
  let merged = source;
  // The seed: initFields apply on creation only and only in PATCH mode.
  if (options.operation === "create" && mode === "PATCH" && cr.spec.initFields !== undefined) {
    merged = deepMerge(cr.spec.initFields as unknown as JsonObject, source);
  }
  const body: JsonObject = {};
  for (const key of Object.keys(merged)) {
    if (key !== "status" && merged[key] !== undefined) setOwn(body, key, merged[key]);
  }
  body.metadata = markedMetadata(
    merged.metadata as JsonObject | undefined,
    options.instanceId,
    crIdentity(cr),
  );
  withProjectedStateMark(body);
  // The restart-nonce annotation is the operator's restart mechanism and its
  // evidence: an author's value would restart the job when a later PATCH
  // sends it back, or pass for a restart that never happened.
  withoutAuthorRestartAnnotation(body);
  if (mode === "PUT" && options.operation === "update" && options.restartAnnotation !== undefined) {
    withRestartAnnotation(body, options.restartAnnotation);
  }
  const method: ProjectionMethod =
    options.operation === "create" ? "POST" : mode === "PUT" ? "PUT" : "PATCH";
  return { method, body: body as DeploymentRequestBody };
}

/**
 * Ours: the projected-state annotation carries the state this very body
 * carries, so VVP holds the state last sent together with the proof that we
 * sent it (see PROJECTED_STATE_ANNOTATION). A body without a state carries no
 * mark (a merge patch then keeps the one VVP holds, which still matches the
 * state VVP holds); an author's value is never sent.
 */
function withProjectedStateMark(body: JsonObject): void {
  const metadata = body.metadata as JsonObject;
  const annotations = { ...(metadata.annotations as Record<string, string>) };
  delete annotations[PROJECTED_STATE_ANNOTATION];
  const state = isObject(body.spec) ? body.spec.state : undefined;
  if (typeof state === "string") annotations[PROJECTED_STATE_ANNOTATION] = state;
  metadata.annotations = annotations;
}

/** The metadata of a body that only sets the desired state (a cancel on deletion), with its mark. */
export function stateOnlyBody(state: string): JsonObject {
  return {
    metadata: { annotations: { [PROJECTED_STATE_ANNOTATION]: state } },
    spec: { state },
  };
}

// Copies only the path down to the template annotations, so the CR stays untouched.
function withRestartAnnotation(body: JsonObject, value: string): void {
  const spec = { ...(body.spec as JsonObject | undefined) };
  const template = { ...(spec.template as JsonObject | undefined) };
  const metadata = { ...(template.metadata as JsonObject | undefined) };
  metadata.annotations = {
    ...(metadata.annotations as Record<string, string> | undefined),
    [RESTART_NONCE_ANNOTATION]: value,
  };
  template.metadata = metadata;
  spec.template = template;
  body.spec = spec;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// Copies only the path down to the template annotations, and only when the
// author wrote the annotation, so the CR stays untouched.
function withoutAuthorRestartAnnotation(body: JsonObject): void {
  const spec = body.spec;
  if (!isObject(spec) || !isObject(spec.template)) return;
  const metadata = spec.template.metadata;
  if (!isObject(metadata) || !isObject(metadata.annotations)) return;
  if (!(RESTART_NONCE_ANNOTATION in metadata.annotations)) return;
  const { [RESTART_NONCE_ANNOTATION]: _authored, ...annotations } = metadata.annotations;
  body.spec = { ...spec, template: { ...spec.template, metadata: { ...metadata, annotations } } };
}
