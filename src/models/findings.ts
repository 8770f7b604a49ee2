import { type FieldError, fieldErrorsFromZod, ROOT_FIELD } from "./field-error.js";
import { explainFieldError } from "./field-hints.js";
import { inspectInput } from "./input-bounds.js";
import { fieldSuggester } from "./unknown-fields.js";
import { type VvpDeployment, VvpDeploymentSchema } from "./vvp-deployment.js";

/** What the CR's schema says about an unchecked value: the parser's and the webhook's shared findings. */
export interface SchemaFindings {
  /** The typed CR when there are no errors. */
  value: VvpDeployment | undefined;
  /** Shape errors, `__proto__` keys and unknown fields of the CR's own objects. */
  errors: FieldError[];
  /** Unknown VVP-body fields one typo away from a known one. */
  warnings: FieldError[];
  /** True when the input exceeds a size bound and was not read further. */
  exceeded: boolean;
}

/**
 * Checks a value against the VvpDeployment schema after bounding its size.
 * Throws only for values no JSON or YAML produces (a throwing getter, a proxy).
 */
export function schemaFindings(input: unknown): SchemaFindings {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    const error: FieldError = {
      field: ROOT_FIELD,
      reason: "FieldValueInvalid",
      message: "expected a VvpDeployment object",
    };
    return { value: undefined, errors: [error], warnings: [], exceeded: false };
  }
  const { bound, prototypeKeys, bodyWarnings } = inspectInput(input);
  if (bound !== undefined)
    return { value: undefined, errors: [bound], warnings: [], exceeded: true };
  const result = VvpDeploymentSchema.safeParse(input);
  const shape = result.success
    ? []
    : fieldErrorsFromZod(
        result.error.issues,
        input,
        [],
        fieldSuggester(VvpDeploymentSchema, input),
      );
  const errors = [...prototypeKeys, ...shape.map((error) => explainFieldError(error, input))];
  return {
    value: result.success && errors.length === 0 ? result.data : undefined,
    errors,
    warnings: bodyWarnings,
    exceeded: false,
  };
}
