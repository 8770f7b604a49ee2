// The embedded VVP Application Manager simulator (`vvp-deployment-sdk/simulator`):
// a node:http server on 127.0.0.1 over a pure state machine driven by a manual
// clock, so hosts can be tested without a VVP installation.

import { autopilotStatus, setAutopilotMode, startScalingRun } from "./autopilot.js";
import { ManualClock, type SimulatorClock } from "./clock.js";
import { createDeployment, patchDeployment, removeDeployment, snapshot } from "./deployments.js";
import { SimulatorError } from "./errors.js";
import { FaultInjector } from "./faults.js";
import { startHttpServer } from "./http-server.js";
import { failRunningJob } from "./lifecycle.js";
import { createIdGenerator } from "./random.js";
import {
  AUTOPILOT_MODE_ANNOTATION,
  DEFAULT_ENGINE_VERSIONS,
  type DeploymentRecord,
  SimulatorState,
  SPEC_VERSION_ANNOTATION,
} from "./state.js";
import type { JsonValue, RequestLogEntry, VvpSimulator, VvpSimulatorOptions } from "./types.js";
import { WallClock } from "./wall-clock.js";

export type {
  AutopilotMode,
  AutopilotStatus,
  DeploymentTarget,
  FailNextOptions,
  FaultMode,
  Job,
  JobState,
  JsonObject,
  JsonValue,
  ReceivedRequest,
  RequestFault,
  RequestLogEntry,
  Savepoint,
  SavepointOrigin,
  SavepointState,
  SimulatedDeployment,
  TokenGrant,
  VvpEvent,
  VvpSimulator,
  VvpSimulatorOptions,
} from "./types.js";
export {
  AUTOPILOT_MODE_ANNOTATION,
  DEFAULT_ENGINE_VERSIONS,
  SimulatorError,
  SPEC_VERSION_ANNOTATION,
};

/** Default start of the manual clock. */
const DEFAULT_NOW = "2024-01-01T00:00:00.000Z";

/**
 * Starts a simulated VVP Application Manager on 127.0.0.1 (a free port by
 * default). By default nothing moves by wall-clock time: call `advance(ms)`;
 * with `clock: "wall"` transitions fall due by real time.
 */
export async function startVvpSimulator(options: VvpSimulatorOptions = {}): Promise<VvpSimulator> {
  const transitionMs = options.transitionMs ?? 5000;
  if (!Number.isFinite(transitionMs) || transitionMs < 0) {
    throw new RangeError(`transitionMs must be >= 0, got ${transitionMs}`);
  }
  const clock = createClock(options);
  const state = new SimulatorState(clock, createIdGenerator(options.seed), {
    deploymentTargets: [...(options.deploymentTargets ?? ["default"])],
    engineVersions: [...(options.engineVersions ?? DEFAULT_ENGINE_VERSIONS)],
    transitionMs,
  });
  const faults = new FaultInjector(options.errorRate ?? 0, options.seed ?? 0);
  let requests: RequestLogEntry[] = [];
  const server = await startHttpServer({
    state,
    faults,
    ...(options.tokens === undefined ? {} : { tokens: structuredClone(options.tokens) }),
    port: options.port ?? 0,
    log: (entry) => requests.push(entry),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });

  const record = (deploymentId: string): DeploymentRecord => {
    const found = state.deployments.get(deploymentId);
    if (found === undefined) throw new SimulatorError(404, `Deployment ${deploymentId} not found`);
    return found;
  };

  return {
    url: server.url,
    get requests() {
      return requests.map((entry) => structuredClone(entry));
    },
    clearRequests: () => {
      requests = [];
    },
    advance: (ms) => clock.advance(ms),
    now: () => clock.nowIso(),
    failNext: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    close: async () => {
      clock.stop();
      await server.close();
    },
    deployments: (namespace) =>
      [...state.deployments.values()]
        .filter(
          (entry) => namespace === undefined || entry.deployment.metadata.namespace === namespace,
        )
        .map(snapshot),
    deployment: (deploymentId) => {
      const found = state.deployments.get(deploymentId);
      return found === undefined ? undefined : snapshot(found);
    },
    savepoints: () => structuredClone([...state.savepoints.values()]),
    jobs: () => structuredClone([...state.jobs.values()]),
    events: () => structuredClone(state.events),
    setAutopilot: (deploymentId, mode) => setAutopilotMode(state, record(deploymentId), mode),
    autopilot: (deploymentId) => autopilotStatus(record(deploymentId)),
    startAutopilotScaling: (deploymentId, { toParallelism }) =>
      startScalingRun(state, record(deploymentId), toParallelism),
    failJob: (deploymentId) => failRunningJob(state, record(deploymentId)),
    deleteDeploymentDirectly: (deploymentId) => removeDeployment(state, record(deploymentId)),
    createDeploymentDirectly: (namespace, body) =>
      createDeployment(state, namespace, structuredClone(body) as JsonValue),
    patchDeploymentDirectly: (deploymentId, patch) => {
      const { namespace } = record(deploymentId).deployment.metadata;
      return patchDeployment(state, namespace, deploymentId, structuredClone(patch) as JsonValue);
    },
  };
}

function createClock(options: VvpSimulatorOptions): SimulatorClock {
  const mode = options.clock ?? "manual";
  if (mode === "manual") return new ManualClock(options.now ?? DEFAULT_NOW);
  if (mode !== "wall")
    throw new RangeError(`clock must be "manual" or "wall", got ${String(mode)}`);
  if (options.now !== undefined) {
    throw new RangeError('now: only the manual clock starts at a chosen time, not clock: "wall"');
  }
  return new WallClock();
}
