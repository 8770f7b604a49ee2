import { Watch } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { clientsFor, httpsFetch, MERGE_PATCH, VVP, vvpDeployment } from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;

beforeEach(async () => {
  kube = await startFakeKubernetes({
    namespaces: ["team-a"],
    compactionWindow: 50,
    bookmarkIntervalMs: 20,
  });
  api = clientsFor(kube);
});
afterEach(() => kube.close());

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  object: Record<string, unknown>;
}

/** A client-node watch that records events and how it ended. */
async function watchVvp(
  query: Record<string, string | number | boolean> = {},
  path = "/apis/ververica.platform/v1/namespaces/team-a/vvpdeployments",
) {
  const events: Seen[] = [];
  let ended: { error: unknown } | undefined;
  const watcher = new Watch(api.config);
  const controller = await watcher.watch(
    path,
    query,
    (type, object: { metadata?: { name?: string; resourceVersion?: string } }) => {
      events.push({
        type,
        name: object.metadata?.name,
        rv: object.metadata?.resourceVersion,
        object: object as Record<string, unknown>,
      });
    },
    (error) => {
      ended = { error };
    },
  );
  return {
    events,
    controller,
    get ended() {
      return ended;
    },
  };
}

const until = (condition: () => boolean) => kube.waitFor(condition, 3000);
const pause = () => until(() => true);

describe("watch", () => {
  it("streams ADDED, MODIFIED and DELETED after the initial state", async () => {
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("w-old"),
    });
    const w = await watchVvp();
    await until(() => w.events.length === 1);
    expect(w.events[0]).toMatchObject({ type: "ADDED", name: "w-old" });
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("w-new"),
    });
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name: "w-new", body: { metadata: { labels: { a: "1" } } } },
      MERGE_PATCH,
    );
    await api.custom.deleteNamespacedCustomObject({ ...VVP, namespace: "team-a", name: "w-new" });
    await until(() => w.events.length === 4);
    expect(w.events.slice(1).map((e) => `${e.type} ${e.name}`)).toEqual([
      "ADDED w-new",
      "MODIFIED w-new",
      "DELETED w-new",
    ]);
    expect(w.events[3]?.object).toMatchObject({
      apiVersion: "ververica.platform/v1",
      kind: "VvpDeployment",
    });
    w.controller.abort();
  });

  it("resumes from a resourceVersion with exactly the missed events", async () => {
    const created = (await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("r-1"),
    })) as { metadata: { resourceVersion: string } };
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name: "r-1", body: { metadata: { labels: { b: "2" } } } },
      MERGE_PATCH,
    );
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "other-kind" } },
    });
    const w = await watchVvp({ resourceVersion: created.metadata.resourceVersion });
    await until(() => w.events.length === 1);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(["MODIFIED r-1"]);
    w.controller.abort();
  });

  it("reports objects entering and leaving a label selector as ADDED and DELETED", async () => {
    const w = await watchVvp({ labelSelector: "pick=yes" });
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("s-1"),
    });
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name: "s-1", body: { metadata: { labels: { pick: "yes" } } } },
      MERGE_PATCH,
    );
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name: "s-1", body: { metadata: { labels: { pick: "no" } } } },
      MERGE_PATCH,
    );
    await until(() => w.events.length === 2);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(["ADDED s-1", "DELETED s-1"]);
    w.controller.abort();
  });

  it("sends BOOKMARKs with the current resourceVersion when allowed, and one before timeoutSeconds closes the stream", async () => {
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "moves-rv" } },
    });
    const w = await watchVvp({
      allowWatchBookmarks: true,
      timeoutSeconds: 0.2,
      resourceVersion: kube.resourceVersion(),
    });
    await until(() => w.events.some((e) => e.type === "BOOKMARK"));
    const bookmark = w.events.find((e) => e.type === "BOOKMARK");
    expect(bookmark?.rv).toBe(kube.resourceVersion());
    expect(bookmark?.object).toMatchObject({
      kind: "VvpDeployment",
      apiVersion: "ververica.platform/v1",
    });
    await until(() => w.ended !== undefined);
    expect(w.ended?.error).toBeNull();
    expect(w.events.at(-1)?.type).toBe("BOOKMARK");
  });

  it("sends a BOOKMARK when timeoutSeconds ends the stream, even between periodic ones", async () => {
    await kube.close();
    kube = await startFakeKubernetes({ namespaces: ["team-a"], bookmarkIntervalMs: 60_000 });
    api = clientsFor(kube);
    const w = await watchVvp({ allowWatchBookmarks: true, timeoutSeconds: 0.1 });
    await until(() => w.ended !== undefined);
    expect(w.events.map((e) => e.type)).toEqual(["BOOKMARK"]);
  });

  it("sends no BOOKMARK unless asked", async () => {
    const w = await watchVvp({ timeoutSeconds: 0.1 });
    await until(() => w.ended !== undefined);
    expect(w.events).toEqual([]);
  });

  it("answers a watch from a compacted resourceVersion with 200 and an in-stream ERROR 410 (the watch cache's form, the default)", async () => {
    const created = (await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("c-1"),
    })) as { metadata: { resourceVersion: string } };
    await api.custom.patchNamespacedCustomObject(
      { ...VVP, namespace: "team-a", name: "c-1", body: { metadata: { labels: { c: "1" } } } },
      MERGE_PATCH,
    );
    kube.compact();
    const response = await httpsFetch(
      kube,
      `/apis/ververica.platform/v1/namespaces/team-a/vvpdeployments?watch=true&resourceVersion=${created.metadata.resourceVersion}`,
    );
    await expectExpiredInStream(response);
  });

  it("expires old resourceVersions once the compaction window passes", async () => {
    const start = kube.resourceVersion();
    for (let i = 0; i < 60; i++) {
      await api.core.createNamespacedConfigMap({
        namespace: "team-a",
        body: { metadata: { name: `fill-${i}` } },
      });
    }
    const old = await httpsFetch(
      kube,
      `/api/v1/namespaces/team-a/configmaps?watch=1&resourceVersion=${start}`,
    );
    await expectExpiredInStream(old);
  });

  it("sends an in-stream ERROR 410 to open watches on compact()", async () => {
    const w = await watchVvp({ resourceVersion: kube.resourceVersion() });
    await until(() => kube.watches().length === 1);
    kube.compact();
    await until(() => w.ended !== undefined);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]?.type).toBe("ERROR");
    expect(w.events[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });

  it("can answer an expired start with HTTP 410 instead (expiredWatchStart: status)", async () => {
    await kube.close();
    kube = await startFakeKubernetes({ expiredWatchStart: "status" });
    api = clientsFor(kube);
    await api.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "x" } },
    });
    kube.compact();
    const response = await httpsFetch(
      kube,
      "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1",
    );
    expect(response.status).toBe(410);
    expect(await response.json()).toMatchObject({ kind: "Status", reason: "Expired", code: 410 });
  });

  it("supports a watch of one object by fieldSelector and the legacy /watch/ path", async () => {
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "one" } },
    });
    await api.core.createNamespacedConfigMap({
      namespace: "team-a",
      body: { metadata: { name: "two" } },
    });
    const byField = await watchVvp(
      { fieldSelector: "metadata.name=two" },
      "/api/v1/namespaces/team-a/configmaps",
    );
    const legacy = await watchVvp({}, "/api/v1/watch/namespaces/team-a/configmaps/one");
    await until(() => byField.events.length === 1 && legacy.events.length === 1);
    expect(byField.events[0]?.name).toBe("two");
    expect(legacy.events[0]?.name).toBe("one");
    await pause();
    byField.controller.abort();
    legacy.controller.abort();
  });
});

describe("scrambled resourceVersions (option)", () => {
  it("are not numbers and not ordered, yet watches resume, lists read at them and compaction expires them", async () => {
    await kube.close();
    kube = await startFakeKubernetes({ namespaces: ["team-a"], scrambleResourceVersions: true });
    api = clientsFor(kube);
    const versions: string[] = [];
    for (const name of ["a", "b", "c", "d"]) {
      const created = await api.core.createNamespacedConfigMap({
        namespace: "team-a",
        body: { metadata: { name } },
      });
      versions.push(created.metadata?.resourceVersion ?? "");
    }
    for (const rv of versions) expect(Number.isNaN(Number(rv))).toBe(true);
    expect([...versions].sort()).not.toEqual(versions);
    const w = await watchVvp(
      { resourceVersion: versions[1] ?? "" },
      "/api/v1/namespaces/team-a/configmaps",
    );
    await until(() => w.events.length === 2);
    expect(w.events.map((e) => e.name)).toEqual(["c", "d"]);
    expect(w.events.map((e) => e.rv)).toEqual(versions.slice(2));
    const past = await api.core.listNamespacedConfigMap({
      namespace: "team-a",
      resourceVersion: versions[1] ?? "",
      resourceVersionMatch: "Exact",
    });
    expect(past.items.map((i) => i.metadata?.name)).toEqual(["a", "b"]);
    w.controller.abort();
    kube.compact();
    const gone = await httpsFetch(
      kube,
      `/api/v1/namespaces/team-a/configmaps?watch=1&resourceVersion=${versions[0]}`,
    );
    await expectExpiredInStream(gone);
    const bad = await httpsFetch(
      kube,
      "/api/v1/namespaces/team-a/configmaps?watch=1&resourceVersion=12",
    );
    expect(bad.status).toBe(400);
  });
});

// A watch start from a compacted resourceVersion, as the watch cache answers it.
async function expectExpiredInStream(response: Response): Promise<void> {
  expect(response.status).toBe(200);
  const [line] = (await response.text()).trim().split("\n");
  expect(JSON.parse(line ?? "")).toMatchObject({
    type: "ERROR",
    object: { kind: "Status", reason: "Expired", code: 410 },
  });
}
