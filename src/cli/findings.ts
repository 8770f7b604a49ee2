// The report every output format renders: one result per object (kubeconform's
// statuses), each finding with the field path and its source position.
import { API_GROUP, KIND } from "../models/index.js";
import type { ManifestObject, Position } from "./documents.js";

/** How bad a finding is. */
export type Severity = "error" | "warning";

/** One problem with one field of one object. */
export interface Finding {
  severity: Severity;
  /** Kubernetes field path, `<root>` for the whole document. */
  field: string;
  message: string;
  /** A StatusCause reason (FieldValueRequired, …), or ours: InvalidYAML, InputError, Warning, OwnerNotChecked. */
  reason: string;
  /** Absent for an input that could not be read at all. */
  position?: Position;
}

/** kubeconform's statuses. */
export type ResourceStatus = "valid" | "invalid" | "error" | "skipped";

/** The verdict on one object (or one unusable input). */
export interface ResourceResult {
  filename: string;
  /** 0-based document index within the file; absent for an unreadable input. */
  documentIndex?: number;
  kind: string;
  name: string;
  namespace: string;
  /** apiVersion, e.g. `ververica.platform/v1`. */
  version: string;
  status: ResourceStatus;
  findings: Finding[];
  position?: Position;
}

/** Everything one `validate` run found. */
export interface ValidationReport {
  resources: ResourceResult[];
}

/**
 * The exit code of a report: 2 on an input error, 1 on an invalid object
 * (with `strict`, also on any warning), else 0.
 */
export function reportExitCode(
  report: ValidationReport,
  options: { strict?: boolean } = {},
): 0 | 1 | 2 {
  if (report.resources.some((resource) => resource.status === "error")) return 2;
  if (report.resources.some((resource) => resource.status === "invalid")) return 1;
  if (
    options.strict === true &&
    report.resources.some((resource) =>
      resource.findings.some((finding) => finding.severity === "warning"),
    )
  ) {
    return 1;
  }
  return 0;
}

/** Counts per status, as kubeconform's summary. */
export function summaryOf(report: ValidationReport): {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
} {
  const count = (status: ResourceStatus) =>
    report.resources.filter((resource) => resource.status === status).length;
  return {
    valid: count("valid"),
    invalid: count("invalid"),
    errors: count("error"),
    skipped: count("skipped"),
  };
}

/** Whether a parsed object is a VvpDeployment (any version of our group, so a wrong version is reported). */
export function isVvpDeploymentObject(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const { kind, apiVersion } = value as { kind?: unknown; apiVersion?: unknown };
  if (kind !== KIND) return false;
  return (
    apiVersion === undefined ||
    (typeof apiVersion === "string" && apiVersion.startsWith(`${API_GROUP}/`))
  );
}

/** Reads kind, apiVersion, name and namespace of an object as strings ("" when absent). */
export function identityOf(value: unknown): {
  kind: string;
  version: string;
  name: string;
  namespace: string;
} {
  const object = isPlainObject(value) ? value : {};
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const text = (field: unknown) => (typeof field === "string" ? field : "");
  return {
    kind: text(object.kind),
    version: text(object.apiVersion),
    name: text(metadata.name),
    namespace: text(metadata.namespace),
  };
}

/** A plain JSON object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A result for an object with its identity filled in. */
export function resultFor(
  filename: string,
  object: ManifestObject,
  status: ResourceStatus,
  findings: Finding[],
): ResourceResult {
  return {
    filename,
    documentIndex: object.documentIndex,
    ...identityOf(object.value),
    status,
    findings,
    position: object.start,
  };
}
