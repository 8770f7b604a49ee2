// The seed's "Field Constraints" as data: the webhook (src/validation), the
// CRD's CEL rules and the editor JSON Schema (src/crd) are all generated from
// these two lists, so they cannot drift apart.

/** The seed's "Immutable After Creation" fields, as key paths from the CR root. */
export const IMMUTABLE_FIELDS: readonly (readonly string[])[] = [
  ["spec", "deployment", "metadata", "name"],
  ["spec", "deployment", "metadata", "namespace"],
  ["spec", "deployment", "spec", "deploymentTargetName"],
];

/** One PUT-mode requirement: at least one of the alternative paths (siblings under one parent) must be present. */
export interface PutModeRequirement {
  /** Alternative field paths from the CR root; one present satisfies it; errors name the first. */
  anyOf: readonly (readonly string[])[];
  /** What the author should write, used in the error message. */
  hint: string;
}

const DEPLOYMENT_SPEC = ["spec", "deployment", "spec"] as const;
const TEMPLATE_SPEC = [...DEPLOYMENT_SPEC, "template", "spec"] as const;
const LOGGING = [...TEMPLATE_SPEC, "logging"] as const;

/** The seed's "Additional Required Fields (PUT Mode)". */
export const PUT_MODE_REQUIREMENTS: readonly PutModeRequirement[] = [
  {
    anyOf: [[...DEPLOYMENT_SPEC, "maxSavepointCreationAttempts"]],
    hint: "add maxSavepointCreationAttempts, e.g. maxSavepointCreationAttempts: 3",
  },
  {
    anyOf: [[...DEPLOYMENT_SPEC, "maxJobCreationAttempts"]],
    hint: "add maxJobCreationAttempts, e.g. maxJobCreationAttempts: 3",
  },
  {
    anyOf: [[...DEPLOYMENT_SPEC, "template", "metadata"]],
    hint: "add template.metadata; it may be empty: metadata: {}",
  },
  {
    anyOf: [[...TEMPLATE_SPEC, "logging"]],
    hint: "add logging with loggingProfile, log4jLoggers and logReservePolicy",
  },
  {
    anyOf: [[...LOGGING, "loggingProfile"]],
    hint: 'add logging.loggingProfile, e.g. loggingProfile: "default"',
  },
  {
    anyOf: [[...LOGGING, "log4jLoggers"]],
    hint: 'add logging.log4jLoggers, e.g. log4jLoggers: {"": INFO}',
  },
  {
    anyOf: [[...LOGGING, "logReservePolicy"]],
    hint: "add logging.logReservePolicy, e.g. logReservePolicy: {openHistory: true, expirationDays: 7}",
  },
  {
    // The error names parallelism (the first alternative), as the webhook does.
    anyOf: [
      [...TEMPLATE_SPEC, "parallelism"],
      [...TEMPLATE_SPEC, "numberOfTaskManagers"],
    ],
    hint: "add numberOfTaskManagers or parallelism (at least one), e.g. numberOfTaskManagers: 1",
  },
];
