import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { call, deploymentsPath, exampleBody } from "./support.js";

const EDITOR = "editor-token-s3cr3t";
const VIEWER = "viewer-token-s3cr3t";
const ADMIN = "admin-token-s3cr3t";
let simulator: VvpSimulator;

beforeAll(async () => {
  simulator = await startVvpSimulator({
    tokens: {
      [EDITOR]: { namespaces: ["default"], role: "editor" },
      [VIEWER]: { namespaces: ["default"], role: "viewer" },
      [ADMIN]: { namespaces: "*", role: "editor" },
    },
  });
});
afterAll(() => simulator.close());

describe("bearer tokens", () => {
  it("401 without a token or with an unknown one", async () => {
    const none = await call(simulator, "GET", deploymentsPath());
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/bearer token is required/);
    const unknown = await call(simulator, "GET", deploymentsPath(), { token: "guess" });
    expect(unknown.status).toBe(401);
    const wrongScheme = await fetch(`${simulator.url}${deploymentsPath()}`, {
      headers: { authorization: `Basic ${EDITOR}` },
    });
    expect(wrongScheme.status).toBe(401);
  });

  it("403 for a namespace the token is not granted", async () => {
    const reply = await call(simulator, "GET", deploymentsPath("team-b"), { token: EDITOR });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toMatch(/"team-b"/);
    expect((await call(simulator, "GET", deploymentsPath("team-b"), { token: ADMIN })).status).toBe(
      200,
    );
  });

  it("a viewer reads but every write is 403", async () => {
    expect((await call(simulator, "GET", deploymentsPath(), { token: VIEWER })).status).toBe(200);
    const write = await call(simulator, "POST", deploymentsPath(), {
      body: exampleBody(),
      token: VIEWER,
    });
    expect(write.status).toBe(403);
    expect(write.body.message).toMatch(/viewer/);
    for (const method of ["PATCH", "PUT", "DELETE"]) {
      const reply = await call(simulator, method, `${deploymentsPath()}/x`, {
        body: {},
        token: VIEWER,
      });
      expect(reply.status).toBe(403);
    }
    expect(simulator.deployments()).toEqual([]);
  });

  it("an editor writes in its namespace", async () => {
    const reply = await call(simulator, "POST", deploymentsPath(), {
      body: exampleBody(),
      token: EDITOR,
    });
    expect(reply.status).toBe(201);
  });

  it("never puts a token in a message or in the request log", async () => {
    const replies = await Promise.all([
      call(simulator, "GET", deploymentsPath(), { token: `${EDITOR}x` }),
      call(simulator, "GET", deploymentsPath("team-b"), { token: EDITOR }),
      call(simulator, "DELETE", `${deploymentsPath()}/x`, { token: VIEWER }),
    ]);
    const everything = JSON.stringify([replies, simulator.requests]);
    for (const token of [EDITOR, VIEWER, ADMIN]) expect(everything).not.toContain(token);
  });

  it("serves the OpenAPI document without a token", async () => {
    const response = await fetch(`${simulator.url}/openapi.yaml`);
    expect(response.status).not.toBe(401);
  });
});
