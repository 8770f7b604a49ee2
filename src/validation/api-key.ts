import { API_KEY_SECRET_ANNOTATION, type FieldError, formatFieldPath } from "../models/index.js";
import { isJsonObject, valueAt } from "./paths.js";

const API_KEY_FIELD = formatFieldPath(["metadata", "annotations", API_KEY_SECRET_ANNOTATION]);

/** With API-key validation on, the CR must name the Secret holding its VVP API token. */
export function apiKeySecretErrors(object: unknown, apiKeyValidation: boolean): FieldError[] {
  if (!apiKeyValidation) return [];
  const annotations = valueAt(object, ["metadata", "annotations"]);
  // An annotations value that is not a map is the schema's error, reported there.
  if (annotations !== undefined && !isJsonObject(annotations)) return [];
  const secretName = valueAt(annotations, [API_KEY_SECRET_ANNOTATION]);
  if (secretName !== undefined && secretName !== "") return [];
  return [
    {
      field: API_KEY_FIELD,
      reason: "FieldValueRequired",
      message: "Required value: the name of the Secret that holds the VVP API token",
    },
  ];
}
