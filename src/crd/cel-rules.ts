// CEL `x-kubernetes-validations`: the admission rules a cluster enforces even
// without the webhook. Every rule is a chain of `has()` and comparisons (no
// macros, no loops), so its cost stays constant whatever the object's size.
//
// Rules may assume the structurally required fields exist: the API server
// skips CEL when an OpenAPI `required`, `enum` or `type` check already failed.
// Optional parents are guarded, so a rule never errors on a missing field.

import {
  CR_UID_ANNOTATION,
  IMMUTABLE_FIELDS,
  PROJECTED_STATE_ANNOTATION,
  PUT_MODE_REQUIREMENTS,
  RESTART_NONCE_ANNOTATION,
} from "../models/index.js";
import type { JSONSchemaProps, ValidationRule } from "./types.js";

// CEL keywords Kubernetes escapes as `__keyword__` when they name a property
// (apiextensions.k8s.io/v1 ValidationRule.rule), e.g. `self.__namespace__`.
const CEL_RESERVED = new Set(
  "true false null in as break const continue else for function if import let loop package namespace return var void while".split(
    " ",
  ),
);
const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The name a rule uses for a property: Kubernetes' escaping of CEL keywords. */
export function celPropertyName(name: string): string {
  // Names with `_`, `.`, `-` or `/` have further escapes; the models use none,
  // so generation stops rather than emit a rule the API server would not compile.
  if (!PLAIN_NAME.test(name)) throw new Error(`CEL rule cannot select the field "${name}"`);
  return CEL_RESERVED.has(name) ? `__${name}__` : name;
}

function select(base: "self" | "oldSelf", path: readonly string[]): string {
  return [base, ...path.map(celPropertyName)].join(".");
}

const has = (path: readonly string[]): string => `has(${select("self", path)})`;
const fieldPathOf = (path: readonly string[]): string => `.${path.join(".")}`;
const celString = (text: string): string =>
  `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

// What to write for each kind-specific artifact field.
const ARTIFACT_FIELD_HINTS: Readonly<Record<string, string>> = {
  jarUri: "add jarUri, the URI of the job JAR, e.g. jarUri: s3://my-bucket/artifacts/MyJob.jar",
  sqlScript: "add sqlScript, the SQL statements to run",
  pythonArtifactUri:
    "add pythonArtifactUri, the URI of the Python job, e.g. pythonArtifactUri: s3://my-bucket/artifacts/job.py",
};

/** A branch of a discriminated union: its discriminator value and the fields it requires. */
export interface UnionBranchRequirement {
  value: string;
  required: readonly string[];
}

/** Rules of a flattened discriminated union: each branch's own required fields. */
export function discriminatorRules(
  discriminator: string,
  branches: readonly UnionBranchRequirement[],
): ValidationRule[] {
  return branches.flatMap(({ value, required }) =>
    required
      .filter((field) => field !== discriminator)
      .map((field) => ({
        rule: `${select("self", [discriminator])} != ${celString(value)} || ${has([field])}`,
        message: `${discriminator} ${value} requires ${field}: ${ARTIFACT_FIELD_HINTS[field] ?? `add ${field}`}`,
        fieldPath: fieldPathOf([field]),
        reason: "FieldValueRequired" as const,
      })),
  );
}

// Prefixes of `path` whose last field is optional in its parent: the rule
// must hold vacuously when one of them is absent.
function optionalPrefixes(node: JSONSchemaProps, path: readonly string[]): string[][] {
  const prefixes: string[][] = [];
  let current = node;
  path.forEach((name, index) => {
    if (!(current.required ?? []).includes(name)) prefixes.push(path.slice(0, index + 1));
    const child = current.properties?.[name];
    if (child === undefined) throw new Error(`no field ${path.slice(0, index + 1).join(".")}`);
    current = child;
  });
  return prefixes;
}

/** PUT-mode rules, placed on `spec`, the lowest node where `syncingMode` is visible. */
export function putModeRules(specSchema: JSONSchemaProps): ValidationRule[] {
  return PUT_MODE_REQUIREMENTS.map(({ anyOf, hint }) => {
    const alternatives = anyOf.map((path) => {
      if (path[0] !== "spec") throw new Error(`PUT requirement outside spec: ${path.join(".")}`);
      return path.slice(1);
    });
    const first = alternatives[0];
    if (first === undefined) throw new Error("PUT requirement without a field");
    const parent = first.slice(0, -1);
    if (alternatives.some((path) => path.slice(0, -1).join(".") !== parent.join("."))) {
      throw new Error(`PUT alternatives must share a parent: ${parent.join(".")}`);
    }
    const clauses = [
      `self.syncingMode != 'PUT'`,
      ...optionalPrefixes(specSchema, parent).map((prefix) => `!${has(prefix)}`),
      ...alternatives.map(has),
    ];
    return {
      rule: clauses.join(" || "),
      message: `required when syncingMode is PUT: ${hint}`,
      fieldPath: fieldPathOf(first),
      reason: "FieldValueRequired" as const,
    };
  });
}

/** A rule and the node, from the CR root, that carries it. */
export interface PlacedRule {
  path: readonly string[];
  rule: ValidationRule;
}

/**
 * Transition rules for the immutable fields. Each sits on the field's parent
 * object (never under a list, where `oldSelf` could not be correlated) and
 * names the field through `fieldPath`.
 */
export function immutabilityRules(): PlacedRule[] {
  return IMMUTABLE_FIELDS.map((path) => {
    const field = path[path.length - 1];
    if (field === undefined) throw new Error("empty immutable field path");
    const now = select("self", [field]);
    const before = select("oldSelf", [field]);
    return {
      path: path.slice(0, -1),
      rule: {
        rule: `${now} == ${before}`,
        message: `${field} is immutable after creation: set it back to the value the VvpDeployment was created with, or create a new VvpDeployment`,
        messageExpression: `${celString(`${field} is immutable after creation: set it back to "`)} + ${before} + ${celString('", or create a new VvpDeployment')}`,
        fieldPath: fieldPathOf([field]),
        reason: "FieldValueInvalid" as const,
      },
    };
  });
}

/**
 * The annotations the operator writes into the VVP deployment (ours) are
 * refused even without the webhook: the restart-nonce template annotation, the cr-uid
 * and the projected-state annotations, in spec.deployment and in spec.initFields. (The webhook also
 * refuses an owner label naming another instance; the CRD does not know the
 * instanceId.)
 */
export function reservedKeyRules(): PlacedRule[] {
  const forbid = (path: readonly string[], key: string): PlacedRule => ({
    path,
    rule: {
      rule: `!has(self.annotations) || !(${celString(key)} in self.annotations)`,
      message: `the annotation ${key} is managed by the operator: remove it`,
      fieldPath: `.annotations['${key}']`,
      reason: "FieldValueForbidden" as const,
    },
  });
  return (["deployment", "initFields"] as const).flatMap((root) => [
    forbid(["spec", root, "spec", "template", "metadata"], RESTART_NONCE_ANNOTATION),
    forbid(["spec", root, "metadata"], CR_UID_ANNOTATION),
    forbid(["spec", root, "metadata"], PROJECTED_STATE_ANNOTATION),
  ]);
}
