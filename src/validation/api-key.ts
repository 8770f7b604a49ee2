import { API_KEY_SECRET_ANNOTATION, type FieldError, formatFieldPath } from "../models/index.js";
import { isJsonObject, valueAt } from "./paths.js";

const API_KEY_FIELD = formatFieldPath(["metadata", "annotations", API_KEY_SECRET_ANNOTATION]);

// A Secret's name is a DNS-1123 subdomain (kube-apiserver's rule for Secrets).
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_SUBDOMAIN_LENGTH = 253;

/**
 * With API-key validation on, the CR must name the Secret holding its VVP API
 * token; whenever it names one, the name must be a Secret name (a DNS-1123
 * subdomain), so `.` or `..` cannot make a read of it a list of Secrets.
 */
export function apiKeySecretErrors(object: unknown, apiKeyValidation: boolean): FieldError[] {
  const annotations = valueAt(object, ["metadata", "annotations"]);
  // An annotations value that is not a map is the schema's error, reported there.
  if (annotations !== undefined && !isJsonObject(annotations)) return [];
  if (!apiKeyValidation) {
    const named = valueAt(annotations, [API_KEY_SECRET_ANNOTATION]);
    return named === undefined || named === "" ? [] : secretNameErrors(named);
  }
  const secretName = valueAt(annotations, [API_KEY_SECRET_ANNOTATION]);
  if (secretName !== undefined && secretName !== "") return secretNameErrors(secretName);
  return [
    {
      field: API_KEY_FIELD,
      reason: "FieldValueRequired",
      message: "Required value: the name of the Secret that holds the VVP API token",
    },
  ];
}

function secretNameErrors(name: unknown): FieldError[] {
  // A value that is not a string is the schema's error (annotations are strings).
  if (typeof name !== "string") return [];
  if (name.length > MAX_SUBDOMAIN_LENGTH) {
    return [
      {
        field: API_KEY_FIELD,
        reason: "FieldValueTooLong",
        message: `Too long: may not be more than ${MAX_SUBDOMAIN_LENGTH} bytes`,
      },
    ];
  }
  if (DNS1123_SUBDOMAIN.test(name)) return [];
  return [
    {
      field: API_KEY_FIELD,
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(name)}: a Secret name must be a lowercase RFC 1123 subdomain: lowercase alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
  ];
}
