// The two writes a reconcile makes to its CR. Finalizers: a metadata merge
// patch of the whole list (ours plus everyone else's) carrying the
// resourceVersion, so a concurrent edit gives 409 and we re-read and retry
// instead of dropping another controller's finalizer. Status: a merge patch of
// the status subresource carrying the resourceVersion; a 409 is reported to
// the caller, which re-reads and reconciles again (never a blind overwrite).
import type { FinalizerWriter } from "../execution/index.js";
import { isConflict, isKubeStatus, type KubeApi, type KubeObject } from "./kube-api.js";

/** How often a finalizer patch is retried after a 409 before the reconcile fails. */
const FINALIZER_ATTEMPTS = 5;

/** A FinalizerWriter that also remembers the CR as last written (its resourceVersion moves on). */
export interface TrackingFinalizerWriter extends FinalizerWriter {
  /** The CR as the API server last returned it. */
  readonly current: KubeObject;
  /** True once our finalizer was removed: the CR may be gone, write nothing more. */
  readonly released: boolean;
  /** True once a write conflicted with an edit the reconcile did not read: reconcile the fresh CR instead. */
  readonly stale: boolean;
}

/** Called with the resourceVersion each write of ours produced. */
export type OnWritten = (resourceVersion: string) => void;

/** Creates the finalizer writer of one reconcile of `cr`. */
export function createFinalizerWriter(
  api: KubeApi,
  cr: KubeObject,
  onWritten: OnWritten = () => {},
): TrackingFinalizerWriter {
  let current = cr;
  let released = false;
  let stale = false;
  const { namespace = "", name = "" } = cr.metadata ?? {};

  const change = async (edit: (finalizers: string[]) => string[] | undefined) => {
    for (let attempt = 1; ; attempt += 1) {
      const next = edit([...(current.metadata?.finalizers ?? [])]);
      if (next === undefined) return;
      try {
        current = await api.mergePatch("vvpdeployments", namespace, name, {
          metadata: { resourceVersion: current.metadata?.resourceVersion, finalizers: next },
        });
        const written = current.metadata?.resourceVersion;
        if (written !== undefined) onWritten(written);
        return;
      } catch (error) {
        if (!isConflict(error) || attempt >= FINALIZER_ATTEMPTS) throw error;
        // Someone else wrote the CR: start again from what is there now.
        const fresh = await api.get("vvpdeployments", namespace, name);
        if (fresh === null) throw error;
        // The reconcile decided from `cr`: if what it read changed (spec,
        // labels, annotations, deletion), acting on would create or patch in
        // VVP from a stale read and file our write as handled, so the edit
        // would be skipped. Fail instead; the CR is reconciled afresh.
        if (!sameDecisionInputs(current, fresh)) {
          stale = true;
          throw error;
        }
        current = fresh;
      }
    }
  };

  return {
    get current() {
      return current;
    },
    get released() {
      return released;
    },
    get stale() {
      return stale;
    },
    add: (finalizer) =>
      change((finalizers) =>
        finalizers.includes(finalizer) ? undefined : [...finalizers, finalizer],
      ),
    async remove(finalizer) {
      try {
        await change((finalizers) =>
          finalizers.includes(finalizer)
            ? finalizers.filter((entry) => entry !== finalizer)
            : undefined,
        );
      } catch (error) {
        // Already gone: nothing left to release.
        if (!isKubeStatus(error, 404)) throw error;
      }
      released = true;
    },
  };
}

/** Whether two versions of a CR agree on everything a reconcile decides from (all but finalizers and status). */
function sameDecisionInputs(before: KubeObject, after: KubeObject): boolean {
  const inputs = (object: KubeObject) =>
    JSON.stringify([
      object.metadata?.generation,
      object.metadata?.labels ?? {},
      object.metadata?.annotations ?? {},
      object.metadata?.deletionTimestamp ?? null,
    ]);
  return inputs(before) === inputs(after);
}

/** What a status write did. */
export type StatusWriteResult = "written" | "unchanged" | "conflict" | "gone";

/**
 * Writes `status` through the status subresource when it differs from
 * `previous`, as a minimal merge patch with the CR's resourceVersion.
 */
export async function writeStatus(
  api: KubeApi,
  cr: KubeObject,
  previous: unknown,
  status: unknown,
  onWritten: OnWritten = () => {},
): Promise<StatusWriteResult> {
  if (JSON.stringify(previous ?? {}) === JSON.stringify(status ?? {})) return "unchanged";
  const { namespace = "", name = "", resourceVersion } = cr.metadata ?? {};
  try {
    const written = await api.mergePatch(
      "vvpdeployments",
      namespace,
      name,
      { metadata: { resourceVersion }, status: mergePatchOf(previous ?? {}, status ?? {}) },
      { subresource: "status" },
    );
    const version = written.metadata?.resourceVersion;
    if (version !== undefined) onWritten(version);
    return "written";
  } catch (error) {
    if (isConflict(error)) return "conflict";
    if (isKubeStatus(error, 404)) return "gone";
    throw error;
  }
}

/** The JSON merge patch (RFC 7396) that turns `from` into `to`: changed keys, null for removed ones. */
export function mergePatchOf(from: unknown, to: unknown): unknown {
  if (!isPlainObject(from) || !isPlainObject(to)) return to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) {
    if (!(key in to)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(to)) {
    const before = from[key];
    if (JSON.stringify(before) === JSON.stringify(value)) continue;
    patch[key] =
      isPlainObject(before) && isPlainObject(value) ? mergePatchOf(before, value) : value;
  }
  return patch;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
