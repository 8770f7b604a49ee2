// Fleet observation: the CRs of a resync grouped by what one VVP list can
// serve (the same token Secret, the same VVP namespace), and each CR matched
// with the deployment that list returned.
import type { Deployment } from "../vvp-client/index.js";
import {
  deploymentIdOf,
  deploymentNameOf,
  keyOf,
  secretKeyOf,
  vvpNamespaceOf,
} from "./cr-fields.js";
import type { KubeObject } from "./kube-api.js";

/** CRs one VVP list serves: its namespace, and a CR whose Secret authenticates it. */
export interface FleetGroup {
  vvpNamespace: string;
  /** Any member: the list is made with its client. */
  representative: KubeObject;
  members: KubeObject[];
}

/** Groups CRs by (token Secret, VVP namespace); CRs without a VVP namespace are left out. */
export function fleetGroups(crs: Iterable<KubeObject>): FleetGroup[] {
  const groups = new Map<string, FleetGroup>();
  for (const cr of crs) {
    const vvpNamespace = vvpNamespaceOf(cr);
    if (vvpNamespace === undefined) continue;
    const key = `${secretKeyOf(cr)}|${vvpNamespace}`;
    const group = groups.get(key) ?? { vvpNamespace, representative: cr, members: [] };
    group.members.push(cr);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Calls `found` with each member that has a deployment in the list (by its recorded id, else by name), its key and that deployment. */
export function forEachMatch(
  members: readonly KubeObject[],
  listed: readonly Deployment[],
  found: (member: KubeObject, key: string, deployment: Deployment) => void,
): void {
  const byId = new Map<string | undefined, Deployment>();
  const byName = new Map<string | undefined, Deployment>();
  for (const deployment of listed) {
    byId.set(deployment.metadata?.id, deployment);
    byName.set(deployment.metadata?.name, deployment);
  }
  for (const member of members) {
    const deployment = byId.get(deploymentIdOf(member)) ?? byName.get(deploymentNameOf(member));
    if (deployment !== undefined) found(member, keyOf(member), deployment);
  }
}
