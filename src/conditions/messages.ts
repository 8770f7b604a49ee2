import type { Context } from "../reconcile/context.js";
import type { ActionError } from "../reconcile/types.js";
import type { ConditionState } from "./types.js";

/** Whether a failure is definitive (a 4xx other than 429) rather than transient (5xx, 429, timeout, network). */
export function isDefinitive(error: ActionError): boolean {
  return error.kind === "http" && error.status >= 400 && error.status < 500 && error.status !== 429;
}

/** A failure in words, with VVP's message. Never includes request headers, so no token leaks. */
export function describeError(error: ActionError): string {
  switch (error.kind) {
    case "http":
      return `HTTP ${error.status}: ${error.message}`;
    case "timeout":
      return `timeout: ${error.message}`;
    case "network":
      return `network error: ${error.message}`;
  }
}

/** Consistent True: the message is the same whether linked by create, adoption or record. */
export function recordIntact(context: Context): ConditionState {
  return {
    status: "True",
    reason: "RecordIntact",
    message: `Linked to VVP deployment ${context.deploymentName} in namespace ${context.vvpNamespace}`,
  };
}

/** SpecAligned True SpecUnchanged. */
export const SPEC_UNCHANGED: ConditionState = {
  status: "True",
  reason: "SpecUnchanged",
  message: "No spec changes since the last projection",
};

/** SpecAligned False SyncDisabled. */
export const SYNC_DISABLED: ConditionState = {
  status: "False",
  reason: "SyncDisabled",
  message:
    "Sync is disabled: the operator records spec changes but does not project them to VVP. This is not expected under normal operation; contact your platform administrator.",
};

/** NonceAligned True. */
export const NONCES_PROCESSED: ConditionState = {
  status: "True",
  reason: "NoncesProcessed",
  message: "All nonce operations have been processed, or none were requested",
};
