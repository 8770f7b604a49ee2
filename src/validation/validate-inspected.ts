// The body of validateVvpDeployment, kept out of the package's exports: the
// webhook adapter passes in the walk it already made of the object.
import { type InputInspection, ROOT_FIELD, schemaFindings } from "../models/index.js";
import { apiKeySecretErrors } from "./api-key.js";
import { immutableFieldErrors } from "./immutable-fields.js";
import { watchedNamespaceErrors } from "./namespaces.js";
import { ownerLabelErrors } from "./owner.js";
import { mergeFieldErrors } from "./paths.js";
import { putModeFieldErrors } from "./put-mode-fields.js";
import { reservedKeyErrors } from "./reserved-keys.js";
import type { ValidationOptions, ValidationResult } from "./validate.js";
import { authorWarnings } from "./warnings.js";

/**
 * validateVvpDeployment, given inspectInput's result for `object` when the
 * caller has it (undefined: walk it here). Never throws.
 */
export function validateInspected(
  object: unknown,
  options: ValidationOptions,
  inspection: InputInspection | undefined,
): ValidationResult {
  try {
    // The verdict is all the webhook needs: no typed copy of the CR is built.
    const schema = schemaFindings(object, false, inspection);
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
