import type { VvpDeployment, VvpDeploymentObject } from "../models/index.js";
import { isBookkeepingAnnotation, type JsonObject } from "./marks.js";
import { ownValue } from "./own-keys.js";
import { projectDeployment } from "./project.js";

/** Options of {@link deploymentDifferences}. */
export interface MatchOptions {
  instanceId: string;
  /** Leave `spec.state` out: state drift is judged on its own (it may be suppressed). */
  ignoreState?: boolean;
  /** See {@link ProjectionOptions.restartAnnotation}. */
  restartAnnotation?: string;
}

/**
 * The paths where the observed VVP deployment differs from the CR's update
 * body. A subset comparison: VVP fills defaults for what the CR omits (in
 * both modes), so only the fields the body sends are compared.
 */
export function deploymentDifferences(
  cr: VvpDeployment,
  observed: VvpDeploymentObject | null,
  options: MatchOptions,
): string[] {
  const projection = projectDeployment(cr, {
    operation: "update",
    instanceId: options.instanceId,
    ...(options.restartAnnotation !== undefined
      ? { restartAnnotation: options.restartAnnotation }
      : {}),
  });
  if (observed === null) return ["<deployment>"];
  const differences: string[] = [];
  collect(projection.body as JsonObject, observed as JsonObject, "", options, differences);
  return differences;
}

/** Whether the observed VVP deployment already holds every field the CR's update body sends. */
export function deploymentMatches(
  cr: VvpDeployment,
  observed: VvpDeploymentObject | null,
  options: MatchOptions,
): boolean {
  return deploymentDifferences(cr, observed, options).length === 0;
}

function collect(
  expected: JsonObject,
  actual: JsonObject,
  path: string,
  options: MatchOptions,
  out: string[],
): void {
  for (const key of Object.keys(expected)) {
    const here = path === "" ? key : `${path}.${key}`;
    if (options.ignoreState === true && here === "spec.state") continue;
    if (here === "metadata.annotations" || here === "spec.template.metadata.annotations") {
      // VVP's bookkeeping annotations never count.
      const want = expected[key] as Record<string, string>;
      const have = (ownValue(actual, key) ?? {}) as JsonObject;
      for (const name of Object.keys(want)) {
        if (!isBookkeepingAnnotation(name) && want[name] !== ownValue(have, name))
          out.push(`${here}[${name}]`);
      }
      continue;
    }
    const want = expected[key];
    const have = ownValue(actual, key);
    if (isObject(want)) {
      if (isObject(have)) collect(want, have, here, options, out);
      else out.push(here);
    } else if (!sameValue(want, have)) out.push(here);
  }
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
  }
  return false;
}
