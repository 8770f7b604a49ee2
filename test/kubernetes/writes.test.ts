import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import {
  createFinalizerWriter,
  mergePatchOf,
  writeStatus,
} from "../../src/kubernetes/cr-writes.js";
import { createEventRecorder } from "../../src/kubernetes/events.js";
import type { KubeApi, KubeObject } from "../../src/kubernetes/kube-api.js";
import { FINALIZER } from "../../src/models/index.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { crObject } from "./harness.js";

const NS = "my-deploy-namespace";
let kube: FakeKubernetes;
let api: KubeApi;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: [NS] });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  api = createClientNodeKubeApi(kubeConfig);
});
afterAll(() => kube.close());
beforeEach(() => kube.clearRequests());

function stored(name: string): KubeObject {
  return kube.get("vvpdeployments", NS, name) as KubeObject;
}

describe("lists", () => {
  it("come in pages of one snapshot, with its resourceVersion", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kube.kubeconfig);
    const paged = createClientNodeKubeApi(kubeConfig, { listPageSize: 2 });
    for (let index = 0; index < 5; index += 1) {
      kube.apply({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `paged-${index}`, namespace: NS, labels: { paged: "yes" } },
      });
    }
    const list = await paged.list("configmaps", NS, { labelSelector: "paged=yes" });
    expect(list.items.map((item) => item.metadata?.name)).toEqual([
      "paged-0",
      "paged-1",
      "paged-2",
      "paged-3",
      "paged-4",
    ]);
    expect(list.resourceVersion).toBe(kube.resourceVersion());
    const pages = kube.requests({ method: "GET", resource: "configmaps", watch: false });
    expect(pages.map((request) => request.query.limit)).toEqual(["2", "2", "2"]);
  });
});

describe("finalizer writes", () => {
  it("add ours with a metadata merge patch that keeps other finalizers and carries the resourceVersion", async () => {
    const cr = crObject("keep-others");
    (cr.metadata as { finalizers?: string[] }).finalizers = ["example.com/other"];
    kube.apply(cr);
    const writer = createFinalizerWriter(api, stored("keep-others"));
    await writer.add(FINALIZER);
    expect(stored("keep-others").metadata?.finalizers).toEqual(["example.com/other", FINALIZER]);
    const patches = kube.requests({ method: "PATCH", resource: "vvpdeployments" });
    expect(patches.map((request) => request.contentType)).toEqual(["application/merge-patch+json"]);
    expect(writer.current.metadata?.resourceVersion).toBe(
      stored("keep-others").metadata?.resourceVersion,
    );
  });

  it("on 409 re-reads and retries, never overwriting another writer's finalizer", async () => {
    kube.apply(crObject("conflict"));
    const stale = stored("conflict");
    // Another controller adds its finalizer after our read.
    kube.apply({ ...stale, metadata: { ...stale.metadata, finalizers: ["example.com/late"] } });
    const writer = createFinalizerWriter(api, stale);
    await writer.add(FINALIZER);
    expect(stored("conflict").metadata?.finalizers).toEqual(["example.com/late", FINALIZER]);
    const statuses = kube
      .requests({ method: "PATCH", resource: "vvpdeployments" })
      .map((request) => request.status);
    expect(statuses).toEqual([409, 200]);
    await writer.remove(FINALIZER);
    expect(stored("conflict").metadata?.finalizers).toEqual(["example.com/late"]);
    expect(writer.released).toBe(true);
  });
});

describe("status writes", () => {
  it("patch the status subresource as a merge patch with the resourceVersion, and skip when unchanged", async () => {
    kube.apply(crObject("status"));
    const cr = stored("status");
    expect(await writeStatus(api, cr, { deploymentId: "x" }, { deploymentId: "x" })).toBe(
      "unchanged",
    );
    expect(kube.requests({ method: "PATCH" })).toHaveLength(0);
    expect(await writeStatus(api, cr, {}, { deploymentId: "d-1" })).toBe("written");
    const [patch] = kube.requests({ method: "PATCH" });
    expect(patch?.subresource).toBe("status");
    expect(patch?.contentType).toBe("application/merge-patch+json");
    expect((stored("status").status as { deploymentId?: string }).deploymentId).toBe("d-1");
    // The spec is untouched by a status write.
    expect(stored("status").spec).toEqual(cr.spec);
  });

  it("report a stale resourceVersion as a conflict instead of overwriting", async () => {
    kube.apply(crObject("stale-status"));
    const stale = stored("stale-status");
    kube.apply({
      ...stale,
      metadata: { ...stale.metadata, labels: { ...stale.metadata?.labels, edited: "yes" } },
    });
    expect(await writeStatus(api, stale, {}, { deploymentId: "d-2" })).toBe("conflict");
    expect(stored("stale-status").status).toBeUndefined();
  });

  it("build minimal merge patches that remove dropped keys with null", () => {
    expect(
      mergePatchOf({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { a: 1, b: { c: 2 }, e: [2] }),
    ).toEqual({
      b: { d: null },
      e: [2],
    });
  });
});

describe("events", () => {
  it("record events.k8s.io/v1 Events and count a repeated one in its series, across restarts", async () => {
    kube.apply(crObject("evented"));
    const cr = stored("evented");
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    const recorder = createEventRecorder({ api, reportingInstance: "replica-1", now });
    const event = {
      type: "Normal",
      reason: "DeploymentCreated",
      action: "Reconcile",
      note: "created",
    } as const;
    await recorder.record(cr, event);
    await recorder.record(cr, event);
    await recorder.record(cr, event);
    await recorder.record(cr, { ...event, reason: "SpecUpdated", note: "patched" });
    const events = kube.objects("events.events.k8s.io") as unknown as Record<string, unknown>[];
    const created = events.find((entry) => entry.reason === "DeploymentCreated") as Record<
      string,
      unknown
    >;
    expect(events).toHaveLength(2);
    expect(created).toMatchObject({
      reportingController: "ververica.platform/vvp-operator",
      reportingInstance: "replica-1",
      action: "Reconcile",
      type: "Normal",
      note: "created",
      regarding: { kind: "VvpDeployment", name: "evented", uid: cr.metadata?.uid },
      series: { count: 3, lastObservedTime: "2026-01-01T00:00:03.000000Z" },
    });
    // A fresh recorder (an operator restart) continues the series.
    await createEventRecorder({ api, reportingInstance: "replica-2", now }).record(cr, event);
    const again = kube
      .objects("events.events.k8s.io")
      .find((entry) => (entry as Record<string, unknown>).reason === "DeploymentCreated");
    expect((again as { series?: { count: number } }).series?.count).toBe(4);
    expect(kube.objects("events.events.k8s.io")).toHaveLength(2);
  });

  it("never fail the caller when the Event cannot be written", async () => {
    kube.apply(crObject("event-fails"));
    kube.faults.failNext({ resource: "events", status: 500 });
    await expect(
      createEventRecorder({ api, reportingInstance: "r", now: () => new Date() }).record(
        stored("event-fails"),
        {
          type: "Warning",
          reason: "X",
          action: "Reconcile",
          note: "n",
        },
      ),
    ).resolves.toBeUndefined();
  });
});
