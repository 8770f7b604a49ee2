import type { ConditionReason } from "../models/index.js";
import type { Consistency } from "../reconcile/consistency.js";
import type { Context } from "../reconcile/context.js";
import type { Decision } from "../reconcile/decide.js";
import type { EffectOf } from "../reconcile/types.js";
import { previousState } from "./merge.js";
import { describeError, isDefinitive, recordIntact } from "./messages.js";
import type { ConditionOutcome, ConditionState } from "./types.js";

/**
 * Consistent: whether the mapping between the CR and its VVP deployment is
 * intact. True RecordIntact when linked (by record, create or adoption);
 * False AppManagerRecordNotFound, DBRecordMissing, ResourceDeleted or
 * AppManagerCreateFailed when broken; Unknown Creating (ours) until the
 * create is known. Owns `status.deploymentId`.
 */
export function consistentCondition(decision: Decision, effectOf: EffectOf): ConditionOutcome {
  const { context, consistency } = decision;
  const outcome = (
    state: ConditionState,
    deploymentId = context.status.deploymentId,
  ): ConditionOutcome => ({
    state,
    status: { deploymentId },
    events: [],
    failing: false,
    warned: false,
  });
  switch (consistency.kind) {
    case "intact":
      return outcome(recordIntact(context), consistency.deploymentId);
    case "adopt":
      return decision.deletion !== undefined
        ? outcome(recordIntact(context))
        : adopted(decision, effectOf, consistency.deploymentId);
    case "create":
      return created(decision, effectOf);
    case "createRejected":
      // Ours: nothing was sent for this generation; the refusal stays as written.
      return outcome(
        previousState(context.status.conditions, "Consistent") ?? brokenState(consistency, context),
      );
    default:
      return outcome(brokenState(consistency, context));
  }
}

// A deployment carrying our cr-uid whose create answer was lost: saving the
// mapping record links it.
function adopted(decision: Decision, effectOf: EffectOf, deploymentId: string): ConditionOutcome {
  const { context } = decision;
  const saved = effectOf("SaveMapping");
  if (saved.result === "succeeded") {
    return {
      state: recordIntact(context),
      status: { deploymentId },
      events: [
        {
          type: "Normal",
          reason: "DeploymentAdopted",
          message: `Adopted VVP deployment ${context.deploymentName} (${deploymentId}) in namespace ${context.vvpNamespace}, created by this resource earlier`,
        },
      ],
      failing: false,
      warned: false,
    };
  }
  return {
    state: {
      status: "Unknown",
      reason: "Creating",
      message: `Adopting VVP deployment ${context.deploymentName} created by this resource earlier; the mapping record is not saved yet${saved.result === "failed" ? ` (${describeError(saved.error)})` : ""}`,
    },
    status: { deploymentId: context.status.deploymentId },
    events: [],
    failing: false,
    warned: false,
  };
}

function created(decision: Decision, effectOf: EffectOf): ConditionOutcome {
  const { context } = decision;
  const before = context.status.deploymentId;
  const creating = (message: string): ConditionOutcome => ({
    state: { status: "Unknown", reason: "Creating", message },
    status: { deploymentId: before },
    events: [],
    failing: false,
    warned: false,
  });
  if (decision.projection.kind !== "create") {
    return creating(
      decision.deletion !== undefined
        ? "The VVP deployment was never created"
        : "The VVP deployment will be created once sync is enabled",
    );
  }
  const effect = effectOf("CreateDeployment");
  if (effect.result === "notRun") return creating("The VVP deployment is being created");
  if (effect.result === "failed") {
    const rejected = isDefinitive(effect.error);
    return {
      state: {
        status: "False",
        reason: "AppManagerCreateFailed",
        message: rejected
          ? `VVP refused to create deployment ${context.deploymentName} (${describeError(effect.error)}). The create is retried when the spec changes.`
          : `Creating VVP deployment ${context.deploymentName} failed (${describeError(effect.error)}); retrying with backoff.`,
      },
      status: { deploymentId: before },
      events: [],
      failing: true,
      warned: false,
    };
  }
  return {
    state: recordIntact(context),
    status: { deploymentId: effect.deployment?.metadata?.id ?? before },
    events: [
      {
        type: "Normal",
        reason: "DeploymentCreated",
        message: `Created VVP deployment ${context.deploymentName} in namespace ${context.vvpNamespace} (${context.cr.spec.syncingMode} mode)`,
      },
    ],
    failing: false,
    warned: false,
  };
}

function ownershipMismatch(
  consistency: Extract<Consistency, { kind: "notOwned" }>,
  context: Context,
): string {
  const parts: string[] = [];
  if (consistency.crUid !== context.crUid) {
    parts.push(`its cr-uid annotation is ${consistency.crUid ?? "absent"}, not ${context.crUid}`);
  }
  if (consistency.owner !== context.instanceId) {
    parts.push(`its owner label is ${consistency.owner ?? "absent"}, not ${context.instanceId}`);
  }
  return parts.join("; ");
}

// The False rows of the mapping table; during deletion an unrecorded
// deployment carrying our cr-uid is simply ours.
function brokenState(consistency: Consistency, context: Context): ConditionState {
  const name = context.deploymentName;
  const ns = context.vvpNamespace;
  let reason: ConditionReason;
  let message: string;
  switch (consistency.kind) {
    case "recordNotFound":
      reason = "AppManagerRecordNotFound";
      message = `VVP deployment ${consistency.deploymentId} in namespace ${ns} is missing although the mapping record exists. Manual intervention required: delete and recreate the CR, or investigate the AppManager database.`;
      break;
    case "dbRecordMissing":
      reason = "DBRecordMissing";
      message = `The mapping record is missing but VVP deployment ${name} (${consistency.deploymentId}) in namespace ${ns} still exists. Manual intervention required: contact your platform administrator.`;
      break;
    case "resourceDeleted":
      reason = "ResourceDeleted";
      message = `Both the mapping record and VVP deployment ${consistency.deploymentId} are gone; the CR is orphaned. Delete it with kubectl delete vvpdeployment ${context.cr.metadata.name} --force and recreate it if needed.`;
      break;
    case "notOwned":
      reason = "DeploymentNotOwned";
      message = `The mapping record names VVP deployment ${consistency.deploymentId} in namespace ${ns}, but it does not belong to this resource (${ownershipMismatch(consistency, context)}). Nothing is written to it, nor deleted. Manual intervention required: check who changed the mapping record or the deployment's marks.`;
      break;
    case "foreign":
      reason = "AppManagerCreateFailed";
      message = `A VVP deployment named ${name} already exists in namespace ${ns} and is not managed by this resource`;
      break;
    case "createRejected":
      reason = "AppManagerCreateFailed";
      message = `VVP refused to create deployment ${name}. The create is retried when the spec changes.`;
      break;
    default:
      return recordIntact(context);
  }
  return { status: "False", reason, message };
}
