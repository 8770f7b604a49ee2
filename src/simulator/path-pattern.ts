/** A compiled route pattern such as `/api/v1/namespaces/:namespace/deployments/:deploymentId`. */
export interface PathPattern {
  regex: RegExp;
  keys: string[];
}

/** Compiles a pattern whose `:name` segments match one path segment each. */
export function compilePathPattern(pattern: string): PathPattern {
  const keys: string[] = [];
  const source = pattern
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) {
        keys.push(segment.slice(1));
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { regex: new RegExp(`^${source}/?$`), keys };
}

/** The decoded parameters of `path` under a compiled pattern, or undefined when it does not match. */
export function matchPathPattern(
  compiled: PathPattern,
  path: string,
): Record<string, string> | undefined {
  const match = compiled.regex.exec(path);
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  compiled.keys.forEach((key, index) => {
    const raw = match[index + 1] ?? "";
    try {
      params[key] = decodeURIComponent(raw);
    } catch {
      params[key] = raw;
    }
  });
  return params;
}
