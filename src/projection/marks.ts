import {
  CR_UID_ANNOTATION,
  OWNER_LABEL,
  VVP_CONTROLLER_ANNOTATION_PREFIX,
  type VvpDeployment,
} from "../models/index.js";
import { setOwn } from "./own-keys.js";

/** A JSON object as sent to VVP. */
export type JsonObject = { [key: string]: unknown };

/**
 * The identity written into the `cr-uid` annotation and the mapping store key.
 * Ours: a CR read from a file by a CLI or GitOps host has no uid, so
 * `<namespace>/<name>` stands in for it there.
 */
export function crIdentity(cr: VvpDeployment): string {
  return cr.metadata.uid ?? `${cr.metadata.namespace ?? "default"}/${cr.metadata.name}`;
}

// VVP assigns these; sending them back would make VVP reject the body or
// make a diff report a change that nobody made.
const BOOKKEEPING_METADATA = new Set(["id", "createdAt", "modifiedAt", "resourceVersion"]);

/** Whether a deployment annotation is VVP's own bookkeeping, never part of a body or a diff. */
export function isBookkeepingAnnotation(key: string): boolean {
  return key.startsWith(VVP_CONTROLLER_ANNOTATION_PREFIX);
}

/**
 * Copies deployment metadata without VVP's bookkeeping and adds the operator
 * marks (ours): the owner label and the cr-uid annotation.
 */
export function markedMetadata(
  metadata: JsonObject | undefined,
  instanceId: string,
  crUid: string,
): JsonObject {
  const out: JsonObject = {};
  if (metadata !== undefined) {
    for (const key of Object.keys(metadata)) {
      if (!BOOKKEEPING_METADATA.has(key) && metadata[key] !== undefined) {
        setOwn(out, key, metadata[key]);
      }
    }
  }
  out.labels = {
    ...(metadata?.labels as Record<string, string> | undefined),
    [OWNER_LABEL]: instanceId,
  };
  const annotations: JsonObject = {};
  const given = metadata?.annotations as Record<string, string> | undefined;
  if (given !== undefined) {
    for (const key of Object.keys(given)) {
      const value = given[key];
      if (!isBookkeepingAnnotation(key) && value !== undefined) setOwn(annotations, key, value);
    }
  }
  annotations[CR_UID_ANNOTATION] = crUid;
  out.annotations = annotations;
  return out;
}
