// Discovery documents in the legacy (unaggregated) format: /api, /api/v1,
// /apis, /apis/<group>, /apis/<group>/<version>, and /version. Clients that
// ask for aggregated discovery accept these and fall back, as against an
// API server older than 1.26.

import { groupVersion, type ResourceType } from "./resource-types.js";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** The `/version` document: a 1.32 server (ours: the version kubectl is tested with). */
export function versionInfo(): Record<string, string> {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-fake",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.23",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** `/api`: the core group's versions. */
export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupsOf(types: readonly ResourceType[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const type of types) {
    if (type.group === "") continue;
    const versions = groups.get(type.group) ?? [];
    if (!versions.includes(type.version)) versions.push(type.version);
    groups.set(type.group, versions);
  }
  return groups;
}

function groupEntry(name: string, versions: readonly string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

/** `/apis`: every named group. */
export function groupList(types: readonly ResourceType[]): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groupsOf(types)].map(([name, versions]) => groupEntry(name, versions)),
  };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function group(
  types: readonly ResourceType[],
  name: string,
): Record<string, unknown> | undefined {
  const versions = groupsOf(types).get(name);
  if (versions === undefined) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupEntry(name, versions) };
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when nothing is served there. */
export function resourceList(
  types: readonly ResourceType[],
  groupName: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = types.filter((t) => t.group === groupName && t.version === version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((type) => {
    const main = {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: VERBS,
      ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    };
    if (!type.statusSubresource) return [main];
    return [
      main,
      {
        name: `${type.plural}/status`,
        singularName: "",
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: ["get", "patch", "update"],
      },
    ];
  });
  const first = served[0];
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: first === undefined ? version : groupVersion(first),
    resources,
  };
}
