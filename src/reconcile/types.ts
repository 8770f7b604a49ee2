import type {
  DesiredState,
  FieldError,
  VvpDeployment,
  VvpDeploymentObject,
  VvpDeploymentStatus,
} from "../models/index.js";
import type { RestartPatchBody, SavepointCreateBody, VvpSavepoint } from "../nonces/index.js";
import type { DeploymentRequestBody } from "../projection/index.js";

/** The host's mapping record: CR uid → VVP namespace, deploymentId and operator instance. */
export interface MappingRecord {
  deploymentId: string;
  vvpNamespace: string;
  instanceId: string;
}

/** What the Autopilot provider observed; absent means DISABLED and not scaling. */
export interface AutopilotObservation {
  mode: "DISABLED" | "MONITORING" | "ACTIVE";
  scalingInProgress: boolean;
  runtimeParallelism?: number;
}

/** What the host observed before calling the core (see `observationNeeds`). */
export interface Observation {
  /** The VVP deployment as read from the API, or null when there is none. */
  deployment: VvpDeploymentObject | null;
  mapping: MappingRecord | null;
  autopilot?: AutopilotObservation;
  /** The deployment's savepoints: observed only while a savepoint nonce is pending. */
  savepoints?: readonly VvpSavepoint[];
}

/** The input of `reconcile` and `settle`. */
export interface ReconcileInput {
  cr: VvpDeployment;
  observed: Observation;
  /** This operator instance; CRs owned by another instance are skipped. */
  instanceId: string;
  /** ISO timestamp of this cycle; the core never reads the clock. */
  now: string;
  /** Whether spec changes are projected to VVP; defaults to true. */
  syncEnabled?: boolean;
}

/**
 * Why a PatchDeployment is sent: a spec change, VVP's state or another field
 * drifted from the projection, or a cancel on deletion. Restarts use
 * RestartJob; "Restart" is kept for hosts that name patches.
 */
export type PatchPurpose = "Projection" | "StateDrift" | "SpecDrift" | "Restart" | "Cancel";

/** What the executor records after a successful CreateDeployment. */
export interface MappingToSave {
  crUid: string;
  vvpNamespace: string;
  instanceId: string;
}

/** One step of a plan: everything the executor needs, so it never reads the CR. */
export type PlanAction =
  | { type: "AddFinalizer"; finalizer: string }
  | { type: "RemoveFinalizer"; finalizer: string }
  | {
      type: "CreateDeployment";
      vvpNamespace: string;
      body: DeploymentRequestBody;
      /**
       * After the POST succeeds the executor saves the mapping record
       * `{ deploymentId: <created metadata.id>, vvpNamespace, instanceId }`
       * under `crUid` (ours: the id is only known once VVP answers; if the
       * answer is lost, the next cycle adopts the deployment by its cr-uid).
       */
      mapping: MappingToSave;
    }
  | {
      type: "PatchDeployment";
      vvpNamespace: string;
      deploymentId: string;
      body: DeploymentRequestBody | { spec: { state: DesiredState } };
      purpose: PatchPurpose;
    }
  | {
      type: "PutDeployment";
      vvpNamespace: string;
      deploymentId: string;
      body: DeploymentRequestBody;
    }
  | {
      type: "TriggerSavepoint";
      vvpNamespace: string;
      deploymentId: string;
      nonce: number;
      body: SavepointCreateBody;
    }
  | {
      type: "RestartJob";
      vvpNamespace: string;
      deploymentId: string;
      nonce: number;
      /** A merge-patch body for `PATCH …/deployments/{deploymentId}`. */
      body: RestartPatchBody;
    }
  | { type: "DeleteDeployment"; vvpNamespace: string; deploymentId: string }
  | { type: "SaveMapping"; crUid: string; record: MappingRecord }
  | { type: "DeleteMapping"; crUid: string };

/** The type tag of a plan action. */
export type PlanActionType = PlanAction["type"];

/** Reasons of Normal events. */
export type NormalEventReason =
  | "DeploymentCreated"
  | "DeploymentAdopted"
  | "SpecProjected"
  | "SavepointTriggered"
  | "RestartTriggered"
  | "DeploymentCancelled"
  | "DeploymentDeleted";

/** Reasons of Warning events: an unhealthy condition's reason, or a failure. */
export type WarningEventReason =
  | "AppManagerRecordNotFound"
  | "DBRecordMissing"
  | "DeploymentNotOwned"
  | "ResourceDeleted"
  | "AppManagerCreateFailed"
  | "ProjectionFailed"
  | "StateProjectionSuppressedAutopilot"
  | "SyncDisabled"
  | "SavepointBlocked"
  | "RestartBlocked"
  | "AutopilotManaged"
  | "DeploymentStillActive"
  | "DeletionFailed"
  | "InvalidSpec";

/** A Kubernetes event to record. */
export type PlanEvent =
  | { type: "Normal"; reason: NormalEventReason; message: string }
  | { type: "Warning"; reason: WarningEventReason; message: string };

/** Why a CR got an empty plan and no status write. */
export type SkipReason = "NotOwned" | "InvalidSpec";

/** The outcome of one reconcile cycle, before execution. */
export interface ReconcilePlan {
  /** In order; execution stops at the first failure. */
  actions: PlanAction[];
  /** The status to write if every action succeeds (use `settle` after execution). */
  status: VvpDeploymentStatus;
  events: PlanEvent[];
  /** When to reconcile again; 0 means "not before something changes". */
  requeueAfterMs: number;
  /** Set when the CR is not this instance's business: write nothing. */
  skipped?: SkipReason;
  /** With `skipped: "InvalidSpec"`: what is wrong, by field path. */
  errors?: FieldError[];
}

/** A failure the executor saw. */
export type ActionError =
  | { kind: "http"; status: number; message: string }
  | { kind: "timeout"; message: string }
  | { kind: "network"; message: string };

/** What happened to one action. */
export type ActionOutcome =
  | {
      action: PlanAction;
      result: "succeeded";
      /** For CreateDeployment: the created deployment (at least `metadata.id`). */
      deployment?: VvpDeploymentObject;
    }
  | { action: PlanAction; result: "failed"; error: ActionError }
  | { action: PlanAction; result: "notRun" };

/** What happened to the plan's action of one type. */
export type Effect =
  | { result: "succeeded"; deployment?: VvpDeploymentObject }
  | { result: "failed"; error: ActionError }
  | { result: "notRun" };

/** Looks up the effect of the plan's action of a type (each type occurs at most once). */
export type EffectOf = (type: PlanActionType) => Effect;

/** The status, events and requeue after execution. */
export interface SettledResult {
  status: VvpDeploymentStatus;
  events: PlanEvent[];
  requeueAfterMs: number;
}

/** Re-exported for hosts that type their inputs. */
export type { VvpDeployment, VvpDeploymentObject, VvpDeploymentStatus };
