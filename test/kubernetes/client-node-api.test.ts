// The KubeApi's own requests: every call (list, get, create, replace, merge
// patch, status patch, delete) travels over one kept-alive TLS connection
// when made one at a time, authenticated by the KubeConfig; refusals are
// KubeApiErrors with the Status reason; a call that gets no answer ends at
// its deadline. Connections are counted by a TCP relay in front of the fake
// API server.
import { createServer as createHttpServer } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import { isConflict, KubeApiError } from "../../src/kubernetes/kube-api.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { type ConnectionRelay, startConnectionRelay } from "../support/connection-relay.js";

const NAMESPACE = "team-a";
let kube: FakeKubernetes;
let relay: ConnectionRelay;
let kubeConfig: KubeConfig;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: [NAMESPACE] });
  relay = await startConnectionRelay(kube);
  kubeConfig = relay.kubeConfig;
});

afterAll(async () => {
  await relay?.close();
  await kube?.close();
});

const configMap = (name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: NAMESPACE, labels: { app: "x" } },
  data: { a: "1" },
});

describe("the client-node KubeApi", () => {
  it("makes every kind of call over one kept-alive connection, authenticated", async () => {
    const api = createClientNodeKubeApi(kubeConfig, { listPageSize: 2 });
    const before = relay.connections();
    kube.clearRequests();
    for (let index = 0; index < 5; index += 1) {
      const created = await api.create("configmaps", NAMESPACE, configMap(`c-${index}`));
      expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    }
    const listed = await api.list("configmaps", NAMESPACE, { labelSelector: "app=x" });
    expect(listed.items.map((item) => item.metadata?.name).sort()).toEqual(
      ["c-0", "c-1", "c-2", "c-3", "c-4"].sort(),
    );
    expect(listed.resourceVersion).toMatch(/^\d+$/);
    const read = await api.get("configmaps", NAMESPACE, "c-0");
    expect(read?.data).toEqual({ a: "1" });
    const replaced = await api.replace("configmaps", NAMESPACE, "c-0", {
      ...configMap("c-0"),
      metadata: { ...configMap("c-0").metadata, resourceVersion: read?.metadata?.resourceVersion },
      data: { a: "2" },
    });
    expect(replaced.data).toEqual({ a: "2" });
    const patched = await api.mergePatch("configmaps", NAMESPACE, "c-0", { data: { b: "3" } });
    expect(patched.data).toEqual({ a: "2", b: "3" });
    await api.delete("configmaps", NAMESPACE, "c-0");
    expect(await api.get("configmaps", NAMESPACE, "c-0")).toBeNull();
    // Deleting what is gone is not an error.
    await api.delete("configmaps", NAMESPACE, "c-0");
    // 5 creates, 3 list pages, get, replace, patch, delete, get, delete.
    expect(kube.requests()).toHaveLength(14);
    expect(kube.requests({ method: "PATCH" })[0]?.contentType).toBe("application/merge-patch+json");
    expect(relay.connections()).toBe(before + 1);
  });

  it("turns refusals into KubeApiErrors with the Status reason", async () => {
    const api = createClientNodeKubeApi(kubeConfig);
    await api.create("configmaps", NAMESPACE, configMap("taken"));
    const taken = await api
      .create("configmaps", NAMESPACE, configMap("taken"))
      .catch((error: unknown) => error);
    expect(taken).toBeInstanceOf(KubeApiError);
    expect(taken).toMatchObject({ code: 409, reason: "AlreadyExists" });
    const stale = await api
      .mergePatch("configmaps", NAMESPACE, "taken", {
        metadata: { resourceVersion: "1" },
        data: { a: "9" },
      })
      .catch((error: unknown) => error);
    expect(isConflict(stale)).toBe(true);
    expect(stale).toMatchObject({ reason: "Conflict" });
    const precondition = await api
      .delete("configmaps", NAMESPACE, "taken", { resourceVersion: "1" })
      .catch((error: unknown) => error);
    expect(isConflict(precondition)).toBe(true);
    expect(await api.get("configmaps", NAMESPACE, "taken")).not.toBeNull();
  });

  it("closes a connection left idle for idleTimeoutMs, and the next call opens another", async () => {
    const api = createClientNodeKubeApi(kubeConfig, { idleTimeoutMs: 100 });
    const before = {
      connections: relay.connections(),
      closed: relay.closed(),
      closedByClient: relay.closedByClient(),
    };
    await api.get("configmaps", NAMESPACE, "none");
    expect(relay.connections()).toBe(before.connections + 1);
    const deadline = Date.now() + 20_000;
    while (relay.closed() === before.closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(relay.closed()).toBe(before.closed + 1);
    // The client hung up, not the server (which closes after 5 s idle).
    expect(relay.closedByClient()).toBe(before.closedByClient + 1);
    expect(await api.get("configmaps", NAMESPACE, "none")).toBeNull();
    expect(relay.connections()).toBe(before.connections + 2);
  });

  it("a call that gets no answer ends at its deadline", async () => {
    const api = createClientNodeKubeApi(kubeConfig, { requestTimeoutMs: 200 });
    kube.faults.slow(60_000, { resource: "configmaps" });
    try {
      const started = performance.now();
      const error = await api.get("configmaps", NAMESPACE, "x").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toMatch(/Abort|Timeout/);
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      kube.faults.slow(0);
    }
  });

  it("an answer or a watch event over 64 MiB is cut off instead of held in memory", async () => {
    const huge = "x".repeat(65 * 1024 * 1024);
    const server = createHttpServer((request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      if (request.url?.includes("watch=")) response.write(`{"type":"ADDED","object":"${huge}`);
      else response.end(`"${huge}"`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const plain = new KubeConfig();
      plain.loadFromOptions({
        clusters: [
          {
            name: "c",
            server: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
            skipTLSVerify: true,
          },
        ],
        users: [{ name: "u", token: "t" }],
        contexts: [{ name: "x", cluster: "c", user: "u" }],
        currentContext: "x",
      });
      const api = createClientNodeKubeApi(plain);
      const error = await api.get("configmaps", NAMESPACE, "x").catch((caught: unknown) => caught);
      expect(String(error)).toContain("over 67108864 characters");
      const closedWith = await new Promise<unknown>((resolve) => {
        api.watch(
          "configmaps",
          NAMESPACE,
          { resourceVersion: "1", timeoutSeconds: 60, allowWatchBookmarks: true },
          { onEvent: () => resolve("an event"), onClose: resolve },
        );
      });
      expect(String(closedWith)).toContain("a watch event is over 67108864 characters");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
