export { consistentCondition } from "./consistent.js";
export { deletionBlockedCondition, deletionBlockedState } from "./deletion-blocked.js";
export {
  healthyState,
  isHealthyState,
  newlyUnhealthy,
  statesOf,
  unhealthyWarnings,
} from "./healthy.js";
export {
  type ConditionClock,
  computeConditions,
  findCondition,
  previousState,
  sameConditions,
  setCondition,
} from "./merge.js";
export {
  describeError,
  isDefinitive,
  NONCES_PROCESSED,
  recordIntact,
  SPEC_UNCHANGED,
  SYNC_DISABLED,
} from "./messages.js";
export { nonceAlignedCondition } from "./nonce-aligned.js";
export {
  type ParallelismFacts,
  parallelismAlignedCondition,
  parallelismAlignedState,
} from "./parallelism-aligned.js";
export { specAlignedCondition } from "./spec-aligned.js";
export {
  type ConditionOutcome,
  type ConditionState,
  type StatusFields,
  SUB_CONDITION_TYPES,
  type SubConditionOutcomes,
  type SubConditionStates,
  type SubConditionType,
  stateOnly,
} from "./types.js";
