import type { ConditionReason, ConditionStatus } from "../models/index.js";

/** A condition before merging: what it says, without times. */
export interface ConditionState {
  status: ConditionStatus;
  reason: ConditionReason;
  message: string;
}

/** The sub-conditions Healthy aggregates; DeletionBlocked only while the CR is deleted. */
export interface SubConditionStates {
  Consistent: ConditionState;
  SpecAligned: ConditionState;
  NonceAligned: ConditionState;
  ParallelismAligned: ConditionState;
  DeletionBlocked?: ConditionState;
}

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
