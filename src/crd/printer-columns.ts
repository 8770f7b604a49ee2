// The `kubectl get` columns of the seed: NAME, ACTUAL, INSTANCE-ID, DESIRED, SYNC,
// VVP-NAMESPACE, HEALTHY and AGE, and with -o wide CONSISTENT, SPECALIGNED,
// PARALLELISMALIGNED and DELETIONBLOCKED. They are data so the
// reconcile core, a CLI or a test can compute the very values kubectl shows,
// from the same definition the CRD carries.

import type { ConditionType, VvpDeploymentStatus } from "../models/index.js";
import type { CustomResourceColumnDefinition } from "./types.js";

/** Where a column's value comes from in the CR. */
export type PrinterColumnSource =
  | { from: "status"; field: keyof VvpDeploymentStatus }
  | { from: "condition"; conditionType: ConditionType }
  | { from: "metadata"; field: "creationTimestamp" };

/** A printer column: its CRD definition plus where its value comes from. */
export interface PrinterColumn extends CustomResourceColumnDefinition {
  /** 0: shown by `kubectl get`; 1: only with `-o wide`. */
  priority: 0 | 1;
  source: PrinterColumnSource;
}

const statusColumn = (
  name: string,
  field: keyof VvpDeploymentStatus,
  type: "string" | "boolean",
  description: string,
): PrinterColumn => ({
  name,
  type,
  jsonPath: `.status.${field}`,
  description,
  priority: 0,
  source: { from: "status", field },
});

const conditionColumn = (
  name: string,
  conditionType: ConditionType,
  priority: 0 | 1,
): PrinterColumn => ({
  name,
  type: "string",
  jsonPath: `.status.conditions[?(@.type=="${conditionType}")].status`,
  description: `Status of the ${conditionType} condition.`,
  priority,
  source: { from: "condition", conditionType },
});

/**
 * The seed's columns in display order. NAME is implicit in kubectl and not
 * listed; kubectl upper-cases names, which are given here as the seed prints them.
 */
export const PRINTER_COLUMNS: readonly PrinterColumn[] = [
  statusColumn(
    "ACTUAL",
    "actualState",
    "string",
    "Deployment state reported by Ververica Platform.",
  ),
  statusColumn("INSTANCE-ID", "instanceId", "string", "Operator instance managing this CR."),
  statusColumn("DESIRED", "observedSpecState", "string", "Desired state from the CR spec."),
  statusColumn(
    "SYNC",
    "syncEnabled",
    "boolean",
    "Whether spec changes are projected to Ververica Platform.",
  ),
  statusColumn("VVP-NAMESPACE", "vvpNamespace", "string", "Ververica Platform namespace."),
  conditionColumn("HEALTHY", "Healthy", 0),
  {
    name: "AGE",
    type: "date",
    jsonPath: ".metadata.creationTimestamp",
    description: "Time since the CR was created.",
    priority: 0,
    source: { from: "metadata", field: "creationTimestamp" },
  },
  conditionColumn("CONSISTENT", "Consistent", 1),
  conditionColumn("SPECALIGNED", "SpecAligned", 1),
  conditionColumn("PARALLELISMALIGNED", "ParallelismAligned", 1),
  conditionColumn("DELETIONBLOCKED", "DeletionBlocked", 1),
];

/** The parts of a CR the columns read. */
export interface PrinterColumnInput {
  metadata?: { creationTimestamp?: string };
  status?: VvpDeploymentStatus;
}

/** The raw value kubectl would show for a column (before its date/boolean formatting); undefined prints as empty. */
export function printerColumnValue(
  column: PrinterColumn,
  resource: PrinterColumnInput,
): string | boolean | undefined {
  const source = column.source;
  switch (source.from) {
    case "metadata":
      return resource.metadata?.[source.field];
    case "condition":
      return resource.status?.conditions?.find((c) => c.type === source.conditionType)?.status;
    case "status": {
      const value = resource.status?.[source.field];
      return typeof value === "string" || typeof value === "boolean" ? value : undefined;
    }
  }
}

/** The CRD's `additionalPrinterColumns`: the definitions without their value source. */
export function additionalPrinterColumns(): CustomResourceColumnDefinition[] {
  return PRINTER_COLUMNS.map(({ source: _source, ...definition }) => ({ ...definition }));
}
