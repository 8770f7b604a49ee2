import {
  DEPLOYMENT_NAME_PATTERN,
  type DeploymentBody,
  DeploymentBodySchema,
  fieldErrorsFromZod,
} from "../models/index.js";
import { SimulatorError } from "./errors.js";
import type { SimulatorConfig } from "./state.js";

/** A deployment body that passed VVP-side validation. */
export type ValidDeploymentBody = DeploymentBody & {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
};

/** Checks a deployment name as VVP does (a DNS-1123 label); throws a 400 naming the field. */
export function assertDeploymentName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "") {
    throw new SimulatorError(400, "metadata.name: Required value: a deployment needs a name");
  }
  if (name.length > 63 || !DEPLOYMENT_NAME_PATTERN.test(name)) {
    throw new SimulatorError(
      400,
      `metadata.name: Invalid value ${JSON.stringify(name)}: a deployment name must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 63 characters`,
    );
  }
}

function assertPositive(value: number | undefined, field: string): void {
  if (value !== undefined && value < 1) {
    throw new SimulatorError(400, `${field}: Invalid value ${value}: must be at least 1`);
  }
}

/**
 * The Application Manager's own checks of a deployment about to be stored
 * (after create defaults, a merge patch or a PUT): shape, known deployment
 * target, known engine version. Throws a 400 whose message names the field.
 */
export function validateDeployment(
  candidate: unknown,
  config: SimulatorConfig,
): ValidDeploymentBody {
  const name = (candidate as { metadata?: { name?: unknown } }).metadata?.name;
  assertDeploymentName(name);
  const parsed = DeploymentBodySchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = fieldErrorsFromZod(parsed.error.issues, candidate).map(
      (error) => `${error.field}: ${error.message}`,
    );
    throw new SimulatorError(400, `Invalid deployment: ${problems.join("; ")}`);
  }
  const body = parsed.data;
  const target = body.spec.deploymentTargetName;
  if (!config.deploymentTargets.includes(target)) {
    throw new SimulatorError(
      400,
      `spec.deploymentTargetName: deployment target ${JSON.stringify(target)} does not exist (known: ${config.deploymentTargets.join(", ")})`,
    );
  }
  const engine = body.spec.template.spec.engineVersionName;
  if (!config.engineVersions.includes(engine)) {
    throw new SimulatorError(
      400,
      `spec.template.spec.engineVersionName: unknown engine version ${JSON.stringify(engine)} (available: ${config.engineVersions.join(", ")})`,
    );
  }
  assertPositive(body.spec.template.spec.parallelism, "spec.template.spec.parallelism");
  assertPositive(
    body.spec.template.spec.numberOfTaskManagers,
    "spec.template.spec.numberOfTaskManagers",
  );
  return {
    ...body,
    metadata: {
      ...body.metadata,
      labels: body.metadata.labels ?? {},
      annotations: body.metadata.annotations ?? {},
    },
  };
}
