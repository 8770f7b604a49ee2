import type { ConditionReason, ConditionStatus, VvpDeploymentStatus } from "../models/index.js";
import type { PlanEvent } from "../reconcile/types.js";

/** A condition before merging: what it says, without times. */
export interface ConditionState {
  status: ConditionStatus;
  reason: ConditionReason;
  message: string;
}

/** Status fields a rule sets; `undefined` removes the field. */
export type StatusFields = {
  [Key in keyof VvpDeploymentStatus]?: VvpDeploymentStatus[Key] | undefined;
};

/**
 * What one condition's rule makes of a cycle: its state, the status fields
 * it owns, and its events, in the order its actions ran.
 */
export interface ConditionOutcome {
  state: ConditionState;
  status: StatusFields;
  events: PlanEvent[];
  /** An action of this condition failed: the retry backs off from its lastTransitionTime. */
  failing: boolean;
  /** Its events already warn about the unhealthy state, so Healthy's warning is not repeated. */
  warned: boolean;
}

/** The sub-conditions Healthy aggregates; DeletionBlocked only while the CR is deleted. */
export interface SubConditionStates {
  Consistent: ConditionState;
  SpecAligned: ConditionState;
  NonceAligned: ConditionState;
  ParallelismAligned: ConditionState;
  DeletionBlocked?: ConditionState;
}

/** Each sub-condition's outcome for a cycle; DeletionBlocked only while the CR is deleted. */
export type SubConditionOutcomes = { [Type in keyof SubConditionStates]: ConditionOutcome };

/** The sub-condition types, in their fixed order. */
export type SubConditionType = keyof SubConditionStates;

/** Sub-condition types in the fixed order of `status.conditions`. */
export const SUB_CONDITION_TYPES: readonly SubConditionType[] = [
  "Consistent",
  "SpecAligned",
  "NonceAligned",
  "ParallelismAligned",
  "DeletionBlocked",
];

/** An outcome with nothing but a state. */
export function stateOnly(state: ConditionState): ConditionOutcome {
  return { state, status: {}, events: [], failing: false, warned: false };
}
