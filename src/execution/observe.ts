import type { VvpDeployment } from "../models/index.js";
import { crIdentity } from "../projection/index.js";
import { type Observation, observationNeeds } from "../reconcile/index.js";
import type { VvpClient } from "../vvp-client/index.js";
import type { AutopilotProvider } from "./autopilot-provider.js";
import type { MappingStore } from "./mapping-store.js";

/** What `observe` reads from. */
export interface ObserveContext {
  client: VvpClient;
  mappingStore: MappingStore;
  autopilotProvider: AutopilotProvider;
}

/**
 * Reads what the core needs for one CR, and nothing more: the mapping record,
 * the deployment (by id when recorded, so the steady state is one GET; by name
 * only while creating or checking consistency), the savepoints only while a
 * savepoint nonce is pending, and Autopilot through the provider. A failed
 * read throws the client's VvpApiError: nothing was changed, so the host
 * retries the whole cycle later.
 */
export async function observe(cr: VvpDeployment, context: ObserveContext): Promise<Observation> {
  const { client, mappingStore, autopilotProvider } = context;
  const mapping = await mappingStore.get(crIdentity(cr));
  const needs = observationNeeds(cr, mapping);
  const lookup = needs.deployment;
  const deployment =
    lookup.by === "id"
      ? await client.getDeployment(lookup.vvpNamespace, lookup.deploymentId)
      : await client.findDeploymentByName(lookup.vvpNamespace, lookup.name);
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
