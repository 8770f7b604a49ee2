import type { FieldError } from "../models/index.js";
import { validateInspected } from "./validate-inspected.js";

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
  return validateInspected(object, options, undefined);
}
