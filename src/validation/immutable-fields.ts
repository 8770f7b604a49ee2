import { type FieldError, IMMUTABLE_FIELDS } from "../models/index.js";
import { describeValue, jsonEqual, valueAt } from "./paths.js";

/**
 * On update, the immutable fields must keep their value. Like a CEL
 * transition rule, a field is only compared when both versions have it: a
 * removal is the schema's "Required value", and an old object that lacked it
 * (written before the webhook existed) may gain it.
 */
export function immutableFieldErrors(object: unknown, oldObject: unknown): FieldError[] {
  return IMMUTABLE_FIELDS.flatMap((path) => {
    const value = valueAt(object, path);
    const oldValue = valueAt(oldObject, path);
    if (value === undefined || oldValue === undefined || jsonEqual(value, oldValue)) return [];
    return [
      {
        field: path.join("."),
        reason: "FieldValueInvalid" as const,
        message: `Invalid value: ${describeValue(value)}: field is immutable, keep ${describeValue(oldValue)} (or delete and recreate the resource)`,
      },
    ];
  });
}
