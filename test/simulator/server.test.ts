import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type SimulatedDeployment,
  startVvpSimulator,
  type VvpSimulator,
} from "../../src/simulator/index.js";
import { call, createExample, deploymentPath, deploymentsPath, exampleBody } from "./support.js";

const started: VvpSimulator[] = [];
async function start(options: Parameters<typeof startVvpSimulator>[0] = {}) {
  const simulator = await startVvpSimulator(options);
  started.push(simulator);
  return simulator;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((simulator) => simulator.close()));
});

const DEPLOYMENT_ROUTE = "/api/v1/namespaces/:namespace/deployments/:deploymentId";

describe("HTTP surface", () => {
  it("binds 127.0.0.1", async () => {
    const simulator = await start();
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers unknown routes 404, wrong methods 405 and bad JSON 400, all as JSON messages", async () => {
    const simulator = await start();
    const unknown = await call(simulator, "GET", "/api/v1/namespaces/default/widgets");
    expect(unknown).toMatchObject({
      status: 404,
      body: { message: expect.stringMatching(/widgets/) },
    });
    const wrongMethod = await fetch(`${simulator.url}${deploymentsPath()}`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
    expect(await wrongMethod.json()).toMatchObject({
      message: expect.stringMatching(/not allowed/),
    });
    const badJson = await call(simulator, "POST", deploymentsPath(), { rawBody: "{ nope" });
    expect(badJson).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/Malformed JSON/) },
    });
    const noBody = await call(simulator, "POST", deploymentsPath());
    expect(noBody).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/needs a JSON body/) },
    });
  });

  it("serves openapi/vvp-appmanager.yaml at /openapi.yaml, or a clear 404", async () => {
    const simulator = await start();
    const file = new URL("../../openapi/vvp-appmanager.yaml", import.meta.url);
    const response = await fetch(`${simulator.url}/openapi.yaml`);
    if (existsSync(file)) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/yaml/);
      expect(await response.text()).toBe(readFileSync(file, "utf8"));
    } else {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        message: expect.stringMatching(/vvp-appmanager\.yaml/),
      });
    }
  });
});

describe("request log", () => {
  it("records method, path, query and final status of every call, and can be cleared", async () => {
    const simulator = await start();
    const { metadata } = await createExample(simulator);
    await call(simulator, "GET", `${deploymentsPath()}?labelSelector=a%3Db`);
    await call(simulator, "GET", deploymentPath("missing"));
    expect(simulator.requests).toEqual([
      { method: "POST", path: deploymentsPath(), status: 201 },
      { method: "GET", path: deploymentsPath(), status: 200, query: { labelSelector: "a=b" } },
      { method: "GET", path: deploymentPath("missing"), status: 404 },
    ]);
    simulator.clearRequests();
    await call(simulator, "GET", deploymentPath(metadata.id));
    expect(simulator.requests).toEqual([
      { method: "GET", path: deploymentPath(metadata.id), status: 200 },
    ]);
  });

  it("tells onRequest of each call as it arrives, stamped on the epoch clock", async () => {
    const received: { method: string; path: string; receivedAt: number }[] = [];
    const simulator = await start({ onRequest: (request) => received.push(request) });
    const before = performance.timeOrigin + performance.now();
    await call(simulator, "GET", deploymentPath("missing"));
    const after = performance.timeOrigin + performance.now();
    expect(received).toEqual([
      { method: "GET", path: deploymentPath("missing"), receivedAt: expect.any(Number) },
    ]);
    expect(received[0]?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(received[0]?.receivedAt).toBeLessThanOrEqual(after);
  });
});

describe("fault injection", () => {
  it("fails the next N calls of a route pattern with a status and message, then recovers", async () => {
    const simulator = await start();
    const { metadata } = await createExample(simulator);
    simulator.failNext({
      method: "PATCH",
      path: DEPLOYMENT_ROUTE,
      status: 503,
      count: 2,
      message: "down for a bit",
    });
    const patchBody = { body: { spec: { state: "RUNNING" } } };
    expect(await call(simulator, "GET", deploymentPath(metadata.id))).toMatchObject({
      status: 200,
    });
    expect(await call(simulator, "PATCH", deploymentPath(metadata.id), patchBody)).toMatchObject({
      status: 503,
      body: { message: "down for a bit" },
    });
    expect((await call(simulator, "PATCH", deploymentPath(metadata.id), patchBody)).status).toBe(
      503,
    );
    // The failed calls had no effect.
    expect(simulator.deployment(metadata.id)?.metadata.resourceVersion).toBe(1);
    expect((await call(simulator, "PATCH", deploymentPath(metadata.id), patchBody)).status).toBe(
      200,
    );
    expect(simulator.requests.map((entry) => [entry.method, entry.status, entry.fault])).toEqual([
      ["POST", 201, undefined],
      ["GET", 200, undefined],
      ["PATCH", 503, "status"],
      ["PATCH", 503, "status"],
      ["PATCH", 200, undefined],
    ]);
  });

  it("matches an exact path or a RegExp", async () => {
    const simulator = await start();
    simulator.failNext({ path: deploymentsPath(), status: 500 });
    simulator.failNext({ path: /\/savepoints$/, status: 429 });
    expect((await call(simulator, "GET", `${deploymentsPath()}/x`)).status).toBe(404);
    expect((await call(simulator, "GET", deploymentsPath())).status).toBe(500);
    expect((await call(simulator, "GET", "/api/v1/namespaces/a/savepoints")).status).toBe(429);
    expect((await call(simulator, "GET", "/api/v1/namespaces/a/savepoints")).status).toBe(200);
  });

  it("a timeout is never answered, and close() releases it", async () => {
    const simulator = await start();
    simulator.failNext({ method: "GET", path: deploymentsPath(), mode: "timeout" });
    await expect(
      fetch(`${simulator.url}${deploymentsPath()}`, { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect(simulator.requests).toEqual([
      { method: "GET", path: deploymentsPath(), status: 0, fault: "timeout" },
    ]);
    simulator.failNext({ method: "GET", path: deploymentsPath(), mode: "timeout" });
    const held = fetch(`${simulator.url}${deploymentsPath()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await simulator.close();
    await expect(held).rejects.toThrow();
  });

  it("an applied timeout performs the call although the answer is lost", async () => {
    const simulator = await start();
    simulator.failNext({ method: "POST", path: deploymentsPath(), mode: "timeout", applied: true });
    await expect(
      fetch(`${simulator.url}${deploymentsPath()}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(exampleBody()),
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(simulator.deployments().map((deployment) => deployment.metadata.name)).toEqual([
      "my-deployment",
    ]);
  });

  it("an applied status fault performs the call and answers the error", async () => {
    const simulator = await start();
    simulator.failNext({ method: "POST", path: deploymentsPath(), status: 502, applied: true });
    expect((await call(simulator, "POST", deploymentsPath(), { body: exampleBody() })).status).toBe(
      502,
    );
    expect(simulator.deployments()).toHaveLength(1);
  });

  it("a slow call answers normally after delayMs", async () => {
    const simulator = await start();
    simulator.failNext({ path: deploymentsPath(), mode: "slow", delayMs: 30 });
    const reply = await call(simulator, "GET", deploymentsPath());
    expect(reply.status).toBe(200);
    expect(simulator.requests).toEqual([
      { method: "GET", path: deploymentsPath(), status: 200, fault: "slow" },
    ]);
  });

  it("a seeded error rate answers 503 reproducibly", async () => {
    const pattern = async (seed: number) => {
      const simulator = await start({ errorRate: 0.3, seed });
      for (let index = 0; index < 40; index++) await call(simulator, "GET", deploymentsPath());
      return simulator.requests.map((entry) => entry.status);
    };
    const first = await pattern(42);
    expect(await pattern(42)).toEqual(first);
    expect(await pattern(43)).not.toEqual(first);
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it("rejects nonsense options", async () => {
    const simulator = await start();
    expect(() => simulator.failNext({ path: "/x", count: 0 })).toThrow(/count/);
    expect(() => simulator.failNext({ path: "/x", status: 42 })).toThrow(/status/);
    await expect(startVvpSimulator({ errorRate: 2 })).rejects.toThrow(/errorRate/);
  });

  it("clearFaults disarms pending faults", async () => {
    const simulator = await start();
    simulator.failNext({ path: deploymentsPath(), count: 5 });
    simulator.clearFaults();
    expect((await call(simulator, "GET", deploymentsPath())).status).toBe(200);
  });
});

describe("close()", () => {
  it("frees the port, is idempotent, and closes kept-alive connections", async () => {
    const simulator = await startVvpSimulator();
    await call(simulator, "GET", deploymentsPath());
    const port = Number(new URL(simulator.url).port);
    await Promise.all([simulator.close(), simulator.close()]);
    await simulator.close();
    await expect(fetch(`${simulator.url}${deploymentsPath()}`)).rejects.toThrow();
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, "127.0.0.1", () => resolve());
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  it("starts on a requested port", async () => {
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, "127.0.0.1", () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    const simulator = await start({ port });
    expect(simulator.url).toBe(`http://127.0.0.1:${port}`);
  });
});

describe("media types, as strict as VVP", () => {
  const open: VvpSimulator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((simulator) => simulator.close()));
  });
  async function started(): Promise<VvpSimulator> {
    const simulator = await startVvpSimulator({ transitionMs: 10, seed: 3 });
    open.push(simulator);
    return simulator;
  }
  async function raw(
    simulator: VvpSimulator,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ) {
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  }

  it.each(["application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded"])(
    "answers 415 to a PATCH sent as %s and changes nothing",
    async (contentType) => {
      const simulator = await started();
      const created = await createExample(simulator);
      const reply = await raw(
        simulator,
        "PATCH",
        deploymentPath(created.metadata.id),
        {
          "content-type": contentType,
        },
        JSON.stringify({ spec: { state: "RUNNING" } }),
      );
      expect(reply.status).toBe(415);
      expect(simulator.deployment(created.metadata.id)?.metadata.resourceVersion).toBe(
        created.metadata.resourceVersion,
      );
    },
  );

  it("answers 415 to a body without a Content-Type", async () => {
    const simulator = await started();
    const reply = await raw(simulator, "POST", deploymentsPath(), {}, "{}");
    expect(reply.status).toBe(415);
  });

  it("accepts application/json with a charset and application/yaml bodies", async () => {
    const simulator = await started();
    const created = await createExample(simulator);
    const json = await raw(
      simulator,
      "PATCH",
      deploymentPath(created.metadata.id),
      {
        "content-type": "application/json; charset=utf-8",
      },
      JSON.stringify({ metadata: { labels: { a: "1" } } }),
    );
    expect(json.status).toBe(200);
    const yaml = await raw(
      simulator,
      "PATCH",
      deploymentPath(created.metadata.id),
      {
        "content-type": "application/yaml",
      },
      "metadata:\n  labels:\n    b: '2'\n",
    );
    expect(yaml.status).toBe(200);
    expect(simulator.deployment(created.metadata.id)?.metadata.labels).toMatchObject({
      a: "1",
      b: "2",
    });
  });

  it("answers JSON to */*, application/* and no Accept; YAML when only YAML is accepted; 406 otherwise", async () => {
    const simulator = await started();
    const created = await createExample(simulator);
    const path = deploymentPath(created.metadata.id);
    for (const accept of [
      "*/*",
      "application/*",
      "application/json",
      "text/html, application/json;q=0.5",
    ]) {
      const reply = await raw(simulator, "GET", path, { accept });
      expect([accept, reply.status, reply.type]).toEqual([accept, 200, "application/json"]);
    }
    expect((await raw(simulator, "GET", path, {})).type).toBe("application/json");
    const yaml = await raw(simulator, "GET", path, { accept: "application/yaml" });
    expect([yaml.status, yaml.type]).toEqual([200, "application/yaml"]);
    expect(yaml.text).toContain(`id: ${created.metadata.id}`);
    expect((await raw(simulator, "GET", path, { accept: "text/html" })).status).toBe(406);
    expect((await raw(simulator, "GET", path, { accept: "application/json;q=0" })).status).toBe(
      406,
    );
  });
});

describe("deployments addressed by name, as VVP documents", () => {
  it("GET, PATCH and DELETE …/deployments/{name} act on the deployment of that name", async () => {
    const simulator = await startVvpSimulator({ transitionMs: 10, seed: 5 });
    try {
      const created = await createExample(simulator, { name: "by-name" });
      const got = await call<SimulatedDeployment>(simulator, "GET", deploymentPath("by-name"));
      expect([got.status, got.body.metadata.id]).toEqual([200, created.metadata.id]);
      const patched = await call<SimulatedDeployment>(
        simulator,
        "PATCH",
        deploymentPath("by-name"),
        {
          body: { metadata: { labels: { touched: "yes" } } },
        },
      );
      expect(patched.body.metadata.labels.touched).toBe("yes");
      expect(
        (await call(simulator, "GET", deploymentPath("by-name", "other-namespace"))).status,
      ).toBe(404);
      expect((await call(simulator, "DELETE", deploymentPath("by-name"))).status).toBe(200);
      expect((await call(simulator, "GET", deploymentPath("by-name"))).status).toBe(404);
      // The name is free again once deleted.
      expect((await createExample(simulator, { name: "by-name" })).metadata.name).toBe("by-name");
    } finally {
      await simulator.close();
    }
  });
});
