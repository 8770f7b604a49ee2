import type { ActualState, DeploymentBody, DesiredState } from "../models/index.js";

/** A JSON value as it travels over the wire. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Autopilot policy modes; real VVP keeps one policy per deployment, DISABLED by default. */
export type AutopilotMode = "DISABLED" | "MONITORING" | "ACTIVE";

/** What a bearer token may do: in which VVP namespaces, and whether it may write. */
export interface TokenGrant {
  namespaces: string[] | "*";
  role: "editor" | "viewer";
}

/** Options of `startVvpSimulator`; every field is optional. */
export interface VvpSimulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Bearer tokens and their grants; without it every call is accepted. */
  tokens?: Record<string, TokenGrant>;
  /** Deployment target names that exist in every namespace; default `["default"]`. */
  deploymentTargets?: string[];
  /** Engine versions VVP knows; default a realistic list of VERA builds. */
  engineVersions?: string[];
  /** How long TRANSITIONING (and a savepoint, and each Autopilot step) lasts on the simulator's clock; default 5000. */
  transitionMs?: number;
  /** Fraction (0..1) of calls answered 503, drawn from a PRNG seeded with `seed`. */
  errorRate?: number;
  /** Seed of the error-rate PRNG and of the id generator (ids are random UUIDs without it). */
  seed?: number;
  /** Initial ISO time of the manual clock; default 2024-01-01T00:00:00.000Z (refused with the wall clock). */
  now?: string;
  /**
   * `manual` (default): time moves only through `advance`, so tests are
   * deterministic. `wall`: transitions fall due by real time, for a live
   * operator; `advance` then throws and `now()` is the machine's time.
   */
  clock?: "manual" | "wall";
  /**
   * Called as each request has arrived whole (its body read), before it is
   * decided: `receivedAt` is milliseconds since the epoch with sub-millisecond
   * precision (the performance clock's), so a benchmark can stamp when VVP
   * received a call, in any process.
   */
  onRequest?: (request: ReceivedRequest) => void;
}

/** A request as the simulator received it (see `onRequest`); never its headers. */
export interface ReceivedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Milliseconds since the epoch, with sub-millisecond precision. */
  receivedAt: number;
}

/** A VVP Deployment as the simulator stores and serves it (assignable to `VvpDeploymentObject`). */
export type SimulatedDeployment = {
  apiVersion: "v1";
  kind: "Deployment";
  metadata: {
    id: string;
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    resourceVersion: number;
    createdAt: string;
    modifiedAt: string;
  };
  spec: DeploymentBody["spec"] & { state: DesiredState };
  status: {
    state: ActualState;
    running?: { jobId: string; transitionTime: string; conditions: JsonObject[] };
  };
};

/** Savepoint states of VVP. */
export type SavepointState = "STARTED" | "COMPLETED" | "FAILED";
/** Why a savepoint exists (VVP's `metadata.origin`). */
export type SavepointOrigin = "USER_REQUEST" | "SUSPEND";

/** A VVP Savepoint. */
export interface Savepoint {
  apiVersion: "v1";
  kind: "Savepoint";
  metadata: {
    id: string;
    namespace: string;
    deploymentId: string;
    jobId?: string;
    origin: SavepointOrigin;
    annotations: Record<string, string>;
    createdAt: string;
    modifiedAt: string;
    resourceVersion: number;
  };
  spec: { savepointLocation?: string; flinkSavepointId?: string };
  status: {
    state: SavepointState;
    failure?: { reason: string; message: string; failedAt: string };
  };
}

/** Job states of VVP (the subset the simulator reaches). */
export type JobState = "STARTING" | "STARTED" | "TERMINATING" | "TERMINATED" | "FAILED";

/** A VVP Job: one run of a deployment's template. */
export interface Job {
  apiVersion: "v1";
  kind: "Job";
  metadata: {
    id: string;
    namespace: string;
    deploymentId: string;
    deploymentName: string;
    annotations: Record<string, string>;
    createdAt: string;
    modifiedAt: string;
    terminatedAt?: string;
    resourceVersion: number;
  };
  spec: {
    parallelism: number;
    numberOfTaskManagers?: number;
    artifact?: JsonValue;
    flinkConfiguration?: JsonValue;
    deploymentTarget: { name: string };
  };
  status: {
    state: JobState;
    started?: { startedAt: string; flinkJobId: string };
    failure?: { reason: string; message: string; failedAt: string };
  };
}

/** A VVP Event about a deployment. */
export interface VvpEvent {
  apiVersion: "v1";
  kind: "Event";
  metadata: {
    id: string;
    namespace: string;
    deploymentId: string;
    jobId?: string;
    name: string;
    createdAt: string;
  };
  spec: { message: string };
}

/** A VVP DeploymentTarget. */
export interface DeploymentTarget {
  apiVersion: "v1";
  kind: "DeploymentTarget";
  metadata: { name: string; namespace: string; createdAt: string };
  spec: { kubernetes: { namespace: string } };
}

/** Autopilot state of one deployment, as the test helper reads it. */
export interface AutopilotStatus {
  mode: AutopilotMode;
  scalingInProgress: boolean;
  /** Parallelism Autopilot chose in its last completed scaling run, if any. */
  runtimeParallelism?: number;
}

/** How an injected fault answers. */
export type FaultMode = "status" | "timeout" | "slow";

/** One injected fault, consumed by the next matching calls. */
export interface FailNextOptions {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** An exact path, a RegExp, or a route pattern like `/api/v1/namespaces/:ns/deployments/:id`. */
  path: string | RegExp;
  /** Status of a `status` fault; default 503. */
  status?: number;
  /** How many matching calls fail; default 1. */
  count?: number;
  /** `status` (default) answers `status`; `timeout` never answers (released on close); `slow` answers normally after `delayMs`. */
  mode?: FaultMode;
  /** Real-time delay of a `slow` fault; default 100 ms. */
  delayMs?: number;
  /** Message of a `status` fault's JSON body. */
  message?: string;
  /**
   * For `status` and `timeout`: the call takes effect before its answer is lost
   * (a create that happened although the client saw a timeout). Default false.
   */
  applied?: boolean;
  /**
   * For `timeout`: the call takes effect this many real milliseconds after it
   * arrived (a write applied late, after the client gave up); its answer is
   * never sent, and its log entry is written once it was applied.
   */
  appliedAfterMs?: number;
}

/** Why a logged call was answered the way it was, when a fault decided it. */
export type RequestFault = "status" | "timeout" | "slow" | "error-rate";

/** One entry of the request log; it never holds headers, so never a token. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Final status; 0 for a call held by a `timeout` fault (never answered). */
  status: number;
  query?: Record<string, string>;
  fault?: RequestFault;
}

/** The running simulator. */
export interface VvpSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The log of every call, oldest first (a copy). */
  readonly requests: readonly RequestLogEntry[];
  /** Empties the request log. */
  clearRequests(): void;
  /** Moves the manual clock forward and runs every transition that falls due (throws on the wall clock). */
  advance(ms: number): void;
  /** The simulator's current time, ISO 8601: pass it as reconcile's `now` to keep both in step. */
  now(): string;
  /** Makes the next matching calls fail, time out or be slow. */
  failNext(options: FailNextOptions): void;
  /** Drops every pending injected fault. */
  clearFaults(): void;
  /** Closes every socket and the server; idempotent. */
  close(): Promise<void>;
  /** Snapshot of the deployments, of one namespace when given. */
  deployments(namespace?: string): SimulatedDeployment[];
  /** Snapshot of one deployment, or undefined. */
  deployment(deploymentId: string): SimulatedDeployment | undefined;
  /** Snapshot of every savepoint. */
  savepoints(): Savepoint[];
  /** Snapshot of every job. */
  jobs(): Job[];
  /** Snapshot of every event. */
  events(): VvpEvent[];
  /** Sets a deployment's Autopilot mode (shown on the deployment as an annotation). */
  setAutopilot(deploymentId: string, mode: AutopilotMode): void;
  /** Reads a deployment's Autopilot state. */
  autopilot(deploymentId: string): AutopilotStatus;
  /** Starts a scripted Autopilot scaling run (ACTIVE mode, RUNNING deployment only). */
  startAutopilotScaling(deploymentId: string, options: { toParallelism: number }): void;
  /** Makes the running job fail: the deployment goes FAILED. */
  failJob(deploymentId: string): void;
  /** Removes a deployment behind the API's back, as a database-level change would. */
  deleteDeploymentDirectly(deploymentId: string): void;
  /** Creates a deployment without an HTTP call (same validation and defaults as POST). */
  createDeploymentDirectly(namespace: string, body: unknown): SimulatedDeployment;
  /** Merge-patches a deployment without an HTTP call, as another VVP user would. */
  patchDeploymentDirectly(deploymentId: string, patch: unknown): SimulatedDeployment;
}
