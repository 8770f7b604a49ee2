// The VVP API token of a CR: key `token` of the Secret its `apikeySecretName`
// annotation names, in the CR's namespace. Cached for a short TTL (ours) so a
// rotated Secret is picked up without watching every Secret of the
// namespace (which would need list/watch on Secrets); a VVP 401 drops the
// cached value at once. The token never appears in an error or a log line:
// errors name the Secret and the key only.
import type { KubeApi } from "./kube-api.js";

/** The key of the Secret that holds the token. */
export const TOKEN_KEY = "token";

/** Why a token could not be read: the Secret or its key is missing, its value cannot be sent, or the API refused the read. */
export type TokenUnavailableReason =
  | "SecretNotFound"
  | "KeyMissing"
  | "KeyInvalid"
  | "ReadFailed"
  /** The annotation is not a DNS-1123 subdomain, so it cannot name a Secret. */
  | "SecretNameInvalid"
  /** A `kubernetes.io/service-account-token` Secret: a Kubernetes credential, never sent to VVP. */
  | "SecretTypeRefused";

/** The type of the Secrets that hold a service account's Kubernetes token. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";

/** Whether a Secret holds a service account's Kubernetes token (never used as a VVP API token). */
export function isServiceAccountTokenSecret(secret: object): boolean {
  return (secret as { type?: unknown }).type === SERVICE_ACCOUNT_TOKEN_TYPE;
}

/** A DNS-1123 subdomain, the form of every Secret name (at most 253 characters). */
export function isSecretName(name: string): boolean {
  return (
    name.length <= 253 &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)
  );
}

/** The token of a CR could not be read; the message names the Secret, never its content. */
export class TokenUnavailableError extends Error {
  override readonly name = "TokenUnavailableError";
  constructor(
    readonly reason: TokenUnavailableReason,
    readonly secret: { namespace: string; name: string },
    message: string,
  ) {
    super(message);
  }
}

/** Reads and caches tokens. */
export interface TokenCache {
  /** The token in Secret namespace/name, from the cache while fresh. */
  token(namespace: string, secretName: string): Promise<string>;
  /** Drops a cached token (VVP refused it: it may have been rotated). */
  invalidate(namespace: string, secretName: string): void;
}

/** What the token cache is built with. */
export interface TokenCacheOptions {
  api: KubeApi;
  /** How long a read token is used before the Secret is read again (default 60 s, like client-node's service-account token). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The API token a Secret holds under `token` (`data`, base64, else
 * `stringData`), trimmed; "" when there is none. The controller and the
 * webhook read it alike, so the webhook admits exactly what the controller
 * can use. ours: a trailing newline (echo > file; kubectl create
 * --from-file) is not part of the token.
 */
export function tokenOfSecret(secret: object): string {
  const { data, stringData } = secret as {
    data?: Record<string, unknown>;
    stringData?: Record<string, unknown>;
  };
  const encoded = data?.[TOKEN_KEY];
  const plain = stringData?.[TOKEN_KEY];
  const token =
    typeof encoded === "string"
      ? Buffer.from(encoded, "base64").toString("utf8")
      : typeof plain === "string"
        ? plain
        : "";
  return token.trim();
}

/** Creates a TokenCache over the KubeApi. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { token: string; readAt: number }>();
  const inFlight = new Map<string, Promise<string>>();

  const read = async (namespace: string, secretName: string): Promise<string> => {
    const where = `Secret ${namespace}/${secretName}`;
    if (!isSecretName(secretName)) {
      // Not sent: `.` or `..` would read the namespace's Secret list instead.
      throw new TokenUnavailableError(
        "SecretNameInvalid",
        { namespace, name: secretName },
        `cannot read the VVP API token: annotation apikeySecretName ${JSON.stringify(secretName)} is not a valid Secret name (a DNS-1123 subdomain)`,
      );
    }
    let secret: Awaited<ReturnType<KubeApi["get"]>>;
    try {
      secret = await options.api.get("secrets", namespace, secretName);
    } catch (error) {
      const status = (error as { code?: unknown }).code;
      throw new TokenUnavailableError(
        "ReadFailed",
        { namespace, name: secretName },
        `cannot read the VVP API token: reading ${where} failed${typeof status === "number" ? ` (HTTP ${status})` : ""}`,
      );
    }
    if (secret === null) {
      throw new TokenUnavailableError(
        "SecretNotFound",
        { namespace, name: secretName },
        `cannot read the VVP API token: ${where} (annotation apikeySecretName) does not exist`,
      );
    }
    if (isServiceAccountTokenSecret(secret)) {
      throw new TokenUnavailableError(
        "SecretTypeRefused",
        { namespace, name: secretName },
        `cannot read the VVP API token: ${where} is a ${SERVICE_ACCOUNT_TOKEN_TYPE} Secret, a Kubernetes credential that is never sent to VVP`,
      );
    }
    const trimmed = tokenOfSecret(secret);
    if (trimmed === "") {
      throw new TokenUnavailableError(
        "KeyMissing",
        { namespace, name: secretName },
        `cannot read the VVP API token: ${where} has no key "${TOKEN_KEY}"`,
      );
    }
    // As the VVP client checks before sending: found here, the problem is
    // reported on the CR naming the Secret instead of failing each VVP call.
    if (!/^[\x21-\x7e]+$/.test(trimmed)) {
      throw new TokenUnavailableError(
        "KeyInvalid",
        { namespace, name: secretName },
        `cannot read the VVP API token: key "${TOKEN_KEY}" of ${where} holds characters an HTTP header cannot carry (a line break, a space or a non-ASCII character)`,
      );
    }
    cache.set(`${namespace}/${secretName}`, { token: trimmed, readAt: now() });
    return trimmed;
  };

  return {
    async token(namespace, secretName) {
      const key = `${namespace}/${secretName}`;
      const cached = cache.get(key);
      if (cached !== undefined && now() - cached.readAt < ttlMs) return cached.token;
      // Many CRs share a Secret: one read serves all of them.
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const reading = read(namespace, secretName).finally(() => inFlight.delete(key));
      inFlight.set(key, reading);
      return reading;
    },
    invalidate(namespace, secretName) {
      cache.delete(`${namespace}/${secretName}`);
    },
  };
}
