import { RESTART_NONCE_ANNOTATION, type VvpDeploymentObject } from "../models/index.js";

/** The merge-patch body of a restart: only the restart-nonce template annotation. */
export interface RestartPatchBody {
  spec: { template: { metadata: { annotations: Record<string, string> } } };
}

/**
 * The PATCH body that restarts the job (ours: VVP has no restart endpoint;
 * changing a template annotation makes VVP start a new job). `token` comes
 * from `nonceToken`, so every trigger changes the template, even one whose
 * nonce value VVP has seen before.
 */
export function restartPatchBody(token: string): RestartPatchBody {
  return {
    spec: {
      template: { metadata: { annotations: { [RESTART_NONCE_ANNOTATION]: token } } },
    },
  };
}

/** The restart-nonce template annotation the observed deployment carries, if any. */
export function observedRestartAnnotation(
  deployment: VvpDeploymentObject | null,
): string | undefined {
  return deployment?.spec?.template?.metadata?.annotations?.[RESTART_NONCE_ANNOTATION];
}
