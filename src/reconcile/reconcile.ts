import { OWNER_LABEL } from "../models/index.js";
import { compose } from "./compose.js";
import { contextOf } from "./context.js";
import { decide } from "./decide.js";
import { essentialFieldErrors } from "./guard.js";
import { assertObservation } from "./observation-guard.js";
import { assertTimestamp, sanitizedInput } from "./sanitize.js";
import type {
  ActionOutcome,
  Effect,
  PlanActionType,
  ReconcileInput,
  ReconcilePlan,
  SettledResult,
} from "./types.js";

const SUCCEEDED: Effect = { result: "succeeded" };
const NOT_RUN: Effect = { result: "notRun" };

/**
 * Decides one reconcile cycle: pure and deterministic (no clock, randomness or
 * IO). The plan's status assumes every action succeeds; after running the
 * actions, a host calls `settle` for the status to write. A malformed status
 * is the operator's own record and is rewritten clean, never a reason to
 * stop. Throws a `RangeError` when `now` is not an ISO timestamp (a host
 * programming error) and an `InvalidObservationError` when a value the core
 * reads from the observation has the wrong type (VVP or a host store handed
 * over something unexpected; nothing was decided, retry later).
 */
export function reconcile(rawInput: ReconcileInput): ReconcilePlan {
  assertTimestamp(rawInput.now);
  assertObservation(rawInput.observed);
  const input = sanitizedInput(rawInput);
  const skipped = skippedPlan(input);
  if (skipped !== undefined) return skipped;
  const decision = decide(contextOf(input));
  const result = compose(decision, () => SUCCEEDED);
  return {
    actions: decision.actions,
    status: result.status,
    events: result.events,
    requeueAfterMs: result.requeueAfterMs,
  };
}

/**
 * The status, events and requeue once the host ran the plan's actions.
 * Execution stops at the first failure: every action after it counts as not
 * run, whatever `outcomes` says. A DeleteDeployment answered 404 counts as
 * done (the deployment is gone). A missing outcome counts as not run.
 * Throws like `reconcile` on a bad `now` or observation.
 */
export function settle(
  rawInput: ReconcileInput,
  plan: ReconcilePlan,
  outcomes: readonly ActionOutcome[],
): SettledResult {
  assertTimestamp(rawInput.now);
  assertObservation(rawInput.observed);
  const input = sanitizedInput(rawInput);
  if (plan.skipped !== undefined) {
    return { status: plan.status, events: plan.events, requeueAfterMs: plan.requeueAfterMs };
  }
  const effects = new Map<PlanActionType, Effect>();
  let stopped = false;
  plan.actions.forEach((action, index) => {
    const atIndex = outcomes[index];
    const outcome =
      outcomes.find((candidate) => candidate.action === action) ??
      (atIndex !== undefined && atIndex.action.type === action.type ? atIndex : undefined);
    let effect: Effect = NOT_RUN;
    if (!stopped && outcome !== undefined) {
      if (outcome.result === "succeeded") {
        effect =
          outcome.deployment !== undefined
            ? { result: "succeeded", deployment: outcome.deployment }
            : SUCCEEDED;
      } else if (outcome.result === "failed") {
        const gone =
          action.type === "DeleteDeployment" &&
          outcome.error.kind === "http" &&
          outcome.error.status === 404;
        effect = gone ? SUCCEEDED : { result: "failed", error: outcome.error };
      }
    }
    if (effect.result !== "succeeded") stopped = true;
    effects.set(action.type, effect);
  });
  const decision = decide(contextOf(input));
  return compose(decision, (type) => effects.get(type) ?? NOT_RUN);
}

// Ours: ownership is checked first, so another instance's CR is never
// reported on, valid or not; 0 means "do not requeue".
function skippedPlan(input: ReconcileInput): ReconcilePlan | undefined {
  const { cr } = input;
  const status = cr.status ?? {};
  if (cr.metadata?.labels?.[OWNER_LABEL] !== input.instanceId) {
    return { actions: [], status, events: [], requeueAfterMs: 0, skipped: "NotOwned" };
  }
  const errors = essentialFieldErrors(cr);
  if (errors.length === 0) return undefined;
  return {
    actions: [],
    status,
    events: [
      {
        type: "Warning",
        reason: "InvalidSpec",
        message: `Not reconciled: ${errors.map((error) => `${error.field}: ${error.message}`).join("; ")}`,
      },
    ],
    requeueAfterMs: 0,
    skipped: "InvalidSpec",
    errors,
  };
}
