import { z } from "zod";
import {
  DesiredStateSchema,
  type FieldError,
  fieldErrorsFromZod,
  NonceSchema,
  ObjectMetaSchema,
  type VvpDeployment,
  valueAt,
} from "../models/index.js";

const META = ObjectMetaSchema.shape;

/**
 * The single values the core reads (compares, does arithmetic on, or writes
 * into messages), with the schema each must meet. A value of another type,
 * such as an object whose `toString` was replaced, would otherwise surface as
 * a TypeError deep inside a cycle.
 */
const SCALARS: readonly (readonly [readonly string[], z.ZodType])[] = [
  [["metadata", "namespace"], META.namespace],
  [["metadata", "uid"], META.uid],
  [["metadata", "generation"], META.generation],
  [["metadata", "deletionTimestamp"], META.deletionTimestamp],
  [["spec", "initFields"], z.looseObject({}).optional()],
  [["spec", "savepointNonce"], NonceSchema],
  [["spec", "restartNonce"], NonceSchema],
  [["spec", "deployment", "spec", "state"], DesiredStateSchema.optional()],
  [["spec", "deployment", "spec", "template", "spec", "parallelism"], z.number().int().optional()],
];

/** Each scalar with its schema and zod's compiled copy of it (for the verdict). */
const SCALARS_THE_CORE_READS = SCALARS.map(
  ([path, schema]) => [path, schema, z.compile(schema)] as const,
);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

/**
 * The fields the core dereferences, checked cheaply so a CR that skipped
 * validation yields field errors instead of a crash. Full validation is the
 * webhook's job (src/validation); this is only the floor reconcile stands on.
 */
export function essentialFieldErrors(cr: VvpDeployment): FieldError[] {
  const errors: FieldError[] = [];
  const required = (field: string) =>
    errors.push({ field, reason: "FieldValueRequired", message: "Required value" });
  const anyCr = cr as unknown as Record<string, unknown>;
  const metadata = anyCr.metadata;
  if (!isObject(metadata)) required("metadata");
  else {
    if (!nonEmptyString(metadata.name)) required("metadata.name");
    errors.push(...finalizerErrors(metadata.finalizers));
  }
  const spec = anyCr.spec;
  if (!isObject(spec)) {
    required("spec");
    return errors;
  }
  if (spec.syncingMode !== "PATCH" && spec.syncingMode !== "PUT") {
    errors.push({
      field: "spec.syncingMode",
      reason: spec.syncingMode === undefined ? "FieldValueRequired" : "FieldValueNotSupported",
      message: 'supported values are "PATCH", "PUT"',
    });
  }
  const deployment = spec.deployment;
  if (!isObject(deployment)) {
    required("spec.deployment");
    return errors;
  }
  const deploymentMetadata = deployment.metadata;
  if (!isObject(deploymentMetadata)) required("spec.deployment.metadata");
  else {
    if (!nonEmptyString(deploymentMetadata.name)) required("spec.deployment.metadata.name");
    if (!nonEmptyString(deploymentMetadata.namespace)) {
      required("spec.deployment.metadata.namespace");
    }
  }
  const deploymentSpec = deployment.spec;
  if (!isObject(deploymentSpec)) required("spec.deployment.spec");
  else if (!isObject(deploymentSpec.template)) {
    if (deploymentSpec.template === undefined) required("spec.deployment.spec.template");
    else invalidType("spec.deployment.spec.template", "an object");
  } else if (!isObject(deploymentSpec.template.spec)) {
    if (deploymentSpec.template.spec === undefined) required("spec.deployment.spec.template.spec");
    else invalidType("spec.deployment.spec.template.spec", "an object");
  }
  // A parent that is missing or not an object reads as undefined: the checks above report those.
  for (const [path, schema, check] of SCALARS_THE_CORE_READS) {
    const value = valueAt(anyCr, path);
    // zod's compiled verdict first: this runs twice per CR per cycle, and the
    // runtime parse allocates; its issues are needed only for a wrong value.
    if (check.validate(value)) continue;
    const result = schema.safeParse(value);
    if (!result.success) errors.push(...fieldErrorsFromZod(result.error.issues, value, path));
  }
  return errors;

  function invalidType(field: string, expected: string): void {
    errors.push({ field, reason: "FieldValueInvalid", message: `must be ${expected}` });
  }
}

// The finalizer check reads the list; Kubernetes' own schema makes it a list
// of strings, but a CR handed over by a file or a test need not be.
function finalizerErrors(finalizers: unknown): FieldError[] {
  if (finalizers === undefined) return [];
  if (!Array.isArray(finalizers)) {
    return [
      {
        field: "metadata.finalizers",
        reason: "FieldValueInvalid",
        message: "must be a list of strings",
      },
    ];
  }
  const errors: FieldError[] = [];
  finalizers.forEach((finalizer, index) => {
    if (typeof finalizer !== "string") {
      errors.push({
        field: `metadata.finalizers[${index}]`,
        reason: "FieldValueInvalid",
        message: "must be a string",
      });
    }
  });
  return errors;
}
