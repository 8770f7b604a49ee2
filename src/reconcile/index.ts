export type { VvpSavepoint } from "../nonces/index.js";
export { type Consistency, decideConsistency } from "./consistency.js";
export { essentialFieldErrors } from "./guard.js";
export { InvalidObservationError, observationFieldErrors } from "./observation-guard.js";
export {
  type DeploymentLookup,
  type ObservationNeeds,
  observationNeeds,
} from "./observation-needs.js";
export { reconcile, settle } from "./reconcile.js";
export {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoffMs,
  isMoving,
  movingRequeueMs,
  REQUEUE_LONG_MS,
  REQUEUE_MOVING_MIN_MS,
  REQUEUE_SHORT_MS,
} from "./requeue.js";
export type {
  ActionError,
  ActionOutcome,
  AutopilotObservation,
  MappingRecord,
  MappingToSave,
  NormalEventReason,
  Observation,
  PatchPurpose,
  PlanAction,
  PlanActionType,
  PlanEvent,
  ReconcileInput,
  ReconcilePlan,
  SettledResult,
  SkipReason,
  WarningEventReason,
} from "./types.js";
