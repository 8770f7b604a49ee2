import { OWNER_LABEL } from "../models/index.js";
import type { Deployment, VvpClient } from "../vvp-client/index.js";

/** Which deployments to list: one VVP namespace, one operator instance. */
export interface ListOwnedDeploymentsOptions {
  vvpNamespace: string;
  /** The operator's instanceId, the value of the `ververica.platform/owner` label. */
  instanceId: string;
}

/**
 * The deployments of one VVP namespace that carry this instance's owner label,
 * in ONE list request (`labelSelector=ververica.platform/owner=<instanceId>`),
 * so a host observes a whole fleet at the cost of one call per namespace and
 * passes each deployment to `reconcileOnce` as `prefetched`.
 */
export async function listOwnedDeployments(
  client: VvpClient,
  options: ListOwnedDeploymentsOptions,
): Promise<Deployment[]> {
  const listed = await client.listDeployments(options.vvpNamespace, {
    labelSelector: ownerSelector(options.instanceId),
  });
  // Ours: VVP filters by the selector; the label is checked again so a server
  // that ignored the selector cannot hand this instance another's deployment.
  return listed.filter(
    (deployment) => deployment.metadata?.labels?.[OWNER_LABEL] === options.instanceId,
  );
}

/** The equality selector on the owner label. */
export function ownerSelector(instanceId: string): string {
  return `${OWNER_LABEL}=${instanceId}`;
}
