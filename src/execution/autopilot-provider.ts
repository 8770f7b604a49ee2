import {
  AUTOPILOT_MODE_ANNOTATION,
  PROJECTED_STATE_ANNOTATION,
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

const STATES: ReadonlySet<string> = new Set(["RUNNING", "CANCELLED", "SUSPENDED"]);

/** The projected-state mark VVP holds, when it names a desired state. */
function projectedStateMark(deployment: VvpDeploymentObject): string | undefined {
  const mark = deployment.metadata?.annotations?.[PROJECTED_STATE_ANNOTATION];
  return typeof mark === "string" && STATES.has(mark) ? mark : undefined;
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
      // Ours: the state last sent and accepted, never merely desired. An
      // author's own change under an ACTIVE Autopilot is then projected
      // rather than mistaken for a scaling run, and a change deferred during
      // a run cannot make the run look endless. First the projected-state
      // mark VVP holds: it landed with the state it names, so it is right
      // even when the status write recording that state failed, the host
      // crashed before it, or a timed-out write was applied late. A
      // deployment without the mark (written by an older version) falls
      // back to status.projectedSpecState, then to the desired state an
      // older status recorded.
      const status = cr.status;
      const desired =
        projectedStateMark(deployment) ??
        status?.projectedSpecState ??
        status?.observedSpecState ??
        cr.spec.deployment.spec.state;
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
