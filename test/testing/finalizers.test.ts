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
const at = new Date("2026-01-02T03:04:05.678Z");

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["team-a"], now: () => at });
  api = clientsFor(kube);
});
afterAll(() => kube.close());

type Obj = { metadata: Record<string, unknown> };

async function withFinalizers(name: string, finalizers: string[]): Promise<Obj> {
  const body = vvpDeployment(name);
  body.metadata.finalizers = finalizers;
  return (await api.custom.createNamespacedCustomObject({
    ...VVP,
    namespace: "team-a",
    body,
  })) as Obj;
}

const get = (name: string) =>
  api.custom.getNamespacedCustomObject({ ...VVP, namespace: "team-a", name }) as Promise<Obj>;

describe("finalizers and deletionTimestamp", () => {
  it("a DELETE with finalizers only marks the object: deletionTimestamp, grace 0, generation bumped", async () => {
    const created = await withFinalizers("f-1", ["ververica.platform/finalizer"]);
    await api.custom.deleteNamespacedCustomObject({ ...VVP, namespace: "team-a", name: "f-1" });
    const marked = await get("f-1");
    expect(marked.metadata.deletionTimestamp).toBe("2026-01-02T03:04:05Z");
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(marked.metadata.generation).toBe(2);
    expect(marked.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    // A second DELETE changes nothing.
    await api.custom.deleteNamespacedCustomObject({ ...VVP, namespace: "team-a", name: "f-1" });
    expect((await get("f-1")).metadata.resourceVersion).toBe(marked.metadata.resourceVersion);
  });

  it("forbids adding a finalizer once deleting (422), allows removing one; removing the last deletes", async () => {
    await withFinalizers("f-2", ["a.io/one", "b.io/two"]);
    await api.custom.deleteNamespacedCustomObject({ ...VVP, namespace: "team-a", name: "f-2" });
    const added = await failure(
      api.custom.patchNamespacedCustomObject(
        {
          ...VVP,
          namespace: "team-a",
          name: "f-2",
          body: { metadata: { finalizers: ["a.io/one", "b.io/two", "c.io/three"] } },
        },
        MERGE_PATCH,
      ),
    );
    expect(added.code).toBe(422);
    expect(added.status).toMatchObject({
      reason: "Invalid",
      details: { causes: [{ field: "metadata.finalizers" }] },
    });
    expect(String(added.status.message)).toContain(
      "no new finalizers can be added if the object is being deleted",
    );
    const current = await get("f-2");
    await api.custom.patchNamespacedCustomObject(
      {
        ...VVP,
        namespace: "team-a",
        name: "f-2",
        body: [
          {
            op: "test",
            path: "/metadata/resourceVersion",
            value: current.metadata.resourceVersion,
          },
          { op: "remove", path: "/metadata/finalizers/0" },
        ],
      },
      JSON_PATCH,
    );
    expect((await get("f-2")).metadata.finalizers).toEqual(["b.io/two"]);
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name: "f-2", body: { metadata: { finalizers: null } } },
      MERGE_PATCH,
    );
    expect((await failure(get("f-2"))).code).toBe(404);
  });

  it("ignores client changes to deletionTimestamp", async () => {
    await withFinalizers("f-3", ["x.io/y"]);
    const patched = (await api.custom.patchNamespacedCustomObject(
      {
        ...VVP,
        namespace: "team-a",
        name: "f-3",
        body: { metadata: { deletionTimestamp: "2020-01-01T00:00:00Z" } },
      },
      MERGE_PATCH,
    )) as Obj;
    expect(patched.metadata.deletionTimestamp).toBeUndefined();
  });

  it("honours DELETE preconditions with 409", async () => {
    const created = await withFinalizers("f-4", []);
    const stale = await failure(
      api.custom.deleteNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        name: "f-4",
        body: { preconditions: { resourceVersion: "1" } },
      }),
    );
    expect(stale.code).toBe(409);
    await api.custom.deleteNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      name: "f-4",
      body: { preconditions: { uid: created.metadata.uid as string } },
    });
    expect((await failure(get("f-4"))).code).toBe(404);
  });

  it("deletes a namespace's content, holding it Terminating until finalized objects go", async () => {
    await api.core.createNamespace({ body: { metadata: { name: "doomed" } } });
    await api.core.createNamespacedConfigMap({
      namespace: "doomed",
      body: { metadata: { name: "plain" } },
    });
    const body = vvpDeployment("held", "doomed");
    body.metadata.finalizers = ["x.io/hold"];
    await api.custom.createNamespacedCustomObject({ ...VVP, namespace: "doomed", body });
    await api.core.deleteNamespace({ name: "doomed" });
    const ns = await api.core.readNamespace({ name: "doomed" });
    expect(ns.status?.phase).toBe("Terminating");
    expect(
      (await failure(api.core.readNamespacedConfigMap({ namespace: "doomed", name: "plain" })))
        .code,
    ).toBe(404);
    const refused = await failure(
      api.core.createNamespacedConfigMap({
        namespace: "doomed",
        body: { metadata: { name: "late" } },
      }),
    );
    expect(refused.code).toBe(403);
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "doomed", name: "held", body: { metadata: { finalizers: null } } },
      MERGE_PATCH,
    );
    expect((await failure(api.core.readNamespace({ name: "doomed" }))).code).toBe(404);
  });

  it("answers a finished DELETE with a Success Status, of a custom resource as of a built-in", async () => {
    await withFinalizers("f-5", []);
    const cr = await httpsFetch(
      kube,
      "/apis/ververica.platform/v1/namespaces/team-a/vvpdeployments/f-5",
      { method: "DELETE" },
    );
    expect(await cr.json()).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "f-5", group: "ververica.platform", kind: "vvpdeployments" },
    });
    await api.core.createNamespacedSecret({
      namespace: "team-a",
      body: { metadata: { name: "s" } },
    });
    const secret = await httpsFetch(kube, "/api/v1/namespaces/team-a/secrets/s", {
      method: "DELETE",
    });
    expect(await secret.json()).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "s" },
    });
  });
});
