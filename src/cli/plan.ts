// `vvpctl plan`: what the operator would do for a CR now and why, without
// doing it. The pure core decides; this module only prepares its input and
// explains its output.
import {
  type Condition,
  CR_UID_ANNOTATION,
  formatFieldPath,
  OWNER_LABEL,
  PROJECTED_STATE_ANNOTATION,
  type VvpDeployment,
  type VvpDeploymentObject,
} from "../models/index.js";
import type { NonceDecision } from "../nonces/index.js";
import { isBookkeepingAnnotation, projectDeployment } from "../projection/index.js";
import { contextOf } from "../reconcile/context.js";
import { decide } from "../reconcile/decide.js";
import {
  type MappingRecord,
  type Observation,
  type PlanAction,
  type PlanEvent,
  reconcile,
} from "../reconcile/index.js";
import { sanitizedInput } from "../reconcile/sanitize.js";

/** Where the observation came from. */
export type ObservedFrom = "nothing" | "file" | "vvp";

/** One action explained: the HTTP call it makes (if any) and its body. */
export interface ActionPreview {
  type: PlanAction["type"];
  /** E.g. `POST /api/v1/namespaces/default/deployments`, or what the host does. */
  summary: string;
  body?: unknown;
}

/** One field where the CR's update body and VVP's deployment differ. */
export interface DiffEntry {
  field: string;
  cr: unknown;
  vvp: unknown;
}

/** The whole preview, as `-o json` prints it. */
export interface PlanPreview {
  resource: { namespace: string; name: string };
  instanceId: string;
  observedFrom: ObservedFrom;
  /** The core's mapping decision (intact, adopt, create, foreign, …); absent when skipped. */
  consistency?: string;
  actions: ActionPreview[];
  diff: DiffEntry[];
  nonces?: { savepoint: NonceDecision; restart: NonceDecision };
  conditions: Condition[];
  events: PlanEvent[];
  requeueAfterMs: number;
  skipped?: string;
  errors?: Array<{ field: string; reason: string; message: string }>;
}

/**
 * The CR and the mapping the preview assumes (ours, documented in the README):
 * - no observation ("nothing"): the CR as new, its status dropped, so the plan
 *   is the creation;
 * - a deployment whose id equals `status.deploymentId`: the operator's mapping
 *   record exists;
 * - a CR without uid (a file from Git) and a deployment carrying our cr-uid
 *   and this instance's owner label: it is that CR's deployment; the CR
 *   borrows the uid and the record is assumed, so a GitOps preview shows the
 *   update, not "already exists";
 * - otherwise no record: the core decides (adopt, DBRecordMissing, foreign).
 */
export function assumedInput(
  cr: VvpDeployment,
  deployment: VvpDeploymentObject | null,
  instanceId: string,
  observedFrom: ObservedFrom,
): { cr: VvpDeployment; mapping: MappingRecord | null } {
  if (observedFrom === "nothing" || deployment === null) {
    const { status: _status, ...fresh } = cr;
    return { cr: observedFrom === "nothing" ? fresh : cr, mapping: null };
  }
  const id = deployment.metadata?.id;
  const vvpNamespace = deployment.metadata?.namespace ?? cr.spec.deployment.metadata.namespace;
  const record = (deploymentId: string): MappingRecord => ({
    deploymentId,
    vvpNamespace,
    instanceId,
  });
  if (typeof id !== "string") return { cr, mapping: null };
  if (cr.status?.deploymentId === id) return { cr, mapping: record(id) };
  const crUid = deployment.metadata?.annotations?.[CR_UID_ANNOTATION];
  const owner = deployment.metadata?.labels?.[OWNER_LABEL];
  if (cr.metadata.uid === undefined && typeof crUid === "string" && owner === instanceId) {
    return {
      cr: {
        ...cr,
        metadata: { ...cr.metadata, uid: crUid },
        status: { ...cr.status, deploymentId: id },
      },
      mapping: record(id),
    };
  }
  return { cr, mapping: null };
}

/** Runs the pure core on the prepared input and explains the plan. */
export function previewPlan(input: {
  cr: VvpDeployment;
  observed: Observation;
  instanceId: string;
  now: string;
  observedFrom: ObservedFrom;
}): PlanPreview {
  const reconcileInput = {
    cr: input.cr,
    observed: input.observed,
    instanceId: input.instanceId,
    now: input.now,
  };
  const plan = reconcile(reconcileInput);
  const preview: PlanPreview = {
    resource: {
      namespace: input.cr.metadata.namespace ?? "",
      name: input.cr.metadata.name,
    },
    instanceId: input.instanceId,
    observedFrom: input.observedFrom,
    actions: plan.actions.map(describeAction),
    diff: diffOf(input.cr, input.observed.deployment, input.instanceId),
    conditions: plan.status.conditions ?? [],
    events: plan.events,
    requeueAfterMs: plan.requeueAfterMs,
  };
  if (plan.skipped !== undefined) {
    return { ...preview, skipped: plan.skipped, ...(plan.errors ? { errors: plan.errors } : {}) };
  }
  // The core's own decision, for the "why": the same pure function reconcile ran.
  const decision = decide(contextOf(sanitizedInput(reconcileInput)));
  return { ...preview, consistency: decision.consistency.kind, nonces: decision.nonces };
}

const DEPLOYMENTS = (namespace: string) => `/api/v1/namespaces/${namespace}/deployments`;

/** The HTTP call (or host step) of one action. */
export function describeAction(action: PlanAction): ActionPreview {
  switch (action.type) {
    case "CreateDeployment":
      return {
        type: action.type,
        summary: `POST ${DEPLOYMENTS(action.vvpNamespace)}`,
        body: action.body,
      };
    case "PatchDeployment":
      return {
        type: action.type,
        summary: `PATCH ${DEPLOYMENTS(action.vvpNamespace)}/${action.deploymentId} (${action.purpose})`,
        body: action.body,
      };
    case "PutDeployment":
      return {
        type: action.type,
        summary: `PUT ${DEPLOYMENTS(action.vvpNamespace)}/${action.deploymentId}`,
        body: action.body,
      };
    case "TriggerSavepoint":
      return {
        type: action.type,
        summary: `POST /api/v1/namespaces/${action.vvpNamespace}/savepoints (savepointNonce ${action.nonce})`,
        body: action.body,
      };
    case "RestartJob":
      return {
        type: action.type,
        summary: `PATCH ${DEPLOYMENTS(action.vvpNamespace)}/${action.deploymentId} (restartNonce ${action.nonce})`,
        body: action.body,
      };
    case "DeleteDeployment":
      return {
        type: action.type,
        summary: `DELETE ${DEPLOYMENTS(action.vvpNamespace)}/${action.deploymentId}`,
      };
    case "SaveMapping":
      return {
        type: action.type,
        summary: `record the mapping ${action.crUid} → ${action.record.vvpNamespace}/${action.record.deploymentId}`,
      };
    case "DeleteMapping":
      return { type: action.type, summary: `drop the mapping record of ${action.crUid}` };
    case "AddFinalizer":
      return { type: action.type, summary: `add the finalizer ${action.finalizer} to the CR` };
    case "RemoveFinalizer":
      return { type: action.type, summary: `remove the finalizer ${action.finalizer} from the CR` };
  }
}

/**
 * Where VVP's deployment differs from the CR's update body: the fields the
 * body sends (the core's subset rule: VVP fills what the CR omits), VVP's
 * bookkeeping annotations left out. Empty when there is no deployment.
 */
export function diffOf(
  cr: VvpDeployment,
  observed: VvpDeploymentObject | null,
  instanceId: string,
): DiffEntry[] {
  if (observed === null) return [];
  let body: unknown;
  try {
    body = projectDeployment(cr, { operation: "update", instanceId }).body;
  } catch {
    return [];
  }
  const out: DiffEntry[] = [];
  collectDiff(body, observed, [], out);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function collectDiff(want: unknown, have: unknown, path: string[], out: DiffEntry[]): void {
  if (isObject(want) && isObject(have)) {
    const annotations = path[path.length - 1] === "annotations";
    for (const key of Object.keys(want)) {
      // The projected-state mark follows spec.state, which is compared on its own.
      if (annotations && (isBookkeepingAnnotation(key) || key === PROJECTED_STATE_ANNOTATION)) {
        continue;
      }
      collectDiff(want[key], Object.hasOwn(have, key) ? have[key] : undefined, [...path, key], out);
    }
    return;
  }
  if (JSON.stringify(want) !== JSON.stringify(have)) {
    out.push({ field: formatFieldPath(path), cr: want, vvp: have });
  }
}

/** The preview as text for a pull-request comment or a terminal. */
export function renderPlanText(preview: PlanPreview): string {
  const lines: string[] = [];
  const { namespace, name } = preview.resource;
  lines.push(
    `VvpDeployment ${namespace === "" ? "" : `${namespace}/`}${name} (instance ${preview.instanceId})`,
  );
  lines.push(`Observed: ${OBSERVED_TEXT[preview.observedFrom]}`);
  if (preview.skipped !== undefined) {
    lines.push(`Skipped: ${preview.skipped} — the operator would do nothing and write no status`);
    for (const error of preview.errors ?? []) {
      lines.push(`  ${error.field}: ${error.message} (${error.reason})`);
    }
    return `${lines.join("\n")}\n`;
  }
  lines.push(`Mapping: ${preview.consistency ?? "?"}`);
  lines.push("Actions:");
  if (preview.actions.length === 0) lines.push("  nothing: VVP already matches the CR");
  preview.actions.forEach((action, index) => {
    lines.push(`  ${index + 1}. ${action.type}: ${action.summary}`);
    if (action.body !== undefined) {
      for (const line of JSON.stringify(action.body, null, 2).split("\n"))
        lines.push(`       ${line}`);
    }
  });
  lines.push("Diff (VVP now → the CR):");
  if (preview.diff.length === 0) {
    lines.push(preview.observedFrom === "nothing" ? "  (no deployment yet)" : "  none");
  }
  for (const entry of preview.diff) {
    lines.push(`  ${entry.field}: ${show(entry.vvp)} → ${show(entry.cr)}`);
  }
  if (preview.nonces !== undefined) {
    lines.push("Nonces:");
    lines.push(`  savepointNonce: ${nonceText(preview.nonces.savepoint)}`);
    lines.push(`  restartNonce: ${nonceText(preview.nonces.restart)}`);
  }
  lines.push(
    preview.actions.length === 0 ? "Conditions:" : "Conditions (once the actions succeed):",
  );
  for (const condition of preview.conditions) {
    lines.push(
      `  ${condition.type}=${condition.status} ${condition.reason}${condition.message ? `: ${condition.message}` : ""}`,
    );
  }
  if (preview.events.length > 0) {
    lines.push("Events:");
    for (const event of preview.events)
      lines.push(`  ${event.type} ${event.reason}: ${event.message}`);
  }
  lines.push(
    `Requeue: ${preview.requeueAfterMs === 0 ? "not before something changes" : `after ${preview.requeueAfterMs} ms`}`,
  );
  return `${lines.join("\n")}\n`;
}

const OBSERVED_TEXT: Readonly<Record<ObservedFrom, string>> = {
  nothing: "nothing (the deployment is not created yet)",
  file: "the deployment in --observed",
  vvp: "the live VVP (read-only)",
};

function show(value: unknown): string {
  return value === undefined ? "(absent)" : JSON.stringify(value);
}

function nonceText(decision: NonceDecision): string {
  switch (decision.outcome) {
    case "idle":
      return "idle (nothing requested)";
    case "trigger":
      return `trigger ${decision.nonce} (token ${decision.token})`;
    case "blocked":
      return `blocked ${decision.nonce} (${decision.cause}): ${decision.message}`;
    case "waiting":
      return `waiting ${decision.nonce} (not consumed; fires once VVP may be written)`;
    case "alreadyDone":
      return `already done ${decision.nonce} (VVP shows the trigger; recorded, nothing sent)`;
    case "stillBlocked":
      return `still blocked ${decision.nonce} (set a new value to retry)`;
  }
}
