import { Watch } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { clientsFor, failure, postJson } from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;

beforeEach(async () => {
  kube = await startFakeKubernetes();
  api = clientsFor(kube);
});
afterEach(() => kube.close());

async function watchConfigMaps() {
  const events: string[] = [];
  let ended: { error: unknown } | undefined;
  const controller = await new Watch(api.config).watch(
    "/api/v1/namespaces/default/configmaps",
    {},
    (type, object: { metadata?: { name?: string } }) =>
      events.push(`${type} ${object.metadata?.name}`),
    (error) => {
      ended = { error };
    },
  );
  await kube.waitFor(() => kube.watches().length === 1);
  return {
    events,
    controller,
    get ended() {
      return ended;
    },
  };
}

const createConfigMap = (name: string) =>
  api.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name } } });

describe("fault injection", () => {
  it("failNext answers 429 with Retry-After (header and details), count times, only for matching requests", async () => {
    kube.faults.failNext({
      method: "POST",
      resource: "configmaps",
      status: 429,
      retryAfterSeconds: 7,
      count: 2,
    });
    await api.core.listNamespacedConfigMap({ namespace: "default" });
    const raw = await postJson(kube, "/api/v1/namespaces/default/configmaps", {
      metadata: { name: "a" },
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBe("7");
    expect(await raw.json()).toMatchObject({
      reason: "TooManyRequests",
      code: 429,
      details: { retryAfterSeconds: 7 },
    });
    const second = await failure(createConfigMap("a"));
    expect(second.code).toBe(429);
    await createConfigMap("a");
    expect(kube.requests({ method: "POST" }).map((r) => r.status)).toEqual([429, 429, 201]);
  });

  it("failNext answers 500 InternalError", async () => {
    kube.faults.failNext({ path: "/api/v1/namespaces/default/secrets", status: 500 });
    const result = await failure(api.core.listNamespacedSecret({ namespace: "default" }));
    expect(result.code).toBe(500);
    expect(result.status).toMatchObject({ kind: "Status", reason: "InternalError" });
    await api.core.listNamespacedSecret({ namespace: "default" });
  });

  it("slow(ms) delays matching answers only", async () => {
    // Wide margins: the machine may be loaded, a delay of 1 s is not.
    kube.faults.slow(1000, { resource: "secrets" });
    const started = performance.now();
    const other = performance.now();
    await api.core.listNamespacedConfigMap({ namespace: "default" });
    expect(performance.now() - other).toBeLessThan(1000);
    await api.core.listNamespacedSecret({ namespace: "default" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    kube.faults.slow(0);
    const fast = performance.now();
    await api.core.listNamespacedSecret({ namespace: "default" });
    expect(performance.now() - fast).toBeLessThan(1000);
  });

  it("dropWatches() cuts open watches; the client sees an error or an end", async () => {
    const w = await watchConfigMaps();
    expect(kube.faults.dropWatches()).toBe(1);
    await kube.waitFor(() => w.ended !== undefined);
    expect(kube.watches()).toEqual([]);
  });

  it("stallWatches() keeps the connection open but sends nothing more", async () => {
    const w = await watchConfigMaps();
    await createConfigMap("before");
    await kube.waitFor(() => w.events.length === 1);
    expect(kube.faults.stallWatches()).toBe(1);
    await createConfigMap("after");
    // A second watch proves the event was delivered where not stalled.
    const other = await new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      void new Watch(api.config).watch(
        "/api/v1/namespaces/default/configmaps",
        {},
        (type, object: { metadata?: { name?: string } }) => {
          seen.push(`${type} ${object.metadata?.name}`);
          if (seen.length === 2) resolve(seen);
        },
        () => undefined,
      );
    });
    expect(other).toEqual(["ADDED after", "ADDED before"]);
    expect(w.events).toEqual(["ADDED before"]);
    expect(w.ended).toBeUndefined();
    expect(kube.watches().filter((x) => x.stalled)).toHaveLength(1);
  });

  it("logs requests without headers and counts writes per resource", async () => {
    await createConfigMap("logged");
    await api.core.readNamespacedConfigMap({ namespace: "default", name: "logged" });
    await failure(api.core.readNamespacedConfigMap({ namespace: "default", name: "missing" }));
    const log = kube.requests({ resource: "configmaps" });
    expect(log.map((r) => [r.method, r.status, r.name ?? ""])).toEqual([
      ["POST", 201, ""],
      ["GET", 200, "logged"],
      ["GET", 404, "missing"],
    ]);
    expect(log[2]?.reason).toBe("NotFound");
    expect(log[0]?.userAgent).not.toBe("");
    expect(JSON.stringify(log)).not.toContain(kube.token);
    expect(kube.writes("configmaps")).toBe(1);
    expect(kube.writes("secrets")).toBe(0);
    kube.clearRequests();
    expect(kube.requests()).toEqual([]);
  });

  it("refuses requests without the bearer token (401)", async () => {
    const { request } = await import("node:https");
    const status = await new Promise<number>((resolve, reject) => {
      request(`${kube.url}/api/v1/namespaces`, { ca: kube.caCert }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(401);
  });
});
