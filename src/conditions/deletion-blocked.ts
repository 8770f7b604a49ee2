import type { ActualState } from "../models/index.js";
import type { Decision } from "../reconcile/decide.js";
import type { EffectOf, PlanEvent } from "../reconcile/types.js";
import { describeError } from "./messages.js";
import type { ConditionOutcome, ConditionState } from "./types.js";

/**
 * DeletionBlocked while the CR is deleted: True DeploymentStillActive when
 * VVP's job is RUNNING or TRANSITIONING, else False DeploymentInactive (ours:
 * the seed gives the False state no reason, Kubernetes requires one).
 * Healthy when False or absent.
 */
export function deletionBlockedState(actualState: ActualState | undefined): ConditionState {
  if (actualState === "RUNNING" || actualState === "TRANSITIONING") {
    return {
      status: "True",
      reason: "DeploymentStillActive",
      message: `The VVP deployment is ${actualState}. Set spec.deployment.spec.state to CANCELLED to let the deletion proceed.`,
    };
  }
  return {
    status: "False",
    reason: "DeploymentInactive",
    message: "The VVP deployment is not active; deletion is not blocked",
  };
}

/**
 * DeletionBlocked for a cycle, and the deletion sequence's events (cancel,
 * delete, failures); undefined while the CR is not being deleted, so the
 * condition is absent.
 */
export function deletionBlockedCondition(
  decision: Decision,
  effectOf: EffectOf,
): ConditionOutcome | undefined {
  const { deletion, context } = decision;
  if (deletion === undefined) return undefined;
  let state = deletionBlockedState(
    deletion.blocked ? context.deployment?.status?.state : undefined,
  );
  if (deletion.waitsForSync) {
    state = {
      ...state,
      message: "The VVP deployment is not active; deleting it waits until sync is enabled again",
    };
  }
  const events: PlanEvent[] = [];
  for (const action of decision.actions) {
    if (action.type === "AddFinalizer") continue;
    const effect = effectOf(action.type);
    if (effect.result === "failed") {
      events.push({
        type: "Warning",
        reason: "DeletionFailed",
        message: `${action.type} failed during deletion (${describeError(effect.error)}); retrying`,
      });
    } else if (effect.result === "succeeded" && action.type === "PatchDeployment") {
      const sent = "spec" in action.body ? action.body.spec?.state : undefined;
      events.push({
        type: "Normal",
        reason: "DeploymentCancelled",
        message: deletion.blocked
          ? `Sent the desired state ${sent} to VVP deployment ${context.deploymentName}; the deletion proceeds once it is no longer active`
          : `Cancelled VVP deployment ${context.deploymentName} before deleting it`,
      });
    } else if (effect.result === "succeeded" && action.type === "DeleteDeployment") {
      events.push({
        type: "Normal",
        reason: "DeploymentDeleted",
        message: `Deleted VVP deployment ${context.deploymentName} in namespace ${context.vvpNamespace}`,
      });
    }
  }
  return { state, status: {}, events, failing: false, warned: false };
}
