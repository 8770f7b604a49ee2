// Copy-and-change helpers for test objects: the input is never mutated, and a
// path whose parent is missing leaves the copy as it was.

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function edit<T>(
  value: T,
  path: readonly string[],
  change: (parent: JsonObject, key: string) => void,
): T {
  const copy = structuredClone(value);
  let node: unknown = copy;
  for (const name of path.slice(0, -1)) {
    if (!isObject(node)) return copy;
    node = node[name];
  }
  const last = path[path.length - 1];
  if (isObject(node) && last !== undefined) change(node, last);
  return copy;
}

/** A copy of `value` without the field at `path`. */
export const without = <T>(value: T, path: readonly string[]): T =>
  edit(value, path, (parent, key) => {
    delete parent[key];
  });

/** A copy of `value` with the field at `path` set to `field`. */
export const withValue = <T>(value: T, path: readonly string[], field: unknown): T =>
  edit(value, path, (parent, key) => {
    parent[key] = field;
  });
