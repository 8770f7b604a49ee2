import type { BlockedNonce } from "../models/index.js";
import {
  blockedNonceMessage,
  NONCE_FIELD,
  type NonceDecision,
  type NonceKind,
  nonceMessagePrefix,
} from "../nonces/index.js";
import type { Decision } from "../reconcile/decide.js";
import type { EffectOf, PlanEvent } from "../reconcile/types.js";
import { describeError, isDefinitive, NONCES_PROCESSED } from "./messages.js";
import type { ConditionOutcome, ConditionState, StatusFields } from "./types.js";

const NONCE_STATUS = {
  savepoint: {
    consumed: "lastConsumedSavepointNonce",
    processed: "lastProcessedSavepointNonce",
    blocked: "blockedSavepointNonce",
    action: "TriggerSavepoint",
    reason: "SavepointBlocked",
  },
  restart: {
    consumed: "lastConsumedTriggerNonce",
    processed: "lastProcessedTriggerNonce",
    blocked: "blockedTriggerNonce",
    action: "RestartJob",
    reason: "RestartBlocked",
  },
} as const;

// Separates the parts of NonceAligned's message, one per nonce.
const PART_SEPARATOR = " | ";

/** What one nonce contributes: its part of the message, status fields and events. */
interface NonceResult {
  part?: string;
  status: StatusFields;
  events: PlanEvent[];
  failing: boolean;
  warned: boolean;
}

/**
 * NonceAligned: whether the latest savepointNonce and restartNonce were
 * processed. True NoncesProcessed when nothing is pending; False
 * SavepointBlocked / RestartBlocked (the first nonce reported names the
 * reason) while one is blocked, refused, waiting or failing. Savepoint comes
 * first, then restart. Owns the lastProcessed…, lastConsumed… and blocked…
 * nonce fields.
 */
export function nonceAlignedCondition(decision: Decision, effectOf: EffectOf): ConditionOutcome {
  const results = (["savepoint", "restart"] as const).map((kind) => ({
    kind,
    ...nonceResult(kind, decision, effectOf),
  }));
  const parts = results.filter((result) => result.part !== undefined);
  const first = parts[0];
  const state: ConditionState =
    first === undefined
      ? NONCES_PROCESSED
      : {
          status: "False",
          reason: NONCE_STATUS[first.kind].reason,
          message: parts.map((result) => result.part).join(PART_SEPARATOR),
        };
  return {
    state,
    status: Object.assign({}, ...results.map((result) => result.status)),
    events: results.flatMap((result) => result.events),
    failing: results.some((result) => result.failing),
    warned: results.some((result) => result.warned),
  };
}

function nonceResult(kind: NonceKind, decision: Decision, effectOf: EffectOf): NonceResult {
  const fields = NONCE_STATUS[kind];
  const nonce: NonceDecision = decision.nonces[kind];
  const quiet = (part: string | undefined, status: StatusFields = {}): NonceResult => ({
    ...(part === undefined ? {} : { part }),
    status: { [fields.blocked]: undefined, ...status },
    events: [],
    failing: false,
    warned: false,
  });
  switch (nonce.outcome) {
    case "idle":
      return quiet(undefined);
    case "stillBlocked":
      return stillBlocked(kind, nonce.nonce, decision);
    case "waiting":
      return quiet(
        `${nonceMessagePrefix(kind, nonce.nonce)} waits: ${waitReason(decision)}. It is not consumed.`,
      );
    case "alreadyDone":
      return quiet(undefined, {
        [fields.consumed]: nonce.nonce,
        [fields.processed]: nonce.nonce,
        ...submitted(kind, decision),
      });
    case "blocked":
      return {
        part: nonce.message,
        status: { [fields.consumed]: nonce.nonce, [fields.blocked]: nonce.block },
        events: [{ type: "Warning", reason: fields.reason, message: nonce.message }],
        failing: false,
        warned: true,
      };
    case "trigger":
      return triggered(kind, nonce.nonce, decision, effectOf);
  }
}

// Reported as it was when blocked, from the record the status keeps.
function stillBlocked(kind: NonceKind, value: number, decision: Decision): NonceResult {
  const key = NONCE_STATUS[kind].blocked;
  const block: BlockedNonce | undefined = decision.context.status[key];
  const known = block !== undefined && block.nonce === value ? block : undefined;
  return {
    part:
      known !== undefined
        ? blockedNonceMessage(kind, known)
        : `${nonceMessagePrefix(kind, value)} is blocked. Apply a new ${NONCE_FIELD[kind]} value to retry; reverting to ${value} does not re-trigger.`,
    status: { [key]: known },
    events: [],
    failing: false,
    warned: false,
  };
}

// A restart submitted (or found done) numbers the next one's token (ours; see restartToken).
function submitted(kind: NonceKind, decision: Decision): StatusFields {
  return kind === "restart"
    ? { restartRounds: (decision.context.status.restartRounds ?? 0) + 1 }
    : {};
}

function waitReason(decision: Decision): string {
  if (decision.deletion !== undefined) return "the CR is being deleted";
  if (!decision.context.syncEnabled) return "sync is disabled";
  return "the mapping between the CR and VVP is not intact";
}

function triggered(
  kind: NonceKind,
  value: number,
  decision: Decision,
  effectOf: EffectOf,
): NonceResult {
  const fields = NONCE_STATUS[kind];
  const prefix = nonceMessagePrefix(kind, value);
  const name = decision.context.deploymentName;
  const effect = effectOf(fields.action);
  const unconsumed = (part: string, failing: boolean): NonceResult => ({
    part,
    status: { [fields.blocked]: undefined },
    events: [],
    failing,
    warned: false,
  });
  if (effect.result === "notRun") {
    return unconsumed(
      `${prefix} was not submitted because an earlier action failed; it is retried. It is not consumed.`,
      false,
    );
  }
  if (effect.result === "failed" && !isDefinitive(effect.error)) {
    return unconsumed(
      `${prefix} could not be submitted (${describeError(effect.error)}); it is retried. It is not consumed.`,
      true,
    );
  }
  if (effect.result === "failed") {
    // A 4xx is VVP's answer to this value: it consumes it like a block.
    const block: BlockedNonce = {
      nonce: value,
      cause: "RefusedByVvp",
      detail: describeError(effect.error),
    };
    const message = blockedNonceMessage(kind, block);
    return {
      part: message,
      status: { [fields.consumed]: value, [fields.blocked]: block },
      events: [{ type: "Warning", reason: fields.reason, message }],
      failing: true,
      warned: true,
    };
  }
  return {
    status: {
      [fields.consumed]: value,
      [fields.processed]: value,
      [fields.blocked]: undefined,
      ...submitted(kind, decision),
    },
    events: [
      kind === "savepoint"
        ? {
            type: "Normal",
            reason: "SavepointTriggered",
            message: `Triggered a savepoint of VVP deployment ${name} for savepointNonce ${value}`,
          }
        : {
            type: "Normal",
            reason: "RestartTriggered",
            message: `Restarted the job of VVP deployment ${name} for restartNonce ${value}`,
          },
    ],
    failing: false,
    warned: false,
  };
}
