import {
  LeaseConflictError,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from "../../src/operator/leader-election.js";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";

/** An in-memory Lease with the API server's optimistic concurrency, plus controls for tests. */
export class MemoryLease {
  stored: StoredLease | undefined;
  /** When set, every call rejects with it (an unreachable API server). */
  failure: Error | undefined;
  /** When set, every call hangs until released (a stalled API server). */
  stall: Promise<void> | undefined;
  writes = 0;
  private version = 0;

  /** Writes the record as another replica would, bumping the resourceVersion. */
  put(record: LeaseRecord): StoredLease {
    this.version++;
    this.stored = { record: { ...record }, resourceVersion: String(this.version) };
    return this.stored;
  }

  /** A store view for one candidate. */
  store(): LeaseStore {
    const gate = async () => {
      if (this.stall !== undefined) await this.stall;
      if (this.failure !== undefined) throw this.failure;
    };
    return {
      get: async () => {
        await gate();
        return this.stored === undefined ? undefined : structuredClone(this.stored);
      },
      create: async (record) => {
        await gate();
        if (this.stored !== undefined) throw new LeaseConflictError();
        this.writes++;
        return structuredClone(this.put(record));
      },
      update: async (record, resourceVersion) => {
        await gate();
        if (this.stored === undefined || this.stored.resourceVersion !== resourceVersion) {
          throw new LeaseConflictError();
        }
        this.writes++;
        return structuredClone(this.put(record));
      },
    };
  }
}

/** A manual monotonic clock. */
export class ManualClock {
  ms = 1_000;
  now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The API server and VVP an operator runs against. */
export interface OperatorBackends {
  kube: FakeKubernetes;
  vvp: VvpSimulator;
}

/**
 * Starts the fake API server with the namespace and the VVP simulator (wall clock), and
 * stores `token` in the namespace's `my-vvp-apikey` Secret, which the simulator accepts.
 */
export async function startOperatorBackends(
  namespace: string,
  token: string,
): Promise<OperatorBackends> {
  const kube = await startFakeKubernetes({ namespaces: [namespace] });
  const vvp = await startVvpSimulator({
    clock: "wall",
    transitionMs: 30,
    tokens: { [token]: { namespaces: "*", role: "editor" } },
  });
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace },
    type: "Opaque",
    data: { token: Buffer.from(token).toString("base64") },
  });
  return { kube, vvp };
}
