// The seed (vvpdeployment-cr-reference) and domain.md §3/§4/§5, rule by rule,
// with the tests that fail when the rule breaks. Each row names a test file
// and a literal part of a test's name in it; this suite fails when a guard is
// renamed or removed, so the table cannot silently rot.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Row = readonly [rule: string, file: string, testName: string];

const SEED: readonly Row[] = [
  // CR Structure
  [
    "apiVersion ververica.platform/v1, kind VvpDeployment",
    "test/crd/crd.test.ts",
    "names the resource as the seed uses it",
  ],
  [
    "the seed's CR structure parses unchanged",
    "test/models/parse.test.ts",
    "parses the seed's %s example without change",
  ],
  [
    "namespace must be in watchedNamespaces",
    "test/validation/validate.test.ts",
    "rejects a namespace outside watchedNamespaces, and accepts one inside",
  ],
  [
    "owner label: must match the operator's instanceId",
    "test/validation/validate.test.ts",
    "rejects an owner label naming another instance",
  ],
  [
    "owner label is required; webhook rejects it missing",
    "test/validation/validate.test.ts",
    "requires the owner label and names the instance to write",
  ],
  [
    "owner label: the webhook (AdmissionReview) applies the rule",
    "test/validation/admission-review.test.ts",
    "passes the options on: watched namespaces and API-key validation",
  ],
  [
    "owner label: another instance's CR is not reconciled",
    "test/reconcile/reconcile.test.ts",
    "a CR of another instance gets an empty plan",
  ],
  [
    "apikeySecretName: Secret containing the API token",
    "test/validation/validate.test.ts",
    "requires apikeySecretName unless API-key validation is off",
  ],
  [
    "status: managed by the operator — do not set manually",
    "test/seed/status-fields.test.ts",
    "status fields are managed exclusively by the operator",
  ],
  [
    "status: a subresource, not writable through the CR",
    "test/seed/status-fields.test.ts",
    "the status is a subresource",
  ],
  // Operator-specific spec fields
  [
    "spec.deployment mirrors VVP; all standard VVP fields supported",
    "test/models/parse.test.ts",
    "keeps VVP fields the models do not know",
  ],
  [
    "all standard VVP fields reach VVP",
    "test/seed/syncing-modes.test.ts",
    "a VVP field the models do not name passes through parse into the",
  ],
  [
    "syncingMode: Required",
    "test/validation/validate.test.ts",
    "removing %s reports exactly that field",
  ],
  [
    "syncingMode: PATCH or PUT",
    "test/validation/validate.test.ts",
    "rejects %s = %s as not supported",
  ],
  [
    "PATCH: sends only the fields present in the CR",
    "test/seed/syncing-modes.test.ts",
    "PATCH sends only the fields present in the CR",
  ],
  [
    "PATCH: body is the CR's fields (unit)",
    "test/projection/projection.test.ts",
    "is exactly the fields present in spec.deployment plus the operator marks",
  ],
  [
    "PATCH: VVP preserves its defaults for omitted fields",
    "test/seed/syncing-modes.test.ts",
    "in PATCH mode VVP preserves its defaults and the initFields values after an update",
  ],
  [
    "PUT: sends the full deployment definition",
    "test/seed/syncing-modes.test.ts",
    "PUT sends the full deployment definition",
  ],
  [
    "PUT: omitted fields are reset",
    "test/seed/syncing-modes.test.ts",
    "in PUT mode omitted fields are reset",
  ],
  [
    "PUT: a removed field is always sent (new generation)",
    "test/reconcile/reconcile.test.ts",
    "PUT mode always sends the PUT on a new generation",
  ],
  [
    "PUT: requires additional mandatory fields",
    "test/validation/validate.test.ts",
    "removing %s in PUT mode reports exactly that field",
  ],
  [
    "switch modes at any time by updating the CR",
    "test/validation/validate.test.ts",
    "changing %s passes",
  ],
  [
    "switch to PUT: PUT's fields then apply",
    "test/validation/validate.test.ts",
    "applies when a PATCH CR switches to PUT",
  ],
  [
    "the new mode takes effect on the next spec change",
    "test/seed/syncing-modes.test.ts",
    "the next spec change is sent with",
  ],
  [
    "initFields: optional, PATCH mode, during creation only",
    "test/seed/syncing-modes.test.ts",
    "initFields are merged into the deployment body during creation (PATCH mode)",
  ],
  [
    "initFields: merged into the create body (unit)",
    "test/projection/projection.test.ts",
    "are deep-merged on create in PATCH mode",
  ],
  [
    "initFields: ignored for PUT",
    "test/seed/syncing-modes.test.ts",
    "initFields are ignored for PUT, even on creation",
  ],
  [
    "initFields: ignored for PUT (webhook warns)",
    "test/validation/validate.test.ts",
    "warns that initFields is ignored in PUT mode",
  ],
  [
    "initFields: never in any subsequent update, regardless of mode",
    "test/seed/syncing-modes.test.ts",
    "initFields are never included in any subsequent update, regardless of syncing mode",
  ],
  [
    "initFields: VVP manages the values after creation",
    "test/seed/syncing-modes.test.ts",
    "after a switch to PUT, VVP no longer keeps what only initFields set",
  ],
  [
    "initFields: the structure is the same as spec.deployment",
    "test/seed/validation.test.ts",
    "initFields has the structure of spec.deployment",
  ],
  // Nonces
  [
    "nonce: change to any different non-null number triggers",
    "test/seed/nonces.test.ts",
    "to a different non-null number triggers",
  ],
  [
    "savepointNonce creates a savepoint for the running job",
    "test/execution/stories.test.ts",
    "after recovery exactly one savepoint exists for it",
  ],
  [
    "restartNonce restarts the running job",
    "test/execution/stories.test.ts",
    "a restartNonce starts a new job once, via the template annotation",
  ],
  [
    "equality comparison: any change (incl. decrements) triggers",
    "test/seed/nonces.test.ts",
    "decrement triggers (equality comparison)",
  ],
  [
    "equality comparison: any change, property",
    "test/seed/nonces.test.ts",
    "change triggers exactly once while the job runs (property)",
  ],
  [
    "equality comparison after a blocked value",
    "test/seed/nonce-corner-cases.test.ts",
    "(blocked) → 1 triggers the operation again (equality comparison)",
  ],
  [
    "any non-null value (incl. 0) triggers: no nonce history",
    "test/seed/nonces.test.ts",
    "0 triggers on a CR that never processed a nonce",
  ],
  [
    "0 on a fresh CR: processed on the create cycle, blocked while no job runs (decision)",
    "test/seed/nonce-corner-cases.test.ts",
    "0 on a fresh CR is processed on the create cycle: blocked and consumed, not run later",
  ],
  ["set to null to disable", "test/seed/nonces.test.ts", "null disables the operation"],
  [
    "job not RUNNING: the operation is blocked, NonceAligned reflects it",
    "test/seed/nonces.test.ts",
    "processed while the job is not RUNNING is blocked",
  ],
  [
    "apply a new value after the job returns to RUNNING to retry",
    "test/seed/nonces.test.ts",
    "value applied after the job returns to RUNNING retries",
  ],
  [
    "blocked nonce is consumed; reverting does not re-trigger",
    "test/seed/nonces.test.ts",
    "is consumed: reverting to the same value does not re-trigger",
  ],
  [
    "blocked while an Autopilot scaling operation is in progress",
    "test/seed/nonces.test.ts",
    "is blocked while an Autopilot scaling operation is in progress",
  ],
  [
    "a nonce value never triggers twice",
    "test/reconcile/properties.test.ts",
    "whatever happens between",
  ],
  // Field constraints
  [
    "immutable: metadata.name, metadata.namespace, deploymentTargetName",
    "test/validation/validate.test.ts",
    "changing %s is rejected with its path",
  ],
  [
    "immutable without the webhook (CRD transition rules)",
    "test/crd/cel-rules.test.ts",
    "names the value to restore when an immutable field changes",
  ],
  [
    "required in all modes (webhook)",
    "test/validation/validate.test.ts",
    "removing %s reports exactly that field",
  ],
  [
    "required in all modes (CRD schema)",
    "test/crd/structural.test.ts",
    "lists the seed's all-mode required fields in `required`",
  ],
  [
    "artifact with kind and the kind-specific fields",
    "test/validation/validate.test.ts",
    "%s without its %s reports that field",
  ],
  [
    "supported artifact kinds: JAR, SQLSCRIPT, PYTHON",
    "test/validation/validate.test.ts",
    "rejects an unknown kind and a missing kind, listing the supported ones",
  ],
  [
    "PUT: maxSavepoint/maxJobCreationAttempts, template.metadata, logging(3)",
    "test/validation/validate.test.ts",
    "removing %s in PUT mode reports exactly that field",
  ],
  [
    "PATCH: VVP provides defaults for the PUT fields",
    "test/validation/validate.test.ts",
    "removing %s in PATCH mode passes",
  ],
  [
    "template.metadata can be empty but must be present",
    "test/validation/validate.test.ts",
    "accepts an empty template.metadata",
  ],
  [
    "numberOfTaskManagers or parallelism, at least one",
    "test/validation/validate.test.ts",
    "needs numberOfTaskManagers or parallelism",
  ],
  [
    "the CRD and the webhook agree on every rule",
    "test/crd/agreement.test.ts",
    "covers admitted and denied objects",
  ],
  // Status fields
  [
    "deploymentId: VVP UUID assigned on first reconcile",
    "test/seed/status-fields.test.ts",
    "deploymentId is the VVP deployment UUID",
  ],
  [
    "observedGeneration mirrors metadata.generation",
    "test/seed/status-fields.test.ts",
    "observedGeneration mirrors metadata.generation at the end of a cycle",
  ],
  [
    "syncEnabled: true under normal operation",
    "test/seed/status-fields.test.ts",
    "syncEnabled is true under normal operation",
  ],
  [
    "observedSpecState: the desired state from the CR spec",
    "test/seed/status-fields.test.ts",
    "observedSpecState is the desired state from the CR spec",
  ],
  [
    "actualState: as reported by VVP (6 states)",
    "test/seed/status-fields.test.ts",
    "actualState is the state VVP reports",
  ],
  [
    "vvpNamespace: from spec.deployment.metadata.namespace",
    "test/seed/status-fields.test.ts",
    "vvpNamespace is the VVP namespace of API calls",
  ],
  [
    "instanceId: the operator instance managing the CR",
    "test/seed/status-fields.test.ts",
    "instanceId is the operator instance managing the CR",
  ],
  [
    "lastProcessed*: last value successfully submitted",
    "test/seed/nonces.test.ts",
    "value successfully submitted`, () => {",
  ],
  [
    "VVP's state is authoritative: steady state writes nothing",
    "test/reconcile/steady-state.test.ts",
    "is silent in the steady state, with the status written by hand",
  ],
  // Conditions
  [
    "conditions: type, status, reason, message, lastTransitionTime",
    "test/conditions/conditions.test.ts",
    "lastTransitionTime is kept while the status does not change",
  ],
  [
    "Healthy True AllConditionsMet",
    "test/seed/conditions.test.ts",
    "Healthy is True AllConditionsMet when every other condition is in its healthy state",
  ],
  [
    "Healthy False (propagated): single failure's reason, message",
    "test/seed/conditions.test.ts",
    "a single failing sub-condition (%s %s) is propagated",
  ],
  [
    "Healthy False SubConditionsFailing: message lists all",
    "test/seed/conditions.test.ts",
    "several failing sub-conditions give SubConditionsFailing",
  ],
  [
    "Healthy: True exactly when all sub-conditions healthy",
    "test/reconcile/properties.test.ts",
    "Healthy is True exactly when every sub-condition is healthy",
  ],
  ["Consistent True RecordIntact", "test/reconcile/condition-tables.test.ts", "True RecordIntact"],
  [
    "Consistent False AppManagerRecordNotFound",
    "test/reconcile/condition-tables.test.ts",
    "False AppManagerRecordNotFound",
  ],
  [
    "Consistent False DBRecordMissing",
    "test/reconcile/condition-tables.test.ts",
    "False DBRecordMissing",
  ],
  [
    "Consistent False ResourceDeleted",
    "test/reconcile/condition-tables.test.ts",
    "False ResourceDeleted",
  ],
  [
    "Consistent False AppManagerCreateFailed, VVP's message",
    "test/reconcile/condition-tables.test.ts",
    "False AppManagerCreateFailed: the create failed, with VVP's message",
  ],
  [
    "AppManagerCreateFailed against VVP",
    "test/execution/stories.test.ts",
    "a 400 on create gives AppManagerCreateFailed with VVP's message",
  ],
  [
    "SpecAligned True ConfigUpdated",
    "test/reconcile/condition-tables.test.ts",
    "True ConfigUpdated",
  ],
  [
    "SpecAligned True SpecUnchanged",
    "test/reconcile/condition-tables.test.ts",
    "True SpecUnchanged",
  ],
  [
    "SpecAligned False StateProjectionSuppressedAutopilot",
    "test/reconcile/condition-tables.test.ts",
    "False StateProjectionSuppressedAutopilot",
  ],
  [
    "StateProjectionSuppressedAutopilot resolves when scaling completes",
    "test/seed/conditions.test.ts",
    "StateProjectionSuppressedAutopilot resolves automatically when scaling completes",
  ],
  [
    "StateProjectionSuppressedAutopilot resolves when scaling completes (against the simulator's run)",
    "test/execution/stories.test.ts",
    "a state the author sets during a scaling run is sent once the run ends",
  ],
  [
    "SpecAligned: VVP holds what the last projection sent (a late write is undone)",
    "test/execution/stories.test.ts",
    "a timed-out write that VVP applies after a newer one is re-projected, then nothing is sent",
  ],
  [
    "observedSpecState is the desired state from the CR spec, projected or not",
    "test/reconcile/autopilot-deferral.test.ts",
    "stays while the change waits for a scaling run, although observedSpecState follows the CR",
  ],
  [
    "SpecAligned False SyncDisabled: recorded, not projected",
    "test/reconcile/condition-tables.test.ts",
    "False SyncDisabled",
  ],
  [
    "NonceAligned True NoncesProcessed (processed)",
    "test/reconcile/condition-tables.test.ts",
    "True NoncesProcessed: all nonce operations processed",
  ],
  [
    "NonceAligned True NoncesProcessed (none requested)",
    "test/reconcile/condition-tables.test.ts",
    "True NoncesProcessed: none requested",
  ],
  [
    "NonceAligned False SavepointBlocked",
    "test/reconcile/condition-tables.test.ts",
    "False SavepointBlocked: the job is not RUNNING",
  ],
  [
    "NonceAligned False RestartBlocked",
    "test/reconcile/condition-tables.test.ts",
    "False RestartBlocked",
  ],
  [
    "ParallelismAligned True Aligned (four cases)",
    "test/conditions/conditions.test.ts",
    "ParallelismAligned (seed table)",
  ],
  [
    "ParallelismAligned False AutopilotManaged",
    "test/reconcile/condition-tables.test.ts",
    "False AutopilotManaged",
  ],
  [
    "ParallelismAligned auto-heals, no CR update needed",
    "test/seed/conditions.test.ts",
    "ParallelismAligned follows VVP's parallelism on every cycle, with no CR update and no action",
  ],
  [
    "ParallelismAligned True when the CR specifies no parallelism",
    "test/seed/conditions.test.ts",
    "ParallelismAligned is True when the CR does not specify parallelism",
  ],
  [
    "DeletionBlocked True DeploymentStillActive (RUNNING/TRANSITIONING)",
    "test/seed/conditions.test.ts",
    "DeletionBlocked True DeploymentStillActive while the deployment is %s",
  ],
  [
    "DeletionBlocked healthy when False",
    "test/seed/conditions.test.ts",
    "DeletionBlocked False is healthy",
  ],
  [
    "DeletionBlocked healthy when absent",
    "test/seed/conditions.test.ts",
    "DeletionBlocked absent is healthy",
  ],
  [
    "Delete a Deployment: set CANCELLED first, then the CR goes",
    "test/execution/stories.test.ts",
    "deletion waits while RUNNING, proceeds once cancelled",
  ],
  // Printer columns and examples
  [
    "kubectl get: default columns and the sample row",
    "test/seed/status-fields.test.ts",
    "kubectl get shows the sample row",
  ],
  [
    "kubectl get -o wide: four more columns",
    "test/seed/status-fields.test.ts",
    "-o wide adds CONSISTENT, SPECALIGNED, PARALLELISMALIGNED, DELETIONBLOCKED",
  ],
  [
    "CRD printer columns, priorities",
    "test/crd/crd.test.ts",
    "has the seed's seven default columns and four -o wide columns",
  ],
  [
    "examples assume API key authentication",
    "test/seed/validation.test.ts",
    "example without apikeySecretName is rejected unless webhook.apiKeyValidation is disabled",
  ],
  [
    "minimal PATCH/PUT examples are valid",
    "test/validation/validate.test.ts",
    "%s validates with no errors and no warnings",
  ],
  [
    "minimal examples pass the CRD schema unchanged",
    "test/crd/generated.test.ts",
    "admits the seed's %s example unchanged",
  ],
];

const DOMAIN: readonly Row[] = [
  // §3 decisions
  [
    "change detection: observedGeneration mirrors the generation every cycle; a refused projection is retried from the record",
    "test/reconcile/reconcile.test.ts",
    "observedGeneration mirrors the generation after a refused projection",
  ],
  [
    "create is POST in both modes; update PATCH/PUT",
    "test/projection/projection.test.ts",
    "projectDeployment: methods",
  ],
  [
    "update with the mode's method",
    "test/reconcile/reconcile.test.ts",
    "is projected with the mode's method",
  ],
  [
    "state drift re-projected with the mode's body",
    "test/reconcile/reconcile.test.ts",
    "state drift in %s mode is re-projected with the normal body",
  ],
  [
    "projection failure: SpecAligned False ProjectionFailed",
    "test/reconcile/condition-tables.test.ts",
    "SpecAligned False ProjectionFailed (ours) with VVP's message",
  ],
  [
    "operator marks: owner label and cr-uid annotation",
    "test/projection/projection.test.ts",
    "uses the CR uid, or namespace/name for a CR without uid",
  ],
  [
    "nonce fires when non-null and != lastConsumed",
    "test/nonces/nonces.test.ts",
    "nonce equality semantics (decision table)",
  ],
  [
    "blocked when job/desired state not RUNNING or scaling",
    "test/nonces/nonces.test.ts",
    "blocked when %s",
  ],
  [
    "transient error does not consume a nonce",
    "test/reconcile/reconcile.test.ts",
    "a transient trigger failure does not consume the nonce",
  ],
  [
    "4xx consumes a nonce like a block",
    "test/reconcile/reconcile.test.ts",
    "a 4xx trigger failure consumes the nonce like a block",
  ],
  [
    "restart = PATCH of the template annotation",
    "test/nonces/nonces.test.ts",
    "the restart body patches only the template annotation",
  ],
  [
    "PUT body carries the restart annotation",
    "test/projection/projection.test.ts",
    "carries the restart-nonce annotation from lastProcessedTriggerNonce",
  ],
  [
    "order: savepoint, restart, projection",
    "test/reconcile/reconcile.test.ts",
    "order: savepoint, then restart, then projection",
  ],
  [
    "exactly once across a crash (savepoint evidence)",
    "test/nonces/nonces.test.ts",
    "a savepoint already carrying this CR's uid and nonce means done",
  ],
  [
    "exactly once across a crash (restart evidence)",
    "test/nonces/nonces.test.ts",
    "a restart is done when the template annotation already equals",
  ],
  ["adopt a lost create", "test/reconcile/reconcile.test.ts", "a lost create answer is adopted"],
  [
    "adopt a lost create against VVP",
    "test/execution/stories.test.ts",
    "a timeout on a create that VVP carried out is adopted, not duplicated",
  ],
  [
    "foreign deployment: AppManagerCreateFailed, nothing sent",
    "test/reconcile/condition-tables.test.ts",
    "a deployment of that name exists and is not ours",
  ],
  [
    "create retried after 5xx/timeout with backoff",
    "test/reconcile/reconcile.test.ts",
    "a 5xx or timeout create is retried with a growing backoff",
  ],
  [
    "create after 4xx only once the spec changes",
    "test/reconcile/reconcile.test.ts",
    "a 4xx create is not retried until the spec changes",
  ],
  [
    "Creating (Unknown) until created",
    "test/reconcile/reconcile.test.ts",
    "a create not yet run is Consistent Unknown Creating",
  ],
  [
    "ParallelismAligned False only ACTIVE, both known, differ",
    "test/conditions/conditions.test.ts",
    "ParallelismAligned (seed table)",
  ],
  [
    "finalizer added before the VVP deployment is created",
    "test/reconcile/reconcile.test.ts",
    "adds the finalizer before creating",
  ],
  [
    "deletion: blocked while RUNNING/TRANSITIONING",
    "test/reconcile/deletion.test.ts",
    "the deletion sequence",
  ],
  [
    "deletion: cancel, delete (404 gone), drop record, finalizer",
    "test/reconcile/deletion.test.ts",
    "a DELETE answered 404 counts as gone",
  ],
  [
    "deletion: nothing left → finalizer at once",
    "test/reconcile/deletion.test.ts",
    "when nothing is left in VVP or the store, the finalizer goes at once",
  ],
  [
    "lastTransitionTime changes only with status",
    "test/conditions/conditions.test.ts",
    "lastTransitionTime changes when the status changes",
  ],
  [
    "condition order; DeletionBlocked only while deleting",
    "test/conditions/conditions.test.ts",
    "keeps the fixed order, DeletionBlocked last and only while deleting",
  ],
  [
    "an Unknown sub-condition counts as failing",
    "test/conditions/conditions.test.ts",
    "an Unknown sub-condition counts as failing",
  ],
  [
    "events: warn when a condition first turns unhealthy",
    "test/conditions/conditions.test.ts",
    "newlyUnhealthy: warnings only when a condition first turns unhealthy",
  ],
  [
    "events: warn on every blocked nonce",
    "test/reconcile/reconcile.test.ts",
    "a blocked nonce warns every time a value is blocked",
  ],
  [
    "ownership: another instance's CR gets an empty plan",
    "test/reconcile/reconcile.test.ts",
    "a CR of another instance gets an empty plan, skipped NotOwned, and no status write",
  ],
  [
    "steady state is silent (both examples, both modes)",
    "test/reconcile/steady-state.test.ts",
    "a fresh CR converges: created, then the next reconcile is silent",
  ],
  [
    "Autopilot: the state last projected means sent and accepted",
    "test/reconcile/autopilot-deferral.test.ts",
    "stays when the projection fails or is not run",
  ],
  [
    "drift: VVP's defaults are not drift in PATCH mode",
    "test/reconcile/drift.test.ts",
    "PATCH: fields VVP fills with its defaults, extra map keys and its bookkeeping are not drift",
  ],
  [
    "drift: PUT mode compares what the body sends, and labels/annotations exactly",
    "test/reconcile/drift.test.ts",
    "PUT: spec fields VVP defaults are not drift; a label or annotation the body lacks is",
  ],
  [
    "drift: a field VVP does not keep is not re-projected in a loop",
    "test/reconcile/drift.test.ts",
    "is re-projected once, then reported instead of sent in a loop",
  ],
  [
    "blocked nonce: consumed, reported until a new value, from a status record",
    "test/conditions/nonce-aligned.test.ts",
    "the block is recorded with its cause, and later cycles report it from that record",
  ],
  // §4 validation
  ["all errors at once", "test/validation/validate.test.ts", "reports every problem at once"],
  ["enums and nonce types", "test/validation/validate.test.ts", "enums and nonces"],
  [
    "warnings: initFields overlap, userMetadata",
    "test/validation/validate.test.ts",
    "names each initFields leaf that spec.deployment overrides",
  ],
  [
    "every CEL rule evaluated",
    "test/crd/cel-rules.test.ts",
    "has cases for every rule, and no cases for a rule that no longer exists",
  ],
  // §5 printer columns
  [
    "printer column values from the status",
    "test/reconcile/printer-columns.test.ts",
    "shows the seed's default and wide columns from the status",
  ],
];

function fileText(file: string): string {
  return readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
}

describe.each([
  ["the seed", SEED],
  ["domain.md §3–§5", DOMAIN],
] as const)("traceability of %s", (_source, rows) => {
  it.each(rows)("%s → %s", (_rule, file, testName) => {
    expect(fileText(file)).toContain(testName);
  });
});
