// The client's default fetch: node:http(s) over keep-alive agents of its own.
// ours: Node's global fetch (undici) cost 2–3× the CPU of node:http per call
// in the fleet bench (its JS request pipeline, web streams, a wasm HTTP
// parser, and headers and body written in two socket writes); at thousands
// of calls a minute that is most of a controller's CPU. This fetch sends the
// head and body in one write, reuses connections, and answers a standard
// Response; it implements what the transport asks (method, headers, a
// buffered body, an abort signal, no redirects followed), not all of fetch.
import * as http from "node:http";
import * as https from "node:https";

/** Options of the default fetch. */
export interface HttpFetchOptions {
  /**
   * A connection idle this long is closed (default 4 000 ms, under the 5 s
   * after which a Node server closes an idle keep-alive connection, so a call
   * is not sent on a connection the server is closing).
   */
  idleTimeoutMs?: number;
  /**
   * An answer whose body grows past this many bytes is cut off and the call
   * fails (default 256 MiB: a list of 25,000 deployments is ~75 MiB), so a
   * misbehaving server cannot exhaust the controller's memory.
   */
  maxResponseBytes?: number;
}

// Statuses whose Response must be built without a body (the Fetch standard refuses one).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** A fetch for the transport over node:http(s) with keep-alive agents (one pair per call of this function). */
export function createHttpFetch(options: HttpFetchOptions = {}): typeof fetch {
  const idle = options.idleTimeoutMs ?? 4_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let agents: { http: http.Agent; https: https.Agent } | undefined;
  const agentFor = (protocol: string) => {
    agents ??= {
      http: new http.Agent({ keepAlive: true, timeout: idle }),
      https: new https.Agent({ keepAlive: true, timeout: idle }),
    };
    return protocol === "https:" ? agents.https : agents.http;
  };

  const send = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) {
      return Promise.reject(new TypeError("this fetch takes a URL and init, not a Request"));
    }
    const url = input instanceof URL ? input : new URL(input);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = bodyBytes(init.body);
    // Node sends a DELETE's body without a length unless told: the server
    // would read the body as the next request.
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      };
      const onAbort = () => {
        fail(signal?.reason);
        request.destroy();
      };
      const transport = url.protocol === "https:" ? https : http;
      const request = transport.request(url, {
        method: init.method ?? "GET",
        headers,
        agent: agentFor(url.protocol),
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      request.on("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
      request.on("response", (answer) => {
        const chunks: Buffer[] = [];
        let received = 0;
        answer.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            fail(
              new TypeError("fetch failed", {
                cause: new Error(`the answer's body is over the limit of ${maxBytes} bytes`),
              }),
            );
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        answer.on("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
        answer.on("end", () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          try {
            const status = answer.statusCode ?? 0;
            const responseHeaders = new Headers();
            const raw = answer.rawHeaders;
            for (let index = 0; index + 1 < raw.length; index += 2) {
              responseHeaders.append(raw[index] as string, raw[index + 1] as string);
            }
            resolve(
              new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: answer.statusMessage ?? "",
                headers: responseHeaders,
              }),
            );
          } catch (error) {
            // A status the Fetch standard cannot represent (e.g. 600).
            reject(new TypeError("fetch failed", { cause: error }));
          }
        });
      });
      request.end(body);
    });
  };
  return send as typeof fetch;
}

function bodyBytes(body: RequestInit["body"]): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError("this fetch sends a string or bytes as a body");
}
