import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createVvpClient,
  type Deployment,
  isTransient,
  type VvpApiError,
  type VvpCallLogEntry,
  type VvpClientOptions,
} from "../../src/vvp-client/index.js";
import { closedPort, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const TOKEN = "vvp-token-Zq9xW2secret";
const NS = "default";
const ID = "5f1f1e2c-0c1a-4b8e-9a43-2d7b6c0e9f10";
const DEPLOYMENTS = `/api/v1/namespaces/${NS}/deployments`;
const DEPLOYMENT = `${DEPLOYMENTS}/${ID}`;

const deployment: Deployment = {
  apiVersion: "v1",
  kind: "Deployment",
  metadata: { id: ID, name: "my-deployment", namespace: NS, resourceVersion: 3 },
  spec: {
    state: "RUNNING",
    deploymentTargetName: "default",
    template: {
      spec: {
        artifact: { kind: "JAR", jarUri: "s3://bucket/job.jar" },
        engineVersionName: "vera-4.1-flink-1.20",
      },
    },
  },
  status: { state: "RUNNING", running: { jobId: "8c2d7b1e-5d5f-4a4c-9e0b-2f4b1a7c3d90" } },
};

let server: ScriptedServer;
let sleeps: number[];
let log: VvpCallLogEntry[];

beforeEach(async () => {
  server = await startScriptedServer();
  sleeps = [];
  log = [];
});
afterEach(async () => {
  await server.close();
});

/** A client on the scripted server that never really waits between retries. */
function client(options: Partial<VvpClientOptions> = {}) {
  return createVvpClient({
    baseUrl: server.url,
    token: TOKEN,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    log: (entry) => log.push(entry),
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<VvpApiError> {
  try {
    await promise;
  } catch (error) {
    return error as VvpApiError;
  }
  throw new Error("expected the call to fail");
}

/** Every form in which an error may end up in a log, a report or a snapshot. */
function renderings(error: unknown): string[] {
  const forms = [
    JSON.stringify(error),
    String(error),
    (error as Error).stack ?? "",
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ];
  const cause = (error as Error).cause;
  if (cause !== undefined) {
    forms.push(inspect(cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }));
    forms.push(JSON.stringify(cause), String(cause));
  }
  return forms;
}

function expectNoToken(error: unknown): void {
  for (const form of renderings(error)) expect(form).not.toContain(TOKEN);
  expect(JSON.stringify(log)).not.toContain(TOKEN);
}

describe("authentication", () => {
  it("sends the string token as a Bearer header, with a User-Agent", async () => {
    server.script({ status: 200, body: deployment });
    await client().getDeployment(NS, ID);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0]?.headers["user-agent"]).toBe("vvp-deployment-sdk");
  });

  it("calls an async provider before every request, so a rotated Secret is picked up", async () => {
    const tokens = ["first-token", "second-token"];
    let calls = 0;
    const vvp = client({
      token: async () => tokens[calls++] ?? "exhausted",
      userAgent: "my-operator/1.0",
    });
    await vvp.getDeployment(NS, ID);
    await vvp.getDeployment(NS, ID);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      "Bearer first-token",
      "Bearer second-token",
    ]);
    expect(server.requests[0]?.headers["user-agent"]).toBe("my-operator/1.0");
  });

  it("trims the newline a Secret written with echo carries", async () => {
    await client({ token: () => `${TOKEN}\n` }).getDeployment(NS, ID);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("sends no Authorization header without a token", async () => {
    await client({ token: undefined }).getDeployment(NS, ID);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("gives a clear error, and sends nothing, when the provider throws", async () => {
    const vvp = client({
      token: async () => {
        throw new Error('secret "my-vvp-apikey" not found in namespace "ops"');
      },
    });
    const error = await failure(vvp.getDeployment(NS, ID));
    expect(error.kind).toBe("token");
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      `GET ${DEPLOYMENT} was not sent: the token provider failed: secret "my-vvp-apikey" not found in namespace "ops"`,
    );
    expect(server.requests).toHaveLength(0);
    expectNoToken(error);
  });

  it("refuses an empty token and one a header cannot carry, without echoing it", async () => {
    const empty = await failure(client({ token: async () => "  " }).getDeployment(NS, ID));
    expect(empty.message).toContain("the API token is empty");
    const broken = `${TOKEN}\nX-Injected: yes`;
    const bad = await failure(client({ token: () => broken }).getDeployment(NS, ID));
    expect(bad.kind).toBe("token");
    expect(bad.message).toContain("characters an HTTP header cannot carry");
    expectNoToken(bad);
    expect(server.requests).toHaveLength(0);
  });
});

describe("HTTP errors", () => {
  it("400: carries VVP's message, method and path, and is not retried", async () => {
    server.script({
      status: 400,
      body: { message: "Deployment target 'nope' does not exist.", reason: "BadRequest" },
    });
    const error = await failure(client().createDeployment(NS, deployment));
    expect(error.name).toBe("VvpApiError");
    expect(error.kind).toBe("http");
    expect(error.status).toBe(400);
    expect(error.method).toBe("POST");
    expect(error.path).toBe(DEPLOYMENTS);
    expect(error.vvpMessage).toBe("Deployment target 'nope' does not exist.");
    expect(error.message).toBe(
      `POST ${DEPLOYMENTS} failed with 400 Bad Request: Deployment target 'nope' does not exist.`,
    );
    expect(isTransient(error)).toBe(false);
    expect(server.requests).toHaveLength(1);
    expectNoToken(error);
  });

  it.each([
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [409, "Conflict"],
  ])("%i: a typed, permanent error, sent once even for a GET", async (status, text) => {
    server.script({ status, body: { message: `${text} by VVP` } });
    const error = await failure(client().listDeployments(NS));
    expect(error.status).toBe(status);
    if (status === 401 || status === 403) {
      // A refused token's answer is never copied into the error.
      expect(error.vvpMessage).toBeUndefined();
      expect(error.message).toMatch(new RegExp(`failed with ${status} ${text}$`));
    } else {
      expect(error.vvpMessage).toBe(`${text} by VVP`);
      expect(error.message).toContain(`failed with ${status} ${text}: ${text} by VVP`);
    }
    expect(isTransient(error)).toBe(false);
    expect(server.requests).toHaveLength(1);
    expectNoToken(error);
  });

  it("404: a missing deployment, job, savepoint or target is null, a missing delete is false", async () => {
    server.script(
      { status: 404, body: { message: "not found" } },
      { status: 404, body: { message: "not found" } },
      { status: 404, body: { message: "not found" } },
      { status: 404, body: { message: "not found" } },
      { status: 404, body: { message: "not found" } },
    );
    const vvp = client();
    expect(await vvp.getDeployment(NS, ID)).toBeNull();
    expect(await vvp.getJob(NS, ID)).toBeNull();
    expect(await vvp.getSavepoint(NS, ID)).toBeNull();
    expect(await vvp.getDeploymentTarget(NS, "default")).toBeNull();
    expect(await vvp.deleteDeployment(NS, ID)).toBe(false);
  });

  it("404 on a list (unknown namespace) is an error, not an empty list", async () => {
    server.script({ status: 404, body: { message: "Namespace 'x' not found" } });
    const error = await failure(client().listDeployments("x"));
    expect(error.status).toBe(404);
    expect(error.vvpMessage).toBe("Namespace 'x' not found");
  });

  it("a non-JSON error page becomes a short message", async () => {
    server.script({ status: 502, body: "<html><body>Bad gateway</body></html>" });
    const error = await failure(client().createDeployment(NS, deployment));
    expect(error.status).toBe(502);
    expect(error.vvpMessage).toBe("<html><body>Bad gateway</body></html>");
  });

  it("a token VVP echoes back in its message is scrubbed", async () => {
    const echo = await startScriptedServer((request) => ({
      status: 400,
      body: { message: `token ${String(request.headers.authorization)} is not valid` },
    }));
    try {
      const vvp = client({ baseUrl: echo.url });
      const error = await failure(vvp.getDeployment(NS, ID));
      expect(error.vvpMessage).toBe("token Bearer [redacted] is not valid");
      expectNoToken(error);
      const raw = await vvp.raw.GET("/api/v1/namespaces/{namespace}/deployments/{deploymentId}", {
        params: { path: { namespace: NS, deploymentId: ID } },
      });
      expect(JSON.stringify(raw.error)).not.toContain(TOKEN);
    } finally {
      await echo.close();
    }
  });
});

describe("retries", () => {
  it("retries a GET on 503 and 500, then returns the answer", async () => {
    server.script(
      { status: 503, body: { message: "busy" } },
      { status: 500, body: { message: "oops" } },
      { status: 200, body: deployment },
    );
    const result = await client().getDeployment(NS, ID);
    expect(result?.metadata?.id).toBe(ID);
    expect(server.requests).toHaveLength(3);
    // random() = 0.5 sits in the middle of [ceiling/2, ceiling]: 250→187.5, 500→375.
    expect(sleeps).toEqual([188, 375]);
    expect(log.map((entry) => [entry.attempt, entry.status, entry.outcome])).toEqual([
      [1, 503, "http"],
      [2, 500, "http"],
      [3, 200, "ok"],
    ]);
  });

  it("retries PUT and DELETE, which are idempotent", async () => {
    server.script(
      { status: 503 },
      { status: 200, body: deployment },
      { status: 502 },
      { status: 200, body: deployment },
    );
    const vvp = client();
    await vvp.replaceDeployment(NS, ID, deployment);
    expect(await vvp.deleteDeployment(NS, ID)).toBe(true);
    expect(server.requests.map((request) => request.method)).toEqual([
      "PUT",
      "PUT",
      "DELETE",
      "DELETE",
    ]);
    expect(server.requests[1]?.body).toBe(JSON.stringify(deployment));
  });

  it("never retries a POST or a PATCH: a retry could create twice or bump resourceVersion", async () => {
    server.script({ status: 503, body: { message: "busy" } }, { status: 500, body: {} });
    const vvp = client();
    const post = await failure(vvp.createDeployment(NS, deployment));
    const patch = await failure(vvp.patchDeployment(NS, ID, { spec: { state: "CANCELLED" } }));
    expect([post.status, patch.status]).toEqual([503, 500]);
    expect(isTransient(post) && isTransient(patch)).toBe(true);
    expect(server.requests.map((request) => request.method)).toEqual(["POST", "PATCH"]);
    expect(sleeps).toEqual([]);
  });

  it("gives up after the configured attempts with the last status", async () => {
    const always = await startScriptedServer(() => ({ status: 503, body: { message: "down" } }));
    try {
      const error = await failure(
        client({ baseUrl: always.url, retries: { attempts: 4 } }).listJobs(NS, ID),
      );
      expect(error.status).toBe(503);
      expect(error.vvpMessage).toBe("down");
      expect(always.requests).toHaveLength(4);
      expect(sleeps).toHaveLength(3);
    } finally {
      await always.close();
    }
  });

  it("429 with Retry-After waits as long as VVP asks", async () => {
    server.script(
      { status: 429, body: { message: "slow down" }, headers: { "Retry-After": "2" } },
      { status: 200, body: { items: [deployment] } },
    );
    const list = await client().listDeployments(NS);
    expect(list).toHaveLength(1);
    expect(sleeps).toEqual([2000]);
  });

  it("429 with a Retry-After beyond maxDelayMs is not waited for: the error says how long", async () => {
    server.script({
      status: 429,
      body: { message: "slow down" },
      headers: { "Retry-After": "120" },
    });
    const error = await failure(client().listDeployments(NS));
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(isTransient(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("keeps backoff delays within [ceiling/2, ceiling], the ceiling doubling up to maxDelayMs", async () => {
    const always = await startScriptedServer(() => ({ status: 500 }));
    try {
      const retries = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };
      for (const draw of [0, 0.999_999]) {
        sleeps = [];
        await failure(client({ baseUrl: always.url, retries, random: () => draw }).getJob(NS, ID));
        const ceilings = [100, 200, 400, 800, 1000];
        expect(sleeps).toEqual(ceilings.map((c) => (draw === 0 ? c / 2 : c)));
      }
    } finally {
      await always.close();
    }
  });

  it("attempts: 1 turns retries off", async () => {
    server.script({ status: 503 }, { status: 200, body: deployment });
    const error = await failure(client({ retries: { attempts: 1 } }).getDeployment(NS, ID));
    expect(error.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });
});

describe("timeouts and network errors", () => {
  it("a call that gets no answer within timeoutMs fails as a timeout, retried for GET", async () => {
    server.script({ hang: true }, { hang: true });
    const error = await failure(
      client({ timeoutMs: 50, retries: { attempts: 2 } }).getDeployment(NS, ID),
    );
    expect(error.kind).toBe("timeout");
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      `GET ${DEPLOYMENT} timed out after 50 ms waiting for VVP at ${server.url}`,
    );
    expect(isTransient(error)).toBe(true);
    // Counted on the client side: an aborted request may never fully reach the server.
    expect(log.map((entry) => [entry.attempt, entry.outcome])).toEqual([
      [1, "timeout"],
      [2, "timeout"],
    ]);
    expectNoToken(error);
  });

  it("a POST that times out is not retried (it may have been created: the host adopts it)", async () => {
    server.script({ hang: true });
    const error = await failure(client({ timeoutMs: 50 }).createDeployment(NS, deployment));
    expect(error.kind).toBe("timeout");
    expect(log.map((entry) => [entry.method, entry.attempt, entry.outcome])).toEqual([
      ["POST", 1, "timeout"],
    ]);
    expect(sleeps).toEqual([]);
  });

  it("a refused connection is a network error, retried for GET, with a token-free cause", async () => {
    const port = await closedPort();
    const error = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}`, retries: { attempts: 3 } }).getDeployment(
        NS,
        ID,
      ),
    );
    expect(error.kind).toBe("network");
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(
      `GET ${DEPLOYMENT} got no answer from VVP at http://127.0.0.1:${port}`,
    );
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(Error);
    expect(isTransient(error)).toBe(true);
    expect(log.map((entry) => entry.outcome)).toEqual(["network", "network", "network"]);
    expect(sleeps).toHaveLength(2);
    expectNoToken(error);
  });
});

describe("requests", () => {
  it("PATCH sends a merge patch as application/json (VVP refuses merge-patch+json), nulls included", async () => {
    server.script({ status: 200, body: deployment });
    await client().patchDeployment(NS, ID, {
      spec: { state: "CANCELLED", template: { spec: { parallelism: null } } },
    });
    const request = server.requests[0];
    expect(request?.method).toBe("PATCH");
    expect(request?.url).toBe(DEPLOYMENT);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      spec: { state: "CANCELLED", template: { spec: { parallelism: null } } },
    });
  });

  it("lists with the label selector and deployment id as query parameters", async () => {
    server.script(
      { status: 200, body: { kind: "ResourceList", items: [deployment] } },
      { status: 200, body: { items: [{ metadata: { id: "sp-1" } }] } },
      { status: 200, body: { items: [] } },
      { status: 200, body: { items: [{ spec: { message: "started" } }] } },
    );
    const vvp = client();
    expect(await vvp.listDeployments(NS, { labelSelector: "ververica.platform/owner=op" })).toEqual(
      [deployment],
    );
    expect(await vvp.listSavepoints(NS, ID)).toEqual([{ metadata: { id: "sp-1" } }]);
    expect(await vvp.listJobs(NS, ID)).toEqual([]);
    expect(await vvp.listEvents(NS, ID)).toEqual([{ spec: { message: "started" } }]);
    expect(server.requests.map((request) => request.url)).toEqual([
      `${DEPLOYMENTS}?labelSelector=ververica.platform%2Fowner%3Dop`,
      `/api/v1/namespaces/${NS}/savepoints?deploymentId=${ID}`,
      `/api/v1/namespaces/${NS}/jobs?deploymentId=${ID}`,
      `/api/v1/namespaces/${NS}/events?deploymentId=${ID}`,
    ]);
  });

  it("PATCH answered 204 without a body is a success: the deployment is read again", async () => {
    server.script({ status: 204 }, { status: 200, body: deployment });
    expect(await client().patchDeployment(NS, ID, { spec: { state: "RUNNING" } })).toEqual(
      deployment,
    );
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `PATCH ${DEPLOYMENT}`,
      `GET ${DEPLOYMENT}`,
    ]);
  });

  it("PATCH answered 204 for a deployment that is then gone fails with 404", async () => {
    server.script({ status: 204 }, { status: 404, body: { message: "not found" } });
    const error = await failure(client().patchDeployment(NS, ID, { spec: { state: "RUNNING" } }));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/answered 204, but the deployment is gone/);
  });

  it("finds a deployment by name with one GET of …/deployments/{name}, or null", async () => {
    server.script({ status: 200, body: deployment }, { status: 404, body: { message: "no" } });
    const vvp = client();
    expect((await vvp.findDeploymentByName(NS, "my-deployment"))?.metadata?.id).toBe(ID);
    expect(await vvp.findDeploymentByName(NS, "gone")).toBeNull();
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${DEPLOYMENTS}/my-deployment`,
      `GET ${DEPLOYMENTS}/gone`,
    ]);
  });

  it("looks an id-shaped name, or an answer naming another deployment, up in the list", async () => {
    const idShaped = "0b5b2f52-8a4e-4e4e-9a43-2d7b6c0e9f10";
    const named = { ...deployment, metadata: { ...deployment.metadata, name: idShaped } };
    const other = { ...deployment, metadata: { ...deployment.metadata, name: "other" } };
    server.script(
      { status: 200, body: { items: [other, named] } },
      { status: 200, body: other },
      { status: 200, body: { items: [other] } },
    );
    const vvp = client();
    expect((await vvp.findDeploymentByName(NS, idShaped))?.metadata?.name).toBe(idShaped);
    expect(await vvp.findDeploymentByName(NS, "my-deployment")).toBeNull();
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${DEPLOYMENTS}`,
      `GET ${DEPLOYMENTS}/my-deployment`,
      `GET ${DEPLOYMENTS}`,
    ]);
  });

  it("creates a deployment and a savepoint and returns VVP's answer", async () => {
    server.script(
      { status: 201, body: deployment },
      {
        status: 200,
        body: { metadata: { id: "sp-1", deploymentId: ID }, status: { state: "STARTED" } },
      },
    );
    const vvp = client();
    expect(await vvp.createDeployment(NS, deployment)).toEqual(deployment);
    const savepoint = await vvp.createSavepoint(NS, {
      metadata: {
        deploymentId: ID,
        annotations: { "ververica.platform/savepoint-nonce": "uid/1" },
      },
    });
    expect(savepoint.status?.state).toBe("STARTED");
    expect(JSON.parse(server.requests[1]?.body ?? "")).toEqual({
      metadata: {
        deploymentId: ID,
        annotations: { "ververica.platform/savepoint-nonce": "uid/1" },
      },
    });
  });

  it("encodes path parameters", async () => {
    await client().getDeploymentTarget("my ns", "a/b");
    expect(server.requests[0]?.url).toBe("/api/v1/namespaces/my%20ns/deployment-targets/a%2Fb");
  });

  it("an answer that is not JSON is a clear error", async () => {
    server.script({
      status: 200,
      body: "<html>login page</html>",
      headers: { "Content-Type": "text/html" },
    });
    const error = await failure(client().getDeployment(NS, ID));
    expect(error.message).toBe(`GET ${DEPLOYMENT} failed: its answer is not valid JSON`);
  });

  it("uses an injected fetch", async () => {
    const seen: Array<{ url: string; authorization: string | null }> = [];
    const vvp = createVvpClient({
      baseUrl: "http://vvp.invalid/",
      token: TOKEN,
      fetch: async (input, init) => {
        seen.push({
          url: String(input),
          authorization: new Headers(init?.headers).get("authorization"),
        });
        return new Response(JSON.stringify(deployment), {
          status: 200,
          headers: { "Content-Type": "application/json" },
        });
      },
    });
    expect(await vvp.getDeployment(NS, ID)).toEqual(deployment);
    expect(seen).toEqual([
      { url: `http://vvp.invalid${DEPLOYMENT}`, authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("rejects unusable options with a clear error", () => {
    expect(() => createVvpClient({ baseUrl: "not a url" })).toThrow(
      "baseUrl must be an absolute http(s) URL",
    );
    expect(() => createVvpClient({ baseUrl: "ftp://x" })).toThrow("http(s)");
    expect(() => createVvpClient({ baseUrl: "http://x", timeoutMs: 0 })).toThrow("timeoutMs");
    expect(() => createVvpClient({ baseUrl: "http://x", retries: { attempts: 0 } })).toThrow(
      "retries.attempts",
    );
  });
});

describe("the token stays secret", () => {
  it("in errors of every kind, their JSON form and the log", async () => {
    server.script({ status: 400, body: { message: "bad" } }, { hang: true });
    // Only the hanging call gets the short timeout: on a loaded machine the
    // 400 may take longer than 50 ms to arrive.
    const errors = [
      await failure(client({ retries: { attempts: 1 } }).createDeployment(NS, deployment)),
      await failure(client({ timeoutMs: 50, retries: { attempts: 1 } }).getDeployment(NS, ID)),
      await failure(client({ baseUrl: `http://127.0.0.1:${await closedPort()}` }).getJob(NS, ID)),
      await failure(client({ token: () => Promise.reject(new Error("no secret")) }).getJob(NS, ID)),
    ];
    expect(errors.map((error) => error.kind)).toEqual(["http", "timeout", "network", "token"]);
    for (const error of errors) expectNoToken(error);
    expect(log.length).toBeGreaterThan(0);
  });

  it("in the snapshot of an error", async () => {
    server.script({ status: 409, body: { message: "resourceVersion mismatch" } });
    const error = await failure(client().replaceDeployment(NS, ID, deployment));
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
    expect(error.toJSON()).toMatchInlineSnapshot(`
      {
        "kind": "http",
        "message": "PUT /api/v1/namespaces/default/deployments/5f1f1e2c-0c1a-4b8e-9a43-2d7b6c0e9f10 failed with 409 Conflict: resourceVersion mismatch",
        "method": "PUT",
        "name": "VvpApiError",
        "path": "/api/v1/namespaces/default/deployments/5f1f1e2c-0c1a-4b8e-9a43-2d7b6c0e9f10",
        "status": 409,
        "vvpMessage": "resourceVersion mismatch",
      }
    `);
  });
});
