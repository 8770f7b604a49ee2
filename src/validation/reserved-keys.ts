import {
  CR_UID_ANNOTATION,
  type FieldError,
  formatFieldPath,
  OWNER_LABEL,
  RESTART_NONCE_ANNOTATION,
} from "../models/index.js";
import { describeValue, valueAt } from "./paths.js";

// spec.initFields is the same VVP Deployment shape as spec.deployment and is
// merged under it at creation, so it carries the same reserved keys.
const ROOTS = [
  ["spec", "deployment"],
  ["spec", "initFields"],
] as const;

/**
 * The keys the operator writes into the VVP deployment (domain.md §3): the
 * restart-nonce template annotation (its restart mechanism and the evidence
 * that a restart happened), the cr-uid annotation (adoption of a lost create)
 * and the owner label. Written by the author they would restart the job on an
 * unrelated edit, fake that evidence, or claim another instance's deployment;
 * the operator never sends them, and the webhook says so. An owner label equal
 * to the instanceId is what the operator writes anyway: allowed.
 */
export function reservedKeyErrors(object: unknown, instanceId: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const root of ROOTS) {
    const forbid = (path: readonly string[], value: unknown) => {
      errors.push({
        field: formatFieldPath([...root, ...path]),
        reason: "FieldValueForbidden",
        message: `Forbidden: ${describeValue(value)}: this key is managed by the operator; remove it`,
      });
    };
    const restartPath = ["spec", "template", "metadata", "annotations", RESTART_NONCE_ANNOTATION];
    const restart = valueAt(object, [...root, ...restartPath]);
    if (restart !== undefined) forbid(restartPath, restart);
    const crUidPath = ["metadata", "annotations", CR_UID_ANNOTATION];
    const crUid = valueAt(object, [...root, ...crUidPath]);
    if (crUid !== undefined) forbid(crUidPath, crUid);
    const ownerPath = ["metadata", "labels", OWNER_LABEL];
    const owner = valueAt(object, [...root, ...ownerPath]);
    if (owner !== undefined && owner !== instanceId) forbid(ownerPath, owner);
  }
  return errors;
}
