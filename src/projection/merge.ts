import type { JsonObject } from "./marks.js";
import { ownValue, setOwn } from "./own-keys.js";

function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Deep-merges `over` onto `base`: objects merge key by key, anything else
 * (scalars, arrays, null) from `over` wins. Neither input is modified; untouched
 * subtrees are shared, not copied.
 */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const key of Object.keys(over)) {
    const value = over[key];
    if (value === undefined) continue;
    const existing = ownValue(out, key);
    setOwn(
      out,
      key,
      isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value,
    );
  }
  return out;
}
