import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REDACTED, redact, redactBody } from "../../src/vvp-client/errors.js";
import { createVvpClient, type VvpApiError } from "../../src/vvp-client/index.js";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const TOKEN = "vvp-token-Zq9xW2secret";
const PATH = "/api/v1/namespaces/default/deployments/5f1f1e2c-0c1a-4b8e-9a43-2d7b6c0e9f10";

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<VvpApiError> {
  try {
    await promise;
  } catch (error) {
    return error as VvpApiError;
  }
  throw new Error("expected the call to fail");
}

describe("redact", () => {
  it("redacts whole occurrences only, so a short token does not garble a message", () => {
    expect(redact("spec.template.spec.artifact: Bearer t is not valid", "t")).toBe(
      `spec.template.spec.artifact: Bearer ${REDACTED} is not valid`,
    );
    expect(redact("token=t&x", "t")).toBe(`token=${REDACTED}&x`);
    expect(redact("t", "t")).toBe(REDACTED);
    expect(redact("attempt", "t")).toBe("attempt");
  });

  it("redacts a token that is glued only to characters it cannot be part of", () => {
    expect(redact(`"${TOKEN}"`, TOKEN)).toBe(`"${REDACTED}"`);
    expect(redact(`Bearer ${TOKEN}.`, TOKEN)).toBe(`Bearer ${REDACTED}.`);
    // A token ending in a non-word character cannot hide inside a word.
    expect(redact("abc=def", "abc=")).toBe(`${REDACTED}def`);
  });

  it("redacts a real-length token glued to word characters, on either side", () => {
    expect(redact(`x${TOKEN}`, TOKEN)).toBe(`x${REDACTED}`);
    expect(redact(`Bearer${TOKEN}s_1`, TOKEN)).toBe(`Bearer${REDACTED}s_1`);
    expect(redact(`token_${TOKEN}_end`, TOKEN)).toBe(`token_${REDACTED}_end`);
  });

  it("redacts a token in another letter case", () => {
    expect(redact(`BEARER ${TOKEN.toUpperCase()}`, TOKEN)).toBe(`BEARER ${REDACTED}`);
    expect(redact(`bearer ${TOKEN.toLowerCase()}!`, TOKEN)).toBe(`bearer ${REDACTED}!`);
    expect(redact("Bearer T, done", "t")).toBe(`Bearer ${REDACTED}, done`);
  });

  it("redacts a base64-encoded token, alone or inside a longer encoding (Basic user:token), standard or URL-safe", () => {
    const alone = Buffer.from(TOKEN).toString("base64");
    expect(redact(`data: ${alone}`, TOKEN)).not.toContain(alone.slice(2, -2));
    for (const prefix of ["", "u:", "ab:", "user:"]) {
      const basic = Buffer.from(`${prefix}${TOKEN}`).toString("base64");
      const redacted = redact(`Authorization: Basic ${basic}`, TOKEN);
      expect(redacted, prefix).toContain(REDACTED);
      // What is left cannot be decoded back to the token.
      const rest = redacted.replace("Authorization: Basic ", "").split(REDACTED).join("");
      expect(Buffer.from(rest, "base64").toString("latin1"), prefix).not.toContain("secret");
    }
    const weird = "tok+/en?>>>secret~~~";
    const urlSafe = Buffer.from(weird).toString("base64url");
    expect(redact(`x=${urlSafe}`, weird)).toContain(REDACTED);
    expect(redact(`x=${urlSafe}`, weird)).not.toContain(urlSafe.slice(2, -2));
  });

  it("redacts a token after an escape, which ends in a word character but separates", () => {
    expect(redact(`Authorization=Bearer%20${TOKEN}&x`, TOKEN)).toBe(
      `Authorization=Bearer%20${REDACTED}&x`,
    );
    expect(redact(`header:\\n${TOKEN}`, TOKEN)).toBe(`header:\\n${REDACTED}`);
    expect(redact(`Bearer\\u0020${TOKEN}`, TOKEN)).toBe(`Bearer\\u0020${REDACTED}`);
    expect(redact("attempt%20t", "t")).toBe(`attempt%20${REDACTED}`);
    expect(redact("x%2t", "t")).toBe("x%2t");
  });

  it("redacts the URL-encoded and JSON-escaped forms", () => {
    const token = 'a+b/c="d\\';
    expect(redact(`?token=${encodeURIComponent(token)}`, token)).toBe(`?token=${REDACTED}`);
    expect(redact("?token=a%2bb%2fc%3d%22d%5c", token)).toBe(`?token=${REDACTED}`);
    expect(redact(`{"m":${JSON.stringify(token)}}`, token)).toBe(`{"m":"${REDACTED}"}`);
    expect(redactBody(JSON.stringify({ message: `got ${token}` }), token)).toBe(
      JSON.stringify({ message: `got ${REDACTED}` }),
    );
  });
});

describe("server text that reaches an error", () => {
  it("scrubs the token from the HTTP reason phrase", async () => {
    server.script({ status: 400, statusText: `Bad token Bearer ${TOKEN}`, body: {} });
    const client = createVvpClient({ baseUrl: server.url, token: TOKEN });
    const error = await failure(client.patchDeployment("default", "x", { spec: {} }));
    expect(error.message).toContain(`Bad token Bearer ${REDACTED}`);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String(error.stack)).not.toContain(TOKEN);
  });

  it("never copies VVP's body of a 401 or 403 into the error, even with the token disguised", async () => {
    for (const status of [401, 403]) {
      const disguised = Buffer.from(`vvp:${TOKEN}`).toString("hex");
      server.script({ status, body: { message: `token ${disguised} is not allowed here` } });
      const client = createVvpClient({ baseUrl: server.url, token: TOKEN });
      const error = await failure(client.getDeployment("default", "x"));
      expect(error.status).toBe(status);
      expect(error.vvpMessage).toBeUndefined();
      expect(JSON.stringify(error)).not.toContain(disguised);
      expect(error.message).not.toContain("not allowed here");
    }
  });

  it("keeps a message readable when the token is short", async () => {
    server.script({
      status: 400,
      body: { message: "spec.template.spec.artifact.jarUri: Required value" },
    });
    const client = createVvpClient({ baseUrl: server.url, token: "t" });
    const error = await failure(client.getDeployment("default", "x"));
    expect(error.vvpMessage).toBe("spec.template.spec.artifact.jarUri: Required value");
  });

  it("scrubs a failing token provider's message of the token it returned before", async () => {
    let calls = 0;
    const client = createVvpClient({
      baseUrl: server.url,
      token: () => {
        calls += 1;
        if (calls === 1) return TOKEN;
        throw new Error(`the Secret holds ${TOKEN}, which expired`);
      },
    });
    server.script({ status: 200, body: { metadata: { id: "x", name: "x" } } });
    await client.getDeployment("default", "x");
    const error = await failure(client.getDeployment("default", "x"));
    expect(error.kind).toBe("token");
    expect(error.message).toContain(`the Secret holds ${REDACTED}, which expired`);
    expect(server.requests.map((request) => request.url)).toEqual([PATH.replace(/[^/]+$/, "x")]);
  });
});
