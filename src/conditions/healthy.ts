import type { Condition, ConditionType } from "../models/index.js";
import type { PlanEvent, WarningEventReason } from "../reconcile/types.js";
import { findCondition } from "./merge.js";
import {
  type ConditionState,
  SUB_CONDITION_TYPES,
  type SubConditionOutcomes,
  type SubConditionStates,
  type SubConditionType,
} from "./types.js";

/**
 * Whether a condition is in its healthy state: True, except DeletionBlocked
 * whose polarity is inverted (healthy when False). Unknown is never healthy.
 */
export function isHealthyState(type: ConditionType, state: ConditionState): boolean {
  return type === "DeletionBlocked" ? state.status === "False" : state.status === "True";
}

/**
 * Healthy, the aggregate: True AllConditionsMet when every sub-condition is
 * healthy; one failing → False with its reason and message; several → False
 * SubConditionsFailing, the message listing each `Type: Reason`.
 */
export function healthyState(states: SubConditionStates): ConditionState {
  let first: ConditionState | undefined;
  let failing: string | undefined;
  let count = 0;
  for (const type of SUB_CONDITION_TYPES) {
    const state = states[type];
    if (state === undefined || isHealthyState(type, state)) continue;
    count += 1;
    if (first === undefined) first = state;
    const entry = `${type}: ${state.reason}`;
    failing = failing === undefined ? entry : `${failing}, ${entry}`;
  }
  if (first === undefined) {
    return {
      status: "True",
      reason: "AllConditionsMet",
      message: "All sub-conditions are healthy",
    };
  }
  if (count === 1) return { status: "False", reason: first.reason, message: first.message };
  return {
    status: "False",
    reason: "SubConditionsFailing",
    message: `${count} sub-conditions are failing: ${failing}`,
  };
}

/**
 * The sub-conditions that turn unhealthy in this cycle: unhealthy now (False,
 * or True for DeletionBlocked; Unknown is not warned about) and not in that
 * same unhealthy state (status and reason) before. Events warn about these once.
 */
export function newlyUnhealthy(
  previous: readonly Condition[] | undefined,
  states: SubConditionStates,
): { type: SubConditionType; state: ConditionState }[] {
  const out: { type: SubConditionType; state: ConditionState }[] = [];
  for (const type of SUB_CONDITION_TYPES) {
    const state = states[type];
    if (state === undefined || state.status === "Unknown" || isHealthyState(type, state)) continue;
    const before = findCondition(previous, type);
    if (before !== undefined && before.status === state.status && before.reason === state.reason) {
      continue;
    }
    out.push({ type, state });
  }
  return out;
}

/**
 * A Warning event for each sub-condition that turns unhealthy this cycle,
 * unless its own events already warned about it.
 */
export function unhealthyWarnings(
  previous: readonly Condition[] | undefined,
  outcomes: SubConditionOutcomes,
): PlanEvent[] {
  return newlyUnhealthy(previous, statesOf(outcomes))
    .filter(({ type }) => outcomes[type]?.warned !== true)
    .map(({ state }) => ({
      type: "Warning",
      reason: state.reason as WarningEventReason,
      message: state.message,
    }));
}

/** The states of the sub-condition outcomes. */
export function statesOf(outcomes: SubConditionOutcomes): SubConditionStates {
  const states: SubConditionStates = {
    Consistent: outcomes.Consistent.state,
    SpecAligned: outcomes.SpecAligned.state,
    NonceAligned: outcomes.NonceAligned.state,
    ParallelismAligned: outcomes.ParallelismAligned.state,
  };
  if (outcomes.DeletionBlocked !== undefined)
    states.DeletionBlocked = outcomes.DeletionBlocked.state;
  return states;
}
