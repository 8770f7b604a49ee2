// One CRD version's enforcement, compiled once when the CRD is stored and
// reused for every request: decoding (pruning, nulls, defaults), the
// validation of create and update (schema, list types, CEL) and of the
// status subresource, as apiextensions-apiserver's customResourceStrategy
// and statusStrategy run them.

import {
  compileRules,
  evaluateRules,
  type RuleCompileError,
  ruleCompileErrors,
} from "./crd-cel.js";
import {
  applyDefaults,
  CEL_SKIPPED,
  compileSchema,
  type FieldError,
  hasBlockingError,
  pruneNulls,
  pruneObject,
  type SchemaNode,
  validateListTypes,
  validateValue,
} from "./crd-schema.js";
import { isPlainObject, type KubeObject } from "./objects.js";

/** How unknown fields in a request body are answered (the `fieldValidation` query parameter). */
export type FieldValidation = "Ignore" | "Warn" | "Strict";

/** The compiled enforcement of one served CRD version. */
export interface CrdEnforcement {
  /** Prunes unknown fields and non-nullable nulls, then defaults, in place; returns the pruned paths. */
  decode(object: Record<string, unknown>): string[];
  /** Applies defaults in place (objects read from storage). */
  applyDefaults(object: KubeObject): void;
  /** Whether reads need defaulting at all. */
  readonly hasDefaults: boolean;
  /** Create (`old` undefined) or update of the main resource. */
  validate(object: KubeObject, old: KubeObject | undefined): FieldError[];
  /** Update of the status subresource. */
  validateStatus(object: KubeObject, old: KubeObject): FieldError[];
  /** x-kubernetes-validations rules that do not compile. */
  readonly ruleErrors: RuleCompileError[];
}

/** Compiles the enforcement of a CRD version's `openAPIV3Schema`. */
export function compileCrdEnforcement(openApiV3Schema: unknown): CrdEnforcement {
  const root: SchemaNode = { ...compileSchema(openApiV3Schema), embeddedResource: true };
  compileRules(root);
  const status = root.properties?.get("status");
  const cel = (object: KubeObject, old: KubeObject | undefined, errors: FieldError[]) => {
    if (!root.rulesBelow) return;
    if (hasBlockingError(errors)) errors.push(CEL_SKIPPED);
    else errors.push(...evaluateRules(root, object, old, "", true));
  };
  return {
    ruleErrors: ruleCompileErrors(root),
    hasDefaults: root.defaultsBelow,
    decode: (object) => {
      const unknown = pruneObject(object, root);
      pruneNulls(object, root);
      applyDefaults(object, root);
      return unknown;
    },
    applyDefaults: (object) => applyDefaults(object, root),
    validate: (object, old) => {
      const errors = validateValue(root, object, "", old);
      const oldListErrors = old === undefined ? [] : validateListTypes(root, old, "");
      if (oldListErrors.length === 0) errors.push(...validateListTypes(root, object, ""));
      cel(object, old, errors);
      return errors;
    },
    validateStatus: (object, old) => {
      const errors: FieldError[] = [];
      if ("status" in object && status !== undefined) {
        errors.push(
          ...validateValue(
            status,
            object.status,
            "status",
            isPlainObject(old) ? (old.status ?? undefined) : undefined,
          ),
        );
      }
      const listErrors = validateListTypes(root, object, "");
      if (listErrors.length > 0 && validateListTypes(root, old, "").length === 0) {
        errors.push(...listErrors);
      }
      cel(object, old, errors);
      return errors;
    },
  };
}
