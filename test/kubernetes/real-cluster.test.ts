// Opt-in: the controller against a real cluster. Set VVP_SDK_KUBECONFIG to a
// kubeconfig file (both CRDs from crds/ installed) and optionally
// VVP_SDK_NAMESPACE (default "default"); VVP is the embedded simulator on
// 127.0.0.1, which the controller reaches because it runs in this process.
import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import {
  createVvpDeploymentController,
  type KubeApi,
  type VvpDeploymentController,
} from "../../src/kubernetes/index.js";
import { FINALIZER } from "../../src/models/index.js";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { conditionOf, crObject, until } from "./harness.js";

const kubeconfigPath = process.env.VVP_SDK_KUBECONFIG;
const namespace = process.env.VVP_SDK_NAMESPACE ?? "default";
const TOKEN = "real-cluster-test-token";
const INSTANCE = `vvp-sdk-test-${process.pid}`;

if (kubeconfigPath === undefined) {
  console.info(
    "test/kubernetes/real-cluster: skipped (set VVP_SDK_KUBECONFIG to run it against a cluster)",
  );
}

describe.skipIf(kubeconfigPath === undefined)("the controller on a real cluster", () => {
  let api: KubeApi;
  let vvp: VvpSimulator;
  let controller: VvpDeploymentController;
  const name = `vvp-sdk-test-${process.pid}`;

  beforeAll(async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(readFileSync(kubeconfigPath as string, "utf8"));
    api = createClientNodeKubeApi(kubeConfig);
    vvp = await startVvpSimulator({
      clock: "wall",
      transitionMs: 200,
      tokens: { [TOKEN]: { namespaces: "*", role: "editor" } },
    });
    await api.delete("secrets", namespace, name);
    await api.create("secrets", namespace, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace },
      stringData: { token: TOKEN },
    });
    controller = createVvpDeploymentController({
      kubeConfig,
      instanceId: INSTANCE,
      watchedNamespaces: [namespace],
      vvp: { baseUrl: vvp.url },
      resyncPeriodMs: 5_000,
      backoff: { baseMs: 50, maxMs: 2_000 },
    });
    controller.start();
    await controller.synced;
  }, 30_000);

  afterAll(async () => {
    await controller?.stop({ drainTimeoutMs: 5_000 });
    await api?.delete("secrets", namespace, name);
    await vvp?.close();
  });

  const stored = () => api.get("vvpdeployments", namespace, name);

  it("creates, updates and deletes a VVP deployment from a CR", async () => {
    const object = crObject(name, namespace, INSTANCE) as {
      metadata: { annotations: Record<string, string> };
    };
    object.metadata.annotations.apikeySecretName = name;
    await api.create("vvpdeployments", namespace, object as never);
    let current = await stored();
    const poll = async (condition: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        current = await stored();
        if (condition()) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error("the cluster did not get there within 30 s");
    };
    await poll(() => conditionOf(current, "Healthy")?.status === "True");
    expect(current?.metadata?.finalizers).toContain(FINALIZER);
    expect(vvp.deployments()).toHaveLength(1);

    await api.mergePatch("vvpdeployments", namespace, name, {
      spec: { deployment: { spec: { template: { spec: { parallelism: 3 } } } } },
    });
    await until(
      () => vvp.deployments()[0]?.spec.template?.spec?.parallelism === 3,
      30_000,
      "PATCH in VVP",
    );

    await api.delete("vvpdeployments", namespace, name);
    await poll(() => current === null);
    expect(vvp.deployments()).toHaveLength(0);
  }, 90_000);
});
