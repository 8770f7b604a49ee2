import { type FieldError, ROOT_FIELD, schemaFindings } from "../models/index.js";
import { apiKeySecretErrors } from "./api-key.js";
import { immutableFieldErrors } from "./immutable-fields.js";
import { watchedNamespaceErrors } from "./namespaces.js";
import { ownerLabelErrors } from "./owner.js";
import { mergeFieldErrors } from "./paths.js";
import { putModeFieldErrors } from "./put-mode-fields.js";
import { reservedKeyErrors } from "./reserved-keys.js";
import { authorWarnings } from "./warnings.js";

/** What the webhook knows about the operator it guards, and the old object on update. */
export interface ValidationOptions {
  /** The operator's instanceId: the owner label must equal it. */
  instanceId: string;
  /** Namespaces the operator watches; when given and not empty, the CR must be in one. */
  watchedNamespaces?: readonly string[];
  /** Require the apikeySecretName annotation; default true, as the seed's examples assume. */
  apiKeyValidation?: boolean;
  /** The stored object on update, for the immutability rules; absent (or null) on create. */
  oldObject?: unknown;
}

/** The verdict: allowed exactly when there are no errors; warnings never deny. */
export interface ValidationResult {
  allowed: boolean;
  errors: FieldError[];
  /** Every warning as kubectl prints it ("Warning: …"), including those of `fieldWarnings`. */
  warnings: string[];
  /** The warnings that concern one field, with its path (an unknown VVP field close to a known one). */
  fieldWarnings: FieldError[];
}

/**
 * Applies every admission rule to an unchecked object and reports all errors
 * at once, one per field: the CR's schema (required fields of every mode, the
 * artifact kind and its field, enums, nonce types, unknown fields), the owner
 * label, the watched namespaces, the API-key Secret annotation, PUT mode's
 * additional fields, the operator's reserved keys and, on update, the
 * immutable fields. An object over a size bound gets that one error and is
 * not read further. Never throws.
 */
export function validateVvpDeployment(
  object: unknown,
  options: ValidationOptions,
): ValidationResult {
  try {
    // The verdict is all the webhook needs: no typed copy of the CR is built.
    const schema = schemaFindings(object, false);
    if (schema.exceeded) {
      return { allowed: false, errors: schema.errors, warnings: [], fieldWarnings: [] };
    }
    const errors = mergeFieldErrors([
      schema.errors,
      ownerLabelErrors(object, options.instanceId),
      watchedNamespaceErrors(object, options.watchedNamespaces),
      apiKeySecretErrors(object, options.apiKeyValidation ?? true),
      putModeFieldErrors(object),
      reservedKeyErrors(object, options.instanceId),
      options.oldObject == null ? [] : immutableFieldErrors(object, options.oldObject),
    ]);
    const warnings = authorWarnings(object, options.oldObject == null);
    for (const warning of schema.warnings) warnings.push(warning.message);
    return { allowed: errors.length === 0, errors, warnings, fieldWarnings: schema.warnings };
  } catch (error) {
    // Only reachable through inputs no JSON document produces (throwing getters, proxies).
    return {
      allowed: false,
      errors: [
        {
          field: ROOT_FIELD,
          reason: "FieldValueInvalid",
          message: `could not be validated: ${error instanceof Error ? error.message : "unreadable input"}`,
        },
      ],
      warnings: [],
      fieldWarnings: [],
    };
  }
}
