import type { DesiredState } from "../models/index.js";
import type { SimulatorClock, TimerHandle } from "./clock.js";
import type {
  AutopilotMode,
  DeploymentTarget,
  Job,
  Savepoint,
  SimulatedDeployment,
  VvpEvent,
} from "./types.js";

/** Engine versions the simulator knows unless told otherwise: VERA builds VVP ships. */
export const DEFAULT_ENGINE_VERSIONS: readonly string[] = [
  "vera-1.0.6-flink-1.17",
  "vera-1.0.8-flink-1.17",
  "vera-4.0-flink-1.20",
  "vera-4.1-flink-1.20",
  "vera-4.2-flink-1.20",
  "vera-4.3-flink-1.20",
  "vera-4.5-flink-1.20-jdk17",
];

/** VVP's bookkeeping annotation counting spec versions (our core ignores it). */
export const SPEC_VERSION_ANNOTATION =
  "com.dataartisans.appmanager.controller.deployment.spec.version";

export { AUTOPILOT_MODE_ANNOTATION } from "../models/index.js";

/** A transition in flight: TRANSITIONING until the timer fires. */
export interface PendingTransition {
  target: DesiredState;
  timer: TimerHandle;
}

/** A scripted Autopilot scaling run in progress. */
export interface ScalingRun {
  toParallelism: number;
  timer: TimerHandle;
}

/** Everything the simulator knows about one deployment beyond its JSON. */
export interface DeploymentRecord {
  deployment: SimulatedDeployment;
  /** The job of the current run (alive, or the last one that ran). */
  currentJobId?: string;
  /** Canonical JSON of the template the current job was started from. */
  jobTemplate?: string;
  transition?: PendingTransition;
  autopilotMode: AutopilotMode;
  scaling?: ScalingRun;
  runtimeParallelism?: number;
}

/** Fixed configuration of a simulator. */
export interface SimulatorConfig {
  deploymentTargets: readonly string[];
  engineVersions: readonly string[];
  transitionMs: number;
}

/**
 * The simulated Application Manager's data: pure state driven by the manual
 * clock and an id generator, with no IO, so it is testable without HTTP.
 */
export class SimulatorState {
  /** Deployments by id, in creation order. */
  readonly deployments = new Map<string, DeploymentRecord>();
  /** Savepoints by id, in creation order. */
  readonly savepoints = new Map<string, Savepoint>();
  /** Jobs by id, in creation order. */
  readonly jobs = new Map<string, Job>();
  /** Events, oldest first. */
  readonly events: VvpEvent[] = [];

  /** State over a clock, an id generator and a configuration. */
  constructor(
    readonly clock: SimulatorClock,
    readonly newId: () => string,
    readonly config: SimulatorConfig,
  ) {}

  /** Deployment ids by namespace and name, so a name lookup costs the same at any fleet size. */
  private readonly idsByName = new Map<string, string>();

  /** The record of a deployment in a namespace by id, or undefined. */
  findDeployment(namespace: string, deploymentId: string): DeploymentRecord | undefined {
    const record = this.deployments.get(deploymentId);
    return record?.deployment.metadata.namespace === namespace ? record : undefined;
  }

  /** The record of the deployment with this name in a namespace, or undefined. */
  deploymentByName(namespace: string, name: string): DeploymentRecord | undefined {
    const id = this.idsByName.get(nameKey(namespace, name));
    return id === undefined ? undefined : this.findDeployment(namespace, id);
  }

  /**
   * The deployment a `…/deployments/{deploymentId}` path addresses: VVP
   * documents deployments as name-addressable, so the segment is an id or a
   * name. Ours: an id match wins, as ids are what VVP hands out.
   */
  addressDeployment(namespace: string, idOrName: string): DeploymentRecord | undefined {
    return this.findDeployment(namespace, idOrName) ?? this.deploymentByName(namespace, idOrName);
  }

  /** Stores a new deployment. */
  addDeployment(record: DeploymentRecord): void {
    const { id, namespace, name } = record.deployment.metadata;
    this.deployments.set(id, record);
    this.idsByName.set(nameKey(namespace, name), id);
  }

  /** Forgets a deployment. */
  forgetDeployment(record: DeploymentRecord): void {
    const { id, namespace, name } = record.deployment.metadata;
    this.deployments.delete(id);
    this.idsByName.delete(nameKey(namespace, name));
  }

  /** Records a VVP event about a deployment. */
  recordEvent(record: DeploymentRecord, name: string, message: string, jobId?: string): void {
    const { id, namespace } = record.deployment.metadata;
    this.events.push({
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        id: this.newId(),
        namespace,
        deploymentId: id,
        ...(jobId === undefined ? {} : { jobId }),
        name,
        createdAt: this.clock.nowIso(),
      },
      spec: { message },
    });
  }

  /** A deployment target, if it exists (targets exist in every namespace). */
  deploymentTarget(namespace: string, name: string): DeploymentTarget | undefined {
    if (!this.config.deploymentTargets.includes(name)) return undefined;
    return {
      apiVersion: "v1",
      kind: "DeploymentTarget",
      metadata: { name, namespace, createdAt: new Date(0).toISOString() },
      spec: { kubernetes: { namespace: `vvp-jobs-${name}` } },
    };
  }
}

/** JSON with sorted keys, so two equal values always compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : inner,
  );
}

function nameKey(namespace: string, name: string): string {
  return JSON.stringify([namespace, name]);
}
