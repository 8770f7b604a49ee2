import { z } from "zod";
import { vvpDeploymentChecker, vvpDeploymentVerdict } from "./compiled-schema.js";
import { type FieldError, fieldErrorsFromZod, ROOT_FIELD } from "./field-error.js";
import { explainFieldError } from "./field-hints.js";
import { type InputInspection, inspectInput } from "./input-bounds.js";
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
 * `wantValue` false skips building the typed CR (the webhook only needs the
 * verdict), so `value` is then undefined. `inspection` is inspectInput's
 * result for this same input when the caller already has it (the webhook
 * bounds the object before deciding to validate it). Throws only for values
 * no JSON or YAML produces (a throwing getter, a proxy).
 */
export function schemaFindings(
  input: unknown,
  wantValue = true,
  inspection?: InputInspection,
): SchemaFindings {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    const error: FieldError = {
      field: ROOT_FIELD,
      reason: "FieldValueInvalid",
      message: "expected a VvpDeployment object",
    };
    return { value: undefined, errors: [error], warnings: [], exceeded: false };
  }
  const { bound, prototypeKeys, bodyWarnings } = inspection ?? inspectInput(input);
  if (bound !== undefined)
    return { value: undefined, errors: [bound], warnings: [], exceeded: true };
  const result = checkSchema(input, wantValue);
  if (result.issues === undefined && prototypeKeys.length === 0) {
    return { value: result.value, errors: [], warnings: bodyWarnings, exceeded: false };
  }
  const shape =
    result.issues === undefined
      ? []
      : fieldErrorsFromZod(result.issues, input, [], fieldSuggester(VvpDeploymentSchema, input));
  const errors = [...prototypeKeys, ...shape.map((error) => explainFieldError(error, input))];
  return { value: undefined, errors, warnings: bodyWarnings, exceeded: false };
}

interface SchemaCheck {
  /** The typed CR, when valid and asked for. */
  value: VvpDeployment | undefined;
  /** zod's issues; undefined when valid. */
  issues: z.core.$ZodIssue[] | undefined;
}

// zod's safeParse with its plain error class: the issues without an Error
// instance, whose stack trace capture is a tenth of a failed check's cost.
const runtimeSafeParse = z.core._safeParse(z.core.$ZodError);

// The verdict alone skips building zod's output copy of the input; the issues
// always come from the runtime parser, so they do not depend on which ran.
function checkSchema(input: object, wantValue: boolean): SchemaCheck {
  const checker = vvpDeploymentChecker();
  if (wantValue) {
    const result = checker.safeParse(input);
    return result.success
      ? { value: result.data, issues: undefined }
      : { value: undefined, issues: result.error.issues };
  }
  // Until compiled, the runtime's verdict comes with its issues in one parse.
  // Once compiled, the verdict check builds no copy of the string maps.
  const verdict = vvpDeploymentVerdict();
  if (checker !== VvpDeploymentSchema && (verdict ?? checker.validate.bind(checker))(input)) {
    return { value: undefined, issues: undefined };
  }
  const result = runtimeSafeParse(VvpDeploymentSchema, input);
  return { value: undefined, issues: result.success ? undefined : result.error.issues };
}
