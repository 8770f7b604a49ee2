import {
  type ConditionState,
  computeConditions,
  deletionBlockedState,
  findCondition,
  newlyUnhealthy,
  parallelismAlignedState,
  type SubConditionType,
} from "../conditions/index.js";
import type {
  Condition,
  ConditionReason,
  DesiredState,
  VvpDeploymentObject,
  VvpDeploymentStatus,
} from "../models/index.js";
import { NONCE_FIELD, type NonceKind, nonceMessagePrefix } from "../nonces/index.js";
import type { Consistency } from "./consistency.js";
import type { Context } from "./context.js";
import type { Decision } from "./decide.js";
import {
  describeError,
  isDefinitive,
  NONCES_PROCESSED,
  recordIntact,
  SPEC_UNCHANGED,
  SYNC_DISABLED,
} from "./messages.js";
import { BACKOFF_BASE_MS, backoffMs, REQUEUE_LONG_MS, REQUEUE_SHORT_MS } from "./requeue.js";
import type {
  ActionError,
  PlanActionType,
  PlanEvent,
  SettledResult,
  WarningEventReason,
} from "./types.js";

/** What happened to the action of a given type. */
export type Effect =
  | { result: "succeeded"; deployment?: VvpDeploymentObject }
  | { result: "failed"; error: ActionError }
  | { result: "notRun" };

/** Looks up the effect of the plan's action of a type (each type occurs at most once). */
export type EffectOf = (type: PlanActionType) => Effect;

const NONCE_STATUS_FIELDS = {
  savepoint: {
    consumed: "lastConsumedSavepointNonce",
    processed: "lastProcessedSavepointNonce",
    action: "TriggerSavepoint",
    reason: "SavepointBlocked",
  },
  restart: {
    consumed: "lastConsumedTriggerNonce",
    processed: "lastProcessedTriggerNonce",
    action: "RestartJob",
    reason: "RestartBlocked",
  },
} as const;

// Separates the parts of NonceAligned's message, one per nonce; a later cycle
// finds its part again by the `<field> <value>` prefix.
const PART_SEPARATOR = " | ";

/** Turns a decision and what happened to its actions into status, events and requeue. */
export function compose(decision: Decision, effectOf: EffectOf): SettledResult {
  const { context } = decision;
  const previous = context.status.conditions;
  const events: PlanEvent[] = [];
  const status: VvpDeploymentStatus = { ...context.status };
  let failed = false;
  let failing: SubConditionType | undefined;
  let acted = false;
  const effect = (type: PlanActionType): Effect => {
    const found = effectOf(type);
    if (found.result === "failed") failed = true;
    if (found.result === "succeeded") acted = true;
    return found;
  };
  if (decision.actions.some((action) => action.type === "AddFinalizer")) {
    effect("AddFinalizer");
  }

  // Consistent, and what the mapping tells about deploymentId.
  let deploymentId = context.status.deploymentId;
  let created: VvpDeploymentObject | undefined;
  let consistent: ConditionState;
  let createRejected = false;
  const consistency = decision.consistency;
  switch (consistency.kind) {
    case "intact":
      deploymentId = consistency.deploymentId;
      consistent = recordIntact(context);
      break;
    case "adopt": {
      if (decision.deletion !== undefined) {
        consistent = falseState(consistency, context);
        break;
      }
      const saved = effect("SaveMapping");
      if (saved.result === "succeeded") {
        deploymentId = consistency.deploymentId;
        consistent = recordIntact(context);
        events.push({
          type: "Normal",
          reason: "DeploymentAdopted",
          message: `Adopted VVP deployment ${context.deploymentName} (${consistency.deploymentId}) in namespace ${context.vvpNamespace}, created by this resource earlier`,
        });
      } else {
        consistent = {
          status: "Unknown",
          reason: "Creating",
          message: `Adopting VVP deployment ${context.deploymentName} created by this resource earlier; the mapping record is not saved yet${saved.result === "failed" ? ` (${describeError(saved.error)})` : ""}`,
        };
      }
      break;
    }
    case "create": {
      if (decision.projection.kind !== "create") {
        consistent = {
          status: "Unknown",
          reason: "Creating",
          message:
            decision.deletion !== undefined
              ? "The VVP deployment was never created"
              : "The VVP deployment will be created once sync is enabled",
        };
        break;
      }
      const outcome = effect("CreateDeployment");
      if (outcome.result === "succeeded") {
        created = outcome.deployment;
        const id = created?.metadata?.id;
        if (id !== undefined) deploymentId = id;
        consistent = recordIntact(context);
        events.push({
          type: "Normal",
          reason: "DeploymentCreated",
          message: `Created VVP deployment ${context.deploymentName} in namespace ${context.vvpNamespace} (${context.cr.spec.syncingMode} mode)`,
        });
      } else if (outcome.result === "failed") {
        createRejected = isDefinitive(outcome.error);
        failing = "Consistent";
        consistent = {
          status: "False",
          reason: "AppManagerCreateFailed",
          message: createRejected
            ? `VVP refused to create deployment ${context.deploymentName} (${describeError(outcome.error)}). The create is retried when the spec changes.`
            : `Creating VVP deployment ${context.deploymentName} failed (${describeError(outcome.error)}); retrying with backoff.`,
        };
      } else {
        consistent = {
          status: "Unknown",
          reason: "Creating",
          message: "The VVP deployment is being created",
        };
      }
      break;
    }
    case "createRejected":
      consistent = previousState(previous, "Consistent") ?? falseState(consistency, context);
      break;
    default:
      consistent = falseState(consistency, context);
  }

  // SpecAligned and observedGeneration.
  let specAligned: ConditionState;
  let projected = false;
  // The projection runs after the nonces: its event follows theirs.
  const projectionEvents: PlanEvent[] = [];
  const projection = decision.projection;
  if (projection.kind === "create") {
    const outcome = effect("CreateDeployment");
    if (outcome.result === "succeeded") {
      projected = true;
      specAligned = {
        status: "True",
        reason: "ConfigUpdated",
        message: `Created the VVP deployment with POST (${context.cr.spec.syncingMode} mode)`,
      };
    } else {
      specAligned = notProjected(outcome, "POST");
      // Ours: a 4xx is VVP's definitive answer to this generation.
      if (outcome.result === "failed" && isDefinitive(outcome.error)) projected = true;
    }
  } else if (projection.kind === "project") {
    const outcome = effect(projection.method === "PUT" ? "PutDeployment" : "PatchDeployment");
    if (outcome.result === "succeeded") {
      projected = true;
      const from = context.deployment?.spec?.state;
      const to = context.crState;
      const change =
        from !== undefined && to !== undefined && from !== to ? ` (${from} → ${to})` : "";
      const message =
        projection.purpose === "StateDrift"
          ? `Re-projected the desired state with ${projection.method} after VVP drifted${change}`
          : projection.purpose === "SpecDrift"
            ? `Re-projected the spec with ${projection.method} after VVP drifted from it (${(projection.drift ?? []).join(", ")})${change}`
            : `Projected the spec to VVP with ${projection.method} (${context.cr.spec.syncingMode} mode)${change}`;
      specAligned = { status: "True", reason: "ConfigUpdated", message };
      projectionEvents.push({ type: "Normal", reason: "SpecProjected", message });
    } else {
      specAligned = notProjected(outcome, projection.method);
      if (outcome.result === "failed") failing ??= "SpecAligned";
    }
  } else if (projection.kind === "unkept") {
    specAligned = {
      status: "False",
      reason: "ProjectionFailed",
      message: `VVP does not keep ${projection.drift.join(", ")} as projected: it still differs after the last re-projection, so it is not sent again until the spec changes`,
    };
  } else if (projection.kind === "suppressed") {
    specAligned = {
      status: "False",
      reason: "StateProjectionSuppressedAutopilot",
      message: projection.pendingChange
        ? `The spec change waits for the Autopilot scaling operation to complete; it is projected with ${context.cr.spec.syncingMode} once the operation is done`
        : `VVP's state ${context.deployment?.spec?.state ?? "unset"} differs from the desired ${context.crState ?? "unset"}, but an Autopilot scaling operation is in progress; re-projection resumes when it completes`,
    };
  } else if (!context.syncEnabled) {
    specAligned = SYNC_DISABLED;
  } else if (consistency.kind === "createRejected") {
    specAligned = previousState(previous, "SpecAligned") ?? {
      status: "False",
      reason: "ProjectionFailed",
      message: "VVP refused the create; it is retried when the spec changes",
    };
  } else if (projection.pending && decision.deletion === undefined) {
    specAligned =
      consistency.kind === "create"
        ? { status: "False", reason: "ProjectionFailed", message: "Not projected yet" }
        : {
            status: "False",
            reason: "ProjectionFailed",
            message: `Spec changes are not projected while the mapping is not intact (Consistent: ${consistent.reason})`,
          };
  } else {
    const before = previousState(previous, "SpecAligned");
    // Keep a True condition as it is: the steady state must not rewrite status.
    specAligned = before !== undefined && before.status === "True" ? before : SPEC_UNCHANGED;
  }
  if (context.generation !== undefined && decision.deletion === undefined) {
    if (!decision.pendingChange || projected) status.observedGeneration = context.generation;
  }

  // Nonces: savepoint first, then restart.
  const parts: { kind: NonceKind; message: string }[] = [];
  let nonceWarned = false;
  for (const kind of ["savepoint", "restart"] as const) {
    const fields = NONCE_STATUS_FIELDS[kind];
    const nonce = decision.nonces[kind];
    const prefix = nonce.outcome === "idle" ? "" : nonceMessagePrefix(kind, nonce.nonce);
    switch (nonce.outcome) {
      case "idle":
        break;
      case "stillBlocked":
        parts.push({
          kind,
          message:
            previousPart(previous, prefix) ??
            `${prefix} is blocked. Apply a new ${NONCE_FIELD[kind]} value to retry; reverting to ${nonce.nonce} does not re-trigger.`,
        });
        break;
      case "waiting": {
        const why =
          decision.deletion !== undefined
            ? "the CR is being deleted"
            : !context.syncEnabled
              ? "sync is disabled"
              : "the mapping between the CR and VVP is not intact";
        parts.push({ kind, message: `${prefix} waits: ${why}. It is not consumed.` });
        break;
      }
      case "alreadyDone":
        status[fields.consumed] = nonce.nonce;
        status[fields.processed] = nonce.nonce;
        break;
      case "blocked":
        status[fields.consumed] = nonce.nonce;
        parts.push({ kind, message: nonce.message });
        events.push({ type: "Warning", reason: fields.reason, message: nonce.message });
        nonceWarned = true;
        break;
      case "trigger": {
        const outcome = effect(fields.action);
        if (outcome.result === "succeeded") {
          status[fields.consumed] = nonce.nonce;
          status[fields.processed] = nonce.nonce;
          events.push(
            kind === "savepoint"
              ? {
                  type: "Normal",
                  reason: "SavepointTriggered",
                  message: `Triggered a savepoint of VVP deployment ${context.deploymentName} for savepointNonce ${nonce.nonce}`,
                }
              : {
                  type: "Normal",
                  reason: "RestartTriggered",
                  message: `Restarted the job of VVP deployment ${context.deploymentName} for restartNonce ${nonce.nonce}`,
                },
          );
        } else if (outcome.result === "failed" && isDefinitive(outcome.error)) {
          // Domain.md §3: a 4xx consumes the nonce like a block.
          status[fields.consumed] = nonce.nonce;
          const message = `${prefix} was refused by VVP (${describeError(outcome.error)}). Apply a new ${NONCE_FIELD[kind]} value to retry.`;
          parts.push({ kind, message });
          events.push({ type: "Warning", reason: fields.reason, message });
          nonceWarned = true;
          failing ??= "NonceAligned";
        } else if (outcome.result === "failed") {
          parts.push({
            kind,
            message: `${prefix} could not be submitted (${describeError(outcome.error)}); it is retried. It is not consumed.`,
          });
          failing ??= "NonceAligned";
        } else {
          parts.push({
            kind,
            message: `${prefix} was not submitted because an earlier action failed; it is retried. It is not consumed.`,
          });
        }
        break;
      }
    }
  }
  const firstPart = parts[0];
  const nonceAligned: ConditionState =
    firstPart === undefined
      ? NONCES_PROCESSED
      : {
          status: "False",
          reason: NONCE_STATUS_FIELDS[firstPart.kind].reason,
          message: parts.map((part) => part.message).join(PART_SEPARATOR),
        };

  events.push(...projectionEvents);

  // Deletion.
  const deletion = decision.deletion;
  let deletionBlocked: ConditionState | undefined;
  if (deletion !== undefined) {
    deletionBlocked = deletionBlockedState(
      deletion.blocked ? context.deployment?.status?.state : undefined,
    );
    if (deletion.waitsForSync) {
      deletionBlocked = {
        ...deletionBlocked,
        message: "The VVP deployment is not active; deleting it waits until sync is enabled again",
      };
    }
    for (const action of decision.actions) {
      if (action.type === "AddFinalizer") continue;
      const outcome = effect(action.type);
      if (outcome.result === "succeeded") {
        if (action.type === "PatchDeployment") {
          const state = "spec" in action.body ? action.body.spec?.state : undefined;
          events.push({
            type: "Normal",
            reason: "DeploymentCancelled",
            message: deletion.blocked
              ? `Sent the desired state ${state} to VVP deployment ${context.deploymentName}; the deletion proceeds once it is no longer active`
              : `Cancelled VVP deployment ${context.deploymentName} before deleting it`,
          });
        } else if (action.type === "DeleteDeployment") {
          events.push({
            type: "Normal",
            reason: "DeploymentDeleted",
            message: `Deleted VVP deployment ${context.deploymentName} in namespace ${context.vvpNamespace}`,
          });
        }
      } else if (outcome.result === "failed") {
        events.push({
          type: "Warning",
          reason: "DeletionFailed",
          message: `${action.type} failed during deletion (${describeError(outcome.error)}); retrying`,
        });
      }
    }
  }

  const states = {
    Consistent: consistent,
    SpecAligned: specAligned,
    NonceAligned: nonceAligned,
    ParallelismAligned: parallelismAlignedState(
      context.cr.spec.deployment.spec.template.spec.parallelism,
      context.autopilot,
    ),
    ...(deletionBlocked !== undefined ? { DeletionBlocked: deletionBlocked } : {}),
  };
  for (const { type, state } of newlyUnhealthy(previous, states)) {
    if (type === "NonceAligned" && nonceWarned) continue;
    events.push({
      type: "Warning",
      reason: state.reason as WarningEventReason,
      message: state.message,
    });
  }

  assign(status, "deploymentId", deploymentId);
  status.syncEnabled = context.syncEnabled;
  assign(
    status,
    "observedSpecState",
    context.crState ??
      created?.spec?.state ??
      context.deployment?.spec?.state ??
      context.status.observedSpecState,
  );
  assign(
    status,
    "projectedSpecState",
    acceptedState(decision, effectOf, created) ?? context.status.projectedSpecState,
  );
  assign(status, "reprojectedDrift", reprojectedDrift(decision, effectOf));
  assign(
    status,
    "actualState",
    created !== undefined ? created.status?.state : context.deployment?.status?.state,
  );
  status.vvpNamespace = context.vvpNamespace;
  status.instanceId = context.instanceId;
  const conditions = computeConditions(previous, states, {
    now: context.now,
    generation: context.generation,
  });
  status.conditions = conditions;
  const written = inCanonicalOrder(status, context.status);

  let requeueAfterMs: number;
  if (failed) {
    requeueAfterMs =
      failing === undefined
        ? BACKOFF_BASE_MS
        : backoffMs(context.now, findCondition(conditions, failing)?.lastTransitionTime);
  } else if (createRejected || consistency.kind === "createRejected") {
    requeueAfterMs = REQUEUE_LONG_MS;
  } else if (
    acted ||
    deletion?.blocked === true ||
    context.deployment?.status?.state === "TRANSITIONING" ||
    projection.kind === "suppressed"
  ) {
    requeueAfterMs = REQUEUE_SHORT_MS;
  } else {
    requeueAfterMs = REQUEUE_LONG_MS;
  }
  return { status: written, events, requeueAfterMs };
}

// The order of the seed's status table, then ours; a status read back keeps
// its order, so this only matters for keys a cycle adds.
const STATUS_ORDER: readonly (keyof VvpDeploymentStatus)[] = [
  "deploymentId",
  "observedGeneration",
  "syncEnabled",
  "observedSpecState",
  "projectedSpecState",
  "actualState",
  "vvpNamespace",
  "instanceId",
  "lastProcessedSavepointNonce",
  "lastProcessedTriggerNonce",
  "lastConsumedSavepointNonce",
  "lastConsumedTriggerNonce",
  "reprojectedDrift",
  "conditions",
];

function inCanonicalOrder(
  status: VvpDeploymentStatus,
  before: VvpDeploymentStatus,
): VvpDeploymentStatus {
  let added = false;
  for (const key in status) {
    if (!(key in before)) {
      added = true;
      break;
    }
  }
  if (!added) return status;
  const ordered: Record<string, unknown> = {};
  for (const key of STATUS_ORDER) if (key in status) ordered[key] = status[key];
  for (const key in status) {
    if (!(key in ordered)) ordered[key] = (status as Record<string, unknown>)[key];
  }
  return ordered as VvpDeploymentStatus;
}

function assign<K extends keyof VvpDeploymentStatus>(
  status: VvpDeploymentStatus,
  key: K,
  value: VvpDeploymentStatus[K] | undefined,
): void {
  if (value === undefined) delete status[key];
  else status[key] = value;
}

// The desired state a write of this cycle carried and VVP accepted: what
// the Autopilot provider compares VVP's state with (ours). A create without
// a state holds the one VVP chose.
function acceptedState(
  decision: Decision,
  effectOf: EffectOf,
  created: VvpDeploymentObject | undefined,
): DesiredState | undefined {
  let accepted: DesiredState | undefined;
  for (const action of decision.actions) {
    if (
      action.type !== "CreateDeployment" &&
      action.type !== "PatchDeployment" &&
      action.type !== "PutDeployment"
    ) {
      continue;
    }
    if (effectOf(action.type).result !== "succeeded") continue;
    const state = action.body.spec?.state;
    accepted =
      state ?? (action.type === "CreateDeployment" ? created?.spec?.state : undefined) ?? accepted;
  }
  return accepted;
}

// Remembered until VVP holds the projection again, so a field VVP does not
// keep as sent is re-projected once, not in a loop (ours).
function reprojectedDrift(decision: Decision, effectOf: EffectOf): string[] | undefined {
  const { projection } = decision;
  const before = decision.context.status.reprojectedDrift;
  switch (projection.kind) {
    case "project": {
      const outcome = effectOf(projection.method === "PUT" ? "PutDeployment" : "PatchDeployment");
      if (outcome.result !== "succeeded") return before;
      const fields = (projection.drift ?? []).filter((field) => field !== "spec.state");
      return projection.purpose === "SpecDrift" && fields.length > 0 ? fields : undefined;
    }
    case "none":
      return undefined;
    default:
      return before;
  }
}

function previousState(
  previous: readonly Condition[] | undefined,
  type: SubConditionType,
): ConditionState | undefined {
  const condition = findCondition(previous, type);
  return condition === undefined
    ? undefined
    : { status: condition.status, reason: condition.reason, message: condition.message };
}

function previousPart(
  previous: readonly Condition[] | undefined,
  prefix: string,
): string | undefined {
  const condition = findCondition(previous, "NonceAligned");
  if (condition === undefined || condition.status !== "False") return undefined;
  for (const part of condition.message.split(PART_SEPARATOR)) {
    if (part.startsWith(`${prefix} `)) return part;
  }
  return undefined;
}

function notProjected(effect: Effect, method: string): ConditionState {
  return effect.result === "failed"
    ? {
        status: "False",
        reason: "ProjectionFailed",
        message: `${method} of the VVP deployment failed (${describeError(effect.error)}); ${isDefinitive(effect.error) && method === "POST" ? "retried when the spec changes" : "retrying with backoff"}`,
      }
    : {
        status: "False",
        reason: "ProjectionFailed",
        message: `${method} of the VVP deployment was not attempted because an earlier action failed; retrying`,
      };
}

function falseState(consistency: Consistency, context: Context): ConditionState {
  const name = context.deploymentName;
  const ns = context.vvpNamespace;
  let reason: ConditionReason;
  let message: string;
  switch (consistency.kind) {
    case "recordNotFound":
      reason = "AppManagerRecordNotFound";
      message = `VVP deployment ${consistency.deploymentId} in namespace ${ns} is missing although the mapping record exists. Manual intervention required: delete and recreate the CR, or investigate the AppManager database.`;
      break;
    case "dbRecordMissing":
      reason = "DBRecordMissing";
      message = `The mapping record is missing but VVP deployment ${name} (${consistency.deploymentId}) in namespace ${ns} still exists. Manual intervention required: contact your platform administrator.`;
      break;
    case "resourceDeleted":
      reason = "ResourceDeleted";
      message = `Both the mapping record and VVP deployment ${consistency.deploymentId} are gone; the CR is orphaned. Delete it with kubectl delete vvpdeployment ${context.cr.metadata.name} --force and recreate it if needed.`;
      break;
    case "foreign":
      reason = "AppManagerCreateFailed";
      message = `A VVP deployment named ${name} already exists in namespace ${ns} and is not managed by this resource`;
      break;
    case "createRejected":
      reason = "AppManagerCreateFailed";
      message = `VVP refused to create deployment ${name}. The create is retried when the spec changes.`;
      break;
    default:
      // During deletion an unrecorded deployment carrying our cr-uid is simply ours.
      return recordIntact(context);
  }
  return { status: "False", reason, message };
}
