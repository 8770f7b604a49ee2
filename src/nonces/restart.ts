import { RESTART_NONCE_ANNOTATION, type VvpDeploymentObject } from "../models/index.js";

/** The merge-patch body of a restart: only the restart-nonce template annotation. */
export interface RestartPatchBody {
  spec: { template: { metadata: { annotations: Record<string, string> } } };
}

/**
 * The PATCH body that restarts the job (ours: VVP has no restart endpoint;
 * changing a template annotation makes VVP start a new job).
 */
export function restartPatchBody(nonce: number): RestartPatchBody {
  return {
    spec: {
      template: { metadata: { annotations: { [RESTART_NONCE_ANNOTATION]: String(nonce) } } },
    },
  };
}

/** The restart-nonce annotation the observed deployment carries, if any. */
export function observedRestartNonce(deployment: VvpDeploymentObject | null): string | undefined {
  return deployment?.spec?.template?.metadata?.annotations?.[RESTART_NONCE_ANNOTATION];
}
