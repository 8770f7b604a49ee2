import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { authorize } from "./auth.js";
import { SimulatorError } from "./errors.js";
import type { FaultInjector } from "./faults.js";
import { matchRoute } from "./routes.js";
import type { SimulatorState } from "./state.js";
import type {
  JsonValue,
  ReceivedRequest,
  RequestFault,
  RequestLogEntry,
  TokenGrant,
} from "./types.js";

/** Where the OpenAPI document lies relative to this module: from src/ (tsx) or dist/ (built). */
const OPENAPI_CANDIDATES = [
  new URL("../../openapi/vvp-appmanager.yaml", import.meta.url),
  new URL("../openapi/vvp-appmanager.yaml", import.meta.url),
];

const MAX_BODY_BYTES = 1024 * 1024;

/** What the HTTP layer needs from the rest of the simulator. */
export interface HttpServerOptions {
  state: SimulatorState;
  faults: FaultInjector;
  tokens?: Readonly<Record<string, TokenGrant>>;
  port: number;
  /** Receives one entry per call, once its fate is known. */
  log: (entry: RequestLogEntry) => void;
  /** Told of each request once its body was read. */
  onRequest?: (request: ReceivedRequest) => void;
}

/** A listening simulator server. */
export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

/** A response decided but not yet written. */
interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

function message(status: number, text: string, headers?: Record<string, string>): Answer {
  return { status, body: { message: text }, ...(headers === undefined ? {} : { headers }) };
}

async function readOpenApi(): Promise<Answer> {
  for (const candidate of OPENAPI_CANDIDATES) {
    try {
      return {
        status: 200,
        body: await readFile(candidate, "utf8"),
        contentType: "application/yaml; charset=utf-8",
      };
    } catch {
      // Try the next location.
    }
  }
  return message(
    404,
    "The OpenAPI document openapi/vvp-appmanager.yaml is not in this package (looked next to src/ and dist/)",
  );
}

function readBody(request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve({ text: Buffer.concat(chunks).toString("utf8"), tooLarge }));
    request.on("error", reject);
  });
}

/** The media types VVP's Application Manager consumes and produces (its Swagger `consumes`/`produces`). */
const JSON_TYPE = "application/json";
const YAML_TYPE = "application/yaml";

/** The bare media type of a Content-Type header, lower-cased, without parameters. */
function mediaTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(";")[0]?.trim().toLowerCase();
  return type === undefined || type === "" ? undefined : type;
}

/**
 * Which of VVP's types an Accept header allows, JSON first (what the SDK
 * reads); undefined when it allows neither (406). No header means anything.
 */
export function negotiate(
  accept: string | undefined,
): typeof JSON_TYPE | typeof YAML_TYPE | undefined {
  if (accept === undefined || accept.trim() === "") return JSON_TYPE;
  const ranges = accept.split(",").map((range) => {
    const [type = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)) };
  });
  const allows = (candidate: string) => {
    const major = candidate.split("/")[0];
    return ranges.some(
      ({ type, q }) => q > 0 && (type === candidate || type === "*/*" || type === `${major}/*`),
    );
  };
  if (allows(JSON_TYPE)) return JSON_TYPE;
  return allows(YAML_TYPE) ? YAML_TYPE : undefined;
}

/** The request's headers the decision reads. */
interface RequestHeaders {
  authorization: string | undefined;
  contentType: string | undefined;
  accept: string | undefined;
}

/** Decides the answer of a call that no fault intercepted: auth, routing, media types, the state. */
async function decide(
  options: HttpServerOptions,
  method: string,
  url: URL,
  headers: RequestHeaders,
  body: { text: string; tooLarge: boolean },
): Promise<Answer> {
  const answer = await decideJson(options, method, url, headers, body);
  // Errors stay JSON, the form every VVP client reads; YAML only on request.
  if (negotiate(headers.accept) !== YAML_TYPE || answer.contentType !== undefined) return answer;
  return { ...answer, body: stringifyYaml(answer.body), contentType: YAML_TYPE };
}

async function decideJson(
  options: HttpServerOptions,
  method: string,
  url: URL,
  headers: RequestHeaders,
  body: { text: string; tooLarge: boolean },
): Promise<Answer> {
  const authorization = headers.authorization;
  const path = url.pathname;
  if (path === "/openapi.yaml") {
    return method === "GET"
      ? readOpenApi()
      : message(405, `Method ${method} not allowed on ${path}`, { allow: "GET" });
  }
  const verdict = authorize(options.tokens, authorization, method, path);
  if (!verdict.allowed) return message(verdict.status, verdict.message);
  const match = matchRoute(method, path);
  if (match.kind === "not-found") return message(404, `No such endpoint: ${method} ${path}`);
  if (match.kind === "method-not-allowed") {
    return message(
      405,
      `Method ${method} not allowed on ${path} (allowed: ${match.allowed.join(", ")})`,
      {
        allow: match.allowed.join(", "),
      },
    );
  }
  const contentType = mediaTypeOf(headers.contentType);
  // Like Spring: a missing body is a 400 whatever its type; a body of a type
  // VVP does not consume is a 415.
  if (match.route.body && body.text.trim() === "" && !body.tooLarge) {
    return message(400, `${method} ${path} needs a JSON body`);
  }
  if (match.route.body && contentType !== JSON_TYPE && contentType !== YAML_TYPE) {
    // As strict as VVP's Spring server: a dialect it does not consume is refused,
    // so no test of ours passes on a request VVP would reject.
    return message(
      415,
      `Content-Type '${contentType ?? "none"}' is not supported; use ${JSON_TYPE} or ${YAML_TYPE}`,
    );
  }
  if (negotiate(headers.accept) === undefined) {
    return message(
      406,
      `No acceptable representation: Accept '${headers.accept ?? ""}' allows neither ${JSON_TYPE} nor ${YAML_TYPE}`,
    );
  }
  let parsed: JsonValue = null;
  if (match.route.body) {
    if (body.tooLarge) return message(413, `The request body exceeds ${MAX_BODY_BYTES} bytes`);
    try {
      parsed = (
        contentType === YAML_TYPE ? parseYaml(body.text) : JSON.parse(body.text)
      ) as JsonValue;
    } catch (error) {
      const dialect = contentType === YAML_TYPE ? "YAML" : "JSON";
      return message(400, `Malformed ${dialect} body: ${(error as Error).message}`);
    }
  }
  try {
    return match.route.handle(options.state, {
      params: match.params,
      query: url.searchParams,
      body: parsed,
    });
  } catch (error) {
    if (error instanceof SimulatorError) return message(error.status, error.message);
    return message(500, `Internal simulator error: ${(error as Error).message}`);
  }
}

/** Starts the node:http server on 127.0.0.1 only. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  const send = (response: ServerResponse, answer: Answer): void => {
    if (closing !== undefined || response.writableEnded) return;
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      "content-type": answer.contentType ?? "application/json",
      "content-length": Buffer.byteLength(text),
      ...answer.headers,
    });
    response.end(text);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = (request.method ?? "GET").toUpperCase();
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const log = (status: number, fault?: RequestFault) =>
      options.log({
        method,
        path: url.pathname,
        status,
        ...(Object.keys(query).length > 0 ? { query } : {}),
        ...(fault === undefined ? {} : { fault }),
      });
    const body = await readBody(request);
    options.onRequest?.({
      method,
      path: url.pathname,
      receivedAt: performance.timeOrigin + performance.now(),
    });
    const requestHeaders: RequestHeaders = {
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      accept: request.headers.accept,
    };
    const { fault, errorRateHit } = options.faults.take(method, url.pathname);
    if (fault?.mode === "slow") {
      await sleep(fault.delayMs);
      if (closing !== undefined) return;
    }
    // A held call is never answered; closing the server releases its socket.
    if (fault?.mode === "timeout" && fault.appliedAfterMs !== undefined) {
      await sleep(fault.appliedAfterMs);
      if (closing !== undefined) return;
      await decide(options, method, url, requestHeaders, body);
      return log(0, "timeout");
    }
    if (fault?.mode === "timeout" && !fault.applied) return log(0, "timeout");
    if (fault?.mode === "status" && !fault.applied) {
      send(response, message(fault.status, fault.message));
      return log(fault.status, "status");
    }
    if (fault === undefined && errorRateHit) {
      send(response, message(503, "Service Unavailable (simulated error rate)"));
      return log(503, "error-rate");
    }
    const answer = await decide(options, method, url, requestHeaders, body);
    if (fault?.mode === "timeout") return log(0, "timeout");
    if (fault?.mode === "status") {
      send(response, message(fault.status, fault.message));
      return log(fault.status, "status");
    }
    send(response, answer);
    log(answer.status, fault?.mode);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, message(500, `Internal simulator error: ${(error as Error).message}`));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
