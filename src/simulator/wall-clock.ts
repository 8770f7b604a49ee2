import type { SimulatorClock, TimerHandle } from "./clock.js";

/**
 * The wall clock (`clock: "wall"`): transitions fall due by real time, so a
 * live operator can run against the simulator. `advance` is refused, because
 * moving only the simulator's time would make it disagree with the host's.
 */
export class WallClock implements SimulatorClock {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Current time in milliseconds since the epoch. */
  nowMs(): number {
    return Date.now();
  }

  /** Current time as ISO 8601. */
  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }

  /** Runs `run` after `delayMs` of real time; the timer does not keep the process alive. */
  schedule(delayMs: number, run: () => void): TimerHandle {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
    return {
      cancel: () => {
        clearTimeout(timer);
        this.timers.delete(timer);
      },
    };
  }

  /** Refused: wall time moves by itself. */
  advance(_ms: number): void {
    throw new RangeError('advance: the simulator runs on the wall clock (clock: "wall")');
  }

  /** Cancels every pending timer. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
