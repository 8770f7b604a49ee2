/** Exponential backoff bounds: the first delay and the cap. */
export interface BackoffOptions {
  /** The first delay in ms (controller-runtime: 5 ms). */
  baseMs: number;
  /** The longest delay in ms (controller-runtime: 1000 s). */
  maxMs: number;
}

/** controller-runtime's per-item rate limiter bounds. */
export const DEFAULT_QUEUE_BACKOFF: BackoffOptions = { baseMs: 5, maxMs: 1_000_000 };

/** The delay after `failures` consecutive failures (0 for the first retry): base·2^failures, capped. */
export function exponentialDelay(failures: number, options: BackoffOptions): number {
  // 2^failures overflows to Infinity long after the cap; min() keeps it finite.
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures));
}

/**
 * A jittered delay in [delay/2, delay): restarts of many watches after one
 * outage spread out instead of hitting the API server together.
 */
export function jittered(delayMs: number, random: () => number): number {
  return delayMs / 2 + (delayMs / 2) * random();
}

/** Per-key failure counts: each failure doubles the key's next delay, a success resets it. */
export class ItemBackoff {
  readonly #failures = new Map<string, number>();
  constructor(private readonly options: BackoffOptions) {}

  /** The delay before retrying the key, counting this failure. */
  next(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    return exponentialDelay(failures, this.options);
  }

  /** Forgets the key's failures (after a success, or when the key is gone). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** How many times the key failed in a row. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}
