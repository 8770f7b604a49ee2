import {
  type DesiredState,
  FINALIZER,
  type VvpDeployment,
  type VvpDeploymentObject,
  type VvpDeploymentStatus,
} from "../models/index.js";
import type { VvpSavepoint } from "../nonces/index.js";
import { crIdentity } from "../projection/index.js";
import type { AutopilotObservation, MappingRecord, ReconcileInput } from "./types.js";

const AUTOPILOT_DISABLED: AutopilotObservation = { mode: "DISABLED", scalingInProgress: false };
const NO_STATUS: VvpDeploymentStatus = {};

/** The facts of one cycle, read once from the input. */
export interface Context {
  cr: VvpDeployment;
  status: VvpDeploymentStatus;
  instanceId: string;
  now: string;
  syncEnabled: boolean;
  /**
   * `metadata.generation`, or undefined for a CR that never went through an
   * API server (a file read by a CLI or GitOps host). Ours: without a
   * generation, a spec change is a difference between the CR's update body
   * and the observed deployment, and observedGeneration stays unset.
   */
  generation: number | undefined;
  /**
   * The generation the last status write saw: the greatest observedGeneration
   * of the status' conditions (every cycle writes it into all of them).
   * Nonce evidence older than it was already recorded (ours).
   */
  writtenGeneration: number | undefined;
  crUid: string;
  deployment: VvpDeploymentObject | null;
  mapping: MappingRecord | null;
  autopilot: AutopilotObservation;
  savepoints: readonly VvpSavepoint[] | undefined;
  vvpNamespace: string;
  deploymentName: string;
  /** The CR's desired state; undefined when the CR expresses none. */
  crState: DesiredState | undefined;
  /** The CR's desired state, or VVP's `spec.state` when the CR omits it. */
  desiredState: DesiredState | undefined;
  deleting: boolean;
  hasFinalizer: boolean;
}

/** Reads the cycle's facts. */
export function contextOf(input: ReconcileInput): Context {
  const { cr, observed } = input;
  const deployment = observed.deployment;
  const crState = cr.spec.deployment.spec.state;
  return {
    cr,
    status: cr.status ?? NO_STATUS,
    instanceId: input.instanceId,
    now: input.now,
    syncEnabled: input.syncEnabled !== false,
    generation: cr.metadata.generation,
    writtenGeneration: writtenGenerationOf(cr.status),
    crUid: crIdentity(cr),
    deployment,
    mapping: observed.mapping,
    autopilot: observed.autopilot ?? AUTOPILOT_DISABLED,
    savepoints: observed.savepoints,
    vvpNamespace: observed.mapping?.vvpNamespace ?? cr.spec.deployment.metadata.namespace,
    deploymentName: cr.spec.deployment.metadata.name,
    crState,
    desiredState: crState ?? deployment?.spec?.state,
    deleting: cr.metadata.deletionTimestamp !== undefined,
    hasFinalizer: cr.metadata.finalizers?.includes(FINALIZER) === true,
  };
}

function writtenGenerationOf(status: VvpDeploymentStatus | undefined): number | undefined {
  let greatest: number | undefined;
  for (const condition of status?.conditions ?? []) {
    const generation = condition.observedGeneration;
    if (generation !== undefined && (greatest === undefined || generation > greatest)) {
      greatest = generation;
    }
  }
  return greatest;
}
