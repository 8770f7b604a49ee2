import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpFetch } from "../../src/vvp-client/http-fetch.js";
import { createVvpClient, type VvpApiError } from "../../src/vvp-client/index.js";

// The client's default fetch (node:http with keep-alive agents): calls share
// connections, bodies and headers arrive whole, answers are standard
// Responses, aborts and refused connections reject as fetch does.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    ),
  );
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  socket: number;
}

async function serve(answer: (seen: Seen, response: ServerResponse) => void) {
  const seen: Seen[] = [];
  let connections = 0;
  const sockets = new WeakMap<object, number>();
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      const entry = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body,
        socket: sockets.get(request.socket) ?? -1,
      };
      seen.push(entry);
      answer(entry, response);
    });
  });
  server.on("connection", (socket) => {
    connections += 1;
    sockets.set(socket, connections);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, connections: () => connections };
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "Content-Type": "application/json", "X-Two": ["a", "b"] });
  response.end(JSON.stringify(body));
};

describe("the default fetch", () => {
  it("sends calls one after another over one kept-alive connection", async () => {
    const server = await serve((_, response) => json(response, 200, { ok: true }));
    const send = createHttpFetch();
    for (let index = 0; index < 5; index += 1) {
      const answer = await send(`${server.url}/api/v1/x/${index}`);
      expect(await answer.json()).toEqual({ ok: true });
    }
    expect(server.seen.map((entry) => entry.url)).toEqual(
      [0, 1, 2, 3, 4].map((index) => `/api/v1/x/${index}`),
    );
    expect(server.connections()).toBe(1);
    expect(new Set(server.seen.map((entry) => entry.socket))).toEqual(new Set([1]));
  });

  it("reuses the connections of concurrent calls for the next calls", async () => {
    const server = await serve((_, response) => json(response, 200, {}));
    const send = createHttpFetch();
    const wave = () =>
      Promise.all(Array.from({ length: 4 }, () => send(`${server.url}/a`).then((r) => r.text())));
    await wave();
    const opened = server.connections();
    expect(opened).toBeLessThanOrEqual(4);
    await wave();
    await wave();
    expect(server.connections()).toBe(opened);
  });

  it("a VVP client without a fetch of its own keeps its connection across calls", async () => {
    const server = await serve((_, response) => response.writeHead(404).end());
    const client = createVvpClient({ baseUrl: server.url, token: "t0ken" });
    for (let index = 0; index < 4; index += 1) {
      expect(await client.getDeployment("default", `d-${index}`)).toBeNull();
    }
    expect(server.seen).toHaveLength(4);
    expect(server.connections()).toBe(1);
    expect(server.seen[0]?.headers.authorization).toBe("Bearer t0ken");
  });

  it("sends method, headers and body whole, and answers status, headers and body", async () => {
    const server = await serve((seen, response) => json(response, 201, { echo: seen.body }));
    const send = createHttpFetch();
    const body = new TextEncoder().encode(JSON.stringify({ name: "é" }));
    const answer = await send(`${server.url}/p?q=1`, {
      method: "POST",
      headers: new Headers({ "Content-Type": "application/json", "X-One": "1" }),
      body: body.buffer,
    });
    expect(answer.status).toBe(201);
    expect(answer.ok).toBe(true);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("x-two")).toBe("a, b");
    expect(await answer.json()).toEqual({ echo: '{"name":"é"}' });
    const [seen] = server.seen;
    expect(seen?.method).toBe("POST");
    expect(seen?.url).toBe("/p?q=1");
    expect(seen?.headers["x-one"]).toBe("1");
    expect(seen?.headers["content-length"]).toBe(String(body.byteLength));
  });

  it("sends a DELETE's body with its length, so the connection's next call is read whole", async () => {
    const server = await serve((seen, response) => json(response, 200, { body: seen.body }));
    const send = createHttpFetch();
    const deleted = await send(`${server.url}/d`, { method: "DELETE", body: '{"a":1}' });
    expect(await deleted.json()).toEqual({ body: '{"a":1}' });
    expect(await (await send(`${server.url}/next`)).json()).toEqual({ body: "" });
    expect(server.seen.map((entry) => entry.url)).toEqual(["/d", "/next"]);
    expect(server.connections()).toBe(1);
  });

  it("answers 204 without a body and passes redirects through unfollowed", async () => {
    const server = await serve((seen, response) => {
      if (seen.url === "/gone") response.writeHead(302, { Location: "http://elsewhere/" }).end();
      else response.writeHead(204).end();
    });
    const send = createHttpFetch();
    const empty = await send(`${server.url}/empty`, { method: "PATCH", body: "{}" });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const moved = await send(`${server.url}/gone`);
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("http://elsewhere/");
    expect(server.seen.map((entry) => entry.url)).toEqual(["/empty", "/gone"]);
  });

  it("rejects with the signal's reason when aborted, also while the answer is read", async () => {
    const server = await serve((_, response) => {
      response.writeHead(200);
      response.write("{");
      // Never ends: the caller's abort must end the call.
    });
    const send = createHttpFetch();
    const controller = new AbortController();
    const call = send(`${server.url}/slow`, { signal: controller.signal });
    while (server.seen.length === 0) await new Promise((done) => setTimeout(done, 5));
    controller.abort(new Error("stop now"));
    await expect(call).rejects.toThrow("stop now");
    const already = AbortSignal.abort(new Error("before"));
    await expect(send(`${server.url}/x`, { signal: already })).rejects.toThrow("before");
  });

  it("cuts off an answer whose body grows past maxResponseBytes, and the next call still works", async () => {
    const server = await serve((seen, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      if (seen.url === "/big") response.end(`"${"x".repeat(64 * 1024)}"`);
      else response.end('"small"');
    });
    const send = createHttpFetch({ maxResponseBytes: 1024 });
    const error = await send(`${server.url}/big`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).cause)).toContain("over the limit of 1024 bytes");
    expect(await (await send(`${server.url}/small`)).json()).toBe("small");
  });

  it("an unreachable server is a fetch failure naming the cause, as the client reports it", async () => {
    const server = await serve(() => undefined);
    const url = server.url;
    await new Promise<void>((done) => servers.splice(0)[0]?.close(() => done()));
    const error = await createHttpFetch()(`${url}/x`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("fetch failed");
    expect(String((error as Error).cause)).toContain("ECONNREFUSED");
    const client = createVvpClient({ baseUrl: url, retries: { attempts: 1 } });
    const failure = (await client
      .getDeployment("default", "d")
      .catch((caught: unknown) => caught)) as VvpApiError;
    expect(failure.kind).toBe("network");
    expect(failure.message).toContain("ECONNREFUSED");
  });
});
