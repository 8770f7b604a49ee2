import { RESTART_NONCE_ANNOTATION, SAVEPOINT_NONCE_ANNOTATION } from "../models/index.js";
import { observedRestartAnnotation } from "../nonces/index.js";
import type { ActionError, ActionOutcome, PlanAction, ReconcilePlan } from "../reconcile/index.js";
import { DEFAULT_TIMEOUT_MS, isVvpApiError, type VvpClient } from "../vvp-client/index.js";
import type { MappingStore } from "./mapping-store.js";

/** Applies finalizer changes to the CR in the cluster; a host without one lets reconcileOnce apply them. */
export interface FinalizerWriter {
  /** Adds the finalizer to the CR (persisted before anything is created in VVP). */
  add(finalizer: string): Promise<void>;
  /** Removes the finalizer from the CR, letting Kubernetes delete it. */
  remove(finalizer: string): Promise<void>;
}

/** What executePlan needs to carry out a plan. */
export interface ExecutionContext {
  client: VvpClient;
  mappingStore: MappingStore;
  finalizers?: FinalizerWriter;
  /**
   * How to wait before looking for a savepoint whose POST timed out (default
   * setTimeout); the wait is the client's `timeoutMs`.
   */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs the plan's actions in order and reports what happened to each, as
 * `settle` expects. It stops at the first failure: later actions are
 * reported as not run, so nothing that depended on a failed step happens.
 * It never throws for a failed action; the failure is in the outcome.
 */
export async function executePlan(
  plan: ReconcilePlan,
  context: ExecutionContext,
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  let failed = false;
  for (const action of plan.actions) {
    if (failed) {
      outcomes.push({ action, result: "notRun" });
      continue;
    }
    try {
      outcomes.push(await run(action, context));
    } catch (error) {
      failed = true;
      outcomes.push({ action, result: "failed", error: actionError(error) });
    }
  }
  return outcomes;
}

async function run(action: PlanAction, context: ExecutionContext): Promise<ActionOutcome> {
  const { client, mappingStore, finalizers } = context;
  switch (action.type) {
    case "AddFinalizer":
      await finalizers?.add(action.finalizer);
      return { action, result: "succeeded" };
    case "RemoveFinalizer":
      await finalizers?.remove(action.finalizer);
      return { action, result: "succeeded" };
    case "CreateDeployment": {
      const deployment = await client.createDeployment(action.vvpNamespace, action.body as never);
      const deploymentId = deployment.metadata?.id;
      if (typeof deploymentId !== "string" || deploymentId === "") {
        throw new ExecutionError("VVP answered the create without a metadata.id string");
      }
      // If this save fails the create counts as failed with status.deploymentId
      // unset, so the next cycle adopts the deployment by its cr-uid annotation.
      await mappingStore.save(action.mapping.crUid, {
        deploymentId,
        vvpNamespace: action.mapping.vvpNamespace,
        instanceId: action.mapping.instanceId,
      });
      return { action, result: "succeeded", deployment: deployment as never };
    }
    case "RestartJob":
      await restartJob(action, context);
      return { action, result: "succeeded" };
    case "PatchDeployment":
      await client.patchDeployment(action.vvpNamespace, action.deploymentId, action.body as never);
      return { action, result: "succeeded" };
    case "PutDeployment":
      await client.replaceDeployment(
        action.vvpNamespace,
        action.deploymentId,
        action.body as never,
      );
      return { action, result: "succeeded" };
    case "TriggerSavepoint":
      await triggerSavepoint(action, context);
      return { action, result: "succeeded" };
    case "DeleteDeployment":
      // false means VVP answered 404: already gone, which is what we wanted.
      await client.deleteDeployment(action.vvpNamespace, action.deploymentId);
      return { action, result: "succeeded" };
    case "SaveMapping":
      await mappingStore.save(action.crUid, action.record);
      return { action, result: "succeeded" };
    case "DeleteMapping":
      await mappingStore.delete(action.crUid);
      return { action, result: "succeeded" };
  }
}

type TriggerSavepointAction = Extract<PlanAction, { type: "TriggerSavepoint" }>;

/**
 * POSTs the savepoint. A POST that timed out may still be applied after the
 * client gave up, and a retry would then make a second savepoint for one
 * nonce change. So, ours: wait the client's timeout (by then the late POST
 * has landed or died), then look for the savepoint carrying this trigger's
 * `savepoint-nonce` annotation; found, the trigger succeeded; not found, the
 * timeout stands and the next cycle (which lists savepoints again) retries.
 */
async function triggerSavepoint(
  action: TriggerSavepointAction,
  context: ExecutionContext,
): Promise<void> {
  const { client } = context;
  try {
    await client.createSavepoint(action.vvpNamespace, action.body as never);
  } catch (error) {
    if (!isVvpApiError(error) || error.kind !== "timeout") throw error;
    const sleep = context.sleep ?? defaultSleep;
    await sleep(client.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (!(await savepointLanded(action, client))) throw error;
  }
}

/** Whether VVP holds a savepoint with exactly this trigger's nonce annotation. */
async function savepointLanded(
  action: TriggerSavepointAction,
  client: VvpClient,
): Promise<boolean> {
  const token = action.body.metadata.annotations[SAVEPOINT_NONCE_ANNOTATION];
  if (token === undefined) return false;
  const savepoints = await client.listSavepoints(action.vvpNamespace, action.deploymentId);
  return savepoints.some(
    (savepoint) => savepoint.metadata?.annotations?.[SAVEPOINT_NONCE_ANNOTATION] === token,
  );
}

type RestartJobAction = Extract<PlanAction, { type: "RestartJob" }>;

/**
 * PATCHes the restart token into the template. As with a savepoint (ours): a
 * PATCH that timed out may still be applied after the client gave up, so wait
 * the client's timeout, then read the deployment: holding this token, the
 * restart happened; otherwise the timeout stands and the next cycle retries
 * with the same token (see restartToken), so a PATCH landing even later
 * writes the template the retry wrote and restarts nothing.
 */
async function restartJob(action: RestartJobAction, context: ExecutionContext): Promise<void> {
  const { client } = context;
  try {
    await client.patchDeployment(action.vvpNamespace, action.deploymentId, action.body as never);
  } catch (error) {
    if (!isVvpApiError(error) || error.kind !== "timeout") throw error;
    const sleep = context.sleep ?? defaultSleep;
    await sleep(client.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const deployment = await client.getDeployment(action.vvpNamespace, action.deploymentId);
    const token = action.body.spec.template.metadata.annotations[RESTART_NONCE_ANNOTATION];
    if (token === undefined || observedRestartAnnotation(deployment) !== token) throw error;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A failure of the executor itself (not of a VVP call), reported as a network-kind error. */
export class ExecutionError extends Error {
  override readonly name = "ExecutionError";
}

function actionError(error: unknown): ActionError {
  if (isVvpApiError(error)) {
    const message = error.vvpMessage ?? error.message;
    if (error.kind === "http" && error.status !== undefined) {
      return { kind: "http", status: error.status, message };
    }
    // A token that could not be read means nothing was sent: transient, like no answer.
    return { kind: error.kind === "timeout" ? "timeout" : "network", message };
  }
  return { kind: "network", message: error instanceof Error ? error.message : String(error) };
}
