// The steady-resync shortcut (ours). A resync hands every CR the deployment
// one VVP list just returned. When the last full cycle of a CR changed
// nothing, and decided only from inputs the controller can see change — the
// CR at its resourceVersion, that very deployment (same id, resourceVersion
// and status), the mapping record at its version — the next resync whose
// inputs are all the same gets the same answer without running the cycle:
// no observation, no plan, no compare of the status.
//
// A cycle is remembered only when its answer cannot depend on anything else:
// - no action, no Event, no status write (the steady state);
// - the deployment came from the list (not a GET) and Autopilot was not
//   ACTIVE (ACTIVE reads the running job, which changes on its own);
// - no savepoint was observed (a pending savepoint nonce reads them);
// - the status has no actualDiffersSince: only a moving job makes the
//   core's answer (its freshness requeue) depend on the time, and with no
//   action and no change the conditions keep their lastTransitionTime.
// VVP bumps a deployment's resourceVersion on every write (spec, labels,
// annotations); its status, which VVP's own controller changes, is
// compared whole.
import type { ReconcileOnceResult } from "../execution/index.js";
import { sameJson } from "../execution/reconcile-once.js";
import type { MappingRecord } from "../reconcile/index.js";
import type { Deployment } from "../vvp-client/index.js";
import type { KubeObject } from "./kube-api.js";

/** What the last full cycle of a CR decided from and answered. */
export interface SteadyCycle {
  crVersion: string;
  deploymentId: string;
  deploymentVersion: string | number;
  /** The listed deployment's status object (a reference, not a copy). */
  deploymentStatus: unknown;
  /** The mapping record's version in the controller's own store, or the record a custom store returned. */
  mapping: string | MappingRecord | null | undefined;
  requeueAfterMs: number;
}

/**
 * The memo of a cycle that may answer the next resync, or undefined when the
 * cycle's answer depended on something the shortcut cannot see change.
 * `listed` is the deployment the resync handed the cycle; `mapping` the
 * record's version (or record) before the cycle, `mappingAfter` after it.
 */
export function steadyCycleOf(
  cr: KubeObject,
  listed: Deployment,
  result: ReconcileOnceResult,
  mapping: SteadyCycle["mapping"],
  mappingAfter: SteadyCycle["mapping"],
): SteadyCycle | undefined {
  const observed = result.observed;
  const crVersion = cr.metadata?.resourceVersion;
  const deploymentId = listed.metadata?.id;
  const deploymentVersion = listed.metadata?.resourceVersion;
  if (
    result.changed ||
    result.cr !== cr ||
    result.plan.skipped !== undefined ||
    result.plan.actions.length > 0 ||
    result.outcomes.length > 0 ||
    result.events.length > 0 ||
    observed === undefined ||
    observed.deployment !== listed ||
    observed.savepoints !== undefined ||
    observed.autopilot?.mode === "ACTIVE" ||
    (cr.status as { actualDiffersSince?: unknown } | undefined)?.actualDiffersSince !== undefined ||
    crVersion === undefined ||
    crVersion === "" ||
    typeof deploymentId !== "string" ||
    (typeof deploymentVersion !== "string" && typeof deploymentVersion !== "number") ||
    !sameMapping(mapping, mappingAfter)
  ) {
    return undefined;
  }
  // The CR's own copy of the id when it records it (one string fewer per CR).
  const recorded = (cr.status as { deploymentId?: unknown } | undefined)?.deploymentId;
  return {
    crVersion,
    deploymentId: recorded === deploymentId ? recorded : deploymentId,
    deploymentVersion,
    deploymentStatus: listed.status,
    mapping,
    requeueAfterMs: result.requeueAfterMs,
  };
}

/** True when the CR and the listed deployment are what the remembered cycle decided from (the mapping is checked apart). */
export function sameInputs(steady: SteadyCycle, cr: KubeObject, listed: Deployment): boolean {
  return cr.metadata?.resourceVersion === steady.crVersion && sameDeployment(steady, listed);
}

/** True when the listed deployment is the one the remembered cycle decided from: same id, resourceVersion and status. */
function sameDeployment(steady: SteadyCycle, listed: Deployment): boolean {
  const metadata = listed.metadata;
  return (
    metadata?.id === steady.deploymentId &&
    metadata.resourceVersion === steady.deploymentVersion &&
    sameJson(listed.status, steady.deploymentStatus)
  );
}

/** The same mapping record: the same version in our store, or the same fields from a custom one. */
export function sameMapping(a: SteadyCycle["mapping"], b: SteadyCycle["mapping"]): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  return (
    a.deploymentId === b.deploymentId &&
    a.vvpNamespace === b.vvpNamespace &&
    a.instanceId === b.instanceId
  );
}
