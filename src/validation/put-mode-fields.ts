import type { FieldError } from "../models/index.js";
import { isJsonObject, valueAt } from "./paths.js";

const DEPLOYMENT_SPEC = "spec.deployment.spec";
const TEMPLATE_SPEC = `${DEPLOYMENT_SPEC}.template.spec`;
const LOGGING = `${TEMPLATE_SPEC}.logging`;

/** The fields PUT mode requires on top of the all-mode ones, with what to write for each. */
export const PUT_MODE_FIELDS = {
  maxSavepointCreationAttempts: `${DEPLOYMENT_SPEC}.maxSavepointCreationAttempts`,
  maxJobCreationAttempts: `${DEPLOYMENT_SPEC}.maxJobCreationAttempts`,
  templateMetadata: `${DEPLOYMENT_SPEC}.template.metadata`,
  logging: LOGGING,
  loggingProfile: `${LOGGING}.loggingProfile`,
  log4jLoggers: `${LOGGING}.log4jLoggers`,
  logReservePolicy: `${LOGGING}.logReservePolicy`,
  // Either numberOfTaskManagers or parallelism: the error names parallelism, the common one.
  parallelism: `${TEMPLATE_SPEC}.parallelism`,
} as const;

function required(field: string, message: string): FieldError {
  return { field, reason: "FieldValueRequired", message };
}

/**
 * PUT replaces the whole VVP deployment, so the fields VVP would otherwise
 * default must be written out (the seed's "Additional Required Fields").
 * Fields under a parent that is missing or not an object are left to the
 * schema's error on that parent.
 */
export function putModeFieldErrors(object: unknown): FieldError[] {
  if (valueAt(object, ["spec", "syncingMode"]) !== "PUT") return [];
  const deploymentSpec = valueAt(object, ["spec", "deployment", "spec"]);
  if (!isJsonObject(deploymentSpec)) return [];
  const errors: FieldError[] = [];
  if (deploymentSpec.maxSavepointCreationAttempts === undefined) {
    errors.push(
      required(PUT_MODE_FIELDS.maxSavepointCreationAttempts, "Required value in PUT mode, e.g. 3"),
    );
  }
  if (deploymentSpec.maxJobCreationAttempts === undefined) {
    errors.push(
      required(PUT_MODE_FIELDS.maxJobCreationAttempts, "Required value in PUT mode, e.g. 3"),
    );
  }
  const template = deploymentSpec.template;
  if (!isJsonObject(template)) return errors;
  if (template.metadata === undefined) {
    errors.push(
      required(PUT_MODE_FIELDS.templateMetadata, "Required value in PUT mode: write metadata: {}"),
    );
  }
  const templateSpec = template.spec;
  if (!isJsonObject(templateSpec)) return errors;
  errors.push(...loggingErrors(templateSpec.logging));
  if (templateSpec.numberOfTaskManagers === undefined && templateSpec.parallelism === undefined) {
    errors.push(
      required(
        PUT_MODE_FIELDS.parallelism,
        "numberOfTaskManagers or parallelism is required in PUT mode",
      ),
    );
  }
  return errors;
}

function loggingErrors(logging: unknown): FieldError[] {
  if (logging === undefined) {
    return [
      required(
        PUT_MODE_FIELDS.logging,
        "Required value in PUT mode: loggingProfile, log4jLoggers and logReservePolicy",
      ),
    ];
  }
  if (!isJsonObject(logging)) return [];
  const errors: FieldError[] = [];
  if (logging.loggingProfile === undefined) {
    errors.push(
      required(PUT_MODE_FIELDS.loggingProfile, "Required value in PUT mode, e.g. default"),
    );
  }
  if (logging.log4jLoggers === undefined) {
    errors.push(
      required(PUT_MODE_FIELDS.log4jLoggers, 'Required value in PUT mode, e.g. {"": INFO}'),
    );
  }
  if (logging.logReservePolicy === undefined) {
    errors.push(
      required(
        PUT_MODE_FIELDS.logReservePolicy,
        "Required value in PUT mode, e.g. {openHistory: true, expirationDays: 7}",
      ),
    );
  }
  return errors;
}
