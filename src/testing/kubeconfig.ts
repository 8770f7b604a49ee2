// The kubeconfig text clients load: one cluster (the fake, its CA), one user
// (a bearer token), one context.

import { stringify } from "yaml";

/** What goes into the kubeconfig. */
export interface KubeconfigInput {
  server: string;
  caCert?: string;
  token: string;
  namespace?: string;
}

/** A kubeconfig that client-node's `loadFromString` and `kubectl --kubeconfig` accept. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: input.server };
  if (input.caCert === undefined) cluster["insecure-skip-tls-verify"] = true;
  else cluster["certificate-authority-data"] = Buffer.from(input.caCert).toString("base64");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "fake", cluster }],
    users: [{ name: "fake", user: { token: input.token } }],
    contexts: [
      {
        name: "fake",
        context: { cluster: "fake", user: "fake", namespace: input.namespace ?? "default" },
      },
    ],
    "current-context": "fake",
    preferences: {},
  });
}
