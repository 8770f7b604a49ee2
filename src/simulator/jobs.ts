import type { DeploymentRecord, SimulatorState } from "./state.js";
import type { Job, JsonValue } from "./types.js";

/** Job states in which a job still holds a Flink cluster. */
const ALIVE: ReadonlySet<Job["status"]["state"]> = new Set(["STARTING", "STARTED", "TERMINATING"]);

/** Whether a job still runs (or is still shutting down). */
export function isJobAlive(job: Job | undefined): job is Job {
  return job !== undefined && ALIVE.has(job.status.state);
}

/** The record's current job, if any. */
export function currentJob(state: SimulatorState, record: DeploymentRecord): Job | undefined {
  return record.currentJobId === undefined ? undefined : state.jobs.get(record.currentJobId);
}

/**
 * Starts a job from the deployment's current template. Its parallelism is the
 * template's (VVP's default 1), unless Autopilot is ACTIVE and has scaled:
 * Autopilot acts on the job, not on the deployment spec.
 */
export function startJob(state: SimulatorState, record: DeploymentRecord): Job {
  const { deployment } = record;
  const template = deployment.spec.template;
  const now = state.clock.nowIso();
  const parallelism =
    record.autopilotMode === "ACTIVE" && record.runtimeParallelism !== undefined
      ? record.runtimeParallelism
      : (template.spec.parallelism ?? 1);
  const job: Job = {
    apiVersion: "v1",
    kind: "Job",
    metadata: {
      id: state.newId(),
      namespace: deployment.metadata.namespace,
      deploymentId: deployment.metadata.id,
      deploymentName: deployment.metadata.name,
      annotations: { ...(template.metadata?.annotations ?? {}) },
      createdAt: now,
      modifiedAt: now,
      resourceVersion: 1,
    },
    spec: {
      parallelism,
      ...(template.spec.numberOfTaskManagers === undefined
        ? {}
        : { numberOfTaskManagers: template.spec.numberOfTaskManagers }),
      artifact: structuredClone(template.spec.artifact) as JsonValue,
      ...(template.spec.flinkConfiguration === undefined
        ? {}
        : { flinkConfiguration: { ...template.spec.flinkConfiguration } }),
      deploymentTarget: { name: deployment.spec.deploymentTargetName },
    },
    status: {
      state: "STARTED",
      started: { startedAt: now, flinkJobId: state.newId().replaceAll("-", "") },
    },
  };
  state.jobs.set(job.metadata.id, job);
  record.currentJobId = job.metadata.id;
  return job;
}

/** Moves a job to a new state, stamping the time. */
export function setJobState(state: SimulatorState, job: Job, next: Job["status"]["state"]): void {
  const now = state.clock.nowIso();
  job.status.state = next;
  job.metadata.modifiedAt = now;
  job.metadata.resourceVersion += 1;
  if (next === "TERMINATED" || next === "FAILED") job.metadata.terminatedAt = now;
}
