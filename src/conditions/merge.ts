import type { Condition, ConditionType } from "../models/index.js";
import { healthyState } from "./healthy.js";
import { type ConditionState, SUB_CONDITION_TYPES, type SubConditionStates } from "./types.js";

/** When and for which generation conditions are computed. */
export interface ConditionClock {
  /** ISO timestamp of this cycle, used when a status changes. */
  now: string;
  /** The CR's `metadata.generation` this cycle; omitted from conditions when unknown. */
  generation: number | undefined;
}

/** Finds a condition by type. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: ConditionType,
): Condition | undefined {
  if (conditions === undefined) return undefined;
  for (const condition of conditions) if (condition.type === type) return condition;
  return undefined;
}

/** A condition's previous state, without its times. */
export function previousState(
  previous: readonly Condition[] | undefined,
  type: ConditionType,
): ConditionState | undefined {
  const condition = findCondition(previous, type);
  return condition === undefined
    ? undefined
    : { status: condition.status, reason: condition.reason, message: condition.message };
}

/**
 * Like Kubernetes' `meta.SetStatusCondition`: `lastTransitionTime` changes only
 * when `status` changes; reason, message and observedGeneration follow the new
 * state. Returns the previous object itself when nothing differs.
 */
export function setCondition(
  previous: Condition | undefined,
  type: ConditionType,
  state: ConditionState,
  clock: ConditionClock,
): Condition {
  if (
    previous !== undefined &&
    previous.status === state.status &&
    previous.reason === state.reason &&
    previous.message === state.message &&
    previous.observedGeneration === clock.generation
  ) {
    return previous;
  }
  const condition: Condition = {
    type,
    status: state.status,
    reason: state.reason,
    message: state.message,
    lastTransitionTime:
      previous !== undefined && previous.status === state.status
        ? previous.lastTransitionTime
        : clock.now,
  };
  if (clock.generation !== undefined) condition.observedGeneration = clock.generation;
  return condition;
}

/**
 * All conditions in the fixed order Healthy, Consistent, SpecAligned,
 * NonceAligned, ParallelismAligned, DeletionBlocked (only while deleting),
 * with Healthy aggregated from the others.
 */
export function computeConditions(
  previous: readonly Condition[] | undefined,
  states: SubConditionStates,
  clock: ConditionClock,
): Condition[] {
  const conditions: Condition[] = [
    setCondition(findCondition(previous, "Healthy"), "Healthy", healthyState(states), clock),
  ];
  for (const type of SUB_CONDITION_TYPES) {
    const state = states[type];
    if (state !== undefined) {
      conditions.push(setCondition(findCondition(previous, type), type, state, clock));
    }
  }
  return conditions;
}

/** Whether two condition lists are equal field by field (order included). */
export function sameConditions(
  a: readonly Condition[] | undefined,
  b: readonly Condition[] | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] as Condition;
    const y = b[index] as Condition;
    if (
      x !== y &&
      (x.type !== y.type ||
        x.status !== y.status ||
        x.reason !== y.reason ||
        x.message !== y.message ||
        x.lastTransitionTime !== y.lastTransitionTime ||
        x.observedGeneration !== y.observedGeneration ||
        Object.keys(x).length !== Object.keys(y).length)
    ) {
      return false;
    }
  }
  return true;
}
