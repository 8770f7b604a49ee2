import {
  AUTOPILOT_MODE_ANNOTATION,
  type VvpDeployment,
  type VvpDeploymentObject,
} from "../models/index.js";
import type { AutopilotObservation } from "../reconcile/index.js";
import type { VvpClient } from "../vvp-client/index.js";

/** Autopilot policy modes. */
export type AutopilotMode = AutopilotObservation["mode"];

/** What a provider is given to observe Autopilot for one CR. */
export interface AutopilotContext {
  cr: VvpDeployment;
  /** The VVP deployment as just observed (null when there is none). */
  deployment: VvpDeploymentObject | null;
  client: VvpClient;
}

/** Observes Autopilot for a deployment; pluggable because VVP editions expose it differently. */
export interface AutopilotProvider {
  /** The Autopilot observation for the reconcile input. */
  observe(context: AutopilotContext): Promise<AutopilotObservation>;
}

/** Options of the default provider. */
export interface DefaultAutopilotProviderOptions {
  /** The policy mode of a deployment; default: the `AUTOPILOT_MODE_ANNOTATION` of the models, else DISABLED. */
  modeOf?: (deployment: VvpDeploymentObject) => AutopilotMode | Promise<AutopilotMode>;
}

const MODES: ReadonlySet<string> = new Set(["DISABLED", "MONITORING", "ACTIVE"]);

function annotatedMode(deployment: VvpDeploymentObject): AutopilotMode {
  const mode = deployment.metadata?.annotations?.[AUTOPILOT_MODE_ANNOTATION];
  return mode !== undefined && MODES.has(mode) ? (mode as AutopilotMode) : "DISABLED";
}

const DISABLED: AutopilotObservation = { mode: "DISABLED", scalingInProgress: false };

/**
 * The default provider: the runtime parallelism is the running job's
 * `spec.parallelism` (one GET of the job, only when ACTIVE); a scaling run is
 * in progress when the mode is ACTIVE and VVP's `spec.state` differs from the
 * state last projected to VVP, or VVP's `status.state` is TRANSITIONING.
 */
export function createDefaultAutopilotProvider(
  options: DefaultAutopilotProviderOptions = {},
): AutopilotProvider {
  const modeOf = options.modeOf ?? annotatedMode;
  return {
    async observe({ cr, deployment, client }) {
      if (deployment === null) return DISABLED;
      const mode = await modeOf(deployment);
      if (mode !== "ACTIVE") return { mode, scalingInProgress: false };
      // Ours: the state last sent and accepted (status.projectedSpecState),
      // never merely desired. An author's own change under an ACTIVE
      // Autopilot is then projected rather than mistaken for a scaling run,
      // and a change deferred during a run cannot make the run look endless.
      // A status written before that field existed falls back to the
      // desired state it recorded.
      const status = cr.status;
      const desired =
        status?.projectedSpecState ?? status?.observedSpecState ?? cr.spec.deployment.spec.state;
      const scalingInProgress =
        (desired !== undefined && deployment.spec?.state !== desired) ||
        deployment.status?.state === "TRANSITIONING";
      const jobId = deployment.status?.running?.jobId;
      const namespace = deployment.metadata?.namespace ?? cr.spec.deployment.metadata.namespace;
      const job = jobId === undefined ? null : await client.getJob(namespace, jobId);
      const runtimeParallelism = job?.spec?.parallelism;
      return runtimeParallelism === undefined
        ? { mode, scalingInProgress }
        : { mode, scalingInProgress, runtimeParallelism };
    },
  };
}
