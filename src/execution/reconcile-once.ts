import { FINALIZER, OWNER_LABEL, type VvpDeployment } from "../models/index.js";
import {
  type ActionOutcome,
  essentialFieldErrors,
  type PlanEvent,
  type ReconcilePlan,
  reconcile,
  settle,
} from "../reconcile/index.js";
import type { VvpClient } from "../vvp-client/index.js";
import { type AutopilotProvider, createDefaultAutopilotProvider } from "./autopilot-provider.js";
import { executePlan, type FinalizerWriter } from "./execute-plan.js";
import type { MappingStore } from "./mapping-store.js";
import { observe } from "./observe.js";

/** Input of one full cycle. */
export interface ReconcileOnceInput {
  cr: VvpDeployment;
  client: VvpClient;
  mappingStore: MappingStore;
  instanceId: string;
  /** ISO time of this cycle, passed to the pure core. */
  now: string;
  /** Default: `createDefaultAutopilotProvider()`. */
  autopilotProvider?: AutopilotProvider;
  /** Default true. */
  syncEnabled?: boolean;
  /** Persists finalizer changes as they happen; without it they are only applied to the returned CR. */
  finalizers?: FinalizerWriter;
}

/** What one cycle did. */
export interface ReconcileOnceResult {
  /** The CR after the cycle: finalizers and status as the host should write them. */
  cr: VvpDeployment;
  plan: ReconcilePlan;
  outcomes: ActionOutcome[];
  /** The events to record (from `settle`, so they tell what really happened). */
  events: PlanEvent[];
  requeueAfterMs: number;
  /** False when the CR needs no write: the steady state, or a CR of another instance. */
  changed: boolean;
}

const defaultAutopilotProvider = createDefaultAutopilotProvider();

/**
 * observe → reconcile → execute → settle for one CR. Observation errors are
 * thrown (nothing was changed; retry later); action failures are settled
 * into the status, so the returned CR always tells what happened.
 */
export async function reconcileOnce(input: ReconcileOnceInput): Promise<ReconcileOnceResult> {
  const { cr, client, mappingStore, instanceId, now } = input;
  // A CR of another instance, or one too malformed to look up, costs no VVP
  // call: the core's skipped plan needs no observation.
  if (cr.metadata?.labels?.[OWNER_LABEL] !== instanceId || essentialFieldErrors(cr).length > 0) {
    const plan = reconcile({ cr, observed: { deployment: null, mapping: null }, instanceId, now });
    return {
      cr,
      plan,
      outcomes: [],
      events: plan.events,
      requeueAfterMs: plan.requeueAfterMs,
      changed: false,
    };
  }
  const observed = await observe(cr, {
    client,
    mappingStore,
    autopilotProvider: input.autopilotProvider ?? defaultAutopilotProvider,
  });
  const reconcileInput = {
    cr,
    observed,
    instanceId,
    now,
    ...(input.syncEnabled === undefined ? {} : { syncEnabled: input.syncEnabled }),
  };
  const plan = reconcile(reconcileInput);
  if (plan.skipped !== undefined || plan.actions.length === 0) {
    const changed = plan.skipped === undefined && !sameJson(plan.status, cr.status ?? {});
    return {
      cr: changed ? { ...cr, status: plan.status } : cr,
      plan,
      outcomes: [],
      events: plan.events,
      requeueAfterMs: plan.requeueAfterMs,
      changed,
    };
  }
  const outcomes = await executePlan(plan, {
    client,
    mappingStore,
    ...(input.finalizers === undefined ? {} : { finalizers: input.finalizers }),
  });
  const settled = settle(reconcileInput, plan, outcomes);
  const next: VvpDeployment = {
    ...cr,
    metadata: { ...cr.metadata, finalizers: finalizersAfter(cr, outcomes) },
    status: settled.status,
  };
  if (next.metadata.finalizers?.length === 0 && cr.metadata.finalizers === undefined) {
    delete next.metadata.finalizers;
  }
  return {
    cr: next,
    plan,
    outcomes,
    events: settled.events,
    requeueAfterMs: settled.requeueAfterMs,
    changed: true,
  };
}

function finalizersAfter(cr: VvpDeployment, outcomes: readonly ActionOutcome[]): string[] {
  const finalizers = new Set(cr.metadata.finalizers ?? []);
  for (const outcome of outcomes) {
    if (outcome.result !== "succeeded") continue;
    if (outcome.action.type === "AddFinalizer") finalizers.add(outcome.action.finalizer);
    if (outcome.action.type === "RemoveFinalizer") finalizers.delete(outcome.action.finalizer);
  }
  return [...finalizers];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The finalizer reconcileOnce manages, re-exported for hosts that inspect CRs. */
export { FINALIZER };
