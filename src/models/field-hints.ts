// Messages that say what to write. zod reports "Required value" and its own
// wording; these turn the common cases into the field's purpose and an
// example, the same for the parser and the webhook.

import { describeValue, type FieldError, valueAt } from "./field-error.js";
import { ARTIFACT_KINDS, ARTIFACT_REQUIRED_FIELD } from "./vvp-deployment-body.js";

const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  metadata: "Required value: name, labels and annotations of the resource",
  spec: "Required value: syncingMode and deployment",
  "spec.deployment": "Required value: the VVP deployment, with metadata and spec",
  "spec.deployment.metadata": "Required value: name and namespace of the VVP deployment",
  "spec.deployment.metadata.name": "Required value: the VVP deployment name, e.g. my-deployment",
  "spec.deployment.metadata.namespace": "Required value: the VVP namespace, e.g. default",
  "spec.deployment.spec": "Required value: deploymentTargetName and template",
  "spec.deployment.spec.deploymentTargetName":
    "Required value: the VVP deployment target, e.g. default",
  "spec.deployment.spec.template": "Required value: a template with spec.artifact",
  "spec.deployment.spec.template.spec": "Required value: artifact and engineVersionName",
  "spec.deployment.spec.template.spec.artifact": `Required value: an artifact with kind ${ARTIFACT_KINDS.join(", ")} and its ${ARTIFACT_KINDS.map((kind) => ARTIFACT_REQUIRED_FIELD[kind]).join(" / ")}`,
  "spec.deployment.spec.template.spec.engineVersionName":
    "Required value: a VERA engine version, e.g. vera-4.1-flink-1.20",
};

// Keyed by the field's last segment so they apply in spec.initFields too.
const ARTIFACT_FIELD_HINTS: Readonly<Record<string, string>> = {
  jarUri: "Required value for kind JAR: the jar's URI, e.g. s3://my-bucket/MyJob.jar",
  sqlScript: "Required value for kind SQLSCRIPT: the SQL statements to run",
  pythonArtifactUri: "Required value for kind PYTHON: the script's URI, e.g. s3://my-bucket/job.py",
};

const NONCE_FIELDS = ["savepointNonce", "restartNonce"] as const;

/** A schema error of a CR with a message that says what to write, when there is one. */
export function explainFieldError(error: FieldError, object: unknown): FieldError {
  if (error.reason === "FieldValueRequired" && error.message === "Required value") {
    const hint = REQUIRED_HINTS[error.field] ?? artifactFieldHint(error.field);
    return hint === undefined ? error : { ...error, message: hint };
  }
  const nonce = NONCE_FIELDS.find((name) => error.field === `spec.${name}`);
  if (nonce !== undefined) {
    const value = valueAt(object, ["spec", nonce]);
    // An integer beyond 2^53 is a range problem: zod's message already says so.
    if (Number.isInteger(value)) return error;
    return {
      ...error,
      message: `must be an integer, or null to disable, not ${describeValue(value)}`,
    };
  }
  return error;
}

function artifactFieldHint(field: string): string | undefined {
  const match = /\.artifact\.(\w+)$/.exec(field);
  return match?.[1] === undefined ? undefined : ARTIFACT_FIELD_HINTS[match[1]];
}
