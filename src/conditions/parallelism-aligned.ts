import type { Decision } from "../reconcile/decide.js";
import { type ConditionOutcome, type ConditionState, stateOnly } from "./types.js";

/** The Autopilot facts ParallelismAligned reads. */
export interface ParallelismFacts {
  mode: "DISABLED" | "MONITORING" | "ACTIVE";
  runtimeParallelism?: number;
}

/**
 * ParallelismAligned: False AutopilotManaged only when Autopilot is ACTIVE
 * and both the CR's and the runtime parallelism are known and differ; it
 * heals by itself when they meet again, with no CR update.
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

/** ParallelismAligned for a cycle: read from the CR and the Autopilot observation only. */
export function parallelismAlignedCondition(decision: Decision): ConditionOutcome {
  const { context } = decision;
  return stateOnly(
    parallelismAlignedState(
      context.cr.spec.deployment.spec.template.spec.parallelism,
      context.autopilot,
    ),
  );
}
