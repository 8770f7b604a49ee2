// Where the fake API server still differs from kube-apiserver on purpose or
// for now: the one list, mirrored in docs/testing.md ("Where it still
// differs"; differences.test.ts keeps the two in step). Probes of the
// contract suite assert nothing about these.

export interface Difference {
  /** The heading docs/testing.md uses for it. */
  topic: string;
  /** What kube-apiserver does and what the fake does instead. */
  detail: string;
}

export const DIFFERENCES: readonly Difference[] = [
  {
    topic: "Server-side apply",
    detail:
      "no managedFields and no field-manager conflicts: the applied configuration is merged into the object (maps merge, lists replace).",
  },
  {
    topic: "CEL engine",
    detail:
      "rules run on @bufbuild/cel with the standard library and the strings extension: no cost budget; a stored CRD's rules are parsed (a syntax error is 422) but not type-checked (a type error shows on each write), evaluation errors worded by that engine, Kubernetes' own CEL libraries (quantity, ip/cidr, url, format, lists) absent, optionals only as optionalOldSelf's oldSelf (hasValue, value, orValue).",
  },
  {
    topic: "CRD schema checks",
    detail:
      "a stored CRD is not checked for being structural; formats checked: date-time, date, byte, uuid, ipv4, ipv6, hostname, duration, email; ratcheting follows objects, maps and list-type map entries by path; the order of details.causes may differ (kube-openapi's is map order).",
  },
  {
    topic: "Built-in kinds' unknown fields",
    detail:
      "unknown fields of built-in kinds are kept and never reported (only custom resources are pruned and checked against fieldValidation).",
  },
  {
    topic: "Protobuf",
    detail:
      "request bodies decode for core/v1 ConfigMap, Secret, Namespace, ServiceAccount and Service, rbac/v1 kinds, Leases, apps/v1 Deployments and policy/v1 PodDisruptionBudgets (415 for other kinds); answers are always JSON; empty objects kubectl sends (resources: {}) are dropped.",
  },
  {
    topic: "Namespace finalization",
    detail:
      "spec.finalizers is set to [kubernetes] but holds nothing: with no namespace controller, a deleted namespace goes as soon as its content is gone.",
  },
  {
    topic: "CRD conditions",
    detail:
      "a stored CRD serves at once; its status carries no Established or NamesAccepted conditions.",
  },
];
