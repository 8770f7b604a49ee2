/** A path of keys and indices into a JSON value. */
export type Path = readonly (string | number)[];

/** Every node under a root, the root (at `prefix`) included. */
export function pathsUnder(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      paths.push(...pathsUnder(item, [...prefix, index]));
    });
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      paths.push(...pathsUnder(item, [...prefix, key]));
    }
  }
  return paths;
}

/** A deep copy of `root` with the node at `path` (not the root) set to `value`. */
export function replacedAt<T>(root: T, path: Path, value: unknown): T {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy as T;
}
