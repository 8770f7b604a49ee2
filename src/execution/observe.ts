import type { VvpDeployment } from "../models/index.js";
import { crIdentity } from "../projection/index.js";
import { type DeploymentLookup, type Observation, observationNeeds } from "../reconcile/index.js";
import type { Deployment, VvpClient } from "../vvp-client/index.js";
import type { AutopilotProvider } from "./autopilot-provider.js";
import type { MappingStore } from "./mapping-store.js";

/** What `observe` reads from. */
export interface ObserveContext {
  client: VvpClient;
  mappingStore: MappingStore;
  autopilotProvider: AutopilotProvider;
  /**
   * The deployment as the host read it moments ago (a fleet list): used instead
   * of the GET when it is the deployment the lookup names.
   */
  prefetched?: Deployment;
}

/**
 * Reads what the core needs for one CR, and nothing more: the mapping record,
 * the deployment (by id when recorded, so the steady state is one GET, or none
 * with a prefetched copy; by name only while creating or checking
 * consistency), the savepoints only while a savepoint nonce is pending, and
 * Autopilot through the provider. A failed read throws the client's
 * VvpApiError: nothing was changed, so the host retries the whole cycle later.
 */
export async function observe(cr: VvpDeployment, context: ObserveContext): Promise<Observation> {
  const { client, mappingStore, autopilotProvider } = context;
  const mapping = await mappingStore.get(crIdentity(cr));
  const needs = observationNeeds(cr, mapping);
  const lookup = needs.deployment;
  const deployment =
    prefetchedFor(lookup, context.prefetched) ?? (await readDeployment(client, lookup));
  const deploymentId = deployment?.metadata?.id;
  const savepoints =
    needs.savepoints && deploymentId !== undefined
      ? await client.listSavepoints(lookup.vvpNamespace, deploymentId)
      : undefined;
  const autopilot = await autopilotProvider.observe({ cr, deployment, client });
  return {
    deployment,
    mapping,
    ...(autopilot.mode === "DISABLED" ? {} : { autopilot }),
    ...(savepoints === undefined ? {} : { savepoints }),
  };
}

/** One read of the deployment the lookup names (by id, or by name while unrecorded). */
export function readDeployment(
  client: VvpClient,
  lookup: DeploymentLookup,
): Promise<Deployment | null> {
  return lookup.by === "id"
    ? client.getDeployment(lookup.vvpNamespace, lookup.deploymentId)
    : client.findDeploymentByName(lookup.vvpNamespace, lookup.name);
}

/** The prefetched deployment when it is the one the lookup names, else undefined (read it). */
export function prefetchedFor(
  lookup: DeploymentLookup,
  prefetched: Deployment | undefined,
): Deployment | undefined {
  const metadata = prefetched?.metadata;
  if (metadata === undefined || metadata.namespace !== lookup.vvpNamespace) return undefined;
  const same =
    lookup.by === "id" ? metadata.id === lookup.deploymentId : metadata.name === lookup.name;
  return same ? prefetched : undefined;
}
