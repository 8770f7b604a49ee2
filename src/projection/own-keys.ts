import type { JsonObject } from "./marks.js";

/**
 * Sets a key as an own data property. Assignment would treat a JSON key named
 * `__proto__` (legal in a Flink configuration map, say) as the object's
 * prototype, dropping it from the body VVP receives.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The own value of a key; a key named like an Object.prototype member is not inherited. */
export function ownValue(source: JsonObject, key: string): unknown {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}
