// What the API server does with a CR and the CRD's openAPIV3Schema, closely
// enough to judge the generated schema: prune nulls and unknown fields,
// validate types, required, enums and the string/number limits, then, unless
// a blocking error was found (apiextensions' hasBlockingErr), evaluate every
// x-kubernetes-validations rule with @bufbuild/cel, transition rules only
// where an old value exists.

import { isCelError, run } from "@bufbuild/cel";
import type { JSONSchemaProps, ValidationRule } from "../../../src/crd/index.js";
import { celPropertyName } from "../../../src/crd/index.js";

/** Kubernetes field.ErrorType values this validator produces. */
export type KubernetesErrorType =
  | "Required"
  | "NotSupported"
  | "TypeInvalid"
  | "TooLong"
  | "Invalid"
  | "Forbidden"
  | "Duplicate";

/** One error, as the API server would report it. */
export interface KubernetesFieldError {
  field: string;
  type: KubernetesErrorType;
  detail: string;
  /** The CEL rule that produced it, if any. */
  rule?: ValidationRule;
}

/** The API server's verdict on a create or update. */
export interface KubernetesVerdict {
  allowed: boolean;
  errors: KubernetesFieldError[];
  /** Fields dropped because the schema does not declare them. */
  pruned: string[];
  /** True when a blocking schema error kept the CEL rules from running. */
  celSkipped: boolean;
}

const BLOCKING = new Set<KubernetesErrorType>([
  "NotSupported",
  "Required",
  "TooLong",
  "TypeInvalid",
]);
const RULE_ERROR_TYPE: Record<NonNullable<ValidationRule["reason"]>, KubernetesErrorType> = {
  FieldValueInvalid: "Invalid",
  FieldValueForbidden: "Forbidden",
  FieldValueRequired: "Required",
  FieldValueDuplicate: "Duplicate",
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const child = (path: string, name: string): string => (path === "" ? name : `${path}.${name}`);
const key = (path: string, name: string): string => `${path}[${name}]`;

function typeMatches(value: unknown, type: JSONSchemaProps["type"]): boolean {
  switch (type) {
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    default:
      return true;
  }
}

function validateSchema(
  schema: JSONSchemaProps,
  value: unknown,
  path: string,
  errors: KubernetesFieldError[],
  pruned: string[],
): void {
  if (!typeMatches(value, schema.type)) {
    errors.push({ field: path, type: "TypeInvalid", detail: `must be of type ${schema.type}` });
    return;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as never)) {
    errors.push({
      field: path,
      type: "NotSupported",
      detail: `supported values: ${schema.enum.join(", ")}`,
    });
  }
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      errors.push({ field: path, type: "TooLong", detail: `at most ${schema.maxLength} chars` });
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push({ field: path, type: "Invalid", detail: `at least ${schema.minLength} chars` });
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
      errors.push({ field: path, type: "Invalid", detail: `should match '${schema.pattern}'` });
    }
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      errors.push({ field: path, type: "Invalid", detail: `should be >= ${schema.minimum}` });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      errors.push({ field: path, type: "Invalid", detail: `should be <= ${schema.maximum}` });
    }
  }
  if (isRecord(value)) {
    for (const name of schema.required ?? []) {
      if (
        value[name] === undefined ||
        (value[name] === null && !schema.properties?.[name]?.nullable)
      ) {
        errors.push({ field: child(path, name), type: "Required", detail: "Required value" });
      }
    }
    for (const [name, item] of Object.entries(value)) {
      // The root's metadata is ObjectMeta, which the API server validates and keeps itself.
      if (path === "" && name === "metadata") continue;
      const declared = schema.properties?.[name];
      const itemSchema = declared ?? schema.additionalProperties;
      const itemPath = declared ? child(path, name) : key(path, name);
      if (itemSchema === undefined) {
        if (!schema["x-kubernetes-preserve-unknown-fields"]) pruned.push(child(path, name));
        continue;
      }
      // Null on a field that is not nullable is pruned before validation.
      if (item === null && !itemSchema.nullable) continue;
      if (item !== null) validateSchema(itemSchema, item, itemPath, errors, pruned);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => {
      validateSchema(schema.items as JSONSchemaProps, item, `${path}[${index}]`, errors, pruned);
    });
  }
}

/**
 * A value as CEL sees it under `schema`: integers as CEL ints, objects with
 * declared properties reduced to those (keys escaped as Kubernetes does).
 */
export function toCelValue(value: unknown, schema: JSONSchemaProps): unknown {
  if (value === null || value === undefined) return value;
  if (schema.type === "integer" && typeof value === "number") return BigInt(value);
  if (Array.isArray(value)) {
    return value.map((item) => (schema.items ? toCelValue(item, schema.items) : item));
  }
  if (isRecord(value)) {
    if (schema.properties !== undefined) {
      const out: Record<string, unknown> = {};
      for (const [name, propertySchema] of Object.entries(schema.properties)) {
        if (value[name] !== undefined && value[name] !== null) {
          out[celPropertyName(name)] = toCelValue(value[name], propertySchema);
        } else if (value[name] === null && propertySchema.nullable) {
          out[celPropertyName(name)] = null;
        }
      }
      return out;
    }
    const valueSchema = schema.additionalProperties;
    if (valueSchema !== undefined) {
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, toCelValue(item, valueSchema)]),
      );
    }
  }
  return value;
}

/** Whether a rule reads `oldSelf`, which makes it a transition rule. */
export const isTransitionRule = (rule: ValidationRule): boolean => /\boldSelf\b/.test(rule.rule);

/** The outcome of one rule on one node: true, false, or a CEL evaluation error. */
export type RuleOutcome = { holds: boolean; message: string } | { error: string };

/** Evaluates one rule with @bufbuild/cel on a node's value (and its old value for transition rules). */
export function evaluateRule(
  rule: ValidationRule,
  schema: JSONSchemaProps,
  self: unknown,
  oldSelf?: unknown,
): RuleOutcome {
  const bindings: Record<string, unknown> = { self: toCelValue(self, schema) };
  if (oldSelf !== undefined) bindings.oldSelf = toCelValue(oldSelf, schema);
  const result = run(rule.rule, bindings as never);
  if (isCelError(result)) return { error: String(result.message) };
  if (typeof result !== "boolean") return { error: `rule returned ${String(result)}, not a bool` };
  let message = rule.message;
  if (!result && rule.messageExpression !== undefined) {
    const text = run(rule.messageExpression, bindings as never);
    if (typeof text === "string") message = text;
  }
  return { holds: result, message };
}

function fieldPathSuffix(path: string, fieldPath: string | undefined): string {
  if (fieldPath === undefined) return path;
  let out = path;
  for (const step of fieldPath.matchAll(/\.([A-Za-z0-9_-]+)|\['([^']*)'\]/g)) {
    out = step[1] !== undefined ? child(out, step[1]) : key(out, step[2] ?? "");
  }
  return out;
}

function evaluateRules(
  schema: JSONSchemaProps,
  value: unknown,
  oldValue: unknown,
  path: string,
  errors: KubernetesFieldError[],
): void {
  if (value === undefined || value === null) return;
  for (const rule of schema["x-kubernetes-validations"] ?? []) {
    if (isTransitionRule(rule) && (oldValue === undefined || oldValue === null)) continue;
    const outcome = evaluateRule(
      rule,
      schema,
      value,
      isTransitionRule(rule) ? oldValue : undefined,
    );
    const field = fieldPathSuffix(path, rule.fieldPath);
    if ("error" in outcome) {
      errors.push({
        field: path,
        type: "Invalid",
        detail: `rule evaluation error: ${outcome.error}`,
        rule,
      });
    } else if (!outcome.holds) {
      errors.push({
        field,
        type: RULE_ERROR_TYPE[rule.reason ?? "FieldValueInvalid"],
        detail: outcome.message,
        rule,
      });
    }
  }
  const old = isRecord(oldValue) ? oldValue : undefined;
  if (isRecord(value)) {
    for (const [name, item] of Object.entries(value)) {
      const declared = schema.properties?.[name];
      const itemSchema = declared ?? schema.additionalProperties;
      if (itemSchema === undefined) continue;
      evaluateRules(
        itemSchema,
        item,
        old?.[name],
        declared ? child(path, name) : key(path, name),
        errors,
      );
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    // List items are not correlated with old ones (no list-type map here), as in Kubernetes.
    value.forEach((item, index) => {
      evaluateRules(schema.items as JSONSchemaProps, item, undefined, `${path}[${index}]`, errors);
    });
  }
}

/** Validates a create (no `oldObject`) or an update against the CRD schema, as the API server would. */
export function validateWithCrd(
  schema: JSONSchemaProps,
  object: unknown,
  oldObject?: unknown,
): KubernetesVerdict {
  const errors: KubernetesFieldError[] = [];
  const pruned: string[] = [];
  validateSchema(schema, object, "", errors, pruned);
  const celSkipped = errors.some((error) => BLOCKING.has(error.type));
  if (!celSkipped) evaluateRules(schema, object, oldObject, "", errors);
  return { allowed: errors.length === 0, errors, pruned, celSkipped };
}

/** Every rule of a schema with the path of the node carrying it. */
export function rulesOf(
  schema: JSONSchemaProps,
  path = "",
): Array<{ path: string; node: JSONSchemaProps; rule: ValidationRule }> {
  return [
    ...(schema["x-kubernetes-validations"] ?? []).map((rule) => ({ path, node: schema, rule })),
    ...Object.entries(schema.properties ?? {}).flatMap(([name, node]) =>
      rulesOf(node, child(path, name)),
    ),
    ...(schema.additionalProperties ? rulesOf(schema.additionalProperties, `${path}.*`) : []),
    ...(schema.items ? rulesOf(schema.items, `${path}[]`) : []),
  ];
}
