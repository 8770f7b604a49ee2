import type { FieldError } from "../models/index.js";
import { describeValue, valueAt } from "./paths.js";

/**
 * The CR must live in a namespace the operator watches. An empty list means
 * no restriction (ours: an operator that watches nothing needs no webhook, and
 * Helm charts commonly use an empty list for "every namespace").
 */
export function watchedNamespaceErrors(
  object: unknown,
  watchedNamespaces: readonly string[] | undefined,
): FieldError[] {
  if (watchedNamespaces === undefined || watchedNamespaces.length === 0) return [];
  const namespace = valueAt(object, ["metadata", "namespace"]);
  const expected = watchedNamespaces.map((name) => JSON.stringify(name)).join(", ");
  if (namespace === undefined || namespace === "") {
    return [
      {
        field: "metadata.namespace",
        reason: "FieldValueRequired",
        message: `Required value: one of the watched namespaces ${expected}`,
      },
    ];
  }
  // A namespace that is not a string is the schema's error, reported there.
  if (typeof namespace !== "string" || watchedNamespaces.includes(namespace)) return [];
  return [
    {
      field: "metadata.namespace",
      reason: "FieldValueNotSupported",
      message: `Unsupported value ${describeValue(namespace)}: the operator watches ${expected}`,
    },
  ];
}
