import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { listen } from "./listen.js";

/** Whether a probe passes, and why not when it does not. */
export interface ProbeResult {
  ok: boolean;
  /** One line per failed check, e.g. "caches not synced". */
  failures: string[];
}

/** What the health server asks the process. */
export interface HealthServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** /healthz: the process works (not stuck, not lost). */
  live(): ProbeResult;
  /** /readyz: the process may receive traffic (webhook) and its caches have synced. */
  ready(): ProbeResult;
}

/** A started server and its bound port (useful with port 0). */
export interface StartedServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves /healthz, /readyz and /metrics over plain HTTP. */
export async function startHealthServer(options: HealthServerOptions): Promise<StartedServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.requestTimeout = 10_000;
  return listen(server, options.host, options.port);
}

async function handle(
  options: HealthServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://probe.invalid");
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  switch (url.pathname) {
    case "/healthz":
    case "/livez":
      return probe(options.live(), response);
    case "/readyz":
      return probe(options.ready(), response);
    case "/metrics": {
      const text = await options.registry.metrics();
      response.writeHead(200, { "content-type": options.registry.contentType }).end(text);
      return;
    }
    default:
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
  }
}

/** The API server's probe style: "ok", or one "[-] reason" line per failed check. */
function probe(result: ProbeResult, response: ServerResponse): void {
  const body = result.ok
    ? "ok\n"
    : `${result.failures.map((failure) => `[-] ${failure}`).join("\n")}\nfailed\n`;
  response
    .writeHead(result.ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8" })
    .end(body);
}
