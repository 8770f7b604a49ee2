import type { DesiredState } from "../models/index.js";
import { SimulatorError } from "./errors.js";
import { currentJob, isJobAlive, setJobState, startJob } from "./jobs.js";
import { recordSavepoint } from "./savepoints.js";
import { canonicalJson, type DeploymentRecord, type SimulatorState } from "./state.js";

/** The part of the spec whose change makes VVP start a new job (an upgrade). */
export function templateKey(record: DeploymentRecord): string {
  return canonicalJson(record.deployment.spec.template);
}

/**
 * Drives `status.state` toward `spec.state`, as VVP's controller does after
 * every write. `specChanged` tells whether the write changed the spec: only a
 * change restarts a FAILED deployment. Does nothing during an Autopilot run,
 * whose own steps move the states.
 */
export function converge(
  state: SimulatorState,
  record: DeploymentRecord,
  specChanged: boolean,
): void {
  if (record.scaling !== undefined) return;
  const desired = record.deployment.spec.state;
  const observed = record.deployment.status.state;
  const heading = record.transition?.target;
  if (desired === "RUNNING") {
    const start =
      observed === "CANCELLED" ||
      observed === "SUSPENDED" ||
      observed === "FINISHED" ||
      (observed === "FAILED" && specChanged) ||
      (observed === "TRANSITIONING" && heading !== "RUNNING") ||
      (observed === "RUNNING" && templateKey(record) !== record.jobTemplate);
    if (start) beginTransition(state, record, "RUNNING");
    return;
  }
  if (observed === desired || heading === desired) return;
  beginTransition(state, record, desired);
}

/** Enters TRANSITIONING toward `target`; the manual clock completes it after `transitionMs`. */
export function beginTransition(
  state: SimulatorState,
  record: DeploymentRecord,
  target: DesiredState,
): void {
  record.transition?.timer.cancel();
  const { deployment } = record;
  const from = deployment.status.state;
  const job = currentJob(state, record);
  if (job?.status.state === "STARTED") setJobState(state, job, "TERMINATING");
  deployment.status = { state: "TRANSITIONING" };
  state.recordEvent(
    record,
    "STATE_TRANSITION_IS_NEEDED",
    `Transitioning from ${from} to ${target}${from === "RUNNING" && target === "RUNNING" ? " (upgrade)" : ""}.`,
  );
  record.transition = {
    target,
    timer: state.clock.schedule(state.config.transitionMs, () =>
      completeTransition(state, record, target),
    ),
  };
}

/** Ends a transition: the old job goes, a new one starts when the target is RUNNING. */
export function completeTransition(
  state: SimulatorState,
  record: DeploymentRecord,
  target: DesiredState,
): void {
  record.transition = undefined;
  const { deployment } = record;
  const old = currentJob(state, record);
  if (isJobAlive(old)) {
    if (target === "SUSPENDED") recordSavepoint(state, record, old.metadata.id, "SUSPEND", {});
    setJobState(state, old, "TERMINATED");
  }
  if (target === "RUNNING") {
    const job = startJob(state, record);
    record.jobTemplate = templateKey(record);
    deployment.status = {
      state: "RUNNING",
      running: { jobId: job.metadata.id, transitionTime: state.clock.nowIso(), conditions: [] },
    };
    state.recordEvent(record, "JOB_SUCCESSFULLY_STARTED", "Job started.", job.metadata.id);
  } else {
    deployment.status = { state: target };
  }
  state.recordEvent(record, "STATE_TRANSITION_IS_COMPLETED", `Transitioned to ${target}.`);
}

/** Fails the running job: the deployment goes FAILED until its spec changes. */
export function failRunningJob(state: SimulatorState, record: DeploymentRecord): void {
  const job = currentJob(state, record);
  if (!isJobAlive(job)) {
    throw new SimulatorError(
      409,
      `Deployment ${record.deployment.metadata.id} has no running job to fail`,
    );
  }
  record.transition?.timer.cancel();
  record.transition = undefined;
  record.scaling?.timer.cancel();
  record.scaling = undefined;
  setJobState(state, job, "FAILED");
  job.status.failure = {
    reason: "SimulatedFailure",
    message: "The job failed (failJob).",
    failedAt: state.clock.nowIso(),
  };
  record.deployment.status = { state: "FAILED" };
  state.recordEvent(record, "JOB_FAILED", "The job failed.", job.metadata.id);
}
