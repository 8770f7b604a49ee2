// The seed's "Immutable After Creation" fields, as data for the CRD's
// transition rules.

/** Fields, from the CR root, that must not change once the CR exists. */
export const IMMUTABLE_FIELDS: readonly (readonly string[])[] = [
  ["spec", "deployment", "metadata", "name"],
  ["spec", "deployment", "metadata", "namespace"],
  ["spec", "deployment", "spec", "deploymentTargetName"],
];
