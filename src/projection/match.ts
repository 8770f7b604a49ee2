import {
  PROJECTED_STATE_ANNOTATION,
  type VvpDeployment,
  type VvpDeploymentObject,
} from "../models/index.js";
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
  /**
   * PUT mode: the labels and annotations VVP holds must be exactly the
   * body's (VVP's bookkeeping annotations aside), because a PUT replaces them.
   */
  exactMetadata?: boolean;
}

// The maps a PUT replaces whole and VVP never adds to (its own annotations
// are bookkeeping, skipped everywhere).
const METADATA_MAPS = new Set([
  "metadata.labels",
  "metadata.annotations",
  "spec.template.metadata.annotations",
]);

/**
 * The paths where the observed VVP deployment differs from the CR's update
 * body. A subset comparison: VVP fills defaults for what the CR omits (in
 * both modes, PUT included), so only the fields the body sends are compared;
 * a `null` or an empty object matches an absent field (VVP stores neither).
 * Ours: in PUT mode a spec field the CR omits is not compared, because VVP's
 * default there cannot be told from a stale value; comparing it would PUT
 * forever. Labels and annotations have no defaults and compare exactly with
 * `exactMetadata`.
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
    const want = expected[key];
    const have = ownValue(actual, key);
    if (METADATA_MAPS.has(here) && isObject(want)) {
      compareMap(want, isObject(have) ? have : {}, here, options.exactMetadata === true, out);
    } else if (isObject(want)) {
      if (isObject(have)) collect(want, have, here, options, out);
      else if (have !== undefined || Object.keys(want).length > 0) out.push(here);
    } else if (!sameValue(want, have) && !(want === null && have === undefined)) {
      out.push(here);
    }
  }
}

// Labels and annotations key by key; VVP's bookkeeping annotations never
// count, nor the projected-state mark: it follows spec.state, whose drift is
// judged on its own (and a deployment written before the mark existed needs
// no write to get one).
function compareMap(
  want: JsonObject,
  have: JsonObject,
  path: string,
  exact: boolean,
  out: string[],
): void {
  const differing = new Set<string>();
  for (const name of Object.keys(want)) {
    if (!uncompared(name) && want[name] !== ownValue(have, name)) differing.add(name);
  }
  if (exact) {
    for (const name of Object.keys(have)) {
      if (!uncompared(name) && !Object.hasOwn(want, name)) differing.add(name);
    }
  }
  for (const name of differing) out.push(`${path}[${name}]`);
}

function uncompared(name: string): boolean {
  return isBookkeepingAnnotation(name) || name === PROJECTED_STATE_ANNOTATION;
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
