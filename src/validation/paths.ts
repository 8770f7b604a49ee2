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
  const covered = new Map<string, boolean>();
  for (const error of byField.values()) {
    if (!hasAncestorIn(error.field, byField, covered)) merged.push(error);
  }
  return merged;
}

// The ancestors of `a.b[c].d` are `a`, `a.b` and `a.b[c]`: every prefix that
// ends right before a `.` or a `[`, which is what isWithin accepts. They are
// the parent (the longest such prefix) and the parent's ancestors, so the
// answer for each parent is kept in `covered`: sibling errors (10,000 keys of
// one map) then cost one lookup each, not one per level.
function hasAncestorIn(
  field: string,
  fields: ReadonlyMap<string, unknown>,
  covered: Map<string, boolean>,
): boolean {
  const parent = parentField(field);
  if (parent === undefined) return false;
  const known = covered.get(parent);
  if (known !== undefined) return known;
  const answer = fields.has(parent) || hasAncestorIn(parent, fields, covered);
  covered.set(parent, answer);
  return answer;
}

// The longest prefix ending right before a `.` or `[` (not at index 0).
function parentField(field: string): string | undefined {
  const end = Math.max(field.lastIndexOf("."), field.lastIndexOf("["));
  return end > 0 ? field.slice(0, end) : undefined;
}
