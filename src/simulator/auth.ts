import type { TokenGrant } from "./types.js";

/** The verdict on a call's credentials. */
export type AuthVerdict =
  | { allowed: true }
  | { allowed: false; status: 401 | 403; message: string };

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const NAMESPACED = /^\/api\/v1\/namespaces\/([^/]+)/;

/**
 * Checks a call against the configured bearer tokens: no or unknown token →
 * 401; a namespace the token is not granted → 403; a viewer's write → 403.
 * Without `tokens` every call is allowed. Messages never repeat the token.
 */
export function authorize(
  tokens: Readonly<Record<string, TokenGrant>> | undefined,
  authorization: string | undefined,
  method: string,
  path: string,
): AuthVerdict {
  if (tokens === undefined) return { allowed: true };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (match === null) {
    return { allowed: false, status: 401, message: "Unauthorized: a bearer token is required" };
  }
  const grant = Object.hasOwn(tokens, match[1] ?? "") ? tokens[match[1] ?? ""] : undefined;
  if (grant === undefined) {
    return { allowed: false, status: 401, message: "Unauthorized: the API token is not valid" };
  }
  const namespaceMatch = NAMESPACED.exec(path);
  if (namespaceMatch !== null) {
    let namespace = namespaceMatch[1] ?? "";
    try {
      namespace = decodeURIComponent(namespace);
    } catch {
      // An undecodable segment is matched as it is; it names no granted namespace.
    }
    if (grant.namespaces !== "*" && !grant.namespaces.includes(namespace)) {
      return {
        allowed: false,
        status: 403,
        message: `Forbidden: the API token has no access to namespace ${JSON.stringify(namespace)}`,
      };
    }
  }
  if (grant.role === "viewer" && !READ_METHODS.has(method)) {
    return {
      allowed: false,
      status: 403,
      message: `Forbidden: the API token has the viewer role and cannot ${method}`,
    };
  }
  return { allowed: true };
}
