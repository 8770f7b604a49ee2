import { SimulatorError } from "./errors.js";
import { currentJob, isJobAlive, setJobState, startJob } from "./jobs.js";
import { converge, templateKey } from "./lifecycle.js";
import { AUTOPILOT_MODE_ANNOTATION, type DeploymentRecord, type SimulatorState } from "./state.js";
import type { AutopilotMode, AutopilotStatus } from "./types.js";

const MODES: readonly AutopilotMode[] = ["DISABLED", "MONITORING", "ACTIVE"];

// Autopilot moves VVP's desired state itself; that is a write to the
// deployment, so it bumps resourceVersion like any other.
function setDesiredState(
  state: SimulatorState,
  record: DeploymentRecord,
  next: "RUNNING" | "CANCELLED",
): void {
  const { deployment } = record;
  deployment.spec.state = next;
  deployment.metadata.resourceVersion += 1;
  deployment.metadata.modifiedAt = state.clock.nowIso();
}

/** Sets the mode; leaving ACTIVE ends a scaling run and forgets Autopilot's parallelism. */
export function setAutopilotMode(
  state: SimulatorState,
  record: DeploymentRecord,
  mode: AutopilotMode,
): void {
  if (!MODES.includes(mode)) {
    throw new SimulatorError(
      400,
      `Autopilot mode must be one of ${MODES.join(", ")}, not ${JSON.stringify(mode)}`,
    );
  }
  record.autopilotMode = mode;
  const { annotations } = record.deployment.metadata;
  if (mode === "DISABLED") delete annotations[AUTOPILOT_MODE_ANNOTATION];
  else annotations[AUTOPILOT_MODE_ANNOTATION] = mode;
  record.deployment.metadata.resourceVersion += 1;
  record.deployment.metadata.modifiedAt = state.clock.nowIso();
  if (mode !== "ACTIVE") {
    record.runtimeParallelism = undefined;
    if (record.scaling !== undefined) {
      record.scaling.timer.cancel();
      record.scaling = undefined;
      converge(state, record, false);
    }
  }
}

/** A deployment's Autopilot mode, whether a scaling run is under way, and its chosen parallelism. */
export function autopilotStatus(record: DeploymentRecord): AutopilotStatus {
  return {
    mode: record.autopilotMode,
    scalingInProgress: record.scaling !== undefined,
    ...(record.runtimeParallelism === undefined
      ? {}
      : { runtimeParallelism: record.runtimeParallelism }),
  };
}

/**
 * A scripted Autopilot scaling run, each step `transitionMs` apart on the
 * manual clock: VVP's spec.state goes CANCELLED (status still RUNNING), the job
 * stops (CANCELLED), spec.state goes back to RUNNING (TRANSITIONING), and a new
 * job runs at `toParallelism` (RUNNING). The template's parallelism is left
 * alone: Autopilot acts on the job, not on the deployment spec.
 */
export function startScalingRun(
  state: SimulatorState,
  record: DeploymentRecord,
  toParallelism: number,
): void {
  const name = JSON.stringify(record.deployment.metadata.name);
  if (!Number.isInteger(toParallelism) || toParallelism < 1) {
    throw new SimulatorError(400, `toParallelism must be a positive integer, not ${toParallelism}`);
  }
  if (record.autopilotMode !== "ACTIVE") {
    throw new SimulatorError(
      409,
      `Autopilot of deployment ${name} is ${record.autopilotMode}, not ACTIVE`,
    );
  }
  if (record.deployment.status.state !== "RUNNING" || record.scaling !== undefined) {
    throw new SimulatorError(
      409,
      `Deployment ${name} is ${record.deployment.status.state}${record.scaling === undefined ? "" : " and already scaling"}; a scaling run needs a RUNNING deployment`,
    );
  }
  const step = (run: () => void) => {
    record.scaling = { toParallelism, timer: state.clock.schedule(state.config.transitionMs, run) };
  };
  setDesiredState(state, record, "CANCELLED");
  state.recordEvent(
    record,
    "AUTOPILOT_SCALING_STARTED",
    `Autopilot rescales to parallelism ${toParallelism}.`,
  );
  step(() => {
    const job = currentJob(state, record);
    if (isJobAlive(job)) setJobState(state, job, "TERMINATED");
    record.deployment.status = { state: "CANCELLED" };
    step(() => {
      setDesiredState(state, record, "RUNNING");
      record.deployment.status = { state: "TRANSITIONING" };
      step(() => {
        record.scaling = undefined;
        record.runtimeParallelism = toParallelism;
        const next = startJob(state, record);
        record.jobTemplate = templateKey(record);
        record.deployment.status = {
          state: "RUNNING",
          running: {
            jobId: next.metadata.id,
            transitionTime: state.clock.nowIso(),
            conditions: [],
          },
        };
        state.recordEvent(
          record,
          "AUTOPILOT_SCALING_COMPLETED",
          `Autopilot rescaled to parallelism ${toParallelism}.`,
          next.metadata.id,
        );
      });
    });
  });
}
