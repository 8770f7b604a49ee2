import { SimulatorError } from "./errors.js";
import { currentJob } from "./jobs.js";
import type { DeploymentRecord, SimulatorState } from "./state.js";
import type { JsonValue, Savepoint, SavepointOrigin } from "./types.js";

function stringMap(value: JsonValue | undefined, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SimulatorError(400, `${field}: must be an object of strings`);
  }
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner !== "string") {
      throw new SimulatorError(400, `${field}[${key}]: must be a string, not ${typeof inner}`);
    }
  }
  return value as Record<string, string>;
}

/** Stores a savepoint: COMPLETED at once for VVP's own (suspend) savepoints, else STARTED. */
export function recordSavepoint(
  state: SimulatorState,
  record: DeploymentRecord,
  jobId: string,
  origin: SavepointOrigin,
  annotations: Record<string, string>,
): Savepoint {
  const now = state.clock.nowIso();
  const id = state.newId();
  const { namespace, id: deploymentId } = record.deployment.metadata;
  const savepoint: Savepoint = {
    apiVersion: "v1",
    kind: "Savepoint",
    metadata: {
      id,
      namespace,
      deploymentId,
      jobId,
      origin,
      annotations: { ...annotations },
      createdAt: now,
      modifiedAt: now,
      resourceVersion: 1,
    },
    spec: {},
    status: { state: "STARTED" },
  };
  state.savepoints.set(id, savepoint);
  if (origin === "SUSPEND") completeSavepoint(state, savepoint);
  return savepoint;
}

function completeSavepoint(state: SimulatorState, savepoint: Savepoint): void {
  const { namespace, deploymentId, id } = savepoint.metadata;
  savepoint.spec = {
    savepointLocation: `s3://vvp/savepoints/namespaces/${namespace}/deployments/${deploymentId}/${id}`,
    flinkSavepointId: state.newId(),
  };
  savepoint.status = { state: "COMPLETED" };
  savepoint.metadata.modifiedAt = state.clock.nowIso();
  savepoint.metadata.resourceVersion += 1;
}

/**
 * `POST …/savepoints`: refused with 409 unless the deployment is RUNNING;
 * STARTED, then COMPLETED after `transitionMs` on the manual clock, or FAILED
 * if the job it was taken from is gone by then.
 */
export function triggerSavepoint(
  state: SimulatorState,
  namespace: string,
  body: JsonValue,
): Savepoint {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new SimulatorError(400, "The request body must be a JSON object (a Savepoint)");
  }
  const metadata = body.metadata;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new SimulatorError(
      400,
      "metadata: Required value: a savepoint needs metadata.deploymentId",
    );
  }
  const deploymentId = metadata.deploymentId;
  if (typeof deploymentId !== "string" || deploymentId === "") {
    throw new SimulatorError(400, "metadata.deploymentId: Required value");
  }
  const annotations = stringMap(metadata.annotations, "metadata.annotations");
  const record = state.findDeployment(namespace, deploymentId);
  if (record === undefined) {
    throw new SimulatorError(
      404,
      `Deployment ${deploymentId} not found in namespace ${JSON.stringify(namespace)}`,
    );
  }
  const observed = record.deployment.status.state;
  const job = currentJob(state, record);
  if (observed !== "RUNNING" || job === undefined) {
    throw new SimulatorError(
      409,
      `Cannot trigger a savepoint for deployment ${JSON.stringify(record.deployment.metadata.name)}: its state is ${observed}, not RUNNING`,
    );
  }
  const savepoint = recordSavepoint(state, record, job.metadata.id, "USER_REQUEST", annotations);
  state.recordEvent(
    record,
    "SUCCESSFULLY_TRIGGERED_A_SAVEPOINT",
    "Savepoint triggered.",
    job.metadata.id,
  );
  state.clock.schedule(state.config.transitionMs, () => {
    if (state.jobs.get(job.metadata.id)?.status.state === "STARTED") {
      completeSavepoint(state, savepoint);
      return;
    }
    const now = state.clock.nowIso();
    savepoint.status = {
      state: "FAILED",
      failure: {
        reason: "JobNotRunning",
        message: "The job stopped before the savepoint completed.",
        failedAt: now,
      },
    };
    savepoint.metadata.modifiedAt = now;
    savepoint.metadata.resourceVersion += 1;
  });
  return savepoint;
}

/** Savepoints of a namespace, of one deployment when `deploymentId` is given. */
export function listSavepoints(
  state: SimulatorState,
  namespace: string,
  deploymentId?: string,
): Savepoint[] {
  return [...state.savepoints.values()].filter(
    (savepoint) =>
      savepoint.metadata.namespace === namespace &&
      (deploymentId === undefined || savepoint.metadata.deploymentId === deploymentId),
  );
}
