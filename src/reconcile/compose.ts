import {
  type ConditionOutcome,
  computeConditions,
  consistentCondition,
  deletionBlockedCondition,
  nonceAlignedCondition,
  parallelismAlignedCondition,
  type StatusFields,
  type SubConditionOutcomes,
  specAlignedCondition,
  statesOf,
  unhealthyWarnings,
} from "../conditions/index.js";
import type { VvpDeploymentStatus } from "../models/index.js";
import type { Decision } from "./decide.js";
import { isMoving, requeueAfterMs } from "./requeue.js";
import type { EffectOf, SettledResult } from "./types.js";

export type { Effect, EffectOf } from "./types.js";

/**
 * Turns a decision and what happened to its actions into status, events and
 * requeue: each condition's rule (src/conditions) gives its state, its
 * status fields and its events; Healthy aggregates them.
 */
export function compose(decision: Decision, effectOf: EffectOf): SettledResult {
  const { context } = decision;
  const consistent = consistentCondition(decision, effectOf);
  const outcomes: SubConditionOutcomes = {
    Consistent: consistent,
    SpecAligned: specAlignedCondition(decision, effectOf, consistent.state),
    NonceAligned: nonceAlignedCondition(decision, effectOf),
    ParallelismAligned: parallelismAlignedCondition(decision),
  };
  const deletionBlocked = deletionBlockedCondition(decision, effectOf);
  if (deletionBlocked !== undefined) outcomes.DeletionBlocked = deletionBlocked;

  const status: VvpDeploymentStatus = { ...context.status };
  for (const outcome of inStatusOrder(outcomes)) assignAll(status, outcome.status);
  assignAll(status, observedFields(decision, effectOf));
  const conditions = computeConditions(context.status.conditions, statesOf(outcomes), {
    now: context.now,
    generation: context.generation,
  });
  status.conditions = conditions;

  // Events follow the order the actions ran: create or adopt, the nonces,
  // the projection, the deletion sequence; then Healthy's warnings.
  const events = [
    ...outcomes.Consistent.events,
    ...outcomes.NonceAligned.events,
    ...outcomes.SpecAligned.events,
    ...(outcomes.DeletionBlocked?.events ?? []),
    ...unhealthyWarnings(context.status.conditions, outcomes),
  ];
  return {
    status: inCanonicalOrder(status, context.status),
    events,
    requeueAfterMs: requeueAfterMs(decision, effectOf, outcomes, conditions, status),
  };
}

function inStatusOrder(outcomes: SubConditionOutcomes): ConditionOutcome[] {
  const list = [
    outcomes.Consistent,
    outcomes.SpecAligned,
    outcomes.NonceAligned,
    outcomes.ParallelismAligned,
  ];
  return outcomes.DeletionBlocked === undefined ? list : [...list, outcomes.DeletionBlocked];
}

// The fields that mirror what the cycle observed rather than any condition's rule.
function observedFields(decision: Decision, effectOf: EffectOf): StatusFields {
  const { context } = decision;
  const createEffect = decision.actions.some((action) => action.type === "CreateDeployment")
    ? effectOf("CreateDeployment")
    : undefined;
  const created = createEffect?.result === "succeeded" ? createEffect.deployment : undefined;
  // The seed: the desired state from the CR spec, whether projected yet or not.
  const observedSpecState =
    context.crState ??
    created?.spec?.state ??
    context.deployment?.spec?.state ??
    context.status.observedSpecState;
  const actualState =
    created !== undefined ? created.status?.state : context.deployment?.status?.state;
  return {
    syncEnabled: context.syncEnabled,
    observedSpecState,
    actualState,
    vvpNamespace: context.vvpNamespace,
    instanceId: context.instanceId,
    actualDiffersSince: isMoving(actualState, observedSpecState)
      ? (context.status.actualDiffersSince ?? context.now)
      : undefined,
  };
}

function assignAll(status: VvpDeploymentStatus, fields: StatusFields): void {
  const target = status as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }
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
  "restartRounds",
  "blockedSavepointNonce",
  "blockedTriggerNonce",
  "reprojectedDrift",
  "unprojectedGeneration",
  "actualDiffersSince",
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
