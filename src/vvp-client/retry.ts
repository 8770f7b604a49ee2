/** Retry settings; every field has a default. */
export interface RetryOptions {
  /** Total tries of an idempotent call, the first included (default 3; 1 disables retries). */
  attempts?: number;
  /** Delay before the first retry, before jitter (default 250 ms). */
  baseDelayMs?: number;
  /** Cap of a backoff delay, and the longest Retry-After we wait for (default 5000 ms). */
  maxDelayMs?: number;
}

/** Retry settings with every default filled in. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** The defaults: three tries, 250 ms doubling, capped at 5 s. */
export const DEFAULT_RETRY_OPTIONS: ResolvedRetryOptions = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5000,
};

/** Fills in the defaults and rejects settings that cannot work. */
export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(options ?? {}) };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new RangeError(`retries.attempts must be an integer >= 1, got ${resolved.attempts}`);
  }
  for (const key of ["baseDelayMs", "maxDelayMs"] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new RangeError(`retries.${key} must be a number >= 0, got ${resolved[key]}`);
    }
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

/** Methods that may be sent twice with the same effect (RFC 9110 §9.2.2), so they are retried. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE"]);

/**
 * The wait before retry number `retry` (1 for the first retry): exponential
 * with "equal jitter", i.e. uniformly in [ceiling/2, ceiling] where ceiling =
 * min(maxDelayMs, baseDelayMs * 2^(retry-1)). Half is fixed so retries never
 * come back at once; half is random so many hosts do not retry in step.
 */
export function backoffDelay(
  retry: number,
  options: ResolvedRetryOptions,
  random: () => number,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (draw * ceiling) / 2);
}

/** True for the statuses worth retrying: 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Reads a Retry-After header (delay-seconds or an HTTP date) as milliseconds;
 * undefined when absent or unreadable. `now` is only used for the date form.
 */
export function parseRetryAfter(value: string | null, now: () => number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its weekday and month; anything else (e.g. "-5") is not one.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
