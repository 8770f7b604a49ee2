import { existsSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";

/** Where the service account's token is mounted in a pod. */
const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Where the client configuration came from, for the startup log. */
export type KubeConfigSource = "file" | "in-cluster" | "default";

/**
 * The client configuration: the given kubeconfig file; else, inside a pod,
 * the in-cluster config (service account token, re-read by client-node);
 * else client-node's default ($KUBECONFIG, ~/.kube/config).
 */
export function loadKubeConfig(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { kubeConfig: KubeConfig; source: KubeConfigSource } {
  const kubeConfig = new KubeConfig();
  if (file !== undefined) {
    if (!existsSync(file)) throw new Error(`--kubeconfig: ${file} does not exist`);
    kubeConfig.loadFromFile(file);
    return { kubeConfig, source: "file" };
  }
  if (env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kubeConfig.loadFromCluster();
    return { kubeConfig, source: "in-cluster" };
  }
  kubeConfig.loadFromDefault();
  if (kubeConfig.getCurrentCluster() === null) {
    throw new Error(
      "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, or run in a pod",
    );
  }
  return { kubeConfig, source: "default" };
}
