// What apiextensions-apiserver does with a custom resource and the
// structural schema of its CRD version, compiled once per CRD: pruning of
// unknown fields (and of non-nullable nulls), defaulting, and the OpenAPI
// validation of kube-openapi, answered with the field errors kube-apiserver
// writes (k8s.io/apiextensions-apiserver pkg/apiserver/schema/{pruning,
// defaulting,listtype}, pkg/apiserver/validation, k8s.io/kube-openapi
// pkg/validation and k8s.io/apimachinery pkg/util/validation/field).

import { isPlainObject } from "./objects.js";
import type { StatusCause } from "./status.js";

/** One node of a compiled structural schema. */
export interface SchemaNode {
  type?: string;
  nullable: boolean;
  intOrString: boolean;
  preserveUnknownFields: boolean;
  embeddedResource: boolean;
  properties?: Map<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  /** `additionalProperties: false`. */
  noAdditionalProperties: boolean;
  items?: SchemaNode;
  enum?: unknown[];
  format?: string;
  pattern?: { source: string; regex: RegExp };
  minimum?: number;
  maximum?: number;
  exclusiveMinimum: boolean;
  exclusiveMaximum: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems: boolean;
  required: string[];
  listType?: string;
  listMapKeys: string[];
  mapType?: string;
  hasDefault: boolean;
  default?: unknown;
  /** Whether this node or one below it has a default (skips walks when none). */
  defaultsBelow: boolean;
  /** The raw `x-kubernetes-validations`, compiled by crd-cel.ts. */
  validations: RawRule[];
  /** Whether this node or one below carries x-kubernetes-validations. */
  rulesBelow: boolean;
  /** The CEL-compiled rules of this node (set by crd-cel.ts). */
  compiled?: unknown;
}

/** One `x-kubernetes-validations` entry as the CRD carries it. */
export interface RawRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/** Compiles an `openAPIV3Schema` (JSONSchemaProps) into a tree of SchemaNodes. */
export function compileSchema(raw: unknown): SchemaNode {
  const s = isPlainObject(raw) ? raw : {};
  const node: SchemaNode = {
    ...(typeof s.type === "string" && s.type !== "" ? { type: s.type } : {}),
    nullable: s.nullable === true,
    intOrString: s["x-kubernetes-int-or-string"] === true,
    preserveUnknownFields: s["x-kubernetes-preserve-unknown-fields"] === true,
    embeddedResource: s["x-kubernetes-embedded-resource"] === true,
    noAdditionalProperties: s.additionalProperties === false,
    exclusiveMinimum: s.exclusiveMinimum === true,
    exclusiveMaximum: s.exclusiveMaximum === true,
    uniqueItems: s.uniqueItems === true,
    required: Array.isArray(s.required) ? s.required.filter((r) => typeof r === "string") : [],
    listMapKeys: Array.isArray(s["x-kubernetes-list-map-keys"])
      ? (s["x-kubernetes-list-map-keys"] as unknown[]).filter((k) => typeof k === "string")
      : [],
    hasDefault: s.default !== undefined,
    defaultsBelow: false,
    validations: Array.isArray(s["x-kubernetes-validations"])
      ? (s["x-kubernetes-validations"] as unknown[]).filter(
          (r): r is RawRule => isPlainObject(r) && typeof r.rule === "string",
        )
      : [],
    rulesBelow: false,
  };
  if (node.hasDefault) node.default = structuredClone(s.default);
  if (isPlainObject(s.properties)) {
    node.properties = new Map(
      Object.entries(s.properties).map(([name, child]) => [name, compileSchema(child)]),
    );
  }
  if (isPlainObject(s.additionalProperties)) {
    node.additionalProperties = compileSchema(s.additionalProperties);
  }
  if (isPlainObject(s.items)) node.items = compileSchema(s.items);
  if (Array.isArray(s.enum)) node.enum = structuredClone(s.enum);
  if (typeof s.format === "string" && s.format !== "") node.format = s.format;
  if (typeof s.pattern === "string") {
    try {
      node.pattern = { source: s.pattern, regex: new RegExp(s.pattern, "u") };
    } catch {
      node.pattern = { source: s.pattern, regex: new RegExp(s.pattern) };
    }
  }
  for (const key of [
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
  ] as const) {
    const value = num(s[key]);
    if (value !== undefined) node[key] = value;
  }
  if (typeof s["x-kubernetes-list-type"] === "string") node.listType = s["x-kubernetes-list-type"];
  if (typeof s["x-kubernetes-map-type"] === "string") node.mapType = s["x-kubernetes-map-type"];
  const children = [
    ...(node.properties?.values() ?? []),
    ...(node.additionalProperties ? [node.additionalProperties] : []),
    ...(node.items ? [node.items] : []),
  ];
  node.defaultsBelow = node.hasDefault || children.some((c) => c.defaultsBelow);
  node.rulesBelow = node.validations.length > 0 || children.some((c) => c.rulesBelow);
  return node;
}

/** The schema of a child: a declared property, else additionalProperties. */
export function childSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (node === undefined) return undefined;
  return node.properties?.get(key) ?? node.additionalProperties;
}

// ---------------------------------------------------------------- pruning

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

/** ObjectMeta's JSON fields; anything else in metadata is unknown and dropped. */
export const OBJECT_META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

/**
 * Removes, in place, every field the schema does not declare outside
 * `x-kubernetes-preserve-unknown-fields` (the root's apiVersion, kind and
 * metadata stay), and returns their paths sorted as kube-apiserver reports
 * them (`spec.foo`, `spec.list[0].bar`, `metadata.foo`).
 */
export function pruneObject(object: Record<string, unknown>, root: SchemaNode): string[] {
  const unknown: string[] = [];
  const metadata = object.metadata;
  if (isPlainObject(metadata)) {
    for (const key of Object.keys(metadata)) {
      if (!OBJECT_META_FIELDS.has(key)) {
        unknown.push(`metadata.${key}`);
        delete metadata[key];
      }
    }
  }
  prune(object, { ...root, embeddedResource: true }, "", unknown);
  return unknown.sort();
}

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

function prune(value: unknown, node: SchemaNode | undefined, path: string, out: string[]): void {
  if (node?.preserveUnknownFields) {
    skipPrune(value, node, path, out);
    return;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (node === undefined) {
        out.push(join(path, key));
        delete value[key];
        continue;
      }
      if (node.embeddedResource && META_FIELDS.has(key)) continue;
      const child = childSchema(node, key);
      if (child !== undefined) prune(value[key], child, join(path, key), out);
      else {
        if (!META_FIELDS.has(key) || path !== "") out.push(join(path, key));
        delete value[key];
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      prune(item, node?.items, `${path}[${index}]`, out);
    });
  }
}

function skipPrune(value: unknown, node: SchemaNode, path: string, out: string[]): void {
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (node.embeddedResource && META_FIELDS.has(key)) continue;
      const child = childSchema(node, key);
      if (child !== undefined) prune(value[key], child, join(path, key), out);
    }
  } else if (Array.isArray(value) && node.items !== undefined) {
    const items = node.items;
    value.forEach((item, index) => {
      skipPrune(item, items, `${path}[${index}]`, out);
    });
  }
}

/** Drops, in place, nulls where the schema is neither nullable nor defaulted (apiextensions' PruneNonNullableNullsWithoutDefaults). */
export function pruneNulls(value: unknown, node: SchemaNode | undefined): void {
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const child = childSchema(node, key);
      if (value[key] === null && child !== undefined && !child.nullable && !child.hasDefault) {
        delete value[key];
      } else pruneNulls(value[key], child);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) pruneNulls(item, node?.items);
  }
}

// ---------------------------------------------------------------- defaulting

/** Applies the schema's `default`s in place: absent fields (and non-nullable nulls) get a copy. */
export function applyDefaults(value: unknown, node: SchemaNode | undefined): void {
  if (node === undefined || !node.defaultsBelow) return;
  if (isPlainObject(value)) {
    for (const [key, child] of node.properties ?? []) {
      if (!child.hasDefault) continue;
      const current = value[key];
      if (current === undefined || (current === null && !child.nullable)) {
        value[key] = structuredClone(child.default);
      }
    }
    for (const key of Object.keys(value)) applyDefaults(value[key], childSchema(node, key));
  } else if (Array.isArray(value)) {
    for (const item of value) applyDefaults(item, node.items);
  }
}

// ---------------------------------------------------------------- validation

/** A field error: field.Error's type, path, bad value and detail. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The bad value; OMIT leaves it out of the message. */
  value: unknown;
  detail: string;
}

/** k8s.io/apimachinery field.ErrorType values. */
export type FieldErrorType =
  | "FieldValueRequired"
  | "FieldValueNotSupported"
  | "FieldValueInvalid"
  | "FieldValueTypeInvalid"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueForbidden"
  | "FieldValueDuplicate"
  | "InternalError";

/** A bad value left out of the message (field.OmitValueType). */
export const OMIT: unique symbol = Symbol("omit");

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: "Required value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueInvalid: "Invalid value",
  FieldValueTypeInvalid: "Invalid value",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueForbidden: "Forbidden",
  FieldValueDuplicate: "Duplicate value",
  InternalError: "Internal error",
};

/** Go's `%v` of a float64: the shortest repr, in exponent form below 1e-4 or from 1e+06. */
export function goFloat(value: number): string {
  if (value === 0) return "0";
  const [mantissa = "", exp = "0"] = value.toExponential().split("e");
  const exponent = Number(exp);
  if (exponent >= -4 && exponent < 6) return String(value);
  const digits = String(Math.abs(exponent)).padStart(2, "0");
  return `${mantissa}e${exponent < 0 ? "-" : "+"}${digits}`;
}

// Go's json.Marshal: map keys sorted.
function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${goJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A bad value as field.Error's ErrorBody prints it. */
export function goValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : goFloat(value);
  if (typeof value === "bigint") return value.toString();
  return goJson(value);
}

/** field.Error's ErrorBody: the cause message without the field. */
export function errorBody(error: FieldError): string {
  let text = TYPE_TEXT[error.type];
  switch (error.type) {
    case "FieldValueRequired":
    case "FieldValueForbidden":
    case "FieldValueTooLong":
    case "InternalError":
      break;
    default:
      if (error.value !== OMIT) text += `: ${goValue(error.value)}`;
  }
  if (error.detail !== "") text += `: ${error.detail}`;
  return text;
}

/** Field errors as Status causes. */
export function toCauses(errors: readonly FieldError[]): StatusCause[] {
  return errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
}

/** The JSON type name kube-openapi infers for a value. */
export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (Array.isArray(value)) return "array";
  return "object";
}

const BLOCKING = new Set<FieldErrorType>([
  "FieldValueNotSupported",
  "FieldValueRequired",
  "FieldValueTooLong",
  "FieldValueTooMany",
  "FieldValueTypeInvalid",
]);

/** Whether errors keep CEL rules from running (apiextensions' hasBlockingErr). */
export function hasBlockingError(errors: readonly FieldError[]): boolean {
  return errors.some((e) => BLOCKING.has(e.type));
}

/** The field error kube-apiserver adds when a blocking error kept CEL from running. */
export const CEL_SKIPPED: FieldError = {
  type: "FieldValueInvalid",
  field: "<nil>",
  value: null,
  detail:
    "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
};

/**
 * Validates a value against a schema node as kube-openapi does, with
 * `base` the field path of the node (e.g. "" for the object, "status" for the
 * status subresource). With `old`, errors on values equal to the old ones
 * are dropped (CRD validation ratcheting through objects and maps).
 */
export function validateValue(
  node: SchemaNode,
  value: unknown,
  base: string,
  old?: unknown,
): FieldError[] {
  const errors: FieldError[] = [];
  validateNode(node, value, base, errors, old, old !== undefined);
  return errors;
}

function validateNode(
  node: SchemaNode,
  value: unknown,
  path: string,
  errors: FieldError[],
  old: unknown,
  ratchet: boolean,
): void {
  // Ratcheting: an unchanged value keeps validating as it did when stored.
  if (ratchet && old !== undefined && deepEqualJson(value, old)) return;
  const name = path;
  const fail = (type: FieldErrorType, badValue: unknown, detail: string) =>
    errors.push({ type, field: path, value: badValue, detail });
  const where = (text: string) => `${name} in body ${text}`;
  if (value === null || value === undefined) {
    if ((node.type !== undefined || node.intOrString) && !node.nullable) {
      fail("FieldValueTypeInvalid", "null", where(`must be of type ${typeList(node)}: "null"`));
    }
    return;
  }
  const actual = jsonType(value);
  if (node.intOrString) {
    if (actual !== "integer" && actual !== "string") {
      fail("FieldValueTypeInvalid", actual, where(`must be of type integer,string: "${actual}"`));
      return;
    }
  } else if (node.type !== undefined) {
    const ok =
      node.type === actual ||
      (node.type === "number" && actual === "integer") ||
      (node.type === "integer" && actual === "number" && Number.isInteger(value));
    if (!ok) {
      fail("FieldValueTypeInvalid", actual, where(`must be of type ${node.type}: "${actual}"`));
      return;
    }
  }
  if (typeof value === "string" && node.format !== undefined) {
    const formatError = checkFormat(node.format, value);
    if (formatError !== undefined) {
      fail(
        "FieldValueTypeInvalid",
        value,
        where(`must be of type ${formatError}: ${JSON.stringify(value)}`),
      );
    }
  }
  if (node.enum !== undefined && !node.enum.some((allowed) => deepEqualJson(allowed, value))) {
    const allowed = node.enum.map((v) => (typeof v === "string" ? v : goJson(v)));
    fail(
      "FieldValueNotSupported",
      value,
      allowed.length === 0
        ? ""
        : `supported values: ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
    );
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (node.maxLength !== undefined && length > node.maxLength) {
      fail(
        "FieldValueTooLong",
        "",
        `may not be more than ${node.maxLength} ${node.maxLength === 1 ? "byte" : "bytes"}`,
      );
    }
    if (node.minLength !== undefined && length < node.minLength) {
      fail("FieldValueInvalid", value, where(`should be at least ${node.minLength} chars long`));
    }
    if (node.pattern !== undefined && !node.pattern.regex.test(value)) {
      fail("FieldValueInvalid", value, where(`should match '${node.pattern.source}'`));
    }
  }
  if (typeof value === "number") {
    if (node.maximum !== undefined) {
      const over = node.exclusiveMaximum ? value >= node.maximum : value > node.maximum;
      if (over) {
        const text = node.exclusiveMaximum ? "less than" : "less than or equal to";
        fail("FieldValueInvalid", value, where(`should be ${text} ${goFloat(node.maximum)}`));
      }
    }
    if (node.minimum !== undefined) {
      const under = node.exclusiveMinimum ? value <= node.minimum : value < node.minimum;
      if (under) {
        const text = node.exclusiveMinimum ? "greater than" : "greater than or equal to";
        fail("FieldValueInvalid", value, where(`should be ${text} ${goFloat(node.minimum)}`));
      }
    }
    if (node.multipleOf !== undefined && node.multipleOf > 0) {
      const ratio = value / node.multipleOf;
      if (!Number.isInteger(ratio)) {
        fail(
          "FieldValueInvalid",
          value,
          where(`should be a multiple of ${goFloat(node.multipleOf)}`),
        );
      }
    }
  }
  if (Array.isArray(value)) {
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      fail(
        "FieldValueTooMany",
        value.length,
        `must have at most ${node.maxItems} ${node.maxItems === 1 ? "item" : "items"}`,
      );
    }
    if (node.minItems !== undefined && value.length < node.minItems) {
      fail("FieldValueInvalid", value, where(`should have at least ${node.minItems} items`));
    }
    if (node.uniqueItems && new Set(value.map(goJson)).size !== value.length) {
      fail("FieldValueInvalid", value, where("shouldn't contain duplicates"));
    }
    if (node.items !== undefined) {
      const items = node.items;
      const oldItems = ratchet ? correlatedItems(node, old) : undefined;
      value.forEach((item, index) => {
        validateNode(items, item, `${path}[${index}]`, errors, oldItems?.(item), ratchet);
      });
    }
  }
  if (isPlainObject(value)) {
    const count = Object.keys(value).length;
    if (node.maxProperties !== undefined && count > node.maxProperties) {
      fail("FieldValueTooMany", count, `must have at most ${node.maxProperties} items`);
    }
    if (node.minProperties !== undefined && count < node.minProperties) {
      fail(
        "FieldValueInvalid",
        value,
        where(`should have at least ${node.minProperties} properties`),
      );
    }
    const oldObject = ratchet && isPlainObject(old) ? old : undefined;
    if (node.noAdditionalProperties) {
      for (const key of Object.keys(value)) {
        if (!node.properties?.has(key)) {
          fail(
            "FieldValueInvalid",
            "",
            `${path === "" ? "" : path}.${key} in body is a forbidden property`,
          );
        }
      }
    } else if (node.additionalProperties !== undefined) {
      for (const key of Object.keys(value)) {
        if (node.properties?.has(key)) continue;
        validateNode(
          node.additionalProperties,
          value[key],
          join(path, key),
          errors,
          oldObject?.[key],
          ratchet,
        );
      }
    }
    for (const [key, child] of node.properties ?? []) {
      if (!(key in value)) continue;
      if (path === "" && key === "metadata" && node.embeddedResource) continue;
      validateNode(child, value[key], join(path, key), errors, oldObject?.[key], ratchet);
    }
    for (const key of node.required) {
      if (!(key in value) || value[key] === undefined) {
        errors.push({ type: "FieldValueRequired", field: join(path, key), value: "", detail: "" });
      }
    }
  }
}

function typeList(node: SchemaNode): string {
  return node.intOrString ? "integer,string" : (node.type ?? "");
}

// Old items matched to new ones: list-type map by its keys (otherwise none).
function correlatedItems(node: SchemaNode, old: unknown): ((item: unknown) => unknown) | undefined {
  if (node.listType !== "map" || !Array.isArray(old) || node.listMapKeys.length === 0) {
    return undefined;
  }
  const keyOf = (item: unknown) =>
    isPlainObject(item) ? goJson(node.listMapKeys.map((k) => item[k])) : undefined;
  const byKey = new Map(old.map((item) => [keyOf(item), item]));
  return (item) => byKey.get(keyOf(item));
}

/** x-kubernetes-list-type set/map uniqueness (apiextensions' listtype.ValidateListSetsAndMaps). */
export function validateListTypes(node: SchemaNode, value: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  listTypes(node, value, path, errors);
  return errors;
}

function listTypes(
  node: SchemaNode | undefined,
  value: unknown,
  path: string,
  errors: FieldError[],
): void {
  if (node === undefined) return;
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const declared = node.properties?.get(key);
      if (declared !== undefined) listTypes(declared, value[key], join(path, key), errors);
      else if (node.additionalProperties !== undefined) {
        listTypes(node.additionalProperties, value[key], `${path}[${key}]`, errors);
      }
    }
    return;
  }
  if (!Array.isArray(value)) return;
  if (node.listType === "set") {
    for (const index of duplicates(value.map(goJson))) {
      errors.push({
        type: "FieldValueDuplicate",
        field: `${path}[${index}]`,
        value: value[index],
        detail: "",
      });
    }
  } else if (node.listType === "map") {
    const bad = value.findIndex((item) => item !== null && !isPlainObject(item));
    if (bad >= 0) {
      errors.push({
        type: "FieldValueInvalid",
        field: `${path}[${bad}]`,
        value: value[bad],
        detail: "must be an object for an array of list-type map",
      });
    } else {
      const keys = value.map((item) => {
        const entry = isPlainObject(item) ? item : {};
        const key: Record<string, unknown> = {};
        for (const k of node.listMapKeys) if (k in entry) key[k] = entry[k];
        return key;
      });
      for (const index of duplicates(keys.map(goJson))) {
        errors.push({
          type: "FieldValueDuplicate",
          field: `${path}[${index}]`,
          value: keys[index],
          detail: "",
        });
      }
    }
  }
  value.forEach((item, index) => {
    listTypes(node.items, item, `${path}[${index}]`, errors);
  });
}

// The index of each value's second occurrence.
function duplicates(values: string[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((value, index) => {
    const count = seen.get(value) ?? 0;
    if (count === 1) out.push(index);
    seen.set(value, count + 1);
  });
  return out;
}

const FORMATS: Record<string, (value: string) => boolean> = {
  "date-time": (v) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v.replace(" ", "T"))),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  ipv4: (v) =>
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(v) &&
    v.split(".").every((part) => Number(part) <= 255),
  ipv6: (v) => v.includes(":") && /^[0-9a-fA-F:.]+$/.test(v),
  hostname: (v) =>
    v.length <= 255 &&
    /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/.test(
      v,
    ),
  duration: (v) => /^(-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|0)$/.test(v),
  email: (v) => /^[^@\s]+@[^@\s]+$/.test(v),
};

// The format name kube-openapi reports, when the value does not have it.
function checkFormat(format: string, value: string): string | undefined {
  const normalized = format === "datetime" ? "date-time" : format;
  const check = FORMATS[normalized];
  if (check === undefined || check(value)) return undefined;
  return normalized === "date-time" ? "date-time" : normalized;
}

/** Deep equality of JSON values. */
export function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqualJson(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => k in b && deepEqualJson(a[k], b[k]))
    );
  }
  return false;
}
