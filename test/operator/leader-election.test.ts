import { describe, expect, it } from "vitest";
import {
  createLeaderElector,
  LeaseCandidate,
  type LeaseRecord,
  type StoppedLeadingReason,
} from "../../src/operator/leader-election.js";
import { ManualClock, MemoryLease, waitFor } from "./support.js";

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function candidate(lease: MemoryLease, identity: string, clock: ManualClock) {
  return new LeaseCandidate({ ...timings, store: lease.store(), identity, now: clock.now });
}

function heldBy(holderIdentity: string, renewTime: string): LeaseRecord {
  return {
    holderIdentity,
    leaseDurationSeconds: 15,
    acquireTime: renewTime,
    renewTime,
    leaseTransitions: 3,
  };
}

describe("LeaseCandidate (client-go's tryAcquireOrRenew)", () => {
  it("creates a missing Lease and holds it, with MicroTime timestamps", async () => {
    const lease = new MemoryLease();
    const a = candidate(lease, "a", new ManualClock());
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(lease.stored?.record).toMatchObject({
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(lease.stored?.record.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it("waits the lease duration on ITS OWN clock from when it first saw the record, however old renewTime is", async () => {
    const lease = new MemoryLease();
    // The holder's clock is years behind: comparing renewTime with our clock would say "expired".
    lease.put(heldBy("other", "2000-01-01T00:00:00.000000Z"));
    const clock = new ManualClock();
    const b = candidate(lease, "b", clock);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(timings.leaseDurationMs - 1);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(1);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease.stored?.record.holderIdentity).toBe("b");
    expect(lease.stored?.record.leaseTransitions).toBe(4);
  });

  it("takes over a record whose renewTime lies in the future once it stopped changing for the lease duration", async () => {
    const lease = new MemoryLease();
    lease.put(heldBy("other", "2999-01-01T00:00:00.000000Z"));
    const clock = new ManualClock();
    const b = candidate(lease, "b", clock);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(timings.leaseDurationMs);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it("waits the holder's own lease duration when the record's is longer than ours (flags changed in a rolling update)", async () => {
    const lease = new MemoryLease();
    lease.put({
      ...heldBy("old-replica", "2026-01-01T00:00:00.000000Z"),
      leaseDurationSeconds: 30,
    });
    const clock = new ManualClock();
    const b = candidate(lease, "b", clock);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // The holder renews until its renew deadline within a 30 s lease: 15 s of silence is no expiry.
    clock.advance(timings.leaseDurationMs);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(30_000 - timings.leaseDurationMs);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it("never takes a Lease its holder keeps renewing: each change restarts the wait", async () => {
    const lease = new MemoryLease();
    const clock = new ManualClock();
    const b = candidate(lease, "b", clock);
    for (let round = 0; round < 5; round++) {
      lease.put(heldBy("other", `2026-01-01T00:00:0${round}.000000Z`));
      expect(await b.tryAcquireOrRenew()).toBe(false);
      clock.advance(timings.leaseDurationMs - 1);
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
  });

  it("renews its own Lease at any time, keeping acquireTime and the transition count", async () => {
    const lease = new MemoryLease();
    const clock = new ManualClock();
    const a = candidate(lease, "a", clock);
    await a.tryAcquireOrRenew();
    const acquired = lease.stored?.record.acquireTime;
    clock.advance(1);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(lease.stored?.record.acquireTime).toBe(acquired);
    expect(lease.stored?.record.leaseTransitions).toBe(0);
    expect(lease.writes).toBe(2);
  });

  it("loses a race on the resourceVersion (409) without an error, and exactly one of two wins", async () => {
    const lease = new MemoryLease();
    lease.put(heldBy("gone", "2026-01-01T00:00:00.000000Z"));
    const clock = new ManualClock();
    const a = candidate(lease, "a", clock);
    const b = candidate(lease, "b", clock);
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(timings.leaseDurationMs);
    // Both read the same expired record; the second write carries a stale resourceVersion.
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(lease.stored?.record.holderIdentity).toBe(results[0] ? "a" : "b");
  });

  it("creating a Lease another replica created first is a lost race, not an error", async () => {
    const lease = new MemoryLease();
    const clock = new ManualClock();
    const a = candidate(lease, "a", clock);
    const b = candidate(lease, "b", clock);
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("release clears the holder with a 1 s duration, and the next candidate takes it at once", async () => {
    const lease = new MemoryLease();
    const clock = new ManualClock();
    const a = candidate(lease, "a", clock);
    const b = candidate(lease, "b", clock);
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(await a.release()).toBe(true);
    expect(lease.stored?.record).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease.stored?.record.leaseTransitions).toBe(1);
  });

  it("does not release a Lease it no longer holds", async () => {
    const lease = new MemoryLease();
    const clock = new ManualClock();
    const a = candidate(lease, "a", clock);
    await a.tryAcquireOrRenew();
    lease.put(heldBy("b", "2026-01-01T00:00:00.000000Z"));
    expect(await a.release()).toBe(false);
    expect(lease.stored?.record.holderIdentity).toBe("b");
  });
});

describe("createLeaderElector (the acquire/renew loop, tiny timings)", () => {
  const fast = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 50 };

  function elector(lease: MemoryLease, identity: string) {
    const log: Array<string> = [];
    const stopped: StoppedLeadingReason[] = [];
    const instance = createLeaderElector({
      ...fast,
      store: lease.store(),
      identity,
      onStartedLeading: () => log.push("started"),
      onStoppedLeading: (reason) => stopped.push(reason),
      onError: () => undefined,
    });
    return { instance, log, stopped };
  }

  it("one of two leads; stopping the leader releases the Lease and the other takes over at once", async () => {
    const lease = new MemoryLease();
    const a = elector(lease, "a");
    const b = elector(lease, "b");
    void a.instance.run();
    await waitFor(() => a.instance.isLeader(), "a to lead");
    void b.instance.run();
    // b keeps trying for longer than the lease: a renews, so b never leads.
    await new Promise((resolve) => setTimeout(resolve, fast.leaseDurationMs * 1.5));
    expect(b.instance.isLeader()).toBe(false);
    const stoppedAt = performance.now();
    await a.instance.stop();
    expect(a.stopped).toEqual(["stopped"]);
    await waitFor(() => b.instance.isLeader(), "b to lead");
    // Released: b did not wait for the lease to expire.
    expect(performance.now() - stoppedAt).toBeLessThan(fast.leaseDurationMs);
    await b.instance.stop();
    expect(lease.stored?.record.holderIdentity).toBe("");
  });

  it("a leader that cannot renew stops leading within the renew deadline, before the lease could expire", async () => {
    const lease = new MemoryLease();
    const a = elector(lease, "a");
    void a.instance.run();
    await waitFor(() => a.instance.isLeader(), "a to lead");
    const lastRenew = performance.now();
    // The API server hangs: requests neither succeed nor fail.
    lease.stall = new Promise(() => undefined);
    await waitFor(() => a.stopped.length > 0, "a to give up");
    const gaveUpAfter = performance.now() - lastRenew;
    expect(a.stopped).toEqual(["lost"]);
    expect(a.instance.isLeader()).toBe(false);
    expect(gaveUpAfter).toBeLessThan(fast.leaseDurationMs);
  });

  it("a renewal whose answer came late counts from when it was sent: the leader still gives up before the lease it wrote can expire", async () => {
    const timing = { leaseDurationMs: 1_000, renewDeadlineMs: 700, retryPeriodMs: 50 };
    const lease = new MemoryLease();
    const inner = lease.store();
    let slowAnswer = false;
    let committedAt = 0;
    const stopped: StoppedLeadingReason[] = [];
    const a = createLeaderElector({
      ...timing,
      store: {
        ...inner,
        async update(record, resourceVersion) {
          const written = await inner.update(record, resourceVersion);
          if (slowAnswer) {
            // Stored at once (other replicas see it now); the answer takes 600 ms.
            slowAnswer = false;
            committedAt = performance.now();
            await new Promise((resolve) => setTimeout(resolve, 600));
            // Then the API server hangs.
            lease.stall = new Promise(() => undefined);
          }
          return written;
        },
      },
      identity: "a",
      onStartedLeading: () => undefined,
      onStoppedLeading: (reason) => stopped.push(reason),
      onError: () => undefined,
    });
    void a.run();
    await waitFor(() => a.isLeader(), "a to lead");
    slowAnswer = true;
    await waitFor(() => stopped.length > 0, "a to give up");
    // Another replica saw the renewal at committedAt and may take over a lease duration later.
    expect(performance.now() - committedAt).toBeLessThan(timing.leaseDurationMs);
    expect(stopped).toEqual(["lost"]);
  });

  it("a leader whose renewals fail with errors also gives up as lost", async () => {
    const lease = new MemoryLease();
    const a = elector(lease, "a");
    void a.instance.run();
    await waitFor(() => a.instance.isLeader(), "a to lead");
    lease.failure = new Error("connection refused");
    await waitFor(() => a.stopped.length > 0, "a to give up");
    expect(a.stopped).toEqual(["lost"]);
  });
});
