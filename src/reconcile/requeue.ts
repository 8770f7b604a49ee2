import { findCondition, type SubConditionOutcomes } from "../conditions/index.js";
import type { ActualState, Condition, VvpDeploymentStatus } from "../models/index.js";
import type { Decision } from "./decide.js";
import type { EffectOf } from "./types.js";

// Every requeue delay of the core, in one place. The core adds no jitter
// (it draws no random numbers); a host should add its own.

/** While a deletion waits, a projection is suppressed, or actions were just sent. */
export const REQUEUE_SHORT_MS = 5_000;
/** Steady state, and states only a person can resolve. */
export const REQUEUE_LONG_MS = 300_000;
/** The first re-observation of a job that moves, and the floor of its backoff. */
export const REQUEUE_MOVING_MIN_MS = 1_000;
/** The first retry after a failure. */
export const BACKOFF_BASE_MS = 5_000;
/** The longest wait between retries after failures. */
export const BACKOFF_MAX_MS = 300_000;

/**
 * The wait before retrying a failure that has lasted since `failingSince`:
 * as long as it has lasted so far, clamped to [BASE, MAX]. Each retry thus
 * roughly doubles the wait, with no counter to keep in status.
 */
export function backoffMs(now: string, failingSince: string | undefined): number {
  if (failingSince === undefined) return BACKOFF_BASE_MS;
  const elapsed = Date.parse(now) - Date.parse(failingSince);
  if (!Number.isFinite(elapsed)) return BACKOFF_BASE_MS;
  return Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_BASE_MS, elapsed));
}

/**
 * Whether the job moves: VVP reports an actual state that differs from the
 * desired one and is not final (FAILED and FINISHED stay until someone acts).
 */
export function isMoving(actual: ActualState | undefined, desired: string | undefined): boolean {
  return (
    actual !== undefined &&
    desired !== undefined &&
    actual !== desired &&
    actual !== "FAILED" &&
    actual !== "FINISHED"
  );
}

/**
 * The wait before observing a moving job again, from how long it has moved
 * (`since`, the status' actualDiffersSince, to the cycle's `now`): a quarter
 * of that, clamped to [REQUEUE_MOVING_MIN_MS, REQUEUE_LONG_MS]. A change is
 * thus seen within about a second; a long transition backs off toward the
 * resync period, by about a quarter each time. Pure: times are data.
 */
export function movingRequeueMs(now: string, since: string | undefined): number {
  if (since === undefined) return REQUEUE_MOVING_MIN_MS;
  const elapsed = Date.parse(now) - Date.parse(since);
  if (!Number.isFinite(elapsed)) return REQUEUE_MOVING_MIN_MS;
  return Math.min(REQUEUE_LONG_MS, Math.max(REQUEUE_MOVING_MIN_MS, Math.round(elapsed / 4)));
}

/**
 * When to reconcile again after this cycle: with backoff after a failure
 * (measured from the failing condition's lastTransitionTime), long after a
 * definitive create refusal, within about a second while the job moves
 * (actual ≠ desired; backing off for a long transition), short while
 * something else moves (actions sent, a blocked deletion, a suppressed
 * projection), else long. `status` is the cycle's new status.
 */
export function requeueAfterMs(
  decision: Decision,
  effectOf: EffectOf,
  outcomes: SubConditionOutcomes,
  conditions: readonly Condition[],
  status: VvpDeploymentStatus,
): number {
  const effects = decision.actions.map((action) => effectOf(action.type));
  if (effects.some((effect) => effect.result === "failed")) {
    const failing = FAILING_ORDER.find((type) => outcomes[type].failing);
    return failing === undefined
      ? BACKOFF_BASE_MS
      : backoffMs(decision.context.now, findCondition(conditions, failing)?.lastTransitionTime);
  }
  if (decision.consistency.kind === "createRejected") return REQUEUE_LONG_MS;
  const moving =
    status.actualDiffersSince === undefined
      ? REQUEUE_LONG_MS
      : movingRequeueMs(decision.context.now, status.actualDiffersSince);
  const acted = effects.some((effect) => effect.result === "succeeded");
  const short =
    acted || decision.deletion?.blocked === true || decision.projection.kind === "suppressed";
  return Math.min(moving, short ? REQUEUE_SHORT_MS : REQUEUE_LONG_MS);
}

// The conditions whose actions can fail, in the order those actions run.
const FAILING_ORDER = ["Consistent", "SpecAligned", "NonceAligned"] as const;
