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

/** Each member's deployment in the list (by its recorded id, else by name), keyed by CR key. */
export function matchDeployments(
  members: readonly KubeObject[],
  listed: readonly Deployment[],
): Map<string, Deployment> {
  const byId = new Map(listed.map((deployment) => [deployment.metadata?.id, deployment]));
  const byName = new Map(listed.map((deployment) => [deployment.metadata?.name, deployment]));
  const matched = new Map<string, Deployment>();
  for (const member of members) {
    const found = byId.get(deploymentIdOf(member)) ?? byName.get(deploymentNameOf(member));
    if (found !== undefined) matched.set(keyOf(member), found);
  }
  return matched;
}
