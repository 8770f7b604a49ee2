// Fault injection: answers that fail, come late, or watches that break, as
// the controller and operator must survive them.

import { KubeApiError, type StatusReason } from "./status.js";

/** Which requests a fault applies to; every given field must match. */
export interface RequestMatch {
  /** HTTP method, e.g. "PATCH". */
  method?: string;
  /** A path prefix or a pattern the path must match. */
  path?: string | RegExp;
  /** The resource plural, e.g. "vvpdeployments" or "leases". */
  resource?: string;
  /** The subresource, e.g. "status". */
  subresource?: string;
  /** Whether the request is a watch. */
  watch?: boolean;
}

/** A failure answered instead of the real one, `count` times (default 1). */
export interface FailureRule extends RequestMatch {
  /** 500, 429, 503, 504 or any other failure code. */
  status: number;
  /** Sent as the Retry-After header and in `details.retryAfterSeconds`. */
  retryAfterSeconds?: number;
  count?: number;
  message?: string;
}

/** What a request is, for matching faults. */
export interface RequestFacts {
  method: string;
  path: string;
  resource?: string;
  subresource?: string;
  watch: boolean;
}

const REASONS: Record<number, StatusReason> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  410: "Expired",
  429: "TooManyRequests",
  500: "InternalError",
  504: "Timeout",
};

/** Whether a request matches every given field of a rule. */
export function requestMatches(match: RequestMatch, request: RequestFacts): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== request.method) return false;
  if (match.resource !== undefined && match.resource !== request.resource) return false;
  if (match.subresource !== undefined && match.subresource !== request.subresource) return false;
  if (match.watch !== undefined && match.watch !== request.watch) return false;
  if (match.path instanceof RegExp) return match.path.test(request.path);
  return match.path === undefined || request.path.startsWith(match.path);
}

/** The failure a rule answers with. */
export function failureFor(rule: FailureRule): KubeApiError {
  const retry = rule.retryAfterSeconds;
  const reason: StatusReason = REASONS[rule.status] ?? "InternalError";
  const message =
    rule.message ??
    (rule.status === 429
      ? "Too many requests, please try again later."
      : `injected failure (${rule.status})`);
  return new KubeApiError(
    rule.status,
    reason,
    message,
    retry === undefined ? undefined : { retryAfterSeconds: retry },
  );
}

/** A slowdown: every matching request waits `ms` before it is served. */
export interface SlowRule extends RequestMatch {
  ms: number;
}

/** The fault state of a server: pending failures and slowdowns. */
export class FaultState {
  private failures: (FailureRule & { remaining: number })[] = [];
  private slowdowns: SlowRule[] = [];

  /** Queues a failure for the next matching request(s). */
  failNext(rule: FailureRule): void {
    this.failures.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Slows every matching request by `ms` (replacing earlier slowdowns); `slow(0)` stops. */
  slow(ms: number, match: RequestMatch = {}): void {
    this.slowdowns = ms > 0 ? [{ ...match, ms }] : [];
  }

  /** Takes the failure that applies to a request, if any. */
  takeFailure(request: RequestFacts): FailureRule | undefined {
    const rule = this.failures.find((r) => r.remaining > 0 && requestMatches(r, request));
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    this.failures = this.failures.filter((r) => r.remaining > 0);
    return rule;
  }

  /** How long a request waits before it is served. */
  delayFor(request: RequestFacts): number {
    return this.slowdowns.find((r) => requestMatches(r, request))?.ms ?? 0;
  }

  /** Failures still queued. */
  pendingFailures(): number {
    return this.failures.reduce((sum, r) => sum + r.remaining, 0);
  }

  /** Clears every queued failure and slowdown. */
  reset(): void {
    this.failures = [];
    this.slowdowns = [];
  }
}
