export {
  blockedNonceMessage,
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
export {
  observedRestartAnnotation,
  type RestartPatchBody,
  restartPatchBody,
} from "./restart.js";
export {
  type SavepointCreateBody,
  savepointCreateBody,
  savepointNonceAnnotation,
  savepointTriggered,
  type VvpSavepoint,
} from "./savepoint.js";
export {
  type NonceRequest,
  nonceToken,
  provesRestart,
  provesTrigger,
  restartToken,
} from "./token.js";
