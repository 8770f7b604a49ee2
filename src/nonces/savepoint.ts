import { SAVEPOINT_NONCE_ANNOTATION } from "../models/index.js";

/** A VVP savepoint, only the fields the core reads. */
export interface VvpSavepoint {
  metadata?: {
    id?: string;
    deploymentId?: string;
    annotations?: Record<string, string>;
    createdAt?: string;
  };
  status?: { state?: "STARTED" | "COMPLETED" | "FAILED" };
}

/** The body of `POST …/savepoints` that triggers a savepoint exactly once. */
export interface SavepointCreateBody {
  metadata: { deploymentId: string; annotations: Record<string, string> };
}

/** The savepoint annotation value `<cr uid>/<nonce>` (ours). */
export function savepointNonceAnnotation(crUid: string, nonce: number): string {
  return `${crUid}/${nonce}`;
}

/** The savepoint create body carrying the savepoint-nonce annotation. */
export function savepointCreateBody(
  deploymentId: string,
  crUid: string,
  nonce: number,
): SavepointCreateBody {
  return {
    metadata: {
      deploymentId,
      annotations: { [SAVEPOINT_NONCE_ANNOTATION]: savepointNonceAnnotation(crUid, nonce) },
    },
  };
}

/**
 * The nonce of the newest savepoint this CR triggered, or undefined.
 * Ours: only the newest one counts, so a value that comes back later
 * (1 → 2 → 1) is not mistaken for done by the savepoint of its first round.
 * Newest = greatest `createdAt`; without it, the later one in the list.
 */
export function latestTriggeredSavepointNonce(
  savepoints: readonly VvpSavepoint[] | undefined,
  crUid: string,
): number | undefined {
  if (savepoints === undefined) return undefined;
  const prefix = `${crUid}/`;
  let latest: VvpSavepoint | undefined;
  let latestNonce: number | undefined;
  for (const savepoint of savepoints) {
    const value = savepoint.metadata?.annotations?.[SAVEPOINT_NONCE_ANNOTATION];
    if (value === undefined || !value.startsWith(prefix)) continue;
    const nonce = Number(value.slice(prefix.length));
    if (!Number.isInteger(nonce)) continue;
    if (
      latest === undefined ||
      (savepoint.metadata?.createdAt ?? "") >= (latest.metadata?.createdAt ?? "")
    ) {
      latest = savepoint;
      latestNonce = nonce;
    }
  }
  return latestNonce;
}
