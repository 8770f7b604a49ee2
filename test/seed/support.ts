// Helpers shared by the seed audit tests: the two nonces described as data,
// so one test body guards the seed's nonce rules for both.
import type { ActualState, VvpDeployment, VvpDeploymentStatus } from "../../src/models/index.js";
import type { ActionOutcome, PlanAction, ReconcilePlan } from "../../src/reconcile/index.js";
import { editSpec, must, steadyWorld, type World } from "../support/builders.js";

/** The action types of a plan, in order. */
export function actionTypes(plan: { actions: readonly PlanAction[] }): PlanAction["type"][] {
  return plan.actions.map((action) => action.type);
}

/** Outcomes where the first action of `type` failed with `error`; later ones did not run. */
export function failAt(
  plan: ReconcilePlan,
  type: PlanAction["type"],
  error: Extract<ActionOutcome, { result: "failed" }>["error"],
): ActionOutcome[] {
  let failed = false;
  return plan.actions.map((action): ActionOutcome => {
    if (failed) return { action, result: "notRun" };
    if (action.type === type) {
      failed = true;
      return { action, result: "failed", error };
    }
    return { action, result: "succeeded" };
  });
}

/** One of the seed's two nonce fields, with the names the operator uses for it. */
export interface NonceKindFacts {
  kind: "savepoint" | "restart";
  field: "savepointNonce" | "restartNonce";
  action: "TriggerSavepoint" | "RestartJob";
  blockedReason: "SavepointBlocked" | "RestartBlocked";
  processed: "lastProcessedSavepointNonce" | "lastProcessedTriggerNonce";
  consumed: "lastConsumedSavepointNonce" | "lastConsumedTriggerNonce";
}

/** The seed's nonce table, savepoint first. */
export const NONCE_KINDS: readonly NonceKindFacts[] = [
  {
    kind: "savepoint",
    field: "savepointNonce",
    action: "TriggerSavepoint",
    blockedReason: "SavepointBlocked",
    processed: "lastProcessedSavepointNonce",
    consumed: "lastConsumedSavepointNonce",
  },
  {
    kind: "restart",
    field: "restartNonce",
    action: "RestartJob",
    blockedReason: "RestartBlocked",
    processed: "lastProcessedTriggerNonce",
    consumed: "lastConsumedTriggerNonce",
  },
];

/** The nonces the plan's actions of this kind carry. */
export function triggeredNonces(plan: ReconcilePlan, facts: NonceKindFacts): number[] {
  const nonces: number[] = [];
  for (const action of plan.actions) {
    if (action.type === "TriggerSavepoint" && facts.action === "TriggerSavepoint") {
      nonces.push(action.nonce);
    } else if (action.type === "RestartJob" && facts.action === "RestartJob") {
      nonces.push(action.nonce);
    }
  }
  return nonces;
}

/** Sets one nonce field of a CR (a spec edit). */
export function setNonce(cr: VvpDeployment, facts: NonceKindFacts, value: number | null): void {
  cr.spec[facts.field] = value;
}

/** The world with VVP reporting this job state (the desired state untouched). */
export function withJobState(world: World, state: ActualState): World {
  const deployment = must(world.deployment, "deployment");
  return { ...world, deployment: { ...deployment, status: { ...deployment.status, state } } };
}

/** A status field of the world's CR. */
export function statusOf(world: World): VvpDeploymentStatus {
  return must(world.cr, "CR").status ?? {};
}

/** Converged once: a RUNNING PATCH-mode deployment with no nonce history. */
export const RUNNING_WORLD: World = steadyWorld("PATCH", { state: "RUNNING" });

/** The world after the author sets one nonce (a spec edit, so a new generation). */
export function editNonce(world: World, facts: NonceKindFacts, value: number | null): World {
  return editSpec(world, (cr) => setNonce(cr, facts, value));
}
