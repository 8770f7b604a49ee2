import { z } from "zod";
import {
  ConditionSchema,
  type VvpDeployment,
  type VvpDeploymentStatus,
  VvpDeploymentStatusSchema,
} from "../models/index.js";
import type { ReconcileInput } from "./types.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const STATUS_FIELDS = VvpDeploymentStatusSchema.shape;

// zod's compiled copies, for the verdicts alone: every cycle checks every
// status field and condition, and the runtime parser allocates per check.
const STATUS_FIELD_CHECKS = new Map(
  Object.entries(STATUS_FIELDS).map(([key, schema]) => [key, z.compile(schema)] as const),
);
const CONDITION_CHECK = z.compile(ConditionSchema);

/**
 * The status as the cycle may read it. The status is the operator's own
 * record, so a malformed one (hand-edited, written by another version) must
 * not block reconciling: what cannot be read is dropped and the cycle
 * rewrites it. Not an object → `{}`; a field of the wrong type → dropped;
 * `conditions` not a list → dropped; a condition that is not one → dropped.
 * A clean status is returned as is (same object).
 */
export function sanitizedStatus(status: unknown): VvpDeploymentStatus | undefined {
  if (status === undefined) return undefined;
  if (!isObject(status)) return {};
  let clean: Record<string, unknown> | undefined;
  const drop = (key: string) => {
    clean ??= { ...status };
    delete clean[key];
  };
  for (const [key, value] of Object.entries(status)) {
    // Own keys only: a status key named like an Object.prototype member is not a field.
    if (key === "conditions" || !Object.hasOwn(STATUS_FIELDS, key)) continue;
    if (!STATUS_FIELD_CHECKS.get(key)?.validate(value)) drop(key);
  }
  if (Object.hasOwn(status, "conditions")) {
    const conditions = status.conditions;
    if (!Array.isArray(conditions)) drop("conditions");
    else {
      const valid = conditions.filter((condition) => CONDITION_CHECK.validate(condition));
      if (valid.length !== conditions.length) {
        clean ??= { ...status };
        clean.conditions = valid;
      }
    }
  }
  return (clean ?? status) as VvpDeploymentStatus;
}

/** The input with its CR's status sanitized (see `sanitizedStatus`); the same input when clean. */
export function sanitizedInput(input: ReconcileInput): ReconcileInput {
  const cr = input.cr as VvpDeployment | null | undefined;
  if (!isObject(cr) || !Object.hasOwn(cr, "status")) return input;
  const status = sanitizedStatus(cr.status);
  if (status === cr.status) return input;
  const next = { ...cr } as VvpDeployment;
  if (status === undefined) delete next.status;
  else next.status = status;
  return { ...input, cr: next };
}

/**
 * Rejects a `now` that is not a timestamp: a host programming error, thrown
 * rather than settled into a status the CR's author cannot fix.
 */
export function assertTimestamp(now: string): void {
  if (typeof now !== "string" || Number.isNaN(Date.parse(now))) {
    throw new RangeError(`now must be an ISO 8601 timestamp, got ${JSON.stringify(now)}`);
  }
}
