// The validation kube-apiserver applies to the built-in kinds operators
// write most, so a fake-green test does not hide a write a cluster refuses:
// events.k8s.io/v1 Events on create, and immutable Secrets and ConfigMaps.

import { compileCrdEnforcement } from "./crd-enforcement.js";
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

// events.k8s.io/v1 fields and the core Event fields ValidateEventUpdate names them by.
const EVENT_IMMUTABLE: [string, string][] = [
  ["regarding", "involvedObject"],
  ["reason", "reason"],
  ["note", "message"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
  ["action", "action"],
  ["related", "related"],
  ["type", "type"],
  ["eventTime", "eventTime"],
  ["reportingController", "reportingController"],
  ["reportingInstance", "reportingInstance"],
];

/**
 * events.k8s.io/v1 Event updates (ValidateEventUpdate for the events.k8s.io
 * API): series.count at least 2 and the event's own fields immutable, named
 * by their core/v1 paths as kube-apiserver reports them.
 */
export function eventUpdateErrors(event: KubeObject, old: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const series = isPlainObject(event.series) ? event.series : undefined;
  if (series !== undefined && !(typeof series.count === "number" && series.count >= 2)) {
    causes.push(invalidValue("series.count", "", "should be at least 2"));
  }
  for (const [field, reported] of EVENT_IMMUTABLE) {
    const empty = (value: unknown) => value === undefined || value === null || value === "";
    if (empty(event[field]) && empty(old[field])) continue;
    if (!jsonEqual(event[field], old[field])) {
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(event[field] ?? "")}: field is immutable`,
        field: reported,
      });
    }
  }
  return causes;
}

/** events.k8s.io/v1 Events: create and update. */
export function eventErrors(event: KubeObject, old: KubeObject | undefined): StatusCause[] {
  return old === undefined ? eventCreateErrors(event, old) : eventUpdateErrors(event, old);
}

/**
 * Validating and mutating webhook configurations: each webhook names its
 * sideEffects (None or NoneOnDryRun for admissionregistration.k8s.io/v1) and
 * admissionReviewVersions (k8s.io/kubernetes pkg/apis/admissionregistration/validation).
 */
export function webhookConfigurationErrors(configuration: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const hooks = Array.isArray(configuration.webhooks) ? configuration.webhooks : [];
  hooks.forEach((hook, index) => {
    const at = `webhooks[${index}]`;
    const entry = isPlainObject(hook) ? hook : {};
    if (typeof entry.name !== "string" || entry.name === "") causes.push(required(`${at}.name`));
    const versions = Array.isArray(entry.admissionReviewVersions)
      ? entry.admissionReviewVersions
      : [];
    if (versions.length === 0) {
      causes.push({
        reason: "FieldValueRequired",
        message: "Required value: must specify one of v1, v1beta1",
        field: `${at}.admissionReviewVersions`,
      });
    } else if (!versions.some((v) => v === "v1" || v === "v1beta1")) {
      causes.push(
        invalidValue(
          `${at}.admissionReviewVersions`,
          versions,
          "must include at least one of v1, v1beta1",
        ),
      );
    }
    if (entry.sideEffects === undefined || entry.sideEffects === null) {
      causes.push({
        reason: "FieldValueRequired",
        message: "Required value: must specify one of None, NoneOnDryRun",
        field: `${at}.sideEffects`,
      });
    } else if (entry.sideEffects !== "None" && entry.sideEffects !== "NoneOnDryRun") {
      causes.push({
        reason: "FieldValueNotSupported",
        message: `Unsupported value: ${JSON.stringify(entry.sideEffects)}: supported values: "None", "NoneOnDryRun"`,
        field: `${at}.sideEffects`,
      });
    }
  });
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
  // Every x-kubernetes-validations rule must compile (kube-apiserver compiles them on write).
  versions.forEach((version, index) => {
    const schema = isPlainObject(version) && isPlainObject(version.schema) ? version.schema : {};
    if (schema.openAPIV3Schema === undefined) return;
    for (const broken of compileCrdEnforcement(schema.openAPIV3Schema).ruleErrors) {
      const at = broken.path === "" ? "" : `.${broken.path}`;
      causes.push(
        invalidValue(
          `spec.versions[${index}].schema.openAPIV3Schema${at}.x-kubernetes-validations[${broken.index}].rule`,
          broken.rule,
          `compilation failed: ${broken.error}`,
        ),
      );
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

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const STANDARD_FINALIZERS = new Set(["orphan", "foregroundDeletion", "kubernetes"]);

/** k8s.io/apimachinery IsQualifiedName: its messages, empty when valid. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split("/");
  let name = value;
  const errors: string[] = [];
  if (parts.length === 2) {
    const [prefix = "", rest = ""] = parts;
    name = rest;
    if (prefix.length === 0) errors.push("prefix part must be non-empty");
    else if (prefix.length > 253) errors.push("prefix part must be no more than 253 bytes");
    else if (!DNS_SUBDOMAIN.test(prefix)) {
      errors.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errors.push("name part must be non-empty");
  else if (name.length > 63) errors.push("name part must be no more than 63 bytes");
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    errors.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return errors;
}

/**
 * ObjectMeta validation kube-apiserver applies to every kind: label keys
 * and values, annotation keys, finalizer names (a built-in kind also refuses
 * a finalizer that is neither standard nor domain-qualified).
 */
export function objectMetaErrors(object: KubeObject, builtIn: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const bad = (field: string, value: string, why: string) =>
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
      field,
    });
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
    for (const why of qualifiedNameErrors(key)) bad("metadata.labels", key, why);
    if (typeof value !== "string") continue;
    if (value.length > 63) bad("metadata.labels", value, "must be no more than 63 bytes");
    if (!LABEL_VALUE.test(value)) {
      bad(
        "metadata.labels",
        value,
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      );
    }
  }
  for (const key of Object.keys(object.metadata.annotations ?? {})) {
    for (const why of qualifiedNameErrors(key.toLowerCase())) bad("metadata.annotations", key, why);
  }
  for (const finalizer of object.metadata.finalizers ?? []) {
    const errors = qualifiedNameErrors(finalizer);
    for (const why of errors) bad("metadata.finalizers", finalizer, why);
    if (
      builtIn &&
      errors.length === 0 &&
      !finalizer.includes("/") &&
      !STANDARD_FINALIZERS.has(finalizer)
    ) {
      bad(
        "metadata.finalizers",
        finalizer,
        "name is neither a standard finalizer name nor is it fully qualified",
      );
    }
  }
  return causes;
}
