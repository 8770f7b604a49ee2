import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import {
  createVvpClient,
  isTransient,
  type VvpCallLogEntry,
  type VvpClientOptions,
} from "../../src/vvp-client/index.js";
import { exampleCr } from "../support/examples.js";

// The client against the embedded simulator over loopback: what a host sees
// from a VVP that answers, refuses, fails and hangs.

const EDITOR = "editor-secret-token-1";
const VIEWER = "viewer-secret-token-2";
const OTHER_NAMESPACE = "other-secret-token-3";
const DEPLOYMENT = "/api/v1/namespaces/:ns/deployments/:id";
const DEPLOYMENTS = "/api/v1/namespaces/:ns/deployments";

const simulators: VvpSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});

async function setup(token: string | undefined, options: Partial<VvpClientOptions> = {}) {
  const simulator = await startVvpSimulator({
    seed: 3,
    tokens: {
      [EDITOR]: { namespaces: "*", role: "editor" },
      [VIEWER]: { namespaces: "*", role: "viewer" },
      [OTHER_NAMESPACE]: { namespaces: ["elsewhere"], role: "editor" },
    },
  });
  simulators.push(simulator);
  const log: VvpCallLogEntry[] = [];
  const client = createVvpClient({
    baseUrl: simulator.url,
    ...(token === undefined ? {} : { token }),
    timeoutMs: 300,
    sleep: async () => {},
    log: (entry) => log.push(entry),
    ...options,
  });
  return { simulator, client, log };
}

const body = () => structuredClone(exampleCr("PATCH").spec.deployment) as never;

/** Everything a token could leak into: the error in every printed form. */
function printed(error: unknown): string {
  const value = error as Error;
  return [
    String(value),
    value.message,
    value.stack,
    JSON.stringify(value),
    inspect(value, { depth: 5 }),
  ].join("\n");
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
}

describe("the VVP client against the simulator", () => {
  it("creates, reads, patches, replaces and deletes a deployment with an editor token", async () => {
    const { client, simulator } = await setup(EDITOR);
    const created = await client.createDeployment("default", body());
    const id = created.metadata?.id ?? "";
    expect(created.metadata?.name).toBe("my-deployment");
    expect((await client.getDeployment("default", id))?.metadata?.resourceVersion).toBe(1);
    const patched = await client.patchDeployment("default", id, {
      spec: { maxJobCreationAttempts: 5 },
    });
    expect(patched.spec?.maxJobCreationAttempts).toBe(5);
    const replaced = await client.replaceDeployment("default", id, body());
    expect(replaced.metadata?.resourceVersion).toBeGreaterThan(2);
    expect(await client.findDeploymentByName("default", "my-deployment")).toMatchObject({
      metadata: { id },
    });
    expect(await client.deleteDeployment("default", id)).toBe(true);
    expect(await client.getDeployment("default", id)).toBeNull();
    expect(simulator.requests.map((entry) => entry.method)).toEqual([
      "POST",
      "GET",
      "PATCH",
      "PUT",
      "GET",
      "DELETE",
      "GET",
    ]);
  });

  it("answers 401 without a token or with an unknown one, 403 outside the token's namespaces", async () => {
    for (const token of [undefined, "unknown-secret-token"]) {
      const { client } = await setup(token);
      const error = await failure(client.listDeployments("default"));
      expect(error).toMatchObject({ kind: "http", status: 401, method: "GET" });
    }
    const { client } = await setup(OTHER_NAMESPACE);
    expect(await failure(client.listDeployments("default"))).toMatchObject({ status: 403 });
    expect(await client.listDeployments("elsewhere")).toEqual([]);
  });

  it("lets a viewer token read and refuses its writes with a clear 403", async () => {
    const { client } = await setup(VIEWER);
    expect(await client.listDeployments("default")).toEqual([]);
    const error = await failure(client.createDeployment("default", body()));
    expect(error).toMatchObject({ kind: "http", status: 403, method: "POST" });
    expect((error as Error).message).toMatch(/403/);
    expect(isTransient(error)).toBe(false);
  });

  it("carries VVP's message on a 400 and on a refused DELETE", async () => {
    const { client } = await setup(EDITOR);
    const bad = body() as { spec: { deploymentTargetName: string } };
    bad.spec.deploymentTargetName = "no-such-target";
    const refused = await failure(client.createDeployment("default", bad as never));
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as { vvpMessage?: string }).vvpMessage).toContain("no-such-target");

    const running = body() as { spec: { state: string } };
    running.spec.state = "RUNNING";
    const created = await client.createDeployment("default", running as never);
    const notCancelled = await failure(
      client.deleteDeployment("default", created.metadata?.id ?? ""),
    );
    expect(notCancelled).toMatchObject({ status: 409 });
    expect((notCancelled as Error).message).toMatch(/CANCELLED/);
  });

  it("retries an idempotent GET through 503s and succeeds; never retries a POST", async () => {
    const { client, simulator, log } = await setup(EDITOR);
    const created = await client.createDeployment("default", body());
    const id = created.metadata?.id ?? "";
    simulator.clearRequests();
    simulator.failNext({ method: "GET", path: DEPLOYMENT, status: 503, count: 2 });
    expect((await client.getDeployment("default", id))?.metadata?.id).toBe(id);
    expect(simulator.requests.map((entry) => entry.status)).toEqual([503, 503, 200]);
    expect(log.filter((entry) => entry.method === "GET").map((entry) => entry.attempt)).toEqual([
      1, 2, 3,
    ]);

    simulator.clearRequests();
    simulator.failNext({ method: "POST", path: DEPLOYMENTS, status: 503 });
    const other = body() as { metadata: { name: string } };
    other.metadata.name = "second";
    const error = await failure(client.createDeployment("default", other as never));
    expect(error).toMatchObject({ status: 503 });
    expect(isTransient(error)).toBe(true);
    expect(simulator.requests).toHaveLength(1);
  });

  it("gives up on a call that is never answered with a timeout error", async () => {
    const { client, simulator } = await setup(EDITOR, { retries: { attempts: 1 } });
    simulator.failNext({ method: "GET", path: DEPLOYMENTS, mode: "timeout" });
    const error = await failure(client.listDeployments("default"));
    expect(error).toMatchObject({ kind: "timeout", status: undefined });
    expect(isTransient(error)).toBe(true);
  });

  it("never shows the token: not in errors, the client's log, nor the simulator's request log", async () => {
    const { client, simulator, log } = await setup(EDITOR);
    simulator.failNext({
      method: "GET",
      path: DEPLOYMENTS,
      status: 500,
      count: 3,
      message: `echo ${EDITOR}`,
    });
    const errors = [
      await failure(client.listDeployments("default")),
      await failure(
        client.createDeployment("default", { metadata: { name: "Bad Name" } } as never),
      ),
    ];
    const viewer = await setup(VIEWER);
    errors.push(await failure(viewer.client.createDeployment("default", body())));
    for (const error of errors) {
      expect(printed(error)).not.toContain(EDITOR);
      expect(printed(error)).not.toContain(VIEWER);
    }
    const everythingLogged = JSON.stringify([
      log,
      viewer.log,
      simulator.requests,
      viewer.simulator.requests,
    ]);
    expect(everythingLogged).not.toContain(EDITOR);
    expect(everythingLogged).not.toContain(VIEWER);
  });
});

describe("a VVP that echoes the token inside an escaped JSON string", () => {
  it.each(['abc"def\\ghi-123', "abc/def+ghi==", "a<b>c&d-123"])(
    "never lets token %j through into the error",
    async (token) => {
      const echoing = (async (_url: string, init: RequestInit) => {
        const auth = new Headers(init.headers).get("authorization") ?? "";
        const body = JSON.stringify({ message: `token ${auth.slice(7)} is expired` })
          .replace(/\//g, "\\/")
          .replace(/[<>&]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
        return new Response(body, { status: 401, headers: { "content-type": "application/json" } });
      }) as unknown as typeof fetch;
      const client = createVvpClient({ baseUrl: "http://127.0.0.1:9", token, fetch: echoing });
      const error = await failure(client.getDeployment("default", "x"));
      expect(error).toMatchObject({ status: 401 });
      expect(
        `${printed(error)} ${String((error as { vvpMessage?: string }).vvpMessage)}`,
      ).not.toContain(token);
    },
  );
});
