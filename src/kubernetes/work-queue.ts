// A work queue with client-go's semantics: one entry per key however many
// times it is added, never handed to two workers at once (a key added while
// it is processed comes back after `done`), delayed adds that keep the
// earliest deadline, and per-key exponential backoff for failures.
import { type BackoffOptions, DEFAULT_QUEUE_BACKOFF, ItemBackoff } from "./backoff.js";

/** Hooks the queue calls for metrics (a subset of ControllerMetrics). */
export interface WorkQueueHooks {
  queueAdd?(): void;
  queueRetry?(): void;
  queueDepth?(depth: number): void;
}

/** Timers the queue uses; injectable so tests need no wall clock. */
export interface QueueTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: QueueTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending requeue never keeps the process alive on its own.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/** The overall retry budget shared by all keys (controller-runtime: 10 per second, bursts of 100). */
export interface RetryBucket {
  qps: number;
  burst: number;
}

/** controller-runtime's default overall retry limit. */
export const DEFAULT_RETRY_BUCKET: RetryBucket = { qps: 10, burst: 100 };

/** What the queue is built with. */
export interface WorkQueueOptions {
  backoff?: BackoffOptions;
  /** Retries beyond the burst wait for this budget, however many keys fail at once. */
  retryBucket?: RetryBucket;
  hooks?: WorkQueueHooks;
  timers?: QueueTimers;
}

/** A de-duplicating, rate-limited, delaying work queue of string keys. */
export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #waiting = new Map<string, { at: number; handle: unknown }>();
  readonly #getters: ((key: string | undefined) => void)[] = [];
  readonly #forced = new Set<string>();
  readonly #backoff: ItemBackoff;
  readonly #hooks: WorkQueueHooks;
  readonly #timers: QueueTimers;
  readonly #bucket: RetryBucket;
  #tokens: number;
  #refilledAt: number;
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#backoff = new ItemBackoff(options.backoff ?? DEFAULT_QUEUE_BACKOFF);
    this.#hooks = options.hooks ?? {};
    this.#timers = options.timers ?? realTimers;
    this.#bucket = options.retryBucket ?? DEFAULT_RETRY_BUCKET;
    this.#tokens = this.#bucket.burst;
    this.#refilledAt = this.#timers.now();
  }

  /**
   * Adds the key now, unless it is already waiting to be processed. `forced`
   * marks a reconcile that must run even if nothing changed in Kubernetes (a
   * resync, a requeue-after, a retry); see takeForced.
   */
  add(key: string, forced = false): void {
    if (this.#shuttingDown) return;
    if (forced) this.#forced.add(key);
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    this.#hooks.queueAdd?.();
    // A key being processed is put back by done(), never handed out twice.
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
  }

  /** Adds the key after `ms`; an earlier pending deadline for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key, true);
      return;
    }
    const at = this.#timers.now() + ms;
    const pending = this.#waiting.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      this.#timers.clearTimeout(pending.handle);
    }
    const handle = this.#timers.setTimeout(() => {
      this.#waiting.delete(key);
      this.add(key, true);
    }, ms);
    this.#waiting.set(key, { at, handle });
  }

  /**
   * Re-adds a failed key after its exponential backoff, or later when many
   * keys fail at once (a VVP outage) and the shared retry budget is spent.
   */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.#hooks.queueRetry?.();
    this.addAfter(key, Math.max(this.#backoff.next(key), this.#reserveRetry()));
  }

  /** Takes one token of the retry bucket; the wait until it exists (tokens go into debt, as x/time/rate). */
  #reserveRetry(): number {
    const now = this.#timers.now();
    const { qps, burst } = this.#bucket;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#refilledAt) * qps) / 1000);
    this.#refilledAt = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / qps;
  }

  /** Resets the key's backoff (it succeeded, or it is gone). */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** How many times the key failed in a row. */
  failures(key: string): number {
    return this.#backoff.failures(key);
  }

  /** The next key to process, or undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) return Promise.resolve(this.#take(key));
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks the key processed; if it was added meanwhile it goes back to the queue. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#enqueue(key);
  }

  /** Whether the key was added as forced since it was last taken; clears the mark. */
  takeForced(key: string): boolean {
    return this.#forced.delete(key);
  }

  /** Keys waiting to be handed out. */
  get depth(): number {
    return this.#queue.length;
  }

  /** Keys waiting for a delayed add (requeue-after, backoff). */
  get delayed(): number {
    return this.#waiting.size;
  }

  /** Keys handed out and not yet done. */
  get inFlight(): number {
    return this.#processing.size;
  }

  /** Stops handing out keys; pending getters receive undefined and timers are cancelled. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const { handle } of this.#waiting.values()) this.#timers.clearTimeout(handle);
    this.#waiting.clear();
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
  }

  #enqueue(key: string): void {
    const getter = this.#getters.shift();
    if (getter !== undefined) {
      getter(this.#take(key));
      return;
    }
    this.#queue.push(key);
    this.#hooks.queueDepth?.(this.#queue.length);
  }

  #take(key: string): string {
    this.#dirty.delete(key);
    this.#processing.add(key);
    this.#hooks.queueDepth?.(this.#queue.length);
    return key;
  }
}
