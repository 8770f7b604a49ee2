import {
  CR_UID_ANNOTATION,
  OWNER_LABEL,
  type VvpDeploymentObject,
  type VvpDeploymentStatus,
} from "../models/index.js";
import type { MappingRecord } from "./types.js";

/** The mapping situation between the CR and VVP: one kind per row of the Consistent condition's table. */
export type Consistency =
  /** Record and deployment: RecordIntact. */
  | { kind: "intact"; deploymentId: string }
  /** No record, our cr-uid on a deployment, never recorded: a lost create answer; adopt it. */
  | { kind: "adopt"; deploymentId: string }
  /** No record, no deployment, never created: create it. */
  | { kind: "create" }
  /** A create VVP refused with a 4xx for this generation (ours): wait for a spec change. */
  | { kind: "createRejected" }
  /** Record, no deployment: AppManagerRecordNotFound. */
  | { kind: "recordNotFound"; deploymentId: string }
  /** No record, our cr-uid on a deployment, deploymentId recorded: DBRecordMissing. */
  | { kind: "dbRecordMissing"; deploymentId: string }
  /** No record, a deployment of that name without our cr-uid: AppManagerCreateFailed. */
  | { kind: "foreign" }
  /**
   * Record and deployment, but the deployment does not carry this CR's cr-uid
   * annotation and this operator's owner label (ours): DeploymentNotOwned. A
   * record is never enough to act on a deployment (someone may have pointed
   * it at another CR's); nothing is written to it, nor deleted.
   */
  | { kind: "notOwned"; deploymentId: string; crUid: string | undefined; owner: string | undefined }
  /** No record, no deployment, created before: ResourceDeleted. */
  | { kind: "resourceDeleted"; deploymentId: string };

/** Facts the mapping decision reads. */
export interface ConsistencyFacts {
  deployment: VvpDeploymentObject | null;
  mapping: MappingRecord | null;
  status: VvpDeploymentStatus;
  crUid: string;
  /** This operator's instanceId: the owner label our deployments carry. */
  instanceId: string;
  generation: number | undefined;
}

/** Classifies the mapping between the CR and VVP. */
export function decideConsistency(facts: ConsistencyFacts): Consistency {
  const { deployment, mapping, status } = facts;
  if (mapping !== null) {
    if (deployment === null) return { kind: "recordNotFound", deploymentId: mapping.deploymentId };
    if (!belongsTo(deployment, facts)) {
      return {
        kind: "notOwned",
        deploymentId: mapping.deploymentId,
        crUid: stringOr(deployment.metadata?.annotations?.[CR_UID_ANNOTATION]),
        owner: stringOr(deployment.metadata?.labels?.[OWNER_LABEL]),
      };
    }
    return { kind: "intact", deploymentId: mapping.deploymentId };
  }
  if (deployment !== null) {
    const ours = belongsTo(deployment, facts);
    const id = deployment.metadata?.id ?? "";
    if (!ours) return { kind: "foreign" };
    return status.deploymentId === undefined
      ? { kind: "adopt", deploymentId: id }
      : { kind: "dbRecordMissing", deploymentId: status.deploymentId };
  }
  if (status.deploymentId !== undefined) {
    return { kind: "resourceDeleted", deploymentId: status.deploymentId };
  }
  // Ours: a 4xx create is a definitive answer to this generation: it leaves
  // Consistent False AppManagerCreateFailed and no owed projection
  // (unprojectedGeneration unset, unlike a 5xx or a timeout); until the
  // generation changes the create is not sent again.
  const previous = status.conditions?.find((condition) => condition.type === "Consistent");
  if (
    previous?.reason === "AppManagerCreateFailed" &&
    previous.status === "False" &&
    facts.generation !== undefined &&
    status.observedGeneration === facts.generation &&
    status.unprojectedGeneration === undefined
  ) {
    return { kind: "createRejected" };
  }
  return { kind: "create" };
}

/**
 * Whether the deployment belongs to this CR (ours): it carries this CR's
 * cr-uid annotation and this operator's owner label, the marks every body we
 * send carries. Checked before any write, whatever the mapping record says.
 */
export function belongsTo(
  deployment: VvpDeploymentObject,
  facts: { crUid: string; instanceId: string },
): boolean {
  return (
    deployment.metadata?.annotations?.[CR_UID_ANNOTATION] === facts.crUid &&
    deployment.metadata?.labels?.[OWNER_LABEL] === facts.instanceId
  );
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Whether the deployment may be written to (the False rows write nothing to VVP). */
export function isLinked(consistency: Consistency): boolean {
  return consistency.kind === "intact" || consistency.kind === "adopt";
}
