import { redact, redactBody, VvpApiError } from "./errors.js";
import {
  backoffDelay,
  IDEMPOTENT_METHODS,
  isRetryableStatus,
  parseRetryAfter,
  type ResolvedRetryOptions,
} from "./retry.js";

/** A VVP API token, or a provider called before every request (so a rotated Secret is picked up). */
export type TokenSource = string | (() => string | Promise<string>);

/** One HTTP attempt, as the client reports it to `log`; never carries headers or bodies. */
export interface VvpCallLogEntry {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces/default/deployments/…`. */
  path: string;
  /** 1 for the first try. */
  attempt: number;
  /** The HTTP status, when an answer arrived. */
  status?: number;
  outcome: "ok" | "http" | "timeout" | "network" | "token";
  /** Set when the client will retry after this many milliseconds. */
  retryInMs?: number;
}

/** What the transport needs; the client fills in every default. */
export interface TransportOptions {
  token: TokenSource | undefined;
  timeoutMs: number;
  retries: ResolvedRetryOptions;
  fetch: typeof fetch;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  userAgent: string;
  log: ((entry: VvpCallLogEntry) => void) | undefined;
}

// Statuses whose Response must be built without a body (the Fetch standard refuses one).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Builds the fetch that openapi-fetch calls: it adds the Bearer token and the
 * User-Agent, applies the timeout to each attempt (the answer's body
 * included), retries idempotent calls, and scrubs the token from error bodies.
 * Timeouts, unreachable hosts and token failures are thrown as VvpApiError;
 * HTTP errors are returned as responses, which the client turns into errors.
 */
export function createTransport(options: TransportOptions): typeof fetch {
  // The last token the provider returned: a failing provider's message is
  // scrubbed of it (a provider may quote the Secret it could not use).
  const lastToken: { value?: string } = {};

  async function transport(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : new Request(input, init);
    const method = request.method.toUpperCase();
    const url = new URL(request.url);
    const path = `${url.pathname}${url.search}`;
    // Read once so a retry can send the same bytes again.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const maxAttempts = IDEMPOTENT_METHODS.has(method) ? options.retries.attempts : 1;

    for (let attempt = 1; ; attempt++) {
      const token = await readToken(options.token, method, path, options.log, attempt, lastToken);
      lastToken.value = token;
      const headers = new Headers(request.headers);
      if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
      if (!headers.has("User-Agent")) headers.set("User-Agent", options.userAgent);
      if (!headers.has("Accept")) headers.set("Accept", "application/json");

      let response: Response;
      try {
        response = await attemptOnce({ request, url, method, path, headers, body, token });
      } catch (error) {
        if (!(error instanceof VvpApiError)) throw error;
        // A refused redirect (kind http) is an answer: trying again gets the same.
        const retry = attempt < maxAttempts && error.kind !== "http";
        const retryInMs = retry
          ? backoffDelay(attempt, options.retries, options.random)
          : undefined;
        report(options.log, {
          method,
          path,
          attempt,
          status: error.status,
          outcome: error.kind,
          retryInMs,
        });
        if (retryInMs === undefined) throw error;
        await options.sleep(retryInMs);
        continue;
      }

      const status = response.status;
      let retryInMs: number | undefined;
      if (isRetryableStatus(status) && attempt < maxAttempts) {
        const retryAfter = parseRetryAfter(response.headers.get("Retry-After"), options.now);
        // A Retry-After beyond our cap is honoured by not calling again now: the
        // error carries it and the host requeues.
        if (retryAfter === undefined) {
          retryInMs = backoffDelay(attempt, options.retries, options.random);
        } else if (retryAfter <= options.retries.maxDelayMs) {
          retryInMs = retryAfter;
        }
      }
      report(options.log, {
        method,
        path,
        attempt,
        status,
        outcome: response.ok ? "ok" : "http",
        retryInMs,
      });
      if (retryInMs === undefined) return response;
      await options.sleep(retryInMs);
    }
  }

  async function attemptOnce(call: {
    request: Request;
    url: URL;
    method: string;
    path: string;
    headers: Headers;
    body: ArrayBuffer | undefined;
    token: string | undefined;
  }): Promise<Response> {
    const { request, url, method, path, token } = call;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const callerAbort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) callerAbort();
    else request.signal.addEventListener("abort", callerAbort, { once: true });
    try {
      const answer = await options.fetch(url.href, {
        method,
        headers: call.headers,
        body: call.body,
        signal: controller.signal,
        // Never followed: a redirect would carry the token to wherever it
        // points, and its answer (a 404 elsewhere) would be taken for VVP's.
        redirect: "manual",
      });
      if (isRedirect(answer.status)) {
        await answer.body?.cancel().catch(() => undefined);
        throw redirectRefused(method, path, url, answer);
      }
      // The body is read under the same timer, so a server that sends headers
      // and then stalls still times out.
      let text: string | null = NULL_BODY_STATUSES.has(answer.status) ? null : await answer.text();
      // ours: a refused token's answer is not kept at all (it may echo the
      // credential in a form no redaction recognises); the status says enough.
      if (text !== null && (answer.status === 401 || answer.status === 403)) text = "";
      if (text !== null && !answer.ok) text = redactBody(text, token);
      return new Response(text, {
        status: answer.status,
        // A server or proxy may echo the Authorization header in its reason phrase.
        statusText: redact(answer.statusText, token),
        headers: answer.headers,
      });
    } catch (error) {
      if (error instanceof VvpApiError) throw error;
      if (timedOut) {
        throw new VvpApiError({
          kind: "timeout",
          status: undefined,
          method,
          path,
          message: `${method} ${path} timed out after ${options.timeoutMs} ms waiting for VVP at ${url.origin}`,
        });
      }
      // The caller's own abort is theirs to handle: pass it through untouched.
      if (request.signal.aborted) throw request.signal.reason ?? error;
      const detail = redact(describeNetworkError(error), token);
      throw new VvpApiError({
        kind: "network",
        status: undefined,
        method,
        path,
        message: `${method} ${path} got no answer from VVP at ${url.origin}: ${detail}`,
        cause: new Error(detail),
      });
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", callerAbort);
    }
  }

  return transport as typeof fetch;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

/** A redirect, refused: the error names the status and where it pointed (its origin only). */
function redirectRefused(method: string, path: string, url: URL, answer: Response): VvpApiError {
  let target = "elsewhere";
  const location = answer.headers.get("location");
  if (location !== null) {
    try {
      const to = new URL(location, url);
      // Only the origin: a path or query may carry a credential.
      target = to.origin === url.origin ? "another path of the same origin" : to.origin;
    } catch {
      target = "an unreadable location";
    }
  }
  return new VvpApiError({
    kind: "http",
    status: answer.status,
    method,
    path,
    message: `${method} ${path} was answered ${answer.status}, a redirect to ${target}; redirects are not followed: set the VVP URL to the address VVP answers at`,
  });
}

async function readToken(
  source: TokenSource | undefined,
  method: string,
  path: string,
  log: TransportOptions["log"],
  attempt: number,
  lastToken: { value?: string },
): Promise<string | undefined> {
  if (source === undefined) return undefined;
  let value: unknown;
  let problem: string | undefined;
  try {
    value = typeof source === "string" ? source : await source();
  } catch (error) {
    // Only the provider's message is kept: the error object itself may hold
    // request options or secrets of whatever it called.
    const detail = error instanceof Error ? redact(error.message, lastToken.value) : undefined;
    problem = `the token provider failed: ${detail ?? "it threw a non-Error value"}`;
  }
  if (problem === undefined) {
    // Secrets written with `echo` end in a newline; a header cannot carry one.
    const token = typeof value === "string" ? value.trim() : undefined;
    if (token === undefined) problem = "the token provider returned no string";
    else if (token === "") problem = "the API token is empty";
    else if (!/^[\x21-\x7e]+$/.test(token)) {
      problem = "the API token contains characters an HTTP header cannot carry";
    } else return token;
  }
  report(log, { method, path, attempt, outcome: "token" });
  throw new VvpApiError({
    kind: "token",
    status: undefined,
    method,
    path,
    message: `${method} ${path} was not sent: ${problem}`,
  });
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return "the request failed";
  const cause = error.cause;
  // Node's fetch says "fetch failed" and puts the reason (ECONNREFUSED, …) in `cause`.
  if (cause instanceof Error && cause.message !== "") return `${error.message}: ${cause.message}`;
  return error.message;
}

function report(log: TransportOptions["log"], entry: VvpCallLogEntry): void {
  if (log === undefined) return;
  const clean: VvpCallLogEntry = { ...entry };
  if (clean.retryInMs === undefined) delete clean.retryInMs;
  if (clean.status === undefined) delete clean.status;
  try {
    log(clean);
  } catch {
    // A failing logger must not fail the VVP call.
  }
}
