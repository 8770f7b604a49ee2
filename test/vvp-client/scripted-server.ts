import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One scripted answer; `hang` never answers (for timeouts). */
export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string>; statusText?: string }
  | { hang: true };

/** Chooses the answer to a request; the default answers the scripted queue in order. */
export type Responder = (request: SeenRequest) => Answer;

/** A throwaway HTTP server on 127.0.0.1 that answers from a script and records every request. */
export interface ScriptedServer {
  url: string;
  requests: SeenRequest[];
  /** Queues answers, used in order; when the queue is empty the fallback answers. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

/** Starts a scripted server on a free port of 127.0.0.1. */
export async function startScriptedServer(
  fallback: Responder = () => ({ status: 200, body: {} }),
): Promise<ScriptedServer> {
  const requests: SeenRequest[] = [];
  const queue: Answer[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const seen: SeenRequest = {
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const answer = queue.shift() ?? fallback(seen);
      if ("hang" in answer) {
        hanging.push(outgoing);
        return;
      }
      const text =
        answer.body === undefined
          ? ""
          : typeof answer.body === "string"
            ? answer.body
            : JSON.stringify(answer.body);
      const json = answer.body !== undefined && typeof answer.body !== "string";
      if (answer.statusText !== undefined) outgoing.statusMessage = answer.statusText;
      outgoing.writeHead(answer.status, {
        ...(json ? { "Content-Type": "application/json" } : {}),
        ...answer.headers,
      });
      outgoing.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => queue.push(...answers),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (a server is opened and closed again). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
