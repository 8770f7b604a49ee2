import { FINALIZER, OWNER_LABEL, type VvpDeployment } from "../models/index.js";
import { crIdentity } from "../projection/index.js";
import {
  type ActionOutcome,
  essentialFieldErrors,
  type Observation,
  observationNeeds,
  type PlanEvent,
  type ReconcilePlan,
  reconcile,
  settle,
} from "../reconcile/index.js";
import type { Deployment, VvpClient } from "../vvp-client/index.js";
import { type AutopilotProvider, createDefaultAutopilotProvider } from "./autopilot-provider.js";
import { executePlan, type FinalizerWriter } from "./execute-plan.js";
import type { MappingStore } from "./mapping-store.js";
import { observe, readDeployment } from "./observe.js";

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
  /**
   * Persists finalizer changes as they happen. Required: the finalizer must be
   * stored before anything is created in VVP, or a CR deleted in between
   * leaves an orphaned VVP deployment. A host with no cluster passes
   * `applyFinalizersInMemory()` (the changes then live only on the returned CR).
   */
  finalizers: FinalizerWriter;
  /**
   * The VVP deployment as the host read it moments ago in a fleet list
   * (`listOwnedDeployments`): observation uses it instead of a GET, so a CR in
   * the steady state costs no request. Before any action the cycle re-reads
   * the deployment and, when its `metadata.resourceVersion` changed, observes
   * and decides again from the fresh read.
   */
  prefetched?: { deployment: Deployment };
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
  /**
   * What the cycle decided from (after a re-read of a changed deployment, the
   * fresh read); absent when the CR was skipped without an observation. A
   * host uses it to tell whether the cycle's answer depended only on inputs
   * it can see change (the controller's steady-resync shortcut).
   */
  observed?: Observation;
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
  const observeContext = {
    client,
    mappingStore,
    autopilotProvider: input.autopilotProvider ?? defaultAutopilotProvider,
  };
  const prefetched = input.prefetched?.deployment;
  const decide = (observed: Observation) => {
    const reconcileInput = {
      cr,
      observed,
      instanceId,
      now,
      ...(input.syncEnabled === undefined ? {} : { syncEnabled: input.syncEnabled }),
    };
    return { reconcileInput, plan: reconcile(reconcileInput) };
  };
  const observeWith = async (copy: Deployment | null | undefined) =>
    decide(await observe(cr, { ...observeContext, ...(copy ? { prefetched: copy } : {}) }));
  let { reconcileInput, plan } = await observeWith(prefetched);
  // Ours: before any action (a VVP write, or a mapping or finalizer change
  // decided from the list) a prefetched copy is checked against a fresh read;
  // a deployment changed since the list is observed and decided again.
  if (
    prefetched !== undefined &&
    reconcileInput.observed.deployment === prefetched &&
    plan.skipped === undefined &&
    plan.actions.length > 0
  ) {
    const fresh = await reread(cr, mappingStore, client);
    if (!sameVersion(fresh, prefetched)) ({ reconcileInput, plan } = await observeWith(fresh));
  }
  if (plan.skipped !== undefined || plan.actions.length === 0) {
    const changed = plan.skipped === undefined && !sameJson(plan.status, cr.status ?? {});
    return {
      cr: changed ? { ...cr, status: plan.status } : cr,
      plan,
      outcomes: [],
      events: plan.events,
      requeueAfterMs: plan.requeueAfterMs,
      changed,
      observed: reconcileInput.observed,
    };
  }
  const outcomes = await executePlan(plan, { client, mappingStore, finalizers: input.finalizers });
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
    observed: reconcileInput.observed,
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

/** A fresh read of the deployment the CR's lookup names. */
async function reread(
  cr: VvpDeployment,
  mappingStore: MappingStore,
  client: VvpClient,
): Promise<Deployment | null> {
  const mapping = await mappingStore.get(crIdentity(cr));
  return readDeployment(client, observationNeeds(cr, mapping).deployment);
}

/** Same deployment at the same resourceVersion; a copy without one is never taken as current. */
function sameVersion(fresh: Deployment | null, prefetched: Deployment): boolean {
  const version = prefetched.metadata?.resourceVersion;
  return (
    fresh !== null &&
    version !== undefined &&
    fresh.metadata?.id === prefetched.metadata?.id &&
    String(fresh.metadata?.resourceVersion) === String(version)
  );
}

/**
 * A FinalizerWriter for a host with no cluster (a CLI, a test): it stores
 * nothing, so the finalizer changes live only on the CR `reconcileOnce`
 * returns, and the host must persist that CR before acting on it.
 */
export function applyFinalizersInMemory(): FinalizerWriter {
  return { add: async () => {}, remove: async () => {} };
}

/**
 * True when `a` and `b` are the same JSON value: what JSON.stringify of each
 * would compare, without building either text (a steady resync compares every
 * CR's status, so two stringifies per CR were a tenth of its cost). As in
 * JSON, a key whose value is undefined is absent, and non-finite numbers are
 * null; unlike a text comparison, the order of keys does not matter.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" || typeof b === "number") {
    return jsonNumber(a) === jsonNumber(b);
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (
    typeof (a as { toJSON?: unknown }).toJSON === "function" ||
    typeof (b as { toJSON?: unknown }).toJSON === "function"
  ) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let index = 0; index < a.length; index += 1) {
      if (!sameJson(arrayItem(a[index]), arrayItem(other[index]))) return false;
    }
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key) || !present(left[key])) continue;
    count += 1;
    if (!Object.hasOwn(right, key) || !sameJson(left[key], right[key])) return false;
  }
  for (const key in right) {
    if (Object.hasOwn(right, key) && present(right[key])) count -= 1;
  }
  return count === 0;
}

// What JSON.stringify writes for a number: its digits, or null when not finite.
function jsonNumber(value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}

// A value JSON.stringify writes as an object member (undefined, functions and symbols are left out).
function present(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

// An array item as JSON.stringify writes it: undefined, functions and symbols become null.
function arrayItem(value: unknown): unknown {
  return present(value) ? value : null;
}

/** The finalizer reconcileOnce manages, re-exported for hosts that inspect CRs. */
export { FINALIZER };
