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
