import {
  type ActualState,
  type DesiredState,
  FINALIZER,
  type VvpDeployment,
  type VvpDeploymentObject,
  type VvpDeploymentStatus,
} from "../../src/models/index.js";
import type { VvpSavepoint } from "../../src/nonces/index.js";
import { deepMerge, type JsonObject } from "../../src/projection/index.js";
import {
  type ActionOutcome,
  type AutopilotObservation,
  type MappingRecord,
  type Observation,
  observationNeeds,
  type PlanAction,
  type ReconcileInput,
  type ReconcilePlan,
  reconcile,
  type SettledResult,
  settle,
} from "../../src/reconcile/index.js";
import { exampleCr } from "./examples.js";

/** The operator instance the seed's examples name. */
export const INSTANCE = "my-operator";
/** The CR uid the builders give. */
export const UID = "0b5e3c1a-uid";
/** A fixed "now" for tests; no test reads the clock. */
export const NOW = "2025-03-01T12:00:00Z";
/** A later "now". */
export const LATER = "2025-03-01T12:05:00Z";
/** The VVP deployment id the builders use. */
export const DEPLOYMENT_ID = "dep-0001";

/** Options of {@link buildCr}. */
export interface CrOptions {
  state?: DesiredState | null;
  generation?: number | null;
  status?: VvpDeploymentStatus;
  savepointNonce?: number | null;
  restartNonce?: number | null;
  deleting?: boolean;
  finalizer?: boolean;
  parallelism?: number;
  uid?: string | null;
  owner?: string;
}

/** An example CR as an API server would hold it: uid, generation, finalizer. */
export function buildCr(mode: "PATCH" | "PUT", options: CrOptions = {}): VvpDeployment {
  const cr = exampleCr(mode);
  if (options.uid !== null) cr.metadata.uid = options.uid ?? UID;
  if (options.generation !== null) cr.metadata.generation = options.generation ?? 1;
  cr.metadata.creationTimestamp = "2025-03-01T11:00:00Z";
  if (options.finalizer !== false) cr.metadata.finalizers = [FINALIZER];
  if (options.deleting === true) cr.metadata.deletionTimestamp = "2025-03-01T11:59:00Z";
  if (options.owner !== undefined) {
    cr.metadata.labels = { ...cr.metadata.labels, "ververica.platform/owner": options.owner };
  }
  if (options.state === null) delete cr.spec.deployment.spec.state;
  else if (options.state !== undefined) cr.spec.deployment.spec.state = options.state;
  if (options.savepointNonce !== undefined) cr.spec.savepointNonce = options.savepointNonce;
  if (options.restartNonce !== undefined) cr.spec.restartNonce = options.restartNonce;
  if (options.parallelism !== undefined) {
    cr.spec.deployment.spec.template.spec.parallelism = options.parallelism;
  }
  if (options.status !== undefined) cr.status = options.status;
  return cr;
}

/** Options of {@link deploymentFor}. */
export interface DeploymentOptions {
  id?: string;
  specState?: DesiredState;
  actualState?: ActualState;
  crUid?: string | null;
  restartNonce?: string;
}

/** The VVP deployment as VVP holds it after the CR was projected (plus VVP's own fields). */
export function deploymentFor(
  cr: VvpDeployment,
  options: DeploymentOptions = {},
): VvpDeploymentObject {
  const body = structuredClone(cr.spec.deployment) as VvpDeploymentObject;
  const specState = options.specState ?? body.spec?.state ?? "CANCELLED";
  const annotations: Record<string, string> = {
    "com.dataartisans.appmanager.controller.deployment.spec.version": "7",
  };
  if (options.crUid !== null) annotations["ververica.platform/cr-uid"] = options.crUid ?? UID;
  const deployment = {
    ...body,
    apiVersion: "v1",
    kind: "Deployment",
    metadata: {
      ...body.metadata,
      id: options.id ?? DEPLOYMENT_ID,
      labels: { "ververica.platform/owner": INSTANCE },
      annotations,
      resourceVersion: 3,
      createdAt: "2025-03-01T11:00:01Z",
    },
    spec: {
      ...body.spec,
      state: specState,
      upgradeStrategy: { kind: "STATEFUL" },
      template: {
        ...body.spec?.template,
        metadata: {
          annotations:
            options.restartNonce !== undefined
              ? { "ververica.platform/restart-nonce": options.restartNonce }
              : {},
        },
      },
    },
    status: { state: options.actualState ?? specState },
  } as VvpDeploymentObject;
  return deployment;
}

/** The mapping record of a CR linked to a deployment. */
export function mappingFor(id = DEPLOYMENT_ID, vvpNamespace = "default"): MappingRecord {
  return { deploymentId: id, vvpNamespace, instanceId: INSTANCE };
}

/** A reconcile input with the defaults of these tests. */
export function inputOf(
  cr: VvpDeployment,
  observed: Partial<Observation> = {},
  extra: Partial<ReconcileInput> = {},
): ReconcileInput {
  return {
    cr,
    observed: { deployment: null, mapping: null, ...observed },
    instanceId: INSTANCE,
    now: NOW,
    ...extra,
  };
}

/** Every action succeeded; a create answers with the deployment VVP would hold. */
export function allSucceeded(plan: ReconcilePlan, createdId = DEPLOYMENT_ID): ActionOutcome[] {
  return plan.actions.map((action) =>
    action.type === "CreateDeployment"
      ? { action, result: "succeeded", deployment: created(action.body as JsonObject, createdId) }
      : { action, result: "succeeded" },
  );
}

function created(body: JsonObject, id: string): VvpDeploymentObject {
  const spec = body.spec as JsonObject;
  const state = (spec.state as DesiredState | undefined) ?? "CANCELLED";
  return {
    ...(body as VvpDeploymentObject),
    metadata: { ...(body.metadata as object), id },
    spec: { ...(spec as object), state } as VvpDeploymentObject["spec"],
    status: { state },
  } as VvpDeploymentObject;
}

/** A small model of the cluster and VVP for convergence and property tests. */
export interface World {
  /** Null once the CR is gone (deleted and its finalizer removed). */
  cr: VvpDeployment | null;
  deployment: VvpDeploymentObject | null;
  mapping: MappingRecord | null;
  savepoints: VvpSavepoint[];
  autopilot?: AutopilotObservation;
}

/** What a host following `observationNeeds` would observe. */
export function observe(world: World): Observation {
  const cr = world.cr as VvpDeployment;
  const needs = observationNeeds(cr, world.mapping);
  const lookup = needs.deployment;
  const found =
    world.deployment !== null &&
    (lookup.by === "id"
      ? world.deployment.metadata?.id === lookup.deploymentId
      : world.deployment.metadata?.name === lookup.name &&
        world.deployment.metadata?.namespace === lookup.vvpNamespace);
  const observation: Observation = {
    deployment: found ? world.deployment : null,
    mapping: world.mapping,
  };
  if (world.autopilot !== undefined) observation.autopilot = world.autopilot;
  if (needs.savepoints) observation.savepoints = world.savepoints;
  return observation;
}

function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const key in patch) {
    const value = patch[key];
    if (value === null) delete out[key];
    else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const existing = out[key];
      out[key] = mergePatch(
        existing !== null && typeof existing === "object" && !Array.isArray(existing)
          ? (existing as JsonObject)
          : {},
        value as JsonObject,
      );
    } else out[key] = value;
  }
  return out;
}

function settledState(deployment: JsonObject): VvpDeploymentObject {
  const spec = deployment.spec as JsonObject | undefined;
  return {
    ...deployment,
    status: { state: (spec?.state as ActualState | undefined) ?? "CANCELLED" },
  } as VvpDeploymentObject;
}

/** Applies one succeeded action's effect to the world (VVP settles at once: status follows spec). */
export function applyAction(world: World, action: PlanAction, createdId = DEPLOYMENT_ID): World {
  const next: World = { ...world };
  const cr = world.cr;
  switch (action.type) {
    case "AddFinalizer":
      if (cr !== null) {
        next.cr = {
          ...cr,
          metadata: {
            ...cr.metadata,
            finalizers: [...(cr.metadata.finalizers ?? []), action.finalizer],
          },
        };
      }
      break;
    case "RemoveFinalizer":
      if (cr !== null) {
        const finalizers = (cr.metadata.finalizers ?? []).filter((f) => f !== action.finalizer);
        next.cr =
          cr.metadata.deletionTimestamp !== undefined && finalizers.length === 0
            ? null
            : { ...cr, metadata: { ...cr.metadata, finalizers } };
      }
      break;
    case "CreateDeployment":
      next.deployment = created(action.body as JsonObject, createdId);
      next.mapping = {
        deploymentId: createdId,
        vvpNamespace: action.mapping.vvpNamespace,
        instanceId: action.mapping.instanceId,
      };
      break;
    case "PatchDeployment":
    case "RestartJob":
      if (world.deployment !== null) {
        next.deployment = settledState(
          mergePatch(world.deployment as JsonObject, action.body as unknown as JsonObject),
        );
      }
      break;
    case "PutDeployment":
      if (world.deployment !== null) {
        const body = action.body as JsonObject;
        next.deployment = settledState({
          ...body,
          metadata: { ...(body.metadata as JsonObject), id: world.deployment.metadata?.id },
        });
      }
      break;
    case "TriggerSavepoint":
      next.savepoints = [
        ...world.savepoints,
        {
          metadata: {
            id: `sp-${world.savepoints.length + 1}`,
            deploymentId: action.deploymentId,
            annotations: action.body.metadata.annotations,
            createdAt: `2025-03-01T12:00:${String(10 + world.savepoints.length).padStart(2, "0")}Z`,
          },
          status: { state: "COMPLETED" },
        },
      ];
      break;
    case "DeleteDeployment":
      next.deployment = null;
      break;
    case "SaveMapping":
      next.mapping = action.record;
      break;
    case "DeleteMapping":
      next.mapping = null;
      break;
  }
  return next;
}

/** Writes a settled status into the world's CR. */
export function writeStatus(world: World, status: VvpDeploymentStatus): World {
  return world.cr === null ? world : { ...world, cr: { ...world.cr, status } };
}

/** One full host cycle in which every action succeeds. */
export function cycle(
  world: World,
  extra: Partial<ReconcileInput> = {},
): { plan: ReconcilePlan; settled: SettledResult; world: World } {
  const input: ReconcileInput = {
    cr: world.cr as VvpDeployment,
    observed: observe(world),
    instanceId: INSTANCE,
    now: NOW,
    ...extra,
  };
  const plan = reconcile(input);
  const settled = settle(input, plan, allSucceeded(plan));
  let next = world;
  for (const action of plan.actions) next = applyAction(next, action);
  if (plan.skipped === undefined) next = writeStatus(next, settled.status);
  return { plan, settled, world: next };
}

/** A fresh world for a CR: nothing in VVP, no mapping. */
export function freshWorld(cr: VvpDeployment): World {
  return { cr, deployment: null, mapping: null, savepoints: [] };
}

/** Runs cycles until a plan has no action (at most `limit`); returns the world then. */
export function converge(world: World, extra: Partial<ReconcileInput> = {}, limit = 6): World {
  let current = world;
  for (let round = 0; round < limit; round += 1) {
    if (current.cr === null) return current;
    const result = cycle(current, extra);
    current = result.world;
    if (result.plan.actions.length === 0) return current;
  }
  throw new Error("did not converge");
}

/** Deep-merges overrides into a status (test convenience). */
export function withStatus(cr: VvpDeployment, status: VvpDeploymentStatus): VvpDeployment {
  return {
    ...cr,
    status: deepMerge((cr.status ?? {}) as JsonObject, status as JsonObject) as VvpDeploymentStatus,
  };
}

/** A converged world for a CR built with these options: deployment, mapping and status in place. */
export function steadyWorld(mode: "PATCH" | "PUT", options: CrOptions = {}): World {
  return converge(freshWorld(buildCr(mode, options)));
}

/** The input a host would build for this world. */
export function inputFor(world: World, extra: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    cr: world.cr as VvpDeployment,
    observed: observe(world),
    instanceId: INSTANCE,
    now: LATER,
    ...extra,
  };
}

/** A world whose CR spec changed (generation bumped) by `edit`. */
export function editSpec(world: World, edit: (cr: VvpDeployment) => void): World {
  const cr = structuredClone(world.cr as VvpDeployment);
  edit(cr);
  cr.metadata.generation = (cr.metadata.generation ?? 1) + 1;
  return { ...world, cr };
}

/** The condition of a type in a status. */
export function conditionOf(status: VvpDeploymentStatus, type: string) {
  return status.conditions?.find((condition) => condition.type === type);
}

/** The value, or a test failure naming what was missing. */
export function must<T>(value: T | null | undefined, what = "value"): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}
