export { healthyState, isHealthyState } from "./healthy.js";
export {
  type ConditionClock,
  computeConditions,
  findCondition,
  sameConditions,
  setCondition,
} from "./merge.js";
export {
  deletionBlockedState,
  newlyUnhealthy,
  type ParallelismFacts,
  parallelismAlignedState,
} from "./sub-conditions.js";
export {
  type ConditionState,
  SUB_CONDITION_TYPES,
  type SubConditionStates,
  type SubConditionType,
} from "./types.js";
