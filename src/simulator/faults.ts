import { compilePathPattern, matchPathPattern } from "./path-pattern.js";
import { mulberry32 } from "./random.js";
import type { FailNextOptions, FaultMode } from "./types.js";

/** A fault armed for the next matching calls. */
interface ArmedFault {
  method?: string;
  matches: (path: string) => boolean;
  mode: FaultMode;
  status: number;
  delayMs: number;
  message: string;
  applied: boolean;
  appliedAfterMs?: number;
  remaining: number;
}

/** The fault that decides one call, with everything the HTTP layer needs. */
export type TriggeredFault = Omit<ArmedFault, "matches" | "remaining" | "method">;

function pathMatcher(path: string | RegExp): (candidate: string) => boolean {
  if (path instanceof RegExp) {
    return (candidate) => {
      path.lastIndex = 0;
      return path.test(candidate);
    };
  }
  if (path.split("/").some((segment) => segment.startsWith(":"))) {
    const compiled = compilePathPattern(path);
    return (candidate) => matchPathPattern(compiled, candidate) !== undefined;
  }
  return (candidate) => candidate === path;
}

/**
 * Injected faults: rules armed by `failNext`, consumed first-armed-first by
 * matching calls, and a seeded error rate. One PRNG draw per call keeps the
 * 503 pattern reproducible for a given seed and call sequence.
 */
export class FaultInjector {
  private readonly armed: ArmedFault[] = [];
  private readonly draw: () => number;

  /** An injector answering 503 for about `errorRate` of calls. */
  constructor(
    private readonly errorRate: number,
    seed: number,
  ) {
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new RangeError(`errorRate must be between 0 and 1, got ${errorRate}`);
    }
    this.draw = mulberry32(seed);
  }

  /** Arms a fault. */
  add(options: FailNextOptions): void {
    const count = options.count ?? 1;
    const status = options.status ?? 503;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`failNext: count must be a positive integer, got ${count}`);
    }
    const late = options.appliedAfterMs;
    if (late !== undefined && (options.mode !== "timeout" || !Number.isFinite(late) || late < 0)) {
      throw new RangeError("failNext: appliedAfterMs needs mode timeout and a delay >= 0");
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`failNext: status must be an HTTP status, got ${status}`);
    }
    this.armed.push({
      ...(options.method === undefined ? {} : { method: options.method.toUpperCase() }),
      matches: pathMatcher(options.path),
      mode: options.mode ?? "status",
      status,
      delayMs: options.delayMs ?? 100,
      message: options.message ?? `Simulated failure (HTTP ${status})`,
      applied: options.applied ?? false,
      ...(options.appliedAfterMs === undefined ? {} : { appliedAfterMs: options.appliedAfterMs }),
      remaining: count,
    });
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed.length = 0;
  }

  /** Decides a call: the armed fault it consumes, or whether the error rate hits it. */
  take(method: string, path: string): { fault?: TriggeredFault; errorRateHit: boolean } {
    const errorRateHit = this.errorRate > 0 && this.draw() < this.errorRate;
    const index = this.armed.findIndex(
      (fault) => (fault.method === undefined || fault.method === method) && fault.matches(path),
    );
    const armed = this.armed[index];
    if (armed === undefined) return { errorRateHit };
    armed.remaining -= 1;
    if (armed.remaining === 0) this.armed.splice(index, 1);
    const { matches: _matches, remaining: _remaining, method: _method, ...fault } = armed;
    return { fault, errorRateHit };
  }
}
