// Descriptions shown by `kubectl explain` and by editors. The models cannot
// carry them (zod `.describe()` lives in src/models, which this folder does
// not own), so they are kept here, keyed by schema path, and applied to both
// the CRD and the JSON Schema. Text follows the seed's CR reference.
// Path syntax: dotted property names, `*` for a map's values, `[]` for items.

import { type SchemaNodeLike, schemaNodesAt } from "./schema-path.js";

/** Schema path → description, applied wherever the path exists. */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  "": "VvpDeployment runs an Apache Flink deployment on Ververica Platform and keeps it in sync with this resource.",
  spec: "The desired Ververica Platform deployment and how the operator projects it.",
  "spec.syncingMode":
    "How the operator projects spec changes to Ververica Platform. PATCH sends only the fields present in the CR (Ververica Platform keeps its defaults for omitted fields); PUT sends the full deployment definition, resets omitted fields and requires additional fields. Switching takes effect on the next spec change.",
  "spec.deployment":
    "The Ververica Platform deployment definition (metadata, spec). Every standard Ververica Platform deployment field is supported.",
  "spec.deployment.metadata": "Deployment identity: name and Ververica Platform namespace.",
  "spec.deployment.metadata.name":
    "Name of the Ververica Platform deployment (a DNS-1123 label). Immutable after creation.",
  "spec.deployment.metadata.namespace":
    "Ververica Platform namespace used for API calls. Immutable after creation.",
  "spec.deployment.spec": "Deployment configuration (state, template, and so on).",
  "spec.deployment.spec.state": "Desired state: RUNNING, CANCELLED or SUSPENDED.",
  "spec.deployment.spec.deploymentTargetName":
    "Ververica Platform deployment target. Immutable after creation.",
  "spec.deployment.spec.maxSavepointCreationAttempts": "Required in PUT mode.",
  "spec.deployment.spec.maxJobCreationAttempts": "Required in PUT mode.",
  "spec.deployment.spec.template.metadata": "Required in PUT mode; may be empty (metadata: {}).",
  "spec.deployment.spec.template.spec.artifact":
    "The job artifact. kind JAR requires jarUri, SQLSCRIPT requires sqlScript, PYTHON requires pythonArtifactUri.",
  "spec.deployment.spec.template.spec.artifact.kind": "Artifact kind: JAR, SQLSCRIPT or PYTHON.",
  "spec.deployment.spec.template.spec.engineVersionName":
    "VERA engine build, for example vera-4.1-flink-1.20.",
  "spec.deployment.spec.template.spec.numberOfTaskManagers":
    "In PUT mode, numberOfTaskManagers or parallelism is required.",
  "spec.deployment.spec.template.spec.parallelism":
    "In PUT mode, numberOfTaskManagers or parallelism is required.",
  "spec.deployment.spec.template.spec.logging":
    "Required in PUT mode, with loggingProfile, log4jLoggers and logReservePolicy.",
  "spec.initFields":
    "Optional, PATCH mode only: fields merged into the deployment body at creation and never sent again. Same structure as spec.deployment; ignored in PUT mode.",
  "spec.savepointNonce":
    "Change to any different non-null integer to create a savepoint of the running job; null disables.",
  "spec.restartNonce":
    "Change to any different non-null integer to restart the running job; null disables.",
  status: "Managed by the operator; do not set manually.",
  "status.deploymentId":
    "The Ververica Platform deployment UUID, assigned when the CR is first reconciled.",
  "status.observedGeneration":
    "The metadata.generation whose spec was last projected to Ververica Platform.",
  "status.syncEnabled":
    "Whether the operator is actively projecting spec changes to Ververica Platform.",
  "status.observedSpecState": "The desired state from the CR spec.",
  "status.projectedSpecState":
    "The desired state last sent to Ververica Platform and accepted (ours); the Autopilot provider compares VVP's state with it.",
  "status.blockedSavepointNonce":
    "The blocked savepointNonce, its cause and detail, while the CR holds that value (ours).",
  "status.blockedTriggerNonce":
    "The blocked restartNonce, its cause and detail, while the CR holds that value (ours).",
  "status.reprojectedDrift":
    "Fields the last re-projection after drift sent; reported if Ververica Platform still differs (ours).",
  "status.actualState": "The deployment state as reported by Ververica Platform.",
  "status.vvpNamespace": "The Ververica Platform namespace used for API calls.",
  "status.instanceId": "The operator instance ID managing this CR.",
  "status.lastProcessedSavepointNonce": "The last savepointNonce value successfully submitted.",
  "status.lastProcessedTriggerNonce": "The last restartNonce value successfully submitted.",
  "status.lastConsumedSavepointNonce":
    "The last savepointNonce value acted on, whether triggered or blocked.",
  "status.lastConsumedTriggerNonce":
    "The last restartNonce value acted on, whether triggered or blocked.",
  "status.restartRounds":
    "How many restarts the operator submitted; numbers the next restart's token (ours).",
  "status.conditions":
    "Healthy, Consistent, SpecAligned, NonceAligned, ParallelismAligned and DeletionBlocked.",
};

/** Applies the description table; a key that reaches no node is a stale entry and stops generation. */
export function applyDescriptions<T extends { description?: string }>(root: T): T {
  for (const [path, description] of Object.entries(DESCRIPTIONS)) {
    const nodes = schemaNodesAt(root as SchemaNodeLike, path) as { description?: string }[];
    if (nodes.length === 0) throw new Error(`description for unknown schema path "${path}"`);
    for (const node of nodes) node.description = description;
  }
  return root;
}
