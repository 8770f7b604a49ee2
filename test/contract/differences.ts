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
      "decoded with the descriptors of the kubectl on PATH (or of protobufDescriptorsFrom); without one, and for the few prerelease versions whose embedded descriptors reference messages the binary does not carry (apidiscovery/v2beta1, certificates/v1beta1 and admissionregistration/v1alpha1 in kubectl 1.32), protobuf bodies are 415. Zero numbers and false read from protobuf stay in the stored JSON where kube-apiserver omits the ones its Go types tag omitempty (descriptors cannot tell a pointer field from a value field): a container port shows hostPort: 0 where a cluster shows nothing.",
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
