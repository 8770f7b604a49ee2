import type { ActualState, Condition } from "../models/index.js";
import { isHealthyState } from "./healthy.js";
import { findCondition } from "./merge.js";
import type { ConditionState, SubConditionStates, SubConditionType } from "./types.js";

/** The Autopilot facts ParallelismAligned reads. */
export interface ParallelismFacts {
  mode: "DISABLED" | "MONITORING" | "ACTIVE";
  runtimeParallelism?: number;
}

/**
 * ParallelismAligned (domain.md §3): False AutopilotManaged only when Autopilot
 * is ACTIVE and both parallelisms are known and differ; it heals by itself.
 */
export function parallelismAlignedState(
  crParallelism: number | undefined,
  autopilot: ParallelismFacts,
): ConditionState {
  if (autopilot.mode !== "ACTIVE") {
    return { status: "True", reason: "Aligned", message: "Autopilot is not active" };
  }
  if (crParallelism === undefined) {
    return { status: "True", reason: "Aligned", message: "The CR does not specify parallelism" };
  }
  if (autopilot.runtimeParallelism === undefined) {
    return { status: "True", reason: "Aligned", message: "Autopilot has not scaled the job" };
  }
  if (autopilot.runtimeParallelism === crParallelism) {
    return {
      status: "True",
      reason: "Aligned",
      message: `Autopilot runs the job with the CR's parallelism ${crParallelism}`,
    };
  }
  return {
    status: "False",
    reason: "AutopilotManaged",
    message: `Autopilot runs the job with parallelism ${autopilot.runtimeParallelism}; the CR specifies ${crParallelism}. This is expected while Autopilot is active.`,
  };
}

/**
 * DeletionBlocked while the CR is deleted: True DeploymentStillActive when
 * VVP's job is RUNNING or TRANSITIONING, else False DeploymentInactive (ours:
 * the seed gives the False state no reason, Kubernetes requires one).
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
 * The sub-conditions that turn unhealthy in this cycle: unhealthy now (False,
 * or True for DeletionBlocked; Unknown is not warned about) and not in that
 * same unhealthy state (status and reason) before. Events warn about these once.
 */
export function newlyUnhealthy(
  previous: readonly Condition[] | undefined,
  states: SubConditionStates,
): { type: SubConditionType; state: ConditionState }[] {
  const out: { type: SubConditionType; state: ConditionState }[] = [];
  for (const type of [
    "Consistent",
    "SpecAligned",
    "NonceAligned",
    "ParallelismAligned",
    "DeletionBlocked",
  ] as const) {
    const state = states[type];
    if (state === undefined || state.status === "Unknown" || isHealthyState(type, state)) continue;
    const before = findCondition(previous, type);
    if (before !== undefined && before.status === state.status && before.reason === state.reason) {
      continue;
    }
    out.push({ type, state });
  }
  return out;
}
