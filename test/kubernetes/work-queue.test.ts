import { describe, expect, it } from "vitest";
import { exponentialDelay, jittered } from "../../src/kubernetes/backoff.js";
import { type QueueTimers, WorkQueue } from "../../src/kubernetes/work-queue.js";

/** Timers moved by hand: no test waits on the wall clock. */
function manualTimers() {
  let now = 0;
  const pending: { at: number; callback: () => void; id: number }[] = [];
  let ids = 0;
  const timers: QueueTimers & { advance(ms: number): void; pending(): number[] } = {
    now: () => now,
    setTimeout(callback, ms) {
      ids += 1;
      pending.push({ at: now + ms, callback, id: ids });
      return ids;
    },
    clearTimeout(handle) {
      const index = pending.findIndex((entry) => entry.id === handle);
      if (index >= 0) pending.splice(index, 1);
    },
    advance(ms) {
      now += ms;
      for (const entry of pending.filter((candidate) => candidate.at <= now)) {
        pending.splice(pending.indexOf(entry), 1);
        entry.callback();
      }
    },
    pending: () => pending.map((entry) => entry.at - now),
  };
  return timers;
}

describe("WorkQueue", () => {
  it("holds one entry per key however many times it is added", async () => {
    const adds: number[] = [];
    const queue = new WorkQueue({ hooks: { queueAdd: () => adds.push(1) } });
    for (let index = 0; index < 5; index += 1) queue.add("ns/a");
    queue.add("ns/b");
    expect(queue.depth).toBe(2);
    expect(adds).toHaveLength(2);
    expect(await queue.get()).toBe("ns/a");
    expect(await queue.get()).toBe("ns/b");
    expect(queue.depth).toBe(0);
  });

  it("never hands one key to two workers; a key added while processed comes back after done", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    const first = await queue.get();
    queue.add("ns/a");
    queue.add("ns/a");
    // Still being processed: not handed out again.
    expect(queue.depth).toBe(0);
    let second: string | undefined;
    void queue.get().then((key) => {
      second = key;
    });
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(first as string);
    await Promise.resolve();
    expect(second).toBe("ns/a");
    queue.done("ns/a");
    expect(queue.depth).toBe(0);
    expect(queue.inFlight).toBe(0);
  });

  it("backs off a failing key exponentially from 5 ms to the cap, and resets on success", () => {
    const timers = manualTimers();
    const retries: number[] = [];
    const queue = new WorkQueue({
      timers,
      backoff: { baseMs: 5, maxMs: 1_000_000 },
      hooks: { queueRetry: () => retries.push(1) },
    });
    const delays: number[] = [];
    for (let failure = 0; failure < 4; failure += 1) {
      queue.addRateLimited("ns/a");
      delays.push(...timers.pending());
      timers.advance(timers.pending()[0] ?? 0);
      expect(queue.depth).toBe(1);
      void queue.get();
      queue.done("ns/a");
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(retries).toHaveLength(4);
    expect(queue.failures("ns/a")).toBe(4);
    queue.forget("ns/a");
    queue.addRateLimited("ns/a");
    expect(timers.pending()).toEqual([5]);
    expect(exponentialDelay(40, { baseMs: 5, maxMs: 1_000_000 })).toBe(1_000_000);
  });

  it("spreads retries of many failing keys over the shared budget (10/s beyond a burst of 100)", () => {
    const timers = manualTimers();
    const queue = new WorkQueue({ timers, retryBucket: { qps: 10, burst: 100 } });
    for (let index = 0; index < 102; index += 1) queue.addRateLimited(`ns/k${index}`);
    const delays = timers.pending();
    // The burst retries after the 5 ms backoff; the next ones wait for tokens.
    expect(delays.slice(0, 100).every((delay) => delay === 5)).toBe(true);
    expect(delays.slice(100)).toEqual([100, 200]);
  });

  it("honours requeue-after, keeping the earliest deadline of a key", () => {
    const timers = manualTimers();
    const queue = new WorkQueue({ timers });
    queue.addAfter("ns/a", 1000);
    queue.addAfter("ns/a", 300);
    queue.addAfter("ns/a", 2000);
    expect(timers.pending()).toEqual([300]);
    timers.advance(299);
    expect(queue.depth).toBe(0);
    timers.advance(1);
    expect(queue.depth).toBe(1);
  });

  it("hands out nothing after shutDown and wakes waiting workers", async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add("ns/a");
    expect(await queue.get()).toBeUndefined();
  });

  it("jitters watch restarts within [delay/2, delay)", () => {
    expect(jittered(100, () => 0)).toBe(50);
    expect(jittered(100, () => 0.999)).toBeCloseTo(99.95);
  });
});
