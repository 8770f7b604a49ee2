import { afterEach, describe, expect, it } from "vitest";
import { createInformer, type Informer } from "../../src/kubernetes/informer.js";
import {
  type KubeApi,
  KubeApiError,
  type KubeObject,
  type KubeWatchHandlers,
  type KubeWatchOptions,
} from "../../src/kubernetes/kube-api.js";

/** A KubeApi stub whose list and watch the test drives by hand. */
function stubApi(listVersions: string[]) {
  const lists: string[] = [];
  const watches: { options: KubeWatchOptions; handlers: KubeWatchHandlers; aborted: boolean }[] =
    [];
  let listed = 0;
  const items: KubeObject[] = [];
  const api = {
    async list() {
      const resourceVersion = listVersions[Math.min(listed, listVersions.length - 1)] ?? "1";
      listed += 1;
      lists.push(resourceVersion);
      return { items: structuredClone(items), resourceVersion };
    },
    watch(
      _resource: string,
      _namespace: string,
      options: KubeWatchOptions,
      handlers: KubeWatchHandlers,
    ) {
      const entry = { options, handlers, aborted: false };
      watches.push(entry);
      return {
        abort() {
          entry.aborted = true;
        },
      };
    },
  } as unknown as KubeApi;
  return { api, lists, watches, items, last: () => watches[watches.length - 1] };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const object = (name: string, resourceVersion: string): KubeObject => ({
  metadata: { name, namespace: "ns", resourceVersion },
});

let informer: Informer | undefined;
afterEach(() => informer?.stop());

function start(api: KubeApi, idleTimeoutMs = 10_000) {
  const changes: string[] = [];
  informer = createInformer({
    api,
    resource: "vvpdeployments",
    namespaces: ["ns"],
    labelSelector: "ververica.platform/owner=me",
    timing: {
      timeoutSeconds: { min: 300, max: 600 },
      idleTimeoutMs,
      backoff: { baseMs: 1, maxMs: 4 },
    },
    random: () => 0.5,
    onChange: (change, changed) => changes.push(`${change} ${changed.metadata?.name}`),
  });
  informer.start();
  return changes;
}

describe("the list+watch loop", () => {
  it("lists, then watches from the list's resourceVersion with bookmarks, a randomized timeout and the selector", async () => {
    const stub = stubApi(["10"]);
    stub.items.push(object("a", "9"));
    const changes = start(stub.api);
    await informer?.synced;
    await until(() => stub.watches.length === 1);
    expect(stub.last()?.options).toEqual({
      resourceVersion: "10",
      labelSelector: "ververica.platform/owner=me",
      timeoutSeconds: 450,
      allowWatchBookmarks: true,
    });
    expect(changes).toEqual(["added a"]);
    expect(informer?.hasSynced()).toBe(true);
  });

  it("follows bookmarks: the next watch resumes from the bookmark, with no relist", async () => {
    const stub = stubApi(["10"]);
    start(stub.api);
    await until(() => stub.watches.length === 1);
    stub.last()?.handlers.onEvent({ type: "ADDED", object: object("a", "11") });
    stub
      .last()
      ?.handlers.onEvent({ type: "BOOKMARK", object: { metadata: { resourceVersion: "57" } } });
    stub.last()?.handlers.onClose();
    await until(() => stub.watches.length === 2);
    expect(stub.last()?.options.resourceVersion).toBe("57");
    expect(stub.lists).toEqual(["10"]);
    expect(informer?.get("ns", "a")?.metadata?.resourceVersion).toBe("11");
  });

  it("relists on 410 Gone answered as an HTTP status", async () => {
    const stub = stubApi(["10", "80"]);
    start(stub.api);
    await until(() => stub.watches.length === 1);
    stub.last()?.handlers.onClose(new KubeApiError(410, "Expired", "too old resource version"));
    await until(() => stub.watches.length === 2);
    expect(stub.lists).toEqual(["10", "80"]);
    expect(stub.last()?.options.resourceVersion).toBe("80");
  });

  it("relists on an in-stream ERROR event with code 410, and drops objects gone meanwhile", async () => {
    const stub = stubApi(["10", "80"]);
    const changes = start(stub.api);
    await until(() => stub.watches.length === 1);
    stub.last()?.handlers.onEvent({ type: "ADDED", object: object("a", "11") });
    stub.last()?.handlers.onEvent({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired", message: "too old" } as KubeObject,
    });
    await until(() => stub.watches.length === 2);
    expect(stub.watches[0]?.aborted).toBe(true);
    expect(stub.lists).toEqual(["10", "80"]);
    expect(changes).toEqual(["added a", "deleted a"]);
  });

  it("restarts a dropped watch from its last resourceVersion after a backoff, without relisting", async () => {
    const stub = stubApi(["10"]);
    start(stub.api);
    await until(() => stub.watches.length === 1);
    stub.last()?.handlers.onEvent({ type: "MODIFIED", object: object("a", "12") });
    stub.last()?.handlers.onClose(new Error("socket hang up"));
    await until(() => stub.watches.length === 2);
    expect(stub.last()?.options.resourceVersion).toBe("12");
    expect(stub.lists).toEqual(["10"]);
    expect(informer?.stats.restarts).toBe(1);
  });

  it("backs off exponentially while the watch keeps failing (no storm)", async () => {
    const stub = stubApi(["10"]);
    start(stub.api);
    const started = Date.now();
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      await until(() => stub.watches.length === attempt);
      stub.last()?.handlers.onClose(new KubeApiError(500, "Unknown", "boom"));
    }
    // 1, 2, 4, 4, 4 ms jittered to at least half: ≥ 7.5 ms in all; a hot loop takes ~0.
    await until(() => informer?.stats.restarts === 6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(7);
  });

  it("aborts a silent (stalled or half-open) watch after the idle timeout and restarts it", async () => {
    const stub = stubApi(["10"]);
    start(stub.api, 30);
    await until(() => stub.watches.length === 1);
    await until(() => stub.watches.length === 2, 2000);
    expect(stub.watches[0]?.aborted).toBe(true);
    expect(stub.last()?.options.resourceVersion).toBe("10");
  });

  it("keeps an active watch alive: every event or bookmark restarts the idle timer", async () => {
    // A bookmark every ~30 ms for two idle timeouts (300 ms): the watch lives on.
    // On a loaded machine a 30 ms timer may fire far too late; a gap that
    // reached the idle timeout may rightly restart the watch, so only a run
    // whose gaps all stayed well below it counts (it is retried otherwise).
    const idleTimeoutMs = 300;
    let checked = false;
    for (let run = 0; run < 5 && !checked; run += 1) {
      informer?.stop();
      const stub = stubApi(["10"]);
      start(stub.api, idleTimeoutMs);
      await until(() => stub.watches.length === 1);
      let last = performance.now();
      const began = last;
      let widestGap = 0;
      for (let tick = 0; performance.now() - began < 2 * idleTimeoutMs; tick += 1) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        const now = performance.now();
        widestGap = Math.max(widestGap, now - last);
        last = now;
        stub.last()?.handlers.onEvent({
          type: "BOOKMARK",
          object: { metadata: { resourceVersion: `${20 + tick}` } },
        });
      }
      if (widestGap < idleTimeoutMs / 2) {
        expect(stub.watches).toHaveLength(1);
        checked = true;
      }
    }
    expect(checked).toBe(true);
  });
});

describe("transform", () => {
  it("keeps the transformed object in the cache and hands it to onChange, for listed and watched objects alike", async () => {
    const stub = stubApi(["10"]);
    stub.items.push({ ...object("a", "9"), spec: { big: "x".repeat(100) } });
    const seen: KubeObject[] = [];
    informer = createInformer({
      api: stub.api,
      resource: "vvpdeployments",
      namespaces: ["ns"],
      timing: { backoff: { baseMs: 1, maxMs: 4 } },
      random: () => 0.5,
      transform: (received) => ({ metadata: received.metadata, spec: { slim: true } }),
      onChange: (_change, changed) => seen.push(changed),
    });
    informer.start();
    await informer.synced;
    expect(informer.get("ns", "a")).toEqual({ ...object("a", "9"), spec: { slim: true } });
    await until(() => stub.watches.length === 1);
    stub.last()?.handlers.onEvent({
      type: "MODIFIED",
      object: { ...object("a", "11"), spec: { big: "y" } },
    });
    stub.last()?.handlers.onEvent({ type: "DELETED", object: { ...object("b", "12") } });
    expect(informer.get("ns", "a")).toEqual({ ...object("a", "11"), spec: { slim: true } });
    expect(seen.map((changed) => changed.spec)).toEqual([
      { slim: true },
      { slim: true },
      { slim: true },
    ]);
  });
});
