import type { MappingRecord } from "../reconcile/index.js";

/**
 * Where a host keeps the mapping CR uid → VVP deployment. The reconcile core
 * decides Consistent from it, so it must survive operator restarts in a real
 * host (a ConfigMap, a database table); tests and CLIs use the in-memory one.
 */
export interface MappingStore {
  /** The record of a CR, or null when there is none. */
  get(crUid: string): Promise<MappingRecord | null>;
  /** Saves (or replaces) the record of a CR. */
  save(crUid: string, record: MappingRecord): Promise<void>;
  /** Removes the record of a CR; removing a missing record is not an error. */
  delete(crUid: string): Promise<void>;
}

/** An in-memory MappingStore with a read-only view of its records for tests and the demo. */
export interface InMemoryMappingStore extends MappingStore {
  /** A snapshot of every record. */
  entries(): ReadonlyMap<string, MappingRecord>;
}

/** Creates an empty in-memory MappingStore, optionally seeded with records. */
export function createInMemoryMappingStore(
  initial: Iterable<readonly [string, MappingRecord]> = [],
): InMemoryMappingStore {
  const records = new Map<string, MappingRecord>();
  for (const [crUid, record] of initial) records.set(crUid, { ...record });
  return {
    async get(crUid) {
      const record = records.get(crUid);
      // A copy, so a caller cannot change the store behind its back.
      return record === undefined ? null : { ...record };
    },
    async save(crUid, record) {
      records.set(crUid, { ...record });
    },
    async delete(crUid) {
      records.delete(crUid);
    },
    entries: () => new Map([...records].map(([key, record]) => [key, { ...record }])),
  };
}
