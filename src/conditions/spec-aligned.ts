import type { DesiredState, VvpDeploymentObject } from "../models/index.js";
import type { Decision } from "../reconcile/decide.js";
import type { Effect, EffectOf } from "../reconcile/types.js";
import { previousState } from "./merge.js";
import { describeError, isDefinitive, SPEC_UNCHANGED, SYNC_DISABLED } from "./messages.js";
import type { ConditionOutcome, ConditionState, StatusFields } from "./types.js";

/**
 * SpecAligned: whether the last projection of the spec to VVP succeeded.
 * True ConfigUpdated when this cycle projected, True SpecUnchanged when
 * nothing needed projecting; False StateProjectionSuppressedAutopilot during
 * an Autopilot scaling run, SyncDisabled while sync is off, ProjectionFailed
 * (ours) when VVP refused or did not answer. Owns `status.observedGeneration`
 * (it mirrors metadata.generation at the end of every cycle, the seed's rule,
 * also after a refused projection and while deleting), `unprojectedGeneration`
 * (ours: set while this generation's change is owed to VVP; it, not a
 * generation mismatch, makes a refused projection be sent again),
 * `projectedSpecState` and `reprojectedDrift`. `consistent` is this cycle's
 * Consistent state.
 */
export function specAlignedCondition(
  decision: Decision,
  effectOf: EffectOf,
  consistent: ConditionState,
): ConditionOutcome {
  const { context } = decision;
  const status: StatusFields = {
    projectedSpecState:
      acceptedState(decision, effectOf) ?? context.status.projectedSpecState ?? heldState(decision),
    reprojectedDrift: reprojectedDrift(decision, effectOf),
  };
  const { state, projected, failing, event } = projectionResult(decision, effectOf, consistent);
  if (context.generation !== undefined) {
    status.observedGeneration = context.generation;
    // A deletion projects nothing: whatever was owed stays recorded.
    if (decision.deletion === undefined) {
      status.unprojectedGeneration =
        decision.pendingChange && !projected ? context.generation : undefined;
    }
  }
  return {
    state,
    status,
    events:
      event === undefined ? [] : [{ type: "Normal", reason: "SpecProjected", message: event }],
    failing,
    warned: false,
  };
}

interface ProjectionResult {
  state: ConditionState;
  /** VVP answered this generation's projection definitively: nothing is owed. */
  projected: boolean;
  failing: boolean;
  /** The SpecProjected event's message, when one is due. */
  event?: string;
}

function projectionResult(
  decision: Decision,
  effectOf: EffectOf,
  consistent: ConditionState,
): ProjectionResult {
  const { context, projection } = decision;
  const mode = context.cr.spec.syncingMode;
  switch (projection.kind) {
    case "create": {
      const effect = effectOf("CreateDeployment");
      if (effect.result === "succeeded") {
        const message = `Created the VVP deployment with POST (${mode} mode)`;
        return {
          state: { status: "True", reason: "ConfigUpdated", message },
          projected: true,
          failing: false,
        };
      }
      // Ours: a 4xx is VVP's definitive answer to this generation.
      const definitive = effect.result === "failed" && isDefinitive(effect.error);
      return { state: notProjected(effect, "POST"), projected: definitive, failing: false };
    }
    case "project": {
      const effect = effectOf(projection.method === "PUT" ? "PutDeployment" : "PatchDeployment");
      if (effect.result !== "succeeded") {
        return {
          state: notProjected(effect, projection.method),
          projected: false,
          failing: effect.result === "failed",
        };
      }
      const from = context.deployment?.spec?.state;
      const to = context.crState;
      const change =
        from !== undefined && to !== undefined && from !== to ? ` (${from} → ${to})` : "";
      const message =
        projection.purpose === "StateDrift"
          ? `Re-projected the desired state with ${projection.method} after VVP drifted${change}`
          : projection.purpose === "SpecDrift"
            ? `Re-projected the spec with ${projection.method} after VVP drifted from it (${(projection.drift ?? []).join(", ")})${change}`
            : `Projected the spec to VVP with ${projection.method} (${mode} mode)${change}`;
      return {
        state: { status: "True", reason: "ConfigUpdated", message },
        projected: true,
        failing: false,
        event: message,
      };
    }
    case "unkept":
      return {
        state: {
          status: "False",
          reason: "ProjectionFailed",
          message: `VVP does not keep ${projection.drift.join(", ")} as projected: it still differs after the last re-projection, so it is not sent again until the spec changes`,
        },
        projected: false,
        failing: false,
      };
    case "suppressed":
      return {
        state: {
          status: "False",
          reason: "StateProjectionSuppressedAutopilot",
          message: projection.pendingChange
            ? `The spec change waits for the Autopilot scaling operation to complete; it is projected with ${mode} once the operation is done`
            : `VVP's state ${context.deployment?.spec?.state ?? "unset"} differs from the desired ${context.crState ?? "unset"}, but an Autopilot scaling operation is in progress; re-projection resumes when it completes`,
        },
        projected: false,
        failing: false,
      };
    case "none":
      return {
        state: nothingSent(decision, projection.pending, consistent),
        projected: false,
        failing: false,
      };
  }
}

// Nothing was sent: sync is off, a create was refused, a change waits for
// the mapping, or there was nothing to send.
function nothingSent(
  decision: Decision,
  pending: boolean,
  consistent: ConditionState,
): ConditionState {
  const { context, consistency } = decision;
  const before = previousState(context.status.conditions, "SpecAligned");
  if (!context.syncEnabled) return SYNC_DISABLED;
  if (consistency.kind === "createRejected") {
    return (
      before ?? {
        status: "False",
        reason: "ProjectionFailed",
        message: "VVP refused the create; it is retried when the spec changes",
      }
    );
  }
  if (pending && decision.deletion === undefined) {
    return consistency.kind === "create"
      ? { status: "False", reason: "ProjectionFailed", message: "Not projected yet" }
      : {
          status: "False",
          reason: "ProjectionFailed",
          message: `Spec changes are not projected while the mapping is not intact (Consistent: ${consistent.reason})`,
        };
  }
  // Keep a True condition as it is: the steady state must not rewrite status.
  return before !== undefined && before.status === "True" ? before : SPEC_UNCHANGED;
}

function notProjected(effect: Effect, method: string): ConditionState {
  return effect.result === "failed"
    ? {
        status: "False",
        reason: "ProjectionFailed",
        message: `${method} of the VVP deployment failed (${describeError(effect.error)}); ${isDefinitive(effect.error) && method === "POST" ? "retried when the spec changes" : "retrying with backoff"}`,
      }
    : {
        status: "False",
        reason: "ProjectionFailed",
        message: `${method} of the VVP deployment was not attempted because an earlier action failed; retrying`,
      };
}

// The desired state a write of this cycle carried and VVP accepted: what
// the Autopilot provider compares VVP's state with (ours). A create without
// a state holds the one VVP chose.
function acceptedState(decision: Decision, effectOf: EffectOf): DesiredState | undefined {
  let accepted: DesiredState | undefined;
  for (const action of decision.actions) {
    if (
      action.type !== "CreateDeployment" &&
      action.type !== "PatchDeployment" &&
      action.type !== "PutDeployment"
    ) {
      continue;
    }
    const effect = effectOf(action.type);
    if (effect.result !== "succeeded") continue;
    const created: VvpDeploymentObject | undefined = effect.deployment;
    accepted =
      action.body.spec?.state ??
      (action.type === "CreateDeployment" ? created?.spec?.state : undefined) ??
      accepted;
  }
  return accepted;
}

// Ours: a status without projectedSpecState (an adopted create whose answer
// was lost, a status written before the field existed) leaves the Autopilot
// provider reading observedSpecState, which follows the CR. When the CR's
// state changes without a projection (during a scaling run, say), the state
// the provider read so far is kept as the projected one; else the run would
// look endless and the change never be sent. The steady state writes nothing.
function heldState(decision: Decision): DesiredState | undefined {
  const { context } = decision;
  const previous = context.status.observedSpecState;
  const state = context.crState;
  return previous !== undefined && state !== undefined && previous !== state ? previous : undefined;
}

// Remembered until VVP holds the projection again, so a field VVP does not
// keep as sent is re-projected once, not in a loop (ours).
function reprojectedDrift(decision: Decision, effectOf: EffectOf): string[] | undefined {
  const { projection } = decision;
  const before = decision.context.status.reprojectedDrift;
  switch (projection.kind) {
    case "project": {
      const effect = effectOf(projection.method === "PUT" ? "PutDeployment" : "PatchDeployment");
      if (effect.result !== "succeeded") return before;
      const fields = (projection.drift ?? []).filter((field) => field !== "spec.state");
      return projection.purpose === "SpecDrift" && fields.length > 0 ? fields : undefined;
    }
    case "none":
      return undefined;
    default:
      return before;
  }
}
