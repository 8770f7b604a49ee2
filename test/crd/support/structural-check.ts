// The rules a CRD's openAPIV3Schema must satisfy to be accepted by the API
// server as a structural schema (apiextensions.k8s.io/v1, "Specifying a
// structural schema"), plus the x-kubernetes-validations constraints the API
// server checks when the CRD is created. Returns every violation with its path.

import type { JSONSchemaProps } from "../../../src/crd/index.js";

// Keywords apiextensions.k8s.io/v1 JSONSchemaProps has and we allow.
const ALLOWED_KEYWORDS = new Set([
  "description",
  "type",
  "nullable",
  "format",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "multipleOf",
  "default",
  "example",
  "title",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
]);
// Forbidden outright in v1, or not structural (logic junctors carrying types).
const FORBIDDEN_KEYWORDS = [
  "$ref",
  "$defs",
  "definitions",
  "$schema",
  "id",
  "$id",
  "dependencies",
  "additionalItems",
  "patternProperties",
  "uniqueItems",
  "oneOf",
  "anyOf",
  "allOf",
  "not",
  "const",
  "prefixItems",
  "propertyNames",
];
const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);
const RULE_REASONS = new Set([
  "FieldValueInvalid",
  "FieldValueForbidden",
  "FieldValueRequired",
  "FieldValueDuplicate",
]);
const RULE_KEYS = new Set([
  "rule",
  "message",
  "messageExpression",
  "fieldPath",
  "reason",
  "optionalOldSelf",
]);

const at = (path: string): string => (path === "" ? "<root>" : path);

/**
 * Resolves a rule's fieldPath (`.a.b` or `.a['key']`) from the node carrying
 * it, as the API server's ValidFieldPath does: every step must be a declared
 * property, or a key of a map with additionalProperties.
 */
export function resolveFieldPath(
  node: JSONSchemaProps,
  fieldPath: string,
): JSONSchemaProps | undefined {
  const steps = [...fieldPath.matchAll(/\.([A-Za-z0-9_-]+)|\['([^']*)'\]/g)];
  if (steps.map((step) => step[0]).join("") !== fieldPath || steps.length === 0) return undefined;
  let current: JSONSchemaProps | undefined = node;
  for (const step of steps) {
    if (current === undefined) return undefined;
    current = step[1] !== undefined ? current.properties?.[step[1]] : current.additionalProperties;
  }
  return current;
}

function enumMatchesType(value: unknown, node: JSONSchemaProps): boolean {
  if (value === null) return node.nullable === true;
  switch (node.type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    default:
      return false;
  }
}

/** Every way `schema` fails to be a structural schema the API server accepts; empty when it is one. */
export function structuralViolations(schema: JSONSchemaProps): string[] {
  const violations: string[] = [];
  const report = (path: string, problem: string): void => {
    violations.push(`${at(path)}: ${problem}`);
  };

  const walk = (node: JSONSchemaProps, path: string, underList: boolean): void => {
    const raw = node as Record<string, unknown>;
    for (const keyword of Object.keys(raw)) {
      if (FORBIDDEN_KEYWORDS.includes(keyword)) report(path, `forbidden keyword ${keyword}`);
      else if (!ALLOWED_KEYWORDS.has(keyword)) report(path, `unknown keyword ${keyword}`);
    }
    const preserve = raw["x-kubernetes-preserve-unknown-fields"];
    if (preserve !== undefined && preserve !== true) {
      report(path, "x-kubernetes-preserve-unknown-fields may only be true");
    }
    if (node.type === undefined) {
      if (preserve !== true) report(path, "node has no type");
    } else if (!TYPES.has(node.type)) {
      report(path, `unknown type ${String(node.type)}`);
    }
    if (preserve === true && node.type !== "object" && node.type !== undefined) {
      report(path, "x-kubernetes-preserve-unknown-fields on a non-object");
    }
    if (node.nullable !== undefined && typeof node.nullable !== "boolean") {
      report(path, "nullable must be a boolean");
    }
    for (const value of node.enum ?? []) {
      if (!enumMatchesType(value, node))
        report(path, `enum value ${JSON.stringify(value)} is not a ${node.type}`);
    }

    const additional = raw.additionalProperties;
    if (additional !== undefined && (typeof additional !== "object" || additional === null)) {
      report(path, "additionalProperties must be a schema (boolean forms are not structural)");
    }
    if (node.properties !== undefined && additional !== undefined) {
      report(path, "properties and additionalProperties together");
    }
    if ((node.properties !== undefined || additional !== undefined) && node.type !== "object") {
      report(path, "properties on a node that is not an object");
    }
    for (const name of node.required ?? []) {
      if (node.properties?.[name] === undefined)
        report(path, `required field ${name} is not a property`);
    }
    if (node.type === "array") {
      if (node.items === undefined || Array.isArray(node.items))
        report(path, "array without one items schema");
    } else if (node.items !== undefined) {
      report(path, "items on a node that is not an array");
    }

    const listType = node["x-kubernetes-list-type"];
    if (listType !== undefined && node.type !== "array") report(path, "list-type on a non-array");
    if (listType === "map") {
      const keys = node["x-kubernetes-list-map-keys"] ?? [];
      if (keys.length === 0) report(path, "list-type map without list-map-keys");
      for (const key of keys) {
        if (!node.items?.required?.includes(key))
          report(path, `list-map-key ${key} is not required in items`);
      }
    }

    for (const [index, rule] of (node["x-kubernetes-validations"] ?? []).entries()) {
      const where = `${at(path)} rule ${index}`;
      for (const key of Object.keys(rule)) {
        if (!RULE_KEYS.has(key)) violations.push(`${where}: unknown key ${key}`);
      }
      if (typeof rule.rule !== "string" || rule.rule.trim() === "")
        violations.push(`${where}: no rule`);
      if (typeof rule.message !== "string" || rule.message.trim() === "") {
        violations.push(`${where}: no message`);
      }
      if (/[\r\n]/.test(rule.message ?? "")) violations.push(`${where}: message has a line break`);
      if (rule.reason !== undefined && !RULE_REASONS.has(rule.reason)) {
        violations.push(`${where}: unknown reason ${rule.reason}`);
      }
      if (rule.fieldPath !== undefined && resolveFieldPath(node, rule.fieldPath) === undefined) {
        violations.push(`${where}: fieldPath ${rule.fieldPath} does not refer to a field`);
      }
      const transition = /\boldSelf\b/.test(rule.rule);
      if (transition && underList) violations.push(`${where}: transition rule under a list`);
      if (/\boldSelf\b/.test(rule.messageExpression ?? "") && !transition) {
        violations.push(
          `${where}: messageExpression reads oldSelf in a rule that is not a transition rule`,
        );
      }
    }

    for (const [name, child] of Object.entries(node.properties ?? {})) {
      walk(child, path === "" ? name : `${path}.${name}`, underList);
    }
    if (typeof additional === "object" && additional !== null) {
      walk(additional as JSONSchemaProps, `${path}.*`, underList);
    }
    if (node.items !== undefined && !Array.isArray(node.items)) walk(node.items, `${path}[]`, true);
  };

  if (schema.type !== "object") report("", "the root must be an object");
  const metadata = schema.properties?.metadata;
  if (metadata !== undefined) {
    const allowed = new Set(["type", "description", "properties"]);
    const extra = Object.keys(metadata).filter((key) => !allowed.has(key));
    const fields = Object.keys(metadata.properties ?? {}).filter(
      (name) => name !== "name" && name !== "generateName",
    );
    if (extra.length > 0 || fields.length > 0) {
      report("metadata", "only name and generateName may be restricted at the root");
    }
  }
  walk(schema, "", false);
  return violations;
}

/** Every node path of a schema carrying `x-kubernetes-preserve-unknown-fields: true`. */
export function preserveUnknownPaths(schema: JSONSchemaProps, path = ""): string[] {
  const here = schema["x-kubernetes-preserve-unknown-fields"] === true ? [path] : [];
  const children = [
    ...Object.entries(schema.properties ?? {}).map(([name, child]) =>
      preserveUnknownPaths(child, path === "" ? name : `${path}.${name}`),
    ),
    schema.additionalProperties
      ? preserveUnknownPaths(schema.additionalProperties, `${path}.*`)
      : [],
    schema.items ? preserveUnknownPaths(schema.items, `${path}[]`) : [],
  ];
  return [...here, ...children.flat()];
}
