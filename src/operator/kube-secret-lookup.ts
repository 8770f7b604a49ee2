import type { KubeConfig } from "@kubernetes/client-node";
import { createClientNodeKubeApi } from "../kubernetes/client-node-api.js";
import type { KubeApi } from "../kubernetes/kube-api.js";
import { isServiceAccountTokenSecret, TOKEN_KEY, tokenOfSecret } from "../kubernetes/tokens.js";
import type {
  AccessVerdict,
  AdmissionUserInfo,
  ApiKeySecretLookup,
  SecretAccessReview,
} from "./webhook-server.js";

/** The key of the Secret that holds the VVP API token (the controller's). */
export const API_TOKEN_KEY = TOKEN_KEY;

/** How the webhook's Kubernetes checks are made. */
export interface WebhookKubeChecksOptions {
  /**
   * How long a positive answer is reused (default 10 000 ms, ours): a burst
   * of reviews naming one Secret costs one read. Negative answers are not
   * kept, so a Secret created just before its CR is seen at once.
   */
  cacheTtlMs?: number;
  now?: () => number;
}

/** The webhook's Secret lookup and access review. */
export interface WebhookKubeChecks {
  secretLookup: ApiKeySecretLookup;
  accessReview: SecretAccessReview;
}

/**
 * The webhook's checks over a KubeApi: the operator passes one built on the
 * controller's KubeConfig, so they travel over the controller's keep-alive
 * connections (no new TLS connection per review) with their own deadline.
 */
export function createWebhookKubeChecks(
  api: KubeApi,
  options: WebhookKubeChecksOptions = {},
): WebhookKubeChecks {
  const ttlMs = options.cacheTtlMs ?? 10_000;
  const now = options.now ?? Date.now;
  return {
    secretLookup: cached(
      ttlMs,
      now,
      (key) => key === "found",
      async (namespace, name) => {
        const secret = await api.get("secrets", namespace, name).catch((error: unknown) => {
          throw readFailed("Secret read", error);
        });
        if (secret === null) return "not-found";
        if (isServiceAccountTokenSecret(secret)) return "service-account-token";
        // The value is read by the API call but never kept, returned or logged.
        return tokenOfSecret(secret) !== "" ? "found" : "no-token-key";
      },
    ),
    accessReview: (() => {
      const review = cached(
        ttlMs,
        now,
        (verdict: AccessVerdict) => verdict.allowed,
        async (namespace: string, request: string) => {
          const { name, user } = JSON.parse(request) as { name: string; user: AdmissionUserInfo };
          const created = await api
            .create("localsubjectaccessreviews", namespace, {
              apiVersion: "authorization.k8s.io/v1",
              kind: "LocalSubjectAccessReview",
              metadata: { namespace },
              spec: {
                resourceAttributes: {
                  namespace,
                  verb: "get",
                  group: "",
                  version: "v1",
                  resource: "secrets",
                  name,
                },
                user: user.username,
                ...(user.uid === undefined ? {} : { uid: user.uid }),
                ...(user.groups === undefined ? {} : { groups: user.groups }),
                ...(user.extra === undefined ? {} : { extra: user.extra }),
              },
            })
            .catch((error: unknown) => {
              throw readFailed("LocalSubjectAccessReview", error);
            });
          const status = (created as { status?: { allowed?: unknown; reason?: unknown } }).status;
          return {
            allowed: status?.allowed === true,
            ...(typeof status?.reason === "string" ? { reason: status.reason } : {}),
          };
        },
      );
      // The whole user (groups, uid, extra) is part of the key: another
      // identity with the same name is asked about again.
      return ({ namespace, name, user }) => review(namespace, JSON.stringify({ name, user }));
    })(),
  };
}

/** A KubeApi on this KubeConfig for the webhook (the controller's shared agent; a 5 s deadline by default). */
export function createWebhookKubeApi(kubeConfig: KubeConfig, requestTimeoutMs = 5_000): KubeApi {
  return createClientNodeKubeApi(kubeConfig, { requestTimeoutMs, shareAgent: true });
}

/**
 * The Secret lookup of earlier versions, kept for callers that have only a
 * KubeConfig: the webhook's checks over a KubeApi on it.
 */
export function createKubernetesSecretLookup(
  kubeConfig: KubeConfig,
  requestTimeoutMs = 5_000,
): ApiKeySecretLookup {
  return createWebhookKubeChecks(createWebhookKubeApi(kubeConfig, requestTimeoutMs)).secretLookup;
}

function cached<T>(
  ttlMs: number,
  now: () => number,
  keep: (value: T) => boolean,
  load: (namespace: string, key: string) => Promise<T>,
): (namespace: string, key: string) => T | Promise<T> {
  const entries = new Map<string, { value: T; at: number }>();
  const inFlight = new Map<string, Promise<T>>();
  return (namespace, key) => {
    const id = `${namespace}\u0000${key}`;
    const entry = entries.get(id);
    // A fresh answer is returned as it is: no promise, no timer.
    if (entry !== undefined && now() - entry.at < ttlMs) return entry.value;
    const pending = inFlight.get(id);
    if (pending !== undefined) return pending;
    const loading = load(namespace, key)
      .then((value) => {
        if (keep(value) && ttlMs > 0) {
          // Bounded: an expired entry is dropped when the map grows.
          if (entries.size >= 10_000) {
            for (const [old, { at }] of entries) if (now() - at >= ttlMs) entries.delete(old);
            if (entries.size >= 10_000) entries.clear();
          }
          entries.set(id, { value, at: now() });
        } else entries.delete(id);
        return value;
      })
      .finally(() => inFlight.delete(id));
    inFlight.set(id, loading);
    return loading;
  };
}

function readFailed(what: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return new Error(
    typeof code === "number"
      ? `${what} failed: HTTP ${code} ${message}`
      : `${what} failed: ${message}`,
  );
}
