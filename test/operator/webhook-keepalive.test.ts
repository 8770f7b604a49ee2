// The webhook's Secret reads and access reviews travel over the controller's
// keep-alive connections (one agent per KubeConfig), not a new TLS
// connection per review; and a short cache answers a burst of reviews with
// one read. Connections are counted by a TCP relay in front of the fake API
// server.
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import {
  createWebhookKubeApi,
  createWebhookKubeChecks,
} from "../../src/operator/kube-secret-lookup.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { type ConnectionRelay, startConnectionRelay } from "../support/connection-relay.js";

const NAMESPACE = "team-a";
let kube: FakeKubernetes;
let relay: ConnectionRelay;
let kubeConfig: KubeConfig;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: [NAMESPACE] });
  for (const name of ["team-a-vvp", "vvp-0", "vvp-1", "vvp-2", "vvp-3"]) {
    kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: NAMESPACE },
      data: { token: Buffer.from("team-a-token").toString("base64") },
    });
  }
  relay = await startConnectionRelay(kube);
  kubeConfig = relay.kubeConfig;
});

afterAll(async () => {
  await relay?.close();
  await kube?.close();
});

const alice = { username: "alice", groups: ["team-a"] };

describe("the webhook's Kubernetes checks", () => {
  it("share the controller's keep-alive connections: 40 reviews, a handful of connections", async () => {
    // The controller's KubeApi as the operator makes it (sharing its agent), used first.
    const controllerApi = createClientNodeKubeApi(kubeConfig, { shareAgent: true });
    await controllerApi.get("secrets", NAMESPACE, "team-a-vvp");
    const before = relay.connections();
    expect(before).toBe(1);
    // No cache: every review reads the Secret and asks the access review.
    const checks = createWebhookKubeChecks(createWebhookKubeApi(kubeConfig), { cacheTtlMs: 0 });
    kube.clearRequests();
    // One at a time: the controller's idle connection carries them all.
    for (let index = 0; index < 5; index++) {
      await checks.accessReview({ namespace: NAMESPACE, name: `vvp-${index}`, user: alice });
      await checks.secretLookup(NAMESPACE, `vvp-${index}`);
    }
    expect(relay.connections()).toBe(before);
    kube.clearRequests();
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        // Four different users and Secrets at once (the same key in flight is read once).
        Array.from({ length: 4 }, async (_, index) => {
          const verdict = await checks.accessReview({
            namespace: NAMESPACE,
            name: `vvp-${index}`,
            user: { username: `user-${index}` },
          });
          expect(verdict.allowed).toBe(true);
          expect(await checks.secretLookup(NAMESPACE, `vvp-${index}`)).toBe("found");
        }),
      );
    }
    expect(kube.requests({ resource: "secrets" })).toHaveLength(40);
    expect(kube.requests({ resource: "localsubjectaccessreviews" })).toHaveLength(40);
    // 80 calls: at most one connection per concurrent call, reused throughout.
    expect(relay.connections()).toBeLessThanOrEqual(before + 4);
  });

  it("answer a burst from the cache: one Secret read and one access review per user", async () => {
    const checks = createWebhookKubeChecks(createWebhookKubeApi(kubeConfig), {
      cacheTtlMs: 60_000,
    });
    kube.clearRequests();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        await checks.accessReview({ namespace: NAMESPACE, name: "team-a-vvp", user: alice });
        await checks.secretLookup(NAMESPACE, "team-a-vvp");
      }),
    );
    expect(kube.requests({ resource: "secrets" })).toHaveLength(1);
    expect(kube.requests({ resource: "localsubjectaccessreviews" })).toHaveLength(1);
    // Another identity (same name, other groups) is asked about again.
    await checks.accessReview({
      namespace: NAMESPACE,
      name: "team-a-vvp",
      user: { username: "alice", groups: ["team-b"] },
    });
    expect(kube.requests({ resource: "localsubjectaccessreviews" })).toHaveLength(2);
  });

  it("do not cache a negative answer: a Secret created after a refusal is found at once", async () => {
    const checks = createWebhookKubeChecks(createWebhookKubeApi(kubeConfig), {
      cacheTtlMs: 60_000,
    });
    expect(await checks.secretLookup(NAMESPACE, "later")).toBe("not-found");
    kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "later", namespace: NAMESPACE },
      data: { token: Buffer.from("x").toString("base64") },
    });
    expect(await checks.secretLookup(NAMESPACE, "later")).toBe("found");
  });
});
