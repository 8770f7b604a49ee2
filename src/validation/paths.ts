import { type FieldError, ROOT_FIELD } from "../models/index.js";

/** Message rendering and path reading shared with the schema errors, so both read values alike. */
export { describeValue, valueAt } from "../models/index.js";

/** A JSON object as read from an unchecked input. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is an object with keys (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON-like values. */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => jsonEqual(item, right[index]))
    );
  }
  if (!isJsonObject(left) || !isJsonObject(right)) return false;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
  );
}

/** Whether `field` lies inside the field `ancestor` (a key or index below it). */
export function isWithin(field: string, ancestor: string): boolean {
  if (field === ancestor) return false;
  return (
    ancestor === ROOT_FIELD || field.startsWith(`${ancestor}.`) || field.startsWith(`${ancestor}[`)
  );
}

/**
 * One error per problem: the first error of a field wins, and an error inside a
 * field that already has one is dropped (a missing `template.spec` is reported
 * once, not once more for each field it should hold).
 */
export function mergeFieldErrors(groups: readonly (readonly FieldError[])[]): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const error of groups.flat()) if (!byField.has(error.field)) byField.set(error.field, error);
  const fields = [...byField.keys()];
  return [...byField.values()].filter(
    (error) => !fields.some((ancestor) => isWithin(error.field, ancestor)),
  );
}
