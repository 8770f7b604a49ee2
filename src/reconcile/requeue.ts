import { findCondition, type SubConditionOutcomes } from "../conditions/index.js";
import type { Condition } from "../models/index.js";
import type { Decision } from "./decide.js";
import type { EffectOf } from "./types.js";

// Every requeue delay of the core, in one place. The core adds no jitter
// (it draws no random numbers); a host should add its own.

/** While VVP transitions, a deletion waits, or actions were just sent. */
export const REQUEUE_SHORT_MS = 5_000;
/** Steady state, and states only a person can resolve. */
export const REQUEUE_LONG_MS = 300_000;
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
 * When to reconcile again after this cycle: with backoff after a failure
 * (measured from the failing condition's lastTransitionTime), long after a
 * definitive create refusal, short while something moves (actions sent, VVP
 * transitioning, a blocked deletion, a suppressed projection), else long.
 */
export function requeueAfterMs(
  decision: Decision,
  effectOf: EffectOf,
  outcomes: SubConditionOutcomes,
  conditions: readonly Condition[],
): number {
  const effects = decision.actions.map((action) => effectOf(action.type));
  if (effects.some((effect) => effect.result === "failed")) {
    const failing = FAILING_ORDER.find((type) => outcomes[type].failing);
    return failing === undefined
      ? BACKOFF_BASE_MS
      : backoffMs(decision.context.now, findCondition(conditions, failing)?.lastTransitionTime);
  }
  if (decision.consistency.kind === "createRejected") return REQUEUE_LONG_MS;
  const acted = effects.some((effect) => effect.result === "succeeded");
  if (
    acted ||
    decision.deletion?.blocked === true ||
    decision.context.deployment?.status?.state === "TRANSITIONING" ||
    decision.projection.kind === "suppressed"
  ) {
    return REQUEUE_SHORT_MS;
  }
  return REQUEUE_LONG_MS;
}

// The conditions whose actions can fail, in the order those actions run.
const FAILING_ORDER = ["Consistent", "SpecAligned", "NonceAligned"] as const;
