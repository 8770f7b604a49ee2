import { PRINTER_COLUMNS, printerColumnValue } from "../crd/index.js";
import type { VvpDeployment } from "../models/index.js";
import { humanDuration } from "./human-duration.js";

/**
 * The columns `kubectl get vvpdeployments` shows: NAME, ACTUAL, INSTANCE-ID,
 * DESIRED, SYNC, VVP-NAMESPACE, HEALTHY and AGE; `-o wide` adds CONSISTENT,
 * SPECALIGNED, PARALLELISMALIGNED and DELETIONBLOCKED.
 */
export interface PrinterColumnValues {
  /** NAME, ACTUAL, INSTANCE-ID, DESIRED, SYNC, VVP-NAMESPACE, HEALTHY, AGE. */
  default: Record<string, string>;
  /** The default columns plus CONSISTENT, SPECALIGNED, PARALLELISMALIGNED, DELETIONBLOCKED (`-o wide`). */
  wide: Record<string, string>;
}

/** Column names, default then wide-only, in kubectl's order (NAME is implicit in kubectl). */
export const PRINTER_COLUMN_NAMES = {
  default: ["NAME", ...PRINTER_COLUMNS.filter((c) => c.priority === 0).map((c) => c.name)],
  wide: PRINTER_COLUMNS.filter((c) => c.priority === 1).map((c) => c.name),
} as const;

/**
 * The values `kubectl get` prints for a CR at `now` (ISO), computed from the
 * very column definitions the CRD carries. A missing value is an empty cell,
 * as kubectl prints a JSONPath that finds nothing; AGE is `<unknown>` without
 * a creationTimestamp and `<invalid>` when it cannot be read.
 */
export function printerColumns(cr: VvpDeployment, now: string): PrinterColumnValues {
  const metadata: unknown = (cr as { metadata?: unknown }).metadata;
  const name =
    metadata !== null && typeof metadata === "object"
      ? (metadata as { name?: unknown }).name
      : undefined;
  const defaults: Record<string, string> = { NAME: cellText(name) };
  const wide: Record<string, string> = {};
  const readable = withReadableConditions(cr);
  for (const column of PRINTER_COLUMNS) {
    const value = printerColumnValue(column, readable);
    let cell: string;
    if (column.type === "date") {
      const age = typeof value === "string" ? Date.parse(now) - Date.parse(value) : Number.NaN;
      cell =
        value === undefined ? "<unknown>" : Number.isNaN(age) ? "<invalid>" : humanDuration(age);
    } else {
      cell = cellText(value);
    }
    (column.priority === 0 ? defaults : wide)[column.name] = cell;
  }
  return { default: defaults, wide: { ...defaults, ...wide } };
}

// A CR that skipped validation may hold anything where a column reads: an
// object is printed as JSON (String() would run a toString the data may have
// replaced), nothing as an empty cell.
function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value) ?? "";
  return String(value);
}

// kubectl's JSONPath finds nothing in a malformed status; neither do we: a
// status or conditions list that is not one, and entries that are not
// objects, are left out.
function withReadableConditions(cr: VvpDeployment): VvpDeployment {
  const status: unknown = cr.status;
  if (status === undefined) return cr;
  if (status === null || typeof status !== "object" || Array.isArray(status)) {
    const { status: _status, ...rest } = cr;
    return rest;
  }
  const conditions: unknown = (status as { conditions?: unknown }).conditions;
  if (conditions === undefined) return cr;
  const readable = Array.isArray(conditions)
    ? conditions.filter((condition) => condition !== null && typeof condition === "object")
    : [];
  if (Array.isArray(conditions) && readable.length === conditions.length) return cr;
  return { ...cr, status: { ...cr.status, conditions: readable } };
}
