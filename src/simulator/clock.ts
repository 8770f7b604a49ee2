/** A task due at a point of manual time. */
interface ScheduledTask {
  dueAt: number;
  sequence: number;
  run: () => void;
}

/** Handle of a scheduled task, to cancel it. */
export interface TimerHandle {
  cancel(): void;
}

/** What the simulator's state reads time from: the manual clock or the wall clock. */
export interface SimulatorClock {
  /** Current time in milliseconds since the epoch. */
  nowMs(): number;
  /** Current time as ISO 8601. */
  nowIso(): string;
  /** Runs `run` once `delayMs` of this clock's time has passed. */
  schedule(delayMs: number, run: () => void): TimerHandle;
  /** Moves time forward (manual clock) or refuses (wall clock). */
  advance(ms: number): void;
  /** Cancels every pending task, so a closed simulator holds no timer. */
  stop(): void;
}

/**
 * The simulator's manual clock: time moves only through `advance`, so every
 * test sees the same sequence of states whatever the machine's speed.
 */
export class ManualClock implements SimulatorClock {
  private current: number;
  private sequence = 0;
  private readonly tasks = new Set<ScheduledTask>();

  /** Starts the clock at an ISO time. */
  constructor(startIso: string) {
    const start = Date.parse(startIso);
    if (Number.isNaN(start)) throw new TypeError(`now: not an ISO 8601 time: ${startIso}`);
    this.current = start;
  }

  /** Current time in milliseconds since the epoch. */
  nowMs(): number {
    return this.current;
  }

  /** Current time as ISO 8601. */
  nowIso(): string {
    return new Date(this.current).toISOString();
  }

  /** Runs `run` once the clock has advanced by `delayMs`. */
  schedule(delayMs: number, run: () => void): TimerHandle {
    const task: ScheduledTask = { dueAt: this.current + delayMs, sequence: this.sequence++, run };
    this.tasks.add(task);
    return { cancel: () => this.tasks.delete(task) };
  }

  /**
   * Moves time forward by `ms`, running due tasks in time order; each runs at
   * its own due time, so a task scheduled by another within the window runs too.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance: ms must be >= 0, got ${ms}`);
    const target = this.current + ms;
    for (;;) {
      let next: ScheduledTask | undefined;
      for (const task of this.tasks) {
        if (task.dueAt > target) continue;
        if (
          next === undefined ||
          task.dueAt < next.dueAt ||
          (task.dueAt === next.dueAt && task.sequence < next.sequence)
        ) {
          next = task;
        }
      }
      if (next === undefined) break;
      this.tasks.delete(next);
      this.current = Math.max(this.current, next.dueAt);
      next.run();
    }
    this.current = target;
  }

  /** Drops every pending task. */
  stop(): void {
    this.tasks.clear();
  }
}
