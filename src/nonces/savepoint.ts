import { SAVEPOINT_NONCE_ANNOTATION } from "../models/index.js";
import { type NonceRequest, provesTrigger } from "./token.js";

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

/**
 * The savepoint annotation value `<cr uid>/<token>` (ours), that is
 * `<cr uid>/<nonce>/<generation>`, or `<cr uid>/<nonce>` without generation.
 */
export function savepointNonceAnnotation(crUid: string, token: string): string {
  return `${crUid}/${token}`;
}

/** The savepoint create body carrying the savepoint-nonce annotation. */
export function savepointCreateBody(
  deploymentId: string,
  crUid: string,
  token: string,
): SavepointCreateBody {
  return {
    metadata: {
      deploymentId,
      annotations: { [SAVEPOINT_NONCE_ANNOTATION]: savepointNonceAnnotation(crUid, token) },
    },
  };
}

/**
 * Whether one of the savepoints carries this CR's annotation with a token that
 * proves the current request was carried out (see `provesTrigger`): a crash
 * lost the status write.
 */
export function savepointTriggered(
  savepoints: readonly VvpSavepoint[] | undefined,
  crUid: string,
  request: NonceRequest,
): boolean {
  if (savepoints === undefined) return false;
  const prefix = `${crUid}/`;
  // VVP's answer is not ours to trust: an entry that is not an object proves nothing.
  return savepoints.some((savepoint: unknown) => {
    if (savepoint === null || typeof savepoint !== "object") return false;
    const annotations = (savepoint as VvpSavepoint).metadata?.annotations;
    const value =
      annotations !== null && typeof annotations === "object"
        ? annotations[SAVEPOINT_NONCE_ANNOTATION]
        : undefined;
    return (
      typeof value === "string" &&
      value.startsWith(prefix) &&
      provesTrigger(value.slice(prefix.length), request)
    );
  });
}
