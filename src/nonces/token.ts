/**
 * The token of one trigger (ours): `<nonce>/<generation>`, or `<nonce>` for a
 * CR without `metadata.generation` (a file read by a CLI or GitOps host).
 *
 * Why not the bare nonce: the seed's equality comparison makes a value that
 * returns (1 → 2 blocked → 1) a new request, yet VVP still holds the evidence
 * of the first round for that value. A nonce edit is a spec change, so each
 * request has its own generation; the token tells the rounds apart, and
 * writing it into the template makes every restart an actual template change.
 * A CR without generation has no such history: there a returning value still
 * looks done.
 */
export function nonceToken(nonce: number, generation: number | undefined): string {
  return generation === undefined ? String(nonce) : `${nonce}/${generation}`;
}

/**
 * The token of a restart (ours): `<nonce>/r<round>`, where `round` is one more
 * than the restarts submitted so far (`status.restartRounds`). It does not
 * change with the generation, so every retry of one request, a late PATCH
 * included, writes the same template annotation: a PATCH that lands after its
 * retry changes nothing and restarts nothing. It differs from the token of
 * every earlier restart, so a value that returns (1 → 2 → 1) fires again.
 */
export function restartToken(nonce: number, submitted: number | undefined): string {
  return `${nonce}/r${(submitted ?? 0) + 1}`;
}

/**
 * Whether the restart-nonce annotation VVP holds proves that this restart
 * request was carried out: it is exactly this request's token; or, written
 * by an earlier version of the operator, a `<nonce>/<generation>` token that
 * `provesTrigger` accepts.
 */
export function provesRestart(
  observed: string | undefined,
  token: string,
  request: NonceRequest,
): boolean {
  return (
    observed === token ||
    (observed !== undefined && TOKEN.test(observed) && provesTrigger(observed, request))
  );
}

const TOKEN = /^(-?\d+)\/(\d+)$/;

/** One nonce request, as the exactly-once check sees it. */
export interface NonceRequest {
  nonce: number;
  /** The CR's `metadata.generation` now; undefined for a CR from a file. */
  generation: number | undefined;
  /** The generation the last status write saw (its conditions' observedGeneration). */
  writtenGeneration: number | undefined;
}

/**
 * Whether a token VVP holds proves that the current request was already
 * carried out (a crash lost the status write).
 *
 * Ours: the token's generation need not be the current one, because the CR may
 * be edited again between the crash and the next cycle; it must not be older
 * than the last status write. A trigger older than that write was recorded by
 * it, so such a token belongs to an earlier round of the same value
 * (1 → 2 → 1) and proves nothing. Without generation, only the bare nonce is
 * compared.
 */
export function provesTrigger(observed: string | undefined, request: NonceRequest): boolean {
  if (observed === undefined) return false;
  if (request.generation === undefined) return observed === String(request.nonce);
  const match = TOKEN.exec(observed);
  if (match === null || Number(match[1]) !== request.nonce) return false;
  const triggeredAt = Number(match[2]);
  return (
    triggeredAt <= request.generation &&
    (request.writtenGeneration === undefined || triggeredAt >= request.writtenGeneration)
  );
}
