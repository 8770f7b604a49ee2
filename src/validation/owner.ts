import { type FieldError, formatFieldPath, OWNER_LABEL } from "../models/index.js";
import { describeValue, isJsonObject, valueAt } from "./paths.js";

const OWNER_FIELD = formatFieldPath(["metadata", "labels", OWNER_LABEL]);

/** The owner label must name this operator instance: the seed's webhook rule. */
export function ownerLabelErrors(object: unknown, instanceId: string): FieldError[] {
  const labels = valueAt(object, ["metadata", "labels"]);
  // A labels value that is not a map is the schema's error, reported there.
  if (labels !== undefined && !isJsonObject(labels)) return [];
  const owner = valueAt(labels, [OWNER_LABEL]);
  if (owner === undefined || owner === "") {
    return [
      {
        field: OWNER_FIELD,
        reason: "FieldValueRequired",
        message: `Required value: set it to ${JSON.stringify(instanceId)}, the operator's instanceId`,
      },
    ];
  }
  if (owner === instanceId) return [];
  return [
    {
      field: OWNER_FIELD,
      reason: "FieldValueInvalid",
      message: `Invalid value: ${describeValue(owner)}: must be ${JSON.stringify(instanceId)}, the instanceId of this operator`,
    },
  ];
}
