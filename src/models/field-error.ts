import type { z } from "zod";
import { ARTIFACT_KINDS } from "./vvp-deployment-body.js";

/** Kubernetes StatusCause reasons used for field errors. */
export type FieldErrorReason =
  | "FieldValueRequired"
  | "FieldValueInvalid"
  | "FieldValueForbidden"
  | "FieldValueNotSupported"
  | "FieldValueTooLong"
  | "FieldValueTooMany";

/** One problem with one field, as a Kubernetes StatusCause. */
export interface FieldError {
  /** Kubernetes-style path, e.g. `spec.deployment.metadata.name` or `metadata.labels[ververica.platform/owner]`. */
  field: string;
  reason: FieldErrorReason;
  message: string;
}

/** The path of a problem that concerns the whole document (not YAML, not an object). */
export const ROOT_FIELD = "<root>";

// Keys of these fields are user data (label keys, logger names), so they are
// printed in brackets as Kubernetes does for map keys.
const MAP_FIELDS = new Set([
  "labels",
  "annotations",
  "log4jLoggers",
  "flinkConfiguration",
  "resources",
]);

/** Renders a path of keys and indices the way Kubernetes prints field paths. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  let previous: PropertyKey | undefined;
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      const bracket =
        (typeof previous === "string" && MAP_FIELDS.has(previous)) ||
        !/^[A-Za-z_$][\w$]*$/.test(key);
      out += bracket ? `[${key}]` : out === "" ? key : `.${key}`;
    }
    previous = segment;
  }
  return out === "" ? ROOT_FIELD : out;
}

/**
 * The value at a field path, or undefined when a step is missing, not an
 * object, or a key into a list. Own keys only: a key named like an
 * Object.prototype member (`constructor`, `__proto__`) must not resolve to it.
 */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  // An index loop: the webhook's rules call this a few dozen times per object.
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index] as PropertyKey;
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current) && typeof segment !== "number") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Renders a value for a message; never throws (bigint, symbols, replaced toString included). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  // String() of an object runs its toString, which input data may have replaced.
  if (typeof value === "object" && value !== null)
    return Array.isArray(value) ? "an array" : "an object";
  return typeof value === "function" ? "a function" : String(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${describeValue(value)}`;
}

/** Names the known field closest to an unknown one, for "did you mean"; undefined when none is close. */
export type FieldSuggester = (parent: readonly PropertyKey[], key: string) => string | undefined;

/**
 * A field the schema does not have. The API server's strict field validation
 * says `unknown field "spec.x"`; apimachinery has no cause type for it, so
 * the reason is FieldValueNotSupported (ours): the field name is not one of
 * the supported ones.
 */
export function unknownFieldError(
  parent: readonly PropertyKey[],
  key: string,
  suggestion: string | undefined,
): FieldError {
  const field = formatFieldPath([...parent, key]);
  const hint =
    suggestion === undefined ? "" : `, did you mean "${formatFieldPath([...parent, suggestion])}"?`;
  return { field, reason: "FieldValueNotSupported", message: `unknown field "${field}"${hint}` };
}

/** Turns zod issues into field errors, reading the input to tell "missing" from "wrong". */
export function fieldErrorsFromZod(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix: readonly PropertyKey[] = [],
  suggest: FieldSuggester = () => undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          errors.push(unknownFieldError(path, key, suggest(issue.path, key)));
        }
        break;
      case "invalid_type":
        errors.push(
          value === undefined
            ? {
                field: formatFieldPath(path),
                reason: "FieldValueRequired",
                message: "Required value",
              }
            : {
                field: formatFieldPath(path),
                reason: "FieldValueInvalid",
                message: `must be ${issue.expected === "int" ? "an integer" : `of type ${issue.expected}`}, not ${describe(value)}`,
              },
        );
        break;
      case "invalid_value": {
        const allowed = issue.values.map(describeValue).join(", ");
        errors.push({
          field: formatFieldPath(path),
          reason: value === undefined ? "FieldValueRequired" : "FieldValueNotSupported",
          message:
            value === undefined
              ? `Required value: one of ${allowed}`
              : `Unsupported value ${describeValue(value)}: supported values are ${allowed}`,
        });
        break;
      }
      case "invalid_union": {
        // A discriminated union names its discriminator: the problem is that field.
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (discriminator !== undefined) {
          // zod 4 already ends the path at the discriminator; older shapes end at the union.
          const atDiscriminator = path[path.length - 1] === discriminator;
          const fieldPath = atDiscriminator ? path : [...path, discriminator];
          const kind = atDiscriminator ? value : valueAt(value, [discriminator]);
          errors.push({
            field: formatFieldPath(fieldPath),
            reason: kind === undefined ? "FieldValueRequired" : "FieldValueNotSupported",
            message: `${kind === undefined ? "Required value" : `Unsupported value ${describeValue(kind)}`}: supported values are ${ARTIFACT_KINDS.map((k) => `"${k}"`).join(", ")}`,
          });
        } else {
          errors.push({
            field: formatFieldPath(path),
            reason: "FieldValueInvalid",
            message: issue.message,
          });
        }
        break;
      }
      case "invalid_format":
        errors.push({
          field: formatFieldPath(path),
          reason: "FieldValueInvalid",
          message: `Invalid value ${describeValue(value)}: ${issue.message}`,
        });
        break;
      case "too_small":
        errors.push({
          field: formatFieldPath(path),
          reason: value === "" ? "FieldValueRequired" : "FieldValueInvalid",
          message: value === "" ? "Required value: must not be empty" : issue.message,
        });
        break;
      default:
        errors.push({
          field: formatFieldPath(path),
          reason: "FieldValueInvalid",
          message: issue.message,
        });
    }
  }
  return errors;
}
