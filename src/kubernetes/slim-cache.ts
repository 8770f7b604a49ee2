// What the controller's CR cache keeps of each CR (ours, as client-go's
// informer transforms): the CR as received, without metadata.managedFields
// (the API server's bookkeeping, which nothing here reads and every write
// is a merge patch without), and with repeated string values shared. A
// fleet's CRs repeat most of their strings (labels, annotations, the spec's
// artifact and engine, the conditions' reasons, messages and times): parsed,
// each CR holds its own copy of every one; interned, the cache holds one.
import type { KubeObject } from "./kube-api.js";

/**
 * Keys whose values are unique per object (or per version of it): never
 * interned, so the table keeps shared strings. (Timestamps are interned: CRs
 * applied together share their second.)
 */
const UNIQUE_KEYS: ReadonlySet<string> = new Set([
  "uid",
  "resourceVersion",
  "deploymentId",
  "name",
]);

/** Strings longer than this are left alone (a large script or config value is rarely shared). */
const MAX_INTERNED_LENGTH = 256;

/**
 * A transform for the CR informer. The table of shared strings is bounded
 * (`limit` entries, then emptied and filled again), so strings of deleted or
 * rewritten CRs are not kept for ever: emptying it only ends the sharing of
 * strings seen after.
 */
export function createCrSlimmer(limit = 8_192): (object: KubeObject) => KubeObject {
  const table = new Map<string, string>();
  const shared = (value: string): string => {
    if (value.length > MAX_INTERNED_LENGTH) return value;
    const known = table.get(value);
    if (known !== undefined) return known;
    if (table.size >= limit) table.clear();
    table.set(value, value);
    return value;
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) {
        const item = value[index];
        if (typeof item === "string") value[index] = shared(item);
        else if (item !== null && typeof item === "object") walk(item);
      }
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const item = record[key];
      if (typeof item === "string") {
        if (!UNIQUE_KEYS.has(key)) record[key] = shared(item);
      } else if (item !== null && typeof item === "object") walk(item);
    }
  };
  return (received) => {
    // A copy without managedFields (the received object may be shared with
    // the API port's caller); string values are replaced by equal ones only.
    let object = received;
    if (received.metadata !== undefined && "managedFields" in received.metadata) {
      const { managedFields: _dropped, ...metadata } = received.metadata as Record<string, unknown>;
      object = { ...received, metadata } as KubeObject;
    }
    walk(object);
    return object;
  };
}
