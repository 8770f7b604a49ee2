import { FINALIZER } from "../models/index.js";
import {
  decideNonces,
  type NonceDecisions,
  type NonceInput,
  observedRestartAnnotation,
  restartPatchBody,
  savepointCreateBody,
} from "../nonces/index.js";
import {
  deploymentDifferences,
  type ProjectionMethod,
  projectDeployment,
  stateOnlyBody,
} from "../projection/index.js";
import { type Consistency, decideConsistency, isLinked } from "./consistency.js";
import type { Context } from "./context.js";
import type { PlanAction } from "./types.js";

/** What the cycle does about the spec. */
export type ProjectionDecision =
  /** Nothing sent. `pending`: a spec change waits (sync disabled, mapping broken). */
  | { kind: "none"; pending: boolean }
  /** Create the deployment (POST). */
  | { kind: "create" }
  /**
   * Send the body of the current mode: for a spec change, or because VVP no
   * longer holds what was projected (`drift`: the differing fields).
   */
  | {
      kind: "project";
      purpose: "Projection" | "StateDrift" | "SpecDrift";
      method: ProjectionMethod;
      drift?: readonly string[];
    }
  /**
   * VVP still differs in the fields the last drift re-projection sent: it
   * does not keep them as sent, so they are not sent again (ours).
   */
  | { kind: "unkept"; drift: readonly string[] }
  /**
   * An Autopilot scaling run is in progress: nothing sent. `pendingChange`: a
   * spec change waits for the run to complete (else only state drift was seen).
   */
  | { kind: "suppressed"; pendingChange: boolean };

/** The deletion sequence's situation. */
export interface DeletionDecision {
  /** The observed deployment is ours (mapped, or carrying our cr-uid). */
  ours: boolean;
  /** VVP's job is RUNNING or TRANSITIONING: nothing is done. */
  blocked: boolean;
  /** Sync is disabled and VVP still holds our deployment: nothing is written (ours). */
  waitsForSync: boolean;
}

/** Everything decided in one cycle; `compose` turns it into status, events and requeue. */
export interface Decision {
  context: Context;
  consistency: Consistency;
  nonces: NonceDecisions;
  projection: ProjectionDecision;
  /**
   * A spec change is owed to VVP: a generation not observed yet, or one whose
   * projection VVP has not accepted (`status.unprojectedGeneration`), whose
   * body VVP does not hold; without a generation, the body differs.
   */
  pendingChange: boolean;
  deletion: DeletionDecision | undefined;
  actions: PlanAction[];
}

/** Decides the actions of one cycle for an owned, structurally sound CR. */
export function decide(context: Context): Decision {
  return context.deleting ? decideDeletion(context) : decideLive(context);
}

function decideLive(context: Context): Decision {
  const actions: PlanAction[] = [];
  // The finalizer comes before anything exists in VVP, so nothing created
  // there can outlive the CR unnoticed.
  if (!context.hasFinalizer) actions.push({ type: "AddFinalizer", finalizer: FINALIZER });

  const consistency = decideConsistency(context);
  const linkedId = linkedDeploymentId(consistency);
  const creating = consistency.kind === "create";
  if (consistency.kind === "adopt") actions.push(saveMapping(context, consistency.deploymentId));
  if (creating && context.syncEnabled) actions.push(createDeployment(context));

  // Savepoint, then restart, then projection: a savepoint is taken of the
  // job as it runs before the spec change restarts it.
  const mayWrite = context.syncEnabled && (linkedId !== undefined || creating);
  const nonces = decideNonces(nonceInput(context, mayWrite, context.savepoints));
  const deploymentId = linkedId ?? "";
  actions.push(...nonceActions(context, nonces, deploymentId));

  if (creating) {
    const projection: ProjectionDecision = context.syncEnabled
      ? { kind: "create" }
      : { kind: "none", pending: true };
    return {
      context,
      consistency,
      nonces,
      projection,
      pendingChange: true,
      deletion: undefined,
      actions,
    };
  }
  const restart = restartAnnotationOption(nonces, context);
  const { projection, pendingChange } = decideUpdate(context, linkedId !== undefined, restart);
  if (projection.kind === "project") {
    actions.push(updateDeployment(context, projection, deploymentId, restart));
  }
  return { context, consistency, nonces, projection, pendingChange, deletion: undefined, actions };
}

// The deployment a linked mapping (intact or adopted) points to; undefined otherwise.
function linkedDeploymentId(consistency: Consistency): string | undefined {
  return isLinked(consistency) && "deploymentId" in consistency
    ? consistency.deploymentId
    : undefined;
}

function saveMapping(context: Context, deploymentId: string): PlanAction {
  return {
    type: "SaveMapping",
    crUid: context.crUid,
    record: { deploymentId, vvpNamespace: context.vvpNamespace, instanceId: context.instanceId },
  };
}

function createDeployment(context: Context): PlanAction {
  return {
    type: "CreateDeployment",
    vvpNamespace: context.vvpNamespace,
    body: projectDeployment(context.cr, { operation: "create", instanceId: context.instanceId })
      .body,
    mapping: {
      crUid: context.crUid,
      vvpNamespace: context.vvpNamespace,
      instanceId: context.instanceId,
    },
  };
}

function nonceInput(
  context: Context,
  mayWrite: boolean,
  savepoints: Context["savepoints"],
): NonceInput {
  return {
    crUid: context.crUid,
    generation: context.generation,
    writtenGeneration: context.writtenGeneration,
    savepointNonce: context.cr.spec.savepointNonce,
    restartNonce: context.cr.spec.restartNonce,
    status: context.status,
    deployment: context.deployment,
    desiredState: context.desiredState,
    scalingInProgress: context.autopilot.scalingInProgress,
    savepoints,
    mayWrite,
  };
}

function nonceActions(
  context: Context,
  nonces: NonceDecisions,
  deploymentId: string,
): PlanAction[] {
  const actions: PlanAction[] = [];
  if (nonces.savepoint.outcome === "trigger") {
    actions.push({
      type: "TriggerSavepoint",
      vvpNamespace: context.vvpNamespace,
      deploymentId,
      nonce: nonces.savepoint.nonce,
      body: savepointCreateBody(deploymentId, context.crUid, nonces.savepoint.token),
    });
  }
  if (nonces.restart.outcome === "trigger") {
    actions.push({
      type: "RestartJob",
      vvpNamespace: context.vvpNamespace,
      deploymentId,
      nonce: nonces.restart.nonce,
      body: restartPatchBody(nonces.restart.token),
    });
  }
  return actions;
}

// Ours: the restart annotation a PUT body carries, so that the PUT itself
// changes nothing in it: this cycle's restart token, else whatever VVP holds
// now (the status keeps nonce numbers, not tokens).
function restartAnnotationOption(
  nonces: NonceDecisions,
  context: Context,
): { restartAnnotation?: string } {
  const restartAnnotation =
    nonces.restart.outcome === "trigger"
      ? nonces.restart.token
      : observedRestartAnnotation(context.deployment);
  return restartAnnotation !== undefined ? { restartAnnotation } : {};
}

/** Whether the existing deployment gets the spec, and why. */
function decideUpdate(
  context: Context,
  linked: boolean,
  restart: { restartAnnotation?: string },
): { projection: ProjectionDecision; pendingChange: boolean } {
  const { cr, status, deployment } = context;
  const method = methodOf(context);
  const differences = (ignoreState: boolean) =>
    deploymentDifferences(cr, deployment, {
      instanceId: context.instanceId,
      ignoreState,
      exactMetadata: method === "PUT",
      ...restart,
    });
  const pendingChange =
    context.generation !== undefined
      ? changeOwed(context) &&
        // Ours: a new generation whose PATCH body VVP already holds (a nonce
        // edit, say) needs no PATCH, which would only bump resourceVersion.
        // PUT is always sent: a removed field is a change a subset check
        // cannot see, and PUT must reset it.
        (method === "PUT" || differences(false).length > 0)
      : differences(true).length > 0;
  if (!linked || !context.syncEnabled) {
    return { projection: { kind: "none", pending: pendingChange }, pendingChange };
  }
  const drift = pendingChange ? [] : driftedFields(context, differences);
  if (context.autopilot.scalingInProgress && (pendingChange || drift.length > 0)) {
    // During an Autopilot scaling run nothing is sent. The run moves the
    // state on purpose, and any body we send carries the desired state,
    // which would abort it; a spec change waits, with observedGeneration
    // held back, until the run completes.
    return { projection: { kind: "suppressed", pendingChange }, pendingChange };
  }
  if (pendingChange) {
    return { projection: { kind: "project", purpose: "Projection", method }, pendingChange };
  }
  if (drift.length === 0) return { projection: { kind: "none", pending: false }, pendingChange };
  if (unkept(drift, status.reprojectedDrift)) {
    return { projection: { kind: "unkept", drift }, pendingChange };
  }
  const purpose = drift.length === 1 && drift[0] === "spec.state" ? "StateDrift" : "SpecDrift";
  return { projection: { kind: "project", purpose, method, drift }, pendingChange };
}

/**
 * Whether this generation's spec may not be in VVP yet: a generation the
 * status has not observed (an edit), or the recorded projection a refusal,
 * a failure or a wait left owed (ours: SpecAligned False reports it). Never
 * read from a condition's message.
 */
export function changeOwed(context: Context): boolean {
  const { status, generation } = context;
  return generation !== status.observedGeneration || status.unprojectedGeneration !== undefined;
}

function methodOf(context: Context): ProjectionMethod {
  return context.cr.spec.syncingMode === "PUT" ? "PUT" : "PATCH";
}

function updateDeployment(
  context: Context,
  projection: Extract<ProjectionDecision, { kind: "project" }>,
  deploymentId: string,
  restart: { restartAnnotation?: string },
): PlanAction {
  const body = projectDeployment(context.cr, {
    operation: "update",
    instanceId: context.instanceId,
    ...restart,
  }).body;
  return projection.method === "PUT"
    ? { type: "PutDeployment", vvpNamespace: context.vvpNamespace, deploymentId, body }
    : {
        type: "PatchDeployment",
        vvpNamespace: context.vvpNamespace,
        deploymentId,
        body,
        purpose: projection.purpose,
      };
}

/**
 * The fields where VVP no longer holds the projected body although the CR
 * did not change: the state (VVP or Autopilot moved it), or any other field
 * (a write applied late, after a newer one, or an edit in VVP's UI). Ours:
 * the comparison reads only the deployment the cycle observes anyway, so the
 * steady state costs no request and no write.
 */
function driftedFields(
  context: Context,
  differences: (ignoreState: boolean) => string[],
): string[] {
  const stateDrift =
    context.crState !== undefined && context.deployment?.spec?.state !== context.crState;
  const autopilotActive = context.autopilot.mode === "ACTIVE";
  const fields = differences(true).filter(
    (field) => !(autopilotActive && isAutopilotManaged(field)),
  );
  return stateDrift ? ["spec.state", ...fields] : fields;
}

// Ours: while Autopilot is ACTIVE it owns the job's scale, and a scale that
// differs from the CR's is expected (ParallelismAligned AutopilotManaged), so
// a difference there is not undone by a re-projection; an author's change
// of these fields is still projected like any spec change.
const AUTOPILOT_MANAGED = [
  "spec.template.spec.parallelism",
  "spec.template.spec.numberOfTaskManagers",
  "spec.template.spec.resources",
];

function isAutopilotManaged(field: string): boolean {
  return AUTOPILOT_MANAGED.some((path) => field === path || field.startsWith(`${path}.`));
}

// Only drift without a state change can be unkept: VVP always keeps a state.
function unkept(drift: readonly string[], reprojected: readonly string[] | undefined): boolean {
  return (
    reprojected !== undefined &&
    drift.length === reprojected.length &&
    drift.every((field, index) => field === reprojected[index])
  );
}

function decideDeletion(context: Context): Decision {
  const consistency = decideConsistency(context);
  const nonces = decideNonces(nonceInput(context, false, undefined));
  const base = {
    context,
    consistency,
    nonces,
    projection: { kind: "none", pending: false } as const,
    pendingChange: false,
  };
  const actions: PlanAction[] = [];
  if (!context.hasFinalizer) {
    return { ...base, deletion: { ours: false, blocked: false, waitsForSync: false }, actions };
  }
  const { deployment, mapping } = context;
  const ours =
    deployment !== null &&
    (consistency.kind === "intact" ||
      consistency.kind === "adopt" ||
      consistency.kind === "dbRecordMissing");
  const actual = deployment?.status?.state;
  const blocked = ours && (actual === "RUNNING" || actual === "TRANSITIONING");
  const waitsForSync = ours && !blocked && !context.syncEnabled;
  // Ours: the seed tells the author to set CANCELLED to unblock a deletion; a
  // terminating CR's spec can still change, so its desired state (not the
  // rest of the spec) is still sent, or the deletion could never proceed.
  const desired = context.crState;
  if (
    blocked &&
    context.syncEnabled &&
    deployment !== null &&
    desired !== undefined &&
    desired !== "RUNNING" &&
    deployment.spec?.state !== desired
  ) {
    actions.push({
      type: "PatchDeployment",
      vvpNamespace: context.vvpNamespace,
      deploymentId: mapping?.deploymentId ?? deployment.metadata?.id ?? "",
      body: stateOnlyBody(desired),
      purpose: "Cancel",
    });
  }
  if (ours && !blocked && !waitsForSync && deployment !== null) {
    const deploymentId = mapping?.deploymentId ?? deployment.metadata?.id ?? "";
    // VVP deletes only a deployment whose desired state is CANCELLED.
    if (deployment.spec?.state !== "CANCELLED") {
      actions.push({
        type: "PatchDeployment",
        vvpNamespace: context.vvpNamespace,
        deploymentId,
        body: stateOnlyBody("CANCELLED"),
        purpose: "Cancel",
      });
    }
    actions.push({ type: "DeleteDeployment", vvpNamespace: context.vvpNamespace, deploymentId });
  }
  if (!blocked && !waitsForSync) {
    if (mapping !== null) actions.push({ type: "DeleteMapping", crUid: context.crUid });
    actions.push({ type: "RemoveFinalizer", finalizer: FINALIZER });
  }
  return { ...base, deletion: { ours, blocked, waitsForSync }, actions };
}
