import { Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeKubernetes,
  FakeKubernetesOptionError,
  startFakeKubernetes,
} from "../../src/testing/index.js";
import { clientsFor, failure, httpsFetch, VVP, vvpDeployment } from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["team-a"], compactionWindow: 20 });
  api = clientsFor(kube);
});
afterAll(() => kube.close());

const post = (path: string, body: string, contentType = "application/json") =>
  httpsFetch(kube, path, { method: "POST", headers: { "Content-Type": contentType }, body });

describe("one storage for core/v1 and events.k8s.io/v1 Events", () => {
  it("shows an events.k8s.io Event as a core Event (regarding → involvedObject, note → message) and back", async () => {
    await api.events.createNamespacedEvent({
      namespace: "team-a",
      body: {
        metadata: { name: "e1" },
        eventTime: new Date("2026-01-01T00:00:00Z") as never,
        reason: "Synced",
        note: "in sync",
        type: "Normal",
        action: "Sync",
        reportingController: "vvp-operator",
        reportingInstance: "pod-0",
        regarding: { kind: "VvpDeployment", name: "dep", namespace: "team-a" },
      },
    });
    const core = await api.core.readNamespacedEvent({ namespace: "team-a", name: "e1" });
    expect(core).toMatchObject({
      message: "in sync",
      involvedObject: { kind: "VvpDeployment", name: "dep" },
      reportingComponent: "vvp-operator",
      // What kubectl sorts and ages by, filled from eventTime.
      firstTimestamp: new Date("2026-01-01T00:00:00Z"),
      lastTimestamp: new Date("2026-01-01T00:00:00Z"),
      count: 1,
    });
    const byField = await api.core.listNamespacedEvent({
      namespace: "team-a",
      fieldSelector: "involvedObject.name=dep",
    });
    expect(byField.items.map((e) => e.metadata?.name)).toEqual(["e1"]);
    await api.core.patchNamespacedEvent({
      namespace: "team-a",
      name: "e1",
      body: [{ op: "replace", path: "/message", value: "changed" }],
    });
    const back = await api.events.readNamespacedEvent({ namespace: "team-a", name: "e1" });
    expect(back.note).toBe("changed");
    expect(kube.objects("Event")).toHaveLength(1);
  });

  it("fills lastTimestamp and count of a core Event from the series, for kubectl's order", async () => {
    await api.events.createNamespacedEvent({
      namespace: "team-a",
      body: {
        metadata: { name: "e2" },
        eventTime: new Date("2026-01-01T00:00:00.123456Z") as never,
        series: { count: 3, lastObservedTime: new Date("2026-01-01T00:05:00Z") as never },
        reason: "Synced",
        note: "again",
        type: "Normal",
        action: "Sync",
        reportingController: "vvp-operator",
        reportingInstance: "pod-0",
        regarding: { kind: "VvpDeployment", name: "dep2", namespace: "team-a" },
      },
    });
    const core = await api.core.readNamespacedEvent({ namespace: "team-a", name: "e2" });
    expect(core).toMatchObject({
      firstTimestamp: new Date("2026-01-01T00:00:00Z"),
      lastTimestamp: new Date("2026-01-01T00:05:00Z"),
      count: 3,
    });
  });
});

describe("built-in validation that catches operator bugs", () => {
  it("refuses an events.k8s.io Event without the fields kube-apiserver requires", async () => {
    const result = await failure(
      api.events.createNamespacedEvent({
        namespace: "team-a",
        body: { metadata: { name: "bare" }, note: "x" } as never,
      }),
    );
    expect(result.code).toBe(422);
    const fields = (result.status.details as { causes: { field: string }[] }).causes.map(
      (c) => c.field,
    );
    expect(fields).toEqual([
      "eventTime",
      "type",
      "reportingController",
      "reportingInstance",
      "action",
      "reason",
    ]);
    const elsewhere = await failure(
      api.events.createNamespacedEvent({
        namespace: "team-a",
        body: {
          metadata: { name: "elsewhere" },
          eventTime: new Date() as never,
          type: "Normal",
          reason: "R",
          action: "A",
          reportingController: "c",
          reportingInstance: "i",
          regarding: { kind: "VvpDeployment", name: "x", namespace: "other" },
        },
      }),
    );
    expect(elsewhere.status).toMatchObject({
      details: { causes: [{ field: "regarding.namespace" }] },
    });
  });

  it("keeps immutable ConfigMaps and Secret types unchanged (422)", async () => {
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "frozen" }, data: { a: "1" }, immutable: true },
    });
    const changed = await failure(
      api.core.patchNamespacedConfigMap({
        namespace: "team-a",
        name: "frozen",
        body: [{ op: "replace", path: "/data/a", value: "2" }],
      }),
    );
    expect(changed.code).toBe(422);
    await api.core.patchNamespacedConfigMap({
      namespace: "team-a",
      name: "frozen",
      body: [{ op: "add", path: "/metadata/labels", value: { ok: "yes" } }],
    });
    await api.core.createNamespacedSecret({
      namespace: "team-a",
      body: { metadata: { name: "typed" }, type: "Opaque" },
    });
    const retyped = await failure(
      api.core.patchNamespacedSecret({
        namespace: "team-a",
        name: "typed",
        body: [{ op: "replace", path: "/type", value: "kubernetes.io/tls" }],
      }),
    );
    expect(retyped.status).toMatchObject({ code: 422, details: { causes: [{ field: "type" }] } });
  });

  it("answers 500 to a create that carries a resourceVersion, as kube-apiserver's storage does", async () => {
    const result = await failure(
      api.core.createNamespacedConfigMap({
        namespace: "team-a",
        body: { metadata: { name: "with-rv", resourceVersion: "5" } },
      }),
    );
    expect(result.code).toBe(500);
    expect(String(result.status.message)).toContain(
      "resourceVersion should not be set on objects to be created",
    );
  });
});

describe("Secrets", () => {
  it("stores stringData as base64 data and never returns stringData", async () => {
    const created = await api.core.createNamespacedSecret({
      namespace: "team-a",
      body: {
        metadata: { name: "tok" },
        data: { a: Buffer.from("A").toString("base64") },
        stringData: { b: "B" },
      },
    });
    expect(created.stringData).toBeUndefined();
    expect(created.data).toEqual({ a: "QQ==", b: "Qg==" });
  });
});

describe("lists at a resourceVersion, and pages over one snapshot", () => {
  it("resourceVersionMatch=Exact reads the past state; a future resourceVersion is 504", async () => {
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "snap", labels: { exact: "y" } }, data: { v: "1" } },
    });
    const before = kube.resourceVersion();
    await api.core.patchNamespacedConfigMap({
      namespace: "team-a",
      name: "snap",
      body: [{ op: "replace", path: "/data/v", value: "2" }],
    });
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "later", labels: { exact: "y" } } },
    });
    const past = await api.core.listNamespacedConfigMap({
      namespace: "team-a",
      resourceVersion: before,
      resourceVersionMatch: "Exact",
      labelSelector: "exact",
    });
    expect(past.metadata?.resourceVersion).toBe(before);
    expect(past.items.map((i) => [i.metadata?.name, i.data?.v])).toEqual([["snap", "1"]]);
    const latest = await api.core.listNamespacedConfigMap({
      namespace: "team-a",
      resourceVersion: before,
      labelSelector: "exact",
    });
    expect(latest.items.map((i) => i.metadata?.name)).toEqual(["later", "snap"]);
    const future = await failure(
      api.core.listNamespacedConfigMap({ namespace: "team-a", resourceVersion: "999999" }),
    );
    expect(future.code).toBe(504);
    expect(future.status).toMatchObject({
      reason: "Timeout",
      details: { causes: [{ reason: "ResourceVersionTooLarge" }] },
    });
  });

  it("continue pages read the first page's snapshot, and expire once compacted", async () => {
    for (const name of ["p-1", "p-2", "p-3"]) {
      await api.core.createNamespacedSecret({
        namespace: "team-a",
        body: { metadata: { name, labels: { pg: "1" } } },
      });
    }
    const first = await api.core.listNamespacedSecret({
      namespace: "team-a",
      labelSelector: "pg",
      limit: 1,
    });
    await api.core.deleteNamespacedSecret({ namespace: "team-a", name: "p-2" });
    const second = await api.core.listNamespacedSecret({
      namespace: "team-a",
      labelSelector: "pg",
      limit: 1,
      _continue: first.metadata?._continue ?? "",
    });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(["p-2"]);
    kube.compact();
    const expired = await failure(
      api.core.listNamespacedSecret({
        namespace: "team-a",
        labelSelector: "pg",
        limit: 1,
        _continue: second.metadata?._continue ?? "",
      }),
    );
    expect(expired.code).toBe(410);
    expect(expired.status.reason).toBe("Expired");
  });
});

describe("watch with sendInitialEvents", () => {
  it("sends the current state, then a BOOKMARK annotated k8s.io/initial-events-end", async () => {
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "init" } },
    });
    const seen: {
      type: string;
      object: { metadata?: { name?: string; annotations?: Record<string, string> } };
    }[] = [];
    const controller = await new Watch(api.config).watch(
      "/api/v1/namespaces/team-a/configmaps",
      {
        sendInitialEvents: true,
        allowWatchBookmarks: true,
        resourceVersionMatch: "NotOlderThan",
        fieldSelector: "metadata.name=init",
      },
      (type, object) => seen.push({ type, object }),
      () => undefined,
    );
    await kube.waitFor(() => seen.length === 2);
    expect(seen[0]).toMatchObject({ type: "ADDED", object: { metadata: { name: "init" } } });
    expect(seen[1]).toMatchObject({
      type: "BOOKMARK",
      object: { metadata: { annotations: { "k8s.io/initial-events-end": "true" } } },
    });
    controller.abort();
  });
});

describe("server-side apply (approximated) and dry run", () => {
  it("creates and merges an applied configuration; fieldManager is required", async () => {
    const path = "/apis/coordination.k8s.io/v1/namespaces/team-a/leases/applied";
    const apply = (query: string, yaml: string) =>
      httpsFetch(kube, `${path}${query}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/apply-patch+yaml" },
        body: yaml,
      });
    const missing = await apply(
      "",
      "apiVersion: coordination.k8s.io/v1\nkind: Lease\nspec: {holderIdentity: a}\n",
    );
    expect(missing.status).toBe(422);
    const created = await apply(
      "?fieldManager=me",
      "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: applied}\nspec: {holderIdentity: a}\n",
    );
    expect(created.status).toBe(201);
    const merged = await apply(
      "?fieldManager=me",
      "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: applied}\nspec: {leaseDurationSeconds: 15}\n",
    );
    expect(await merged.json()).toMatchObject({
      spec: { holderIdentity: "a", leaseDurationSeconds: 15 },
    });
  });

  it("dryRun=All validates and answers without storing", async () => {
    const response = await post(
      "/api/v1/namespaces/team-a/configmaps?dryRun=All",
      JSON.stringify({ metadata: { name: "dry" } }),
    );
    expect(response.status).toBe(201);
    expect(kube.get("ConfigMap", "team-a", "dry")).toBeUndefined();
  });
});

describe("bad input gets a Status naming the problem, never a crash", () => {
  it("answers 400 to a body that is not JSON, not an object, or of another kind", async () => {
    const path = "/apis/ververica.platform/v1/namespaces/team-a/vvpdeployments";
    for (const body of [
      "{not json",
      "[1,2]",
      JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
      JSON.stringify({ metadata: [] }),
    ]) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        kind: "Status",
        reason: "BadRequest",
        code: 400,
      });
    }
  });

  it("answers 422 to a missing or invalid name, and 400 to labels that are not strings", async () => {
    const missing = await post(
      "/api/v1/namespaces/team-a/configmaps",
      JSON.stringify({ metadata: {} }),
    );
    expect(await missing.json()).toMatchObject({
      code: 422,
      details: { causes: [{ field: "metadata.name" }] },
    });
    const invalid = await post(
      "/api/v1/namespaces/team-a/configmaps",
      JSON.stringify({ metadata: { name: "Not_Valid" } }),
    );
    expect(invalid.status).toBe(422);
    const labels = await post(
      "/api/v1/namespaces/team-a/configmaps",
      JSON.stringify({ metadata: { name: "l", labels: { a: 1 } } }),
    );
    expect(labels.status).toBe(400);
  });

  it("answers 400 when the body's name or namespace differs from the URL", async () => {
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("named"),
    });
    const current = (await api.custom.getNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      name: "named",
    })) as { metadata: object };
    const renamed = await failure(
      api.custom.replaceNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        name: "named",
        body: { ...current, metadata: { ...current.metadata, name: "other" } },
      }),
    );
    expect(renamed.code).toBe(400);
    const elsewhere = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        body: vvpDeployment("x", "default"),
      }),
    );
    expect(elsewhere.code).toBe(400);
  });

  it("answers 404 for unknown paths and 405 for unsupported methods", async () => {
    expect(
      (
        await httpsFetch(
          kube,
          "/apis/ververica.platform/v1/namespaces/team-a/vvpdeployments/x/scale",
        )
      ).status,
    ).toBe(404);
    expect((await httpsFetch(kube, "/api/v1/nothings")).status).toBe(404);
    expect(
      (await httpsFetch(kube, "/api/v1/namespaces/team-a/configmaps", { method: "PUT" })).status,
    ).toBe(405);
  });

  it("rejects bad options with an error naming the option", async () => {
    await expect(startFakeKubernetes({ compactionWindow: 0 })).rejects.toThrow(
      FakeKubernetesOptionError,
    );
    await expect(startFakeKubernetes({ namespaces: ["Bad Name"] })).rejects.toThrow(
      /namespaces\[0\]/,
    );
    await expect(startFakeKubernetes({ validate: { instanceId: "" } })).rejects.toThrow(
      /validate\.instanceId/,
    );
  });
});
