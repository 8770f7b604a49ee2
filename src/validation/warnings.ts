import { formatFieldPath } from "../models/index.js";
import { isJsonObject, valueAt } from "./paths.js";

/**
 * Warnings: things that are valid but probably not what the author meant.
 * They never deny the CR.
 */
export function authorWarnings(object: unknown, creating = true): string[] {
  const warnings: string[] = [];
  // The seed: status is "managed by the operator — do not set manually". On a
  // cluster the status subresource drops it on create; a host reading files
  // would otherwise take it for the operator's own record.
  if (creating && valueAt(object, ["status"]) !== undefined) {
    warnings.push(
      "status is managed by the operator and is ignored when the resource is created: remove it",
    );
  }
  const spec = valueAt(object, ["spec"]);
  if (!isJsonObject(spec)) return warnings;
  const { syncingMode, initFields, deployment } = spec;
  if (syncingMode === "PUT" && isJsonObject(initFields)) {
    warnings.push(
      "spec.initFields is ignored in PUT mode: move its fields into spec.deployment, or use syncingMode PATCH",
    );
  }
  if (syncingMode === "PATCH" && isJsonObject(initFields) && isJsonObject(deployment)) {
    for (const path of overlappingLeaves(initFields, deployment, [])) {
      const relative = formatFieldPath(["spec", "deployment", ...path]).slice(
        "spec.deployment".length,
      );
      warnings.push(
        `spec.initFields${relative} is also set in spec.deployment${relative}, which wins at creation: set it in one place`,
      );
    }
  }
  if (isJsonObject(deployment) && deployment.userMetadata !== undefined) {
    warnings.push(
      "spec.deployment.userMetadata is the VVP 2 operator's field and is not used: write spec.deployment.metadata instead",
    );
  }
  return warnings;
}

/**
 * Paths where initFields sets a value that spec.deployment also sets. Creation
 * deep-merges initFields under spec.deployment (spec.deployment wins), so a leaf of
 * initFields meeting any value of spec.deployment is overridden.
 */
function overlappingLeaves(
  initFields: unknown,
  deployment: unknown,
  path: readonly string[],
): string[][] {
  if (!isJsonObject(initFields) || !isJsonObject(deployment)) return [[...path]];
  return Object.keys(initFields).flatMap((key) =>
    Object.hasOwn(deployment, key) && deployment[key] !== undefined
      ? overlappingLeaves(initFields[key], deployment[key], [...path, key])
      : [],
  );
}
