import type { ConditionType } from "../models/index.js";
import { type ConditionState, SUB_CONDITION_TYPES, type SubConditionStates } from "./types.js";

/**
 * Whether a condition is in its healthy state: True, except DeletionBlocked
 * whose polarity is inverted (healthy when False). Unknown is never healthy.
 */
export function isHealthyState(type: ConditionType, state: ConditionState): boolean {
  return type === "DeletionBlocked" ? state.status === "False" : state.status === "True";
}

/**
 * Healthy's aggregation (the seed, domain.md §3): AllConditionsMet when every
 * sub-condition is healthy; one failing → its reason and message; several →
 * SubConditionsFailing listing each `Type: Reason`.
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
