import { type FieldError, ROOT_FIELD } from "../models/index.js";
import { apiKeySecretErrors } from "./api-key.js";
import { immutableFieldErrors } from "./immutable-fields.js";
import { watchedNamespaceErrors } from "./namespaces.js";
import { ownerLabelErrors } from "./owner.js";
import { mergeFieldErrors } from "./paths.js";
import { putModeFieldErrors } from "./put-mode-fields.js";
import { reservedKeyErrors } from "./reserved-keys.js";
import { schemaFieldErrors } from "./schema-fields.js";
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
  warnings: string[];
}

/**
 * Applies every admission rule (domain.md §4) to an unchecked object and
 * reports all errors at once, one per field. Never throws.
 */
export function validateVvpDeployment(
  object: unknown,
  options: ValidationOptions,
): ValidationResult {
  try {
    const errors = mergeFieldErrors([
      schemaFieldErrors(object),
      ownerLabelErrors(object, options.instanceId),
      watchedNamespaceErrors(object, options.watchedNamespaces),
      apiKeySecretErrors(object, options.apiKeyValidation ?? true),
      putModeFieldErrors(object),
      reservedKeyErrors(object, options.instanceId),
      options.oldObject == null ? [] : immutableFieldErrors(object, options.oldObject),
    ]);
    return {
      allowed: errors.length === 0,
      errors,
      warnings: authorWarnings(object, options.oldObject == null),
    };
  } catch (error) {
    // Only reachable through inputs no JSON document produces (cycles, throwing getters).
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
    };
  }
}
