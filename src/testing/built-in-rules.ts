// The validation kube-apiserver applies to the built-in kinds operators
// write most, so a fake-green test does not hide a write a cluster refuses:
// events.k8s.io/v1 Events on create, and immutable Secrets and ConfigMaps.

import { isPlainObject, type KubeObject } from "./objects.js";
import { jsonEqual } from "./patch.js";
import type { StatusCause } from "./status.js";

const required = (field: string): StatusCause => ({
  reason: "FieldValueRequired",
  message: "Required value",
  field,
});

const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${JSON.stringify(value ?? "")}: ${why}`,
  field,
});

function text(object: KubeObject, field: string): string | undefined {
  const value = object[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function tooLong(object: KubeObject, field: string, max: number): StatusCause[] {
  const value = text(object, field);
  return value !== undefined && value.length > max
    ? [
        {
          reason: "FieldValueTooLong",
          message: `Too long: may not be more than ${max} bytes`,
          field,
        },
      ]
    : [];
}

/** events.k8s.io/v1 Event creation (k8s.io/kubernetes pkg/apis/core/validation ValidateEventCreate). */
export function eventCreateErrors(event: KubeObject, old: KubeObject | undefined): StatusCause[] {
  if (old !== undefined) return [];
  const causes: StatusCause[] = [];
  if (text(event, "eventTime") === undefined) causes.push(required("eventTime"));
  if (event.type !== "Normal" && event.type !== "Warning") {
    causes.push(invalidValue("type", event.type, `has invalid value: ${String(event.type ?? "")}`));
  }
  for (const field of ["reportingController", "reportingInstance", "action", "reason"]) {
    if (text(event, field) === undefined) causes.push(required(field));
  }
  causes.push(
    ...tooLong(event, "reportingInstance", 128),
    ...tooLong(event, "action", 128),
    ...tooLong(event, "reason", 128),
    ...tooLong(event, "note", 1024),
  );
  for (const field of ["deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"]) {
    if (event[field] !== undefined && event[field] !== null && event[field] !== 0) {
      causes.push(invalidValue(field, "", "needs to be unset"));
    }
  }
  const regarding = event.regarding;
  const namespace = isPlainObject(regarding) ? regarding.namespace : undefined;
  if (typeof namespace === "string" && namespace !== "" && namespace !== event.metadata.namespace) {
    causes.push(invalidValue("regarding.namespace", namespace, "does not match event.namespace"));
  }
  return causes;
}

/** An immutable Secret or ConfigMap keeps its data and stays immutable; a Secret keeps its type. */
export function immutableDataErrors(
  object: KubeObject,
  old: KubeObject | undefined,
): StatusCause[] {
  if (old === undefined) return [];
  const causes: StatusCause[] = [];
  if (old.immutable === true) {
    for (const field of ["data", "binaryData", "immutable"]) {
      if (!jsonEqual(object[field], old[field])) {
        causes.push({
          reason: "FieldValueForbidden",
          message: "Forbidden: field is immutable when `immutable` is set",
          field,
        });
      }
    }
  }
  if (old.kind === "Secret" && (object.type ?? "Opaque") !== (old.type ?? "Opaque")) {
    causes.push(invalidValue("type", object.type, "field is immutable"));
  }
  return causes;
}

/** The CustomResourceDefinition checks the fake relies on to serve it (a subset of kube-apiserver's). */
export function crdErrors(crd: KubeObject): StatusCause[] {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const causes: StatusCause[] = [];
  const requireText = (value: unknown, field: string) => {
    if (typeof value !== "string" || value === "") causes.push(required(field));
  };
  requireText(spec.group, "spec.group");
  requireText(names.kind, "spec.names.kind");
  requireText(names.plural, "spec.names.plural");
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? "")}: supported values: "Cluster", "Namespaced"`,
      field: "spec.scope",
    });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) causes.push(required("spec.versions"));
  const storage = versions.filter((v) => isPlainObject(v) && v.storage === true).length;
  if (versions.length > 0 && storage !== 1) {
    causes.push(
      invalidValue("spec.versions", "", "must have exactly one version marked as storage version"),
    );
  }
  versions.forEach((version, index) => {
    if (!isPlainObject(version) || typeof version.name !== "string" || version.name === "") {
      causes.push(required(`spec.versions[${index}].name`));
    }
  });
  const expected = `${String(names.plural ?? "")}.${String(spec.group ?? "")}`;
  if (causes.length === 0 && crd.metadata.name !== expected) {
    causes.push(
      invalidValue("metadata.name", crd.metadata.name, `must be spec.names.plural+"."+spec.group`),
    );
  }
  return causes;
}
