// Redirects are refused, never followed: a 307 to another origin answering
// 404 once turned every CR into AppManagerRecordNotFound, and a followed
// redirect would carry the token to wherever it points.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVvpClient, VvpApiError } from "../../src/vvp-client/index.js";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const TOKEN = "vvp-token-redirect-Zq9xW2";

let vvp: ScriptedServer;
let elsewhere: ScriptedServer;
beforeEach(async () => {
  vvp = await startScriptedServer();
  elsewhere = await startScriptedServer(() => ({ status: 404, body: { message: "not here" } }));
});
afterEach(async () => {
  await vvp.close();
  await elsewhere.close();
});

describe("redirects", () => {
  it.each([301, 302, 303, 307, 308])(
    "a %i to another origin is a typed error; the other origin is never called",
    async (status) => {
      vvp.script({
        status,
        headers: {
          location: `${elsewhere.url}/api/v1/namespaces/default/deployments/x?t=${TOKEN}`,
        },
      });
      const entries: unknown[] = [];
      const client = createVvpClient({
        baseUrl: vvp.url,
        token: TOKEN,
        retries: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
        log: (entry) => entries.push(entry),
      });
      const error = await client.getDeployment("default", "x").then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(VvpApiError);
      const failure = error as VvpApiError;
      expect(failure.kind).toBe("http");
      expect(failure.status).toBe(status);
      expect(failure.message).toContain("redirects are not followed");
      expect(failure.message).toContain(new URL(elsewhere.url).origin);
      expect(JSON.stringify(failure)).not.toContain(TOKEN);
      expect(elsewhere.requests).toEqual([]);
      // Not retried: the same answer would come again.
      expect(vvp.requests).toHaveLength(1);
      expect(entries).toHaveLength(1);
    },
  );

  it("a redirect answering a write is refused too (nothing is sent twice)", async () => {
    vvp.script({ status: 307, headers: { location: "/elsewhere" } });
    const client = createVvpClient({ baseUrl: vvp.url, token: TOKEN });
    await expect(
      client.patchDeployment("default", "x", { spec: {} } as never),
    ).rejects.toMatchObject({ kind: "http", status: 307 });
    expect(vvp.requests.map((request) => request.url)).toEqual([
      "/api/v1/namespaces/default/deployments/x",
    ]);
  });
});
