import type {
  ActualState,
  BlockedNonce,
  BlockedNonceCause,
  DesiredState,
  VvpDeploymentObject,
} from "../models/index.js";
import { observedRestartAnnotation } from "./restart.js";
import { savepointTriggered, type VvpSavepoint } from "./savepoint.js";
import { type NonceRequest, nonceToken, provesRestart, restartToken } from "./token.js";

/** The two one-shot operations. */
export type NonceKind = "savepoint" | "restart";

/** The CR field of each nonce kind. */
export const NONCE_FIELD: Readonly<Record<NonceKind, "savepointNonce" | "restartNonce">> = {
  savepoint: "savepointNonce",
  restart: "restartNonce",
};

/**
 * Why a new nonce value cannot run now: no deployment, the job is not
 * RUNNING, the desired state is not RUNNING, or an Autopilot scaling run is
 * in progress.
 */
export type NonceBlockCause = Exclude<BlockedNonceCause, "RefusedByVvp">;

/** What to do with one nonce this cycle. */
export type NonceDecision =
  /** Null, or already consumed and not blocked: nothing to do. */
  | { outcome: "idle" }
  /** Consumed earlier by a block (or a 4xx) and unchanged since: still reported. */
  | { outcome: "stillBlocked"; nonce: number }
  /** A new value, but nothing may be written to VVP now: not consumed, fires later. */
  | { outcome: "waiting"; nonce: number }
  /**
   * A new value that VVP shows was already acted on for this very request
   * (a crash lost the status write; see `provesTrigger`).
   */
  | { outcome: "alreadyDone"; nonce: number }
  /**
   * A new value that cannot run now: consumed, never re-triggered. `block`
   * is what the status keeps while the CR holds this value.
   */
  | {
      outcome: "blocked";
      nonce: number;
      cause: NonceBlockCause;
      message: string;
      block: BlockedNonce;
    }
  /** A new value to act on now; `token` goes into the VVP call (see `nonceToken`). */
  | { outcome: "trigger"; nonce: number; token: string };

/** Both nonce decisions, savepoint first (the order of one cycle). */
export interface NonceDecisions {
  savepoint: NonceDecision;
  restart: NonceDecision;
}

/** The status fields the nonce decision reads. */
export interface NonceStatus {
  lastProcessedSavepointNonce?: number | null;
  lastProcessedTriggerNonce?: number | null;
  lastConsumedSavepointNonce?: number | null;
  lastConsumedTriggerNonce?: number | null;
  /** Restarts submitted so far; numbers the next restart's token. */
  restartRounds?: number;
}

/** Everything the nonce decision depends on. */
export interface NonceInput {
  crUid: string;
  /** The CR's `metadata.generation`, part of each trigger's token; undefined for a CR from a file. */
  generation: number | undefined;
  /**
   * The generation the last status write saw (its conditions'
   * observedGeneration), or undefined: a token older than it is not evidence.
   */
  writtenGeneration: number | undefined;
  savepointNonce: number | null | undefined;
  restartNonce: number | null | undefined;
  status: NonceStatus | undefined;
  /** The observed VVP deployment, or null when there is none (yet). */
  deployment: VvpDeploymentObject | null;
  /** The CR's desired state, or VVP's `spec.state` when the CR omits it. */
  desiredState: DesiredState | undefined;
  scalingInProgress: boolean;
  /** The deployment's savepoints, observed while a savepoint nonce is pending. */
  savepoints: readonly VvpSavepoint[] | undefined;
  /** False while sync is disabled or the mapping is broken: new values wait, unconsumed. */
  mayWrite: boolean;
}

/** Whether a nonce value is new: non-null and different from the last consumed value. */
export function isPendingNonce(
  value: number | null | undefined,
  lastConsumed: number | null | undefined,
): value is number {
  return value !== null && value !== undefined && value !== lastConsumed;
}

/**
 * Decides both nonces: a value fires when it is non-null and differs from
 * the last consumed one; it is blocked (consumed, not submitted) unless the
 * job and the desired state are RUNNING and no Autopilot scaling run is in
 * progress; a trigger VVP already shows is recorded, not repeated. Evidence counts only for the current request (ours):
 * the restart-nonce template annotation, or a savepoint annotation, holding a
 * token of the current nonce that is not older than the last status write
 * (see `provesTrigger`).
 */
export function decideNonces(input: NonceInput): NonceDecisions {
  const status = input.status ?? {};
  const restartEvidence = observedRestartAnnotation(input.deployment);
  return {
    savepoint: decideOne(
      "savepoint",
      input.savepointNonce,
      status.lastConsumedSavepointNonce,
      status.lastProcessedSavepointNonce,
      (nonce) => nonceToken(nonce, input.generation),
      (request) => savepointTriggered(input.savepoints, input.crUid, request),
      input,
    ),
    restart: decideOne(
      "restart",
      input.restartNonce,
      status.lastConsumedTriggerNonce,
      status.lastProcessedTriggerNonce,
      (nonce) => restartToken(nonce, status.restartRounds),
      (request, token) => provesRestart(restartEvidence, token, request),
      input,
    ),
  };
}

function decideOne(
  kind: NonceKind,
  value: number | null | undefined,
  lastConsumed: number | null | undefined,
  lastProcessed: number | null | undefined,
  tokenOf: (nonce: number) => string,
  alreadyDone: (request: NonceRequest, token: string) => boolean,
  input: NonceInput,
): NonceDecision {
  if (value === null || value === undefined) return { outcome: "idle" };
  if (value === lastConsumed) {
    // Consumed but never submitted: it was blocked (or refused with a 4xx).
    return value === lastProcessed
      ? { outcome: "idle" }
      : { outcome: "stillBlocked", nonce: value };
  }
  const request = {
    nonce: value,
    generation: input.generation,
    writtenGeneration: input.writtenGeneration,
  };
  const token = tokenOf(value);
  if (alreadyDone(request, token)) return { outcome: "alreadyDone", nonce: value };
  if (!input.mayWrite) return { outcome: "waiting", nonce: value };
  const cause = blockCause(input);
  if (cause !== undefined) {
    const detail = blockDetail(cause, input);
    const block: BlockedNonce =
      detail === undefined ? { nonce: value, cause } : { nonce: value, cause, detail };
    return {
      outcome: "blocked",
      nonce: value,
      cause,
      message: blockedNonceMessage(kind, block),
      block,
    };
  }
  return { outcome: "trigger", nonce: value, token };
}

function blockCause(input: NonceInput): NonceBlockCause | undefined {
  if (input.deployment === null) return "NoDeployment";
  const actual: ActualState | undefined = input.deployment.status?.state;
  if (actual !== "RUNNING") return "JobNotRunning";
  if (input.desiredState !== "RUNNING") return "DesiredStateNotRunning";
  if (input.scalingInProgress) return "AutopilotScaling";
  return undefined;
}

/** The sentence that starts every message about one nonce. */
export function nonceMessagePrefix(kind: NonceKind, nonce: number): string {
  return `${NONCE_FIELD[kind]} ${nonce}`;
}

// The fact the message names: the job's state or the desired state.
function blockDetail(cause: NonceBlockCause, input: NonceInput): string | undefined {
  if (cause === "JobNotRunning") return input.deployment?.status?.state;
  if (cause === "DesiredStateNotRunning") return input.desiredState;
  return undefined;
}

/** How NonceAligned describes a blocked nonce; the same for every cycle that reports it. */
export function blockedNonceMessage(kind: NonceKind, block: BlockedNonce): string {
  const prefix = nonceMessagePrefix(kind, block.nonce);
  const field = NONCE_FIELD[kind];
  if (block.cause === "RefusedByVvp") {
    return `${prefix} was refused by VVP (${block.detail ?? "no details"}). Apply a new ${field} value to retry.`;
  }
  const why =
    block.cause === "NoDeployment"
      ? "the VVP deployment does not exist yet"
      : block.cause === "JobNotRunning"
        ? `the job is ${block.detail ?? "in an unknown state"}, not RUNNING`
        : block.cause === "DesiredStateNotRunning"
          ? `the desired state is ${block.detail ?? "unset"}, not RUNNING`
          : "an Autopilot scaling operation is in progress";
  return `${prefix} is blocked: ${why}. Apply a new ${field} value once the job is RUNNING to retry; reverting to ${block.nonce} does not re-trigger.`;
}
