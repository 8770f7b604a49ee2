/** The leader election fields of a coordination.k8s.io/v1 Lease's spec. */
export interface LeaseRecord {
  /** "" when nobody holds it (released). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string | undefined;
  renewTime: string | undefined;
  leaseTransitions: number;
}

/** A Lease as read: its record and the resourceVersion a write must carry. */
export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** Another replica wrote the Lease first (409 Conflict or 409 AlreadyExists): we lost the race. */
export class LeaseConflictError extends Error {
  constructor(message = "the Lease was written by another replica") {
    super(message);
    this.name = "LeaseConflictError";
  }
}

/** The three Lease calls leader election makes; one implementation over client-node, others in tests. */
export interface LeaseStore {
  /** The Lease, or undefined when it does not exist. */
  get(): Promise<StoredLease | undefined>;
  /** Creates it; LeaseConflictError when it exists. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** Replaces it with optimistic concurrency; LeaseConflictError on a stale resourceVersion. */
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
}

/** client-go's timings (leaderelection.LeaderElectionConfig). */
export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Why this replica stopped leading. */
export type StoppedLeadingReason = "lost" | "stopped";

/** What the candidate needs: the store, who it is, and its clocks. */
export interface LeaseCandidateOptions extends LeaderElectionTimings {
  store: LeaseStore;
  /** This replica's identity, unique per process (pod name + random suffix). */
  identity: string;
  /** A monotonic clock in ms: expiry is judged only on it. */
  now?: () => number;
  /** Wall time written into the record (for humans and kubectl); never used to judge expiry. */
  wallClock?: () => Date;
}

/**
 * One replica's view of the Lease with client-go's acquire/renew step. Expiry
 * is judged on this replica's own monotonic clock, from the moment it last
 * saw the record change, never from the times written in the record: the
 * holder's clock may be skewed against ours.
 */
export class LeaseCandidate {
  readonly identity: string;
  private readonly options: LeaseCandidateOptions;
  private readonly now: () => number;
  private readonly wallClock: () => Date;
  private observedKey: string | undefined;
  private observedAt = 0;
  private observedHolder = "";
  private lastWritten: StoredLease | undefined;

  constructor(options: LeaseCandidateOptions) {
    this.options = options;
    this.identity = options.identity;
    this.now = options.now ?? (() => performance.now());
    this.wallClock = options.wallClock ?? (() => new Date());
  }

  /** The holder this replica last saw ("" when released or unknown). */
  get holder(): string {
    return this.observedHolder;
  }

  /**
   * client-go's tryAcquireOrRenew: true when this replica holds the Lease
   * after the call. A lost race (409) is false, never an error; other API
   * errors propagate so the caller can log them and retry.
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const stored = await this.options.store.get();
    const now = this.now();
    if (stored === undefined) return this.write(now, undefined);
    this.observe(stored, now);
    const heldByOther =
      stored.record.holderIdentity !== "" && stored.record.holderIdentity !== this.identity;
    // client-go waits the record's duration; ours: never less than our own configured one
    // (sub-second test timings, which the record's whole seconds round up), and never less
    // than the holder's, whose flags may differ (a rolling update changed them).
    const leaseMs = Math.max(
      this.options.leaseDurationMs,
      stored.record.leaseDurationSeconds * 1000 || 0,
    );
    if (heldByOther && now < this.observedAt + leaseMs) return false;
    return this.write(now, stored);
  }

  /**
   * Gives the Lease up so the next candidate takes it at once (client-go's
   * ReleaseOnCancel): holder cleared, duration 1 s. Only when we still hold it.
   */
  async release(): Promise<boolean> {
    let current = this.lastWritten;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (current === undefined || current.record.holderIdentity !== this.identity) return false;
      const at = this.timestamp();
      const record: LeaseRecord = {
        holderIdentity: "",
        leaseDurationSeconds: 1,
        acquireTime: at,
        renewTime: at,
        leaseTransitions: current.record.leaseTransitions,
      };
      try {
        this.lastWritten = await this.options.store.update(record, current.resourceVersion);
        this.observe(this.lastWritten, this.now());
        return true;
      } catch (error) {
        if (!(error instanceof LeaseConflictError)) throw error;
        current = await this.options.store.get();
      }
    }
    return false;
  }

  private observe(stored: StoredLease, now: number): void {
    const key = recordKey(stored.record);
    if (key === this.observedKey) return;
    this.observedKey = key;
    this.observedAt = now;
    this.observedHolder = stored.record.holderIdentity;
  }

  private async write(now: number, stored: StoredLease | undefined): Promise<boolean> {
    const at = this.timestamp();
    const renewing = stored?.record.holderIdentity === this.identity;
    const record: LeaseRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000)),
      acquireTime: renewing ? stored?.record.acquireTime : at,
      renewTime: at,
      leaseTransitions:
        stored === undefined
          ? 0
          : renewing
            ? stored.record.leaseTransitions
            : stored.record.leaseTransitions + 1,
    };
    try {
      const written =
        stored === undefined
          ? await this.options.store.create(record)
          : await this.options.store.update(record, stored.resourceVersion);
      this.lastWritten = written;
      this.observe(written, now);
      return true;
    } catch (error) {
      if (error instanceof LeaseConflictError) return false;
      throw error;
    }
  }

  /** A MicroTime: RFC 3339 with microseconds, as the API server writes Lease times. */
  private timestamp(): string {
    return this.wallClock().toISOString().replace(/Z$/, "000Z");
  }
}

function recordKey(record: LeaseRecord): string {
  return JSON.stringify([
    record.holderIdentity,
    record.leaseDurationSeconds,
    record.acquireTime ?? null,
    record.renewTime ?? null,
    record.leaseTransitions,
  ]);
}

/** Callbacks and logging of the election loop. */
export interface LeaderElectorOptions extends LeaseCandidateOptions {
  onStartedLeading(): void;
  /** "lost": the renew deadline passed; "stopped": stop() was called while leading. */
  onStoppedLeading(reason: StoppedLeadingReason): void;
  /** A different holder was seen (or "" once it was released). */
  onNewLeader?(identity: string): void;
  /** Called with API errors, which the loop retries. */
  onError?(error: unknown): void;
  /** Random in [0, 1) for jitter; tests may pin it. */
  random?: () => number;
}

/** Runs the acquire/renew loop; the one who leads is the one who reconciles. */
export interface LeaderElector {
  /** Starts competing; resolves once the loop has ended (stopped or lost). */
  run(): Promise<void>;
  isLeader(): boolean;
  /**
   * Ends the loop and, when leading, releases the Lease (ReleaseOnCancel);
   * `release: false` leaves it to expire (work that may still write is running).
   */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** client-go's jitter factor on the retry period while acquiring. */
const JITTER_FACTOR = 1.2;

/**
 * client-go's LeaderElector: candidates retry every retryPeriod (jittered);
 * the leader renews every retryPeriod and gives up leadership when it could
 * not renew for renewDeadline, which is shorter than the lease, so it stops
 * before any other replica may take over.
 */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const candidate = new LeaseCandidate(options);
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  let stopped = false;
  let releaseOnStop = true;
  let leading = false;
  let wake: (() => void) | undefined;
  let lastHolder: string | undefined;
  let running: Promise<void> | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const noticeHolder = () => {
    if (candidate.holder !== lastHolder) {
      lastHolder = candidate.holder;
      options.onNewLeader?.(candidate.holder);
    }
  };

  /** One attempt, bounded by `withinMs`: undefined when it did not answer in time. */
  const attempt = async (withinMs: number): Promise<boolean | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, withinMs));
    });
    try {
      return await Promise.race([
        candidate.tryAcquireOrRenew().catch((error: unknown) => {
          options.onError?.(error);
          return false;
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
      noticeHolder();
    }
  };

  // When the last successful attempt was sent: its write was stored no
  // earlier, so no other replica can have seen it before. The renew deadline
  // counts from here, not from the (possibly late) answer.
  let renewedAt = 0;

  const acquire = async (): Promise<boolean> => {
    while (!stopped) {
      const sentAt = now();
      if (await attempt(options.renewDeadlineMs)) {
        renewedAt = sentAt;
        return !stopped;
      }
      await pause(options.retryPeriodMs * (1 + random() * (JITTER_FACTOR - 1)));
    }
    return false;
  };

  const renew = async (): Promise<StoppedLeadingReason> => {
    while (!stopped) {
      await pause(options.retryPeriodMs);
      if (stopped) break;
      const deadline = renewedAt + options.renewDeadlineMs;
      const sentAt = now();
      const renewed = await attempt(deadline - sentAt);
      if (renewed === true) {
        renewedAt = sentAt;
      } else if (now() >= deadline || candidate.holder !== candidate.identity) {
        return "lost";
      }
    }
    return "stopped";
  };

  const loop = async () => {
    if (!(await acquire())) {
      // stop() may have raced a successful acquire: give back what we just took.
      if (releaseOnStop) {
        await candidate.release().catch((error: unknown) => options.onError?.(error));
      }
      return;
    }
    leading = true;
    options.onStartedLeading();
    const reason = await renew();
    leading = false;
    if (reason === "stopped" && releaseOnStop) {
      await candidate.release().catch((error: unknown) => options.onError?.(error));
    }
    options.onStoppedLeading(reason);
  };

  return {
    run() {
      running ??= loop();
      return running;
    },
    isLeader: () => leading,
    async stop({ release = true } = {}) {
      releaseOnStop = release;
      stopped = true;
      wake?.();
      await running;
    },
  };
}
