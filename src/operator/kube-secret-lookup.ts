import { ApiException, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { TOKEN_KEY, tokenOfSecret } from "../kubernetes/tokens.js";
import { withDeadline } from "./kube-deadline.js";
import { reasonOf } from "./kube-lease-store.js";
import type { ApiKeySecretLookup } from "./webhook-server.js";

/** The key of the Secret that holds the VVP API token (the controller's). */
export const API_TOKEN_KEY = TOKEN_KEY;

/**
 * Checks a CR's token Secret over client-node's CoreV1Api: found with a
 * non-empty `token` key, not found, or without the key. The value is read by
 * the API call but never kept, returned or logged.
 */
export function createKubernetesSecretLookup(
  kubeConfig: KubeConfig,
  requestTimeoutMs = 5_000,
): ApiKeySecretLookup {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const deadline = withDeadline(requestTimeoutMs);
  return async (namespace, name) => {
    try {
      const secret = await api.readNamespacedSecret({ name, namespace }, deadline);
      return tokenOfSecret(secret) !== "" ? "found" : "no-token-key";
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return "not-found";
      if (error instanceof ApiException) {
        throw new Error(`Secret read failed: HTTP ${error.code} ${reasonOf(error.body)}`.trim());
      }
      throw new Error(
        `Secret read failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}
