export {
  decideNonces,
  isPendingNonce,
  NONCE_FIELD,
  type NonceBlockCause,
  type NonceDecision,
  type NonceDecisions,
  type NonceInput,
  type NonceKind,
  type NonceStatus,
  nonceMessagePrefix,
} from "./decide.js";
export { observedRestartNonce, type RestartPatchBody, restartPatchBody } from "./restart.js";
export {
  latestTriggeredSavepointNonce,
  type SavepointCreateBody,
  savepointCreateBody,
  savepointNonceAnnotation,
  type VvpSavepoint,
} from "./savepoint.js";
