// Request paths of the Kubernetes API, parsed into resource coordinates.

/** Where a resource request points. */
export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** The legacy `/watch/` path prefix. */
  watchPrefix: boolean;
}

/** Splits `/api/v1/...` or `/apis/<g>/<v>/...`; `isNamespaced` tells namespaced plurals apart. */
export function parseResourcePath(
  path: string,
  isNamespaced: (group: string, version: string, plural: string) => boolean,
): ResourcePath | undefined {
  const segments = path
    .split("/")
    .filter((s) => s !== "")
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    version = segments[1] ?? "";
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1] ?? "";
    version = segments[2] ?? "";
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  const watchPrefix = rest[0] === "watch";
  if (watchPrefix) rest = rest.slice(1);
  const [first, second, third, fourth, fifth, ...extra] = rest;
  if (first === undefined) return undefined;
  if (
    first === "namespaces" &&
    second !== undefined &&
    third !== undefined &&
    isNamespaced(group, version, third)
  ) {
    if (extra.length > 0) return undefined;
    return {
      group,
      version,
      namespace: second,
      plural: third,
      ...(fourth === undefined ? {} : { name: fourth }),
      ...(fifth === undefined ? {} : { subresource: fifth }),
      watchPrefix,
    };
  }
  if (fourth !== undefined) return undefined;
  return {
    group,
    version,
    plural: first,
    ...(second === undefined ? {} : { name: second }),
    ...(third === undefined ? {} : { subresource: third }),
    watchPrefix,
  };
}
