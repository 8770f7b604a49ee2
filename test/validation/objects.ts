import { exampleCr } from "../support/examples.js";

/** A CR as plain JSON, so tests can put anything anywhere. */
export type Json = Record<string, unknown>;

/** A fresh copy of a seed example as plain JSON. */
export function example(mode: "PATCH" | "PUT"): Json {
  return exampleCr(mode) as unknown as Json;
}

/** Splits a dotted path; a key holding dots is written in brackets, e.g. `metadata.labels[a.b/c]`. */
export function keys(path: string): string[] {
  return [...path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map((match) => match[1] ?? match[2] ?? "");
}

function parentOf(object: Json, path: string[]): Json {
  let current: Json = object;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (typeof next !== "object" || next === null) current[key] = {};
    current = current[key] as Json;
  }
  return current;
}

/** Sets the value at a path (creating parents) and returns the object. */
export function withValue(object: Json, path: string, value: unknown): Json {
  const list = keys(path);
  parentOf(object, list)[list[list.length - 1] ?? ""] = value;
  return object;
}

/** Deletes the key at a path and returns the object. */
export function without(object: Json, path: string): Json {
  const list = keys(path);
  delete parentOf(object, list)[list[list.length - 1] ?? ""];
  return object;
}

/** Every path to a value in an object, as key lists (arrays indexed by position). */
export function allPaths(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value !== "object" || value === null) return [];
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...allPaths(item, [...prefix, key])]);
}
