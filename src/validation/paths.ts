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

/**
 * One error per problem: the first error of a field wins, and an error inside a
 * field that already has one is dropped (a missing `template.spec` is reported
 * once, not once more for each field it should hold). Linear in the number of
 * errors: each error looks up its own ancestors, not every other error.
 */
export function mergeFieldErrors(groups: readonly (readonly FieldError[])[]): FieldError[] {
  if (groups.every((group) => group.length === 0)) return [];
  const byField = new Map<string, FieldError>();
  for (const group of groups) {
    for (const error of group) if (!byField.has(error.field)) byField.set(error.field, error);
  }
  if (byField.size <= 1) return [...byField.values()];
  if (byField.has(ROOT_FIELD)) return [byField.get(ROOT_FIELD) as FieldError];
  const merged: FieldError[] = [];
  for (const error of byField.values()) {
    if (!hasAncestorIn(error.field, byField)) merged.push(error);
  }
  return merged;
}

// The ancestors of `a.b[c].d` are `a`, `a.b` and `a.b[c]`: every prefix that
// ends right before a `.` or a `[`, which is what isWithin accepts.
function hasAncestorIn(field: string, fields: ReadonlyMap<string, unknown>): boolean {
  for (let index = 1; index < field.length; index += 1) {
    const next = field[index];
    if ((next === "." || next === "[") && fields.has(field.slice(0, index))) return true;
  }
  return false;
}
