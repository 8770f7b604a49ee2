import {
  CR_UID_ANNOTATION,
  type FieldError,
  formatFieldPath,
  OWNER_LABEL,
  PROJECTED_STATE_ANNOTATION,
  RESTART_NONCE_ANNOTATION,
} from "../models/index.js";
import { describeValue, valueAt } from "./paths.js";

// spec.initFields is the same VVP Deployment shape as spec.deployment and is
// merged under it at creation, so it carries the same reserved keys.
const ROOTS = [
  ["spec", "deployment"],
  ["spec", "initFields"],
] as const;

// Each reserved key: its path below a root, whether the owner's own
// instanceId is allowed there, and its field path, worked out once.
const RESERVED = ROOTS.map((root) => ({
  root,
  keys: [
    { path: ["spec", "template", "metadata", "annotations", RESTART_NONCE_ANNOTATION] },
    { path: ["metadata", "annotations", CR_UID_ANNOTATION] },
    { path: ["metadata", "annotations", PROJECTED_STATE_ANNOTATION] },
    { path: ["metadata", "labels", OWNER_LABEL], ownerAllowed: true },
  ].map(({ path, ownerAllowed }) => ({
    path,
    ownerAllowed: ownerAllowed === true,
    field: formatFieldPath([...root, ...path]),
  })),
}));

/**
 * The keys the operator writes into the VVP deployment: the restart-nonce
 * template annotation (its restart mechanism and the evidence that a restart
 * happened), the cr-uid annotation (adoption of a lost create), the projected-state
 * annotation (the state last sent, read by the Autopilot provider) and the owner
 * label. Written by the author they would restart the job on an unrelated
 * edit, fake that evidence, or claim another instance's deployment; the
 * operator never sends them, and the webhook says so. An owner label equal
 * to the instanceId is what the operator writes anyway: allowed.
 */
export function reservedKeyErrors(object: unknown, instanceId: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const { root, keys } of RESERVED) {
    const body = valueAt(object, root);
    if (body === undefined) continue;
    for (const { path, ownerAllowed, field } of keys) {
      const value = valueAt(body, path);
      if (value === undefined || (ownerAllowed && value === instanceId)) continue;
      errors.push({
        field,
        reason: "FieldValueForbidden",
        message: `Forbidden: ${describeValue(value)}: this key is managed by the operator; remove it`,
      });
    }
  }
  return errors;
}
