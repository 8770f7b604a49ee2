import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import {
  clientsFor,
  failure,
  httpsFetch,
  JSON_PATCH,
  MERGE_PATCH,
  VVP,
  vvpDeployment,
} from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["team-a"] });
  api = clientsFor(kube);
});
afterAll(() => kube.close());

type Obj = { metadata: Record<string, unknown>; spec?: Record<string, unknown>; status?: unknown };

describe("CRUD of VvpDeployments through client-node over HTTPS", () => {
  it("creates with uid, creationTimestamp, generation 1 and an opaque resourceVersion; drops status on create", async () => {
    const body = { ...vvpDeployment("crud-1"), status: { actualState: "RUNNING" } };
    const created = (await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body,
    })) as Obj;
    expect(created.metadata.uid).toEqual(expect.any(String));
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.generation).toBe(1);
    expect(typeof created.metadata.resourceVersion).toBe("string");
    expect(created.status).toBeUndefined();
    const got = (await api.custom.getNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      name: "crud-1",
    })) as Obj;
    expect(got).toEqual(created);
  });

  it("answers 409 AlreadyExists on a second create and 404 NotFound for a missing object", async () => {
    const again = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        body: vvpDeployment("crud-1"),
      }),
    );
    expect(again.code).toBe(409);
    expect(again.status).toMatchObject({ kind: "Status", reason: "AlreadyExists", code: 409 });
    const missing = await failure(
      api.custom.getNamespacedCustomObject({ ...VVP, namespace: "team-a", name: "nope" }),
    );
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({
      reason: "NotFound",
      message: 'vvpdeployments.ververica.platform "nope" not found',
      details: { name: "nope", group: "ververica.platform", kind: "vvpdeployments" },
    });
  });

  it("answers 404 for a create in a namespace that does not exist", async () => {
    const result = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "ghost",
        body: vvpDeployment("x", "ghost"),
      }),
    );
    expect(result.code).toBe(404);
    expect(result.status.message).toBe('namespaces "ghost" not found');
  });

  it("PUT with a stale resourceVersion is 409 Conflict; without one 422 for custom resources", async () => {
    const current = (await api.custom.getNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      name: "crud-1",
    })) as Obj;
    const updated = structuredClone(current);
    (updated.spec as Record<string, unknown>).syncingMode = "PATCH";
    updated.metadata.labels = { ...(updated.metadata.labels as object), extra: "1" };
    const first = (await api.custom.replaceNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      name: "crud-1",
      body: updated,
    })) as Obj;
    expect(first.metadata.resourceVersion).not.toBe(current.metadata.resourceVersion);
    const stale = await failure(
      api.custom.replaceNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        name: "crud-1",
        body: updated,
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({ reason: "Conflict", code: 409 });
    expect(String(stale.status.message)).toContain("the object has been modified");
    const { resourceVersion: _rv, ...withoutRv } = first.metadata;
    const unconditional = await failure(
      api.custom.replaceNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        name: "crud-1",
        body: { ...first, metadata: withoutRv },
      }),
    );
    expect(unconditional.code).toBe(422);
    expect(unconditional.status).toMatchObject({
      reason: "Invalid",
      details: { causes: [{ field: "metadata.resourceVersion" }] },
    });
  });

  it("bumps generation on spec changes only, not on metadata or status changes", async () => {
    const name = "gen-1";
    const created = (await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment(name),
    })) as Obj;
    const labelled = (await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name, body: { metadata: { labels: { a: "b" } } } },
      MERGE_PATCH,
    )) as Obj;
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const withStatus = (await api.custom.patchNamespacedCustomObjectStatus(
      { ...VVP, namespace: "team-a", name, body: { status: { actualState: "RUNNING" } } },
      MERGE_PATCH,
    )) as Obj;
    expect(withStatus.metadata.generation).toBe(1);
    expect(withStatus.status).toEqual({ actualState: "RUNNING" });
    const specChanged = (await api.custom.patchNamespacedCustomObject(
      {
        ...VVP,
        namespace: "team-a",
        name,
        body: { spec: { deployment: { spec: { state: "RUNNING" } } } },
      },
      MERGE_PATCH,
    )) as Obj;
    expect(specChanged.metadata.generation).toBe(2);
  });

  it("keeps the status subresource separate both ways", async () => {
    const name = "status-1";
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment(name),
    });
    await api.custom.patchNamespacedCustomObjectStatus(
      { ...VVP, namespace: "team-a", name, body: { status: { actualState: "RUNNING" } } },
      MERGE_PATCH,
    );
    // A main-resource write ignores status...
    const main = (await api.custom.patchNamespacedCustomObject(
      {
        ...VVP,
        namespace: "team-a",
        name,
        body: { status: { actualState: "FAILED" }, metadata: { labels: { x: "y" } } },
      },
      MERGE_PATCH,
    )) as Obj;
    expect(main.status).toEqual({ actualState: "RUNNING" });
    expect((main.metadata.labels as Record<string, string>).x).toBe("y");
    // ...and a status write ignores everything else.
    const status = (await api.custom.patchNamespacedCustomObjectStatus(
      {
        ...VVP,
        namespace: "team-a",
        name,
        body: {
          spec: { syncingMode: "PUT" },
          metadata: { labels: { z: "1" } },
          status: { actualState: "CANCELLED" },
        },
      },
      MERGE_PATCH,
    )) as Obj;
    expect(status.status).toEqual({ actualState: "CANCELLED" });
    expect((status.spec as Record<string, unknown>).syncingMode).toBe("PATCH");
    expect((status.metadata.labels as Record<string, string>).z).toBeUndefined();
    expect(status.metadata.generation).toBe(1);
  });

  it("takes resourceVersion in a merge patch as a precondition (409 when stale)", async () => {
    const name = "mp-rv";
    const created = (await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment(name),
    })) as Obj;
    const rv = created.metadata.resourceVersion as string;
    await api.custom.patchNamespacedCustomObjectStatus(
      {
        ...VVP,
        namespace: "team-a",
        name,
        body: { metadata: { resourceVersion: rv }, status: { actualState: "RUNNING" } },
      },
      MERGE_PATCH,
    );
    const stale = await failure(
      api.custom.patchNamespacedCustomObjectStatus(
        {
          ...VVP,
          namespace: "team-a",
          name,
          body: { metadata: { resourceVersion: rv }, status: { actualState: "FAILED" } },
        },
        MERGE_PATCH,
      ),
    );
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe("Conflict");
  });

  it("applies JSON patches with test, and rejects a merge body sent as JSON patch", async () => {
    const name = "jp-1";
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment(name),
    });
    const patched = (await api.custom.patchNamespacedCustomObject(
      {
        ...VVP,
        namespace: "team-a",
        name,
        body: [
          { op: "test", path: "/spec/syncingMode", value: "PATCH" },
          { op: "add", path: "/metadata/finalizers", value: ["a/b"] },
        ],
      },
      JSON_PATCH,
    )) as Obj;
    expect(patched.metadata.finalizers).toEqual(["a/b"]);
    const failedTest = await failure(
      api.custom.patchNamespacedCustomObject(
        {
          ...VVP,
          namespace: "team-a",
          name,
          body: [{ op: "test", path: "/spec/syncingMode", value: "PUT" }],
        },
        JSON_PATCH,
      ),
    );
    expect(failedTest.code).toBe(422);
    // client-node's default content type is JSON patch: an object body is refused, never merged.
    const objectBody = await failure(
      api.custom.patchNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        name,
        body: { metadata: { labels: { q: "1" } } },
      }),
    );
    expect(objectBody.code).toBe(400);
    const unchanged = (await api.custom.getNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      name,
    })) as Obj;
    expect(unchanged.metadata.labels).not.toHaveProperty("q");
  });

  it("answers 415 to a strategic merge patch of a custom resource, accepts it for a ConfigMap", async () => {
    const name = "smp-1";
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment(name),
    });
    const response = await fetchFake(
      `/apis/ververica.platform/v1/namespaces/team-a/vvpdeployments/${name}`,
      {
        method: "PATCH",
        headers: { "Content-Type": "application/strategic-merge-patch+json" },
        body: JSON.stringify({ metadata: { labels: { a: "b" } } }),
      },
    );
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ reason: "UnsupportedMediaType", code: 415 });
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "cm-1" }, data: { a: "1" } },
    });
    const cm = await fetchFake("/api/v1/namespaces/team-a/configmaps/cm-1", {
      method: "PATCH",
      headers: { "Content-Type": "application/strategic-merge-patch+json" },
      body: JSON.stringify({ data: { b: "2" } }),
    });
    expect(cm.status).toBe(200);
    expect(((await cm.json()) as { data: unknown }).data).toEqual({ a: "1", b: "2" });
  });

  it("lists with label selectors (equality and set-based) and a field selector", async () => {
    const labels: Record<string, Record<string, string>> = {
      "sel-a": { tier: "web", env: "prod" },
      "sel-b": { tier: "db", env: "prod" },
      "sel-c": { tier: "web" },
    };
    for (const [name, l] of Object.entries(labels)) {
      const body = vvpDeployment(name);
      body.metadata.labels = { ...(body.metadata.labels as object), ...l };
      await api.custom.createNamespacedCustomObject({ ...VVP, namespace: "team-a", body });
    }
    const names = async (labelSelector?: string, fieldSelector?: string) => {
      const list = (await api.custom.listNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        ...(labelSelector === undefined ? {} : { labelSelector }),
        ...(fieldSelector === undefined ? {} : { fieldSelector }),
      })) as { items: Obj[]; metadata: { resourceVersion: string }; kind: string };
      expect(list.kind).toBe("VvpDeploymentList");
      expect(list.metadata.resourceVersion).toEqual(expect.any(String));
      return list.items.map((i) => i.metadata.name).filter((n) => String(n).startsWith("sel-"));
    };
    expect(await names("tier=web")).toEqual(["sel-a", "sel-c"]);
    expect(await names("tier!=web")).toEqual(["sel-b"]);
    expect(await names("tier in (db,web),env")).toEqual(["sel-a", "sel-b"]);
    expect(await names("!env")).toEqual(["sel-c"]);
    expect(await names("env notin (prod)")).toEqual(["sel-c"]);
    expect(await names(undefined, "metadata.name=sel-b")).toEqual(["sel-b"]);
    const bad = await failure(
      api.custom.listNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        labelSelector: "a in (x",
      }),
    );
    expect(bad.code).toBe(400);
    const badField = await failure(
      api.custom.listNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        fieldSelector: "spec.x=1",
      }),
    );
    expect(badField.code).toBe(400);
  });

  it("lets exactly one of many concurrent writers with the same resourceVersion win", async () => {
    const lease = await api.coordination.createNamespacedLease({
      namespace: "team-a",
      body: { metadata: { name: "race" }, spec: { holderIdentity: "nobody" } },
    });
    const contenders = Array.from({ length: 12 }, (_, i) =>
      api.coordination
        .replaceNamespacedLease({
          namespace: "team-a",
          name: "race",
          body: { ...lease, spec: { holderIdentity: `replica-${i}` } },
        })
        .then(
          () => "won",
          (error: { code?: number }) => error.code,
        ),
    );
    const results = await Promise.all(contenders);
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    expect(results.filter((r) => r === 409)).toHaveLength(11);
  });

  it("pages a list with limit and continue", async () => {
    for (const n of ["page-1", "page-2", "page-3"]) {
      await api.core.createNamespacedConfigMap({
        namespace: "team-a",
        body: { metadata: { name: n, labels: { page: "y" } } },
      });
    }
    const first = await api.core.listNamespacedConfigMap({
      namespace: "team-a",
      labelSelector: "page",
      limit: 2,
    });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(["page-1", "page-2"]);
    // With a selector the count would be a guess: kube-apiserver leaves it out.
    expect(first.metadata?.remainingItemCount).toBeUndefined();
    const unselected = await api.core.listNamespacedConfigMap({ namespace: "team-a", limit: 2 });
    expect(unselected.metadata?.remainingItemCount).toBeGreaterThan(0);
    const rest = await api.core.listNamespacedConfigMap({
      namespace: "team-a",
      labelSelector: "page",
      limit: 2,
      _continue: first.metadata?._continue ?? "",
    });
    expect(rest.items.map((i) => i.metadata?.name)).toEqual(["page-3"]);
    expect(rest.metadata?._continue).toBeUndefined();
  });

  function fetchFake(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<Response> {
    return httpsFetch(kube, path, init);
  }
});
