import createClient, { type Client } from "openapi-fetch";
import { VvpApiError } from "./errors.js";
import { createHttpFetch } from "./http-fetch.js";
import { type RetryOptions, resolveRetryOptions } from "./retry.js";
import { createTransport, type TokenSource, type VvpCallLogEntry } from "./transport.js";
import type {
  Deployment,
  DeploymentTarget,
  Job,
  MergePatch,
  paths,
  Savepoint,
  VvpEvent,
} from "./types.js";

/** How to reach VVP. Only `baseUrl` is required. */
export interface VvpClientOptions {
  /** The VVP root, e.g. `https://vvp.example.com`; paths start at `/api/v1/…`. */
  baseUrl: string;
  /** A Bearer token, or a provider called before every request (e.g. reading a Kubernetes Secret). */
  token?: TokenSource;
  /** Limit of each HTTP attempt, answer body included (default 10 000 ms). */
  timeoutMs?: number;
  /** Retries of idempotent calls (GET, PUT, DELETE) on network errors, timeouts, 429 and 5xx. */
  retries?: RetryOptions;
  /**
   * The fetch to use (default: one over node:http(s) with keep-alive
   * connections of this client's own, which costs a third of the global
   * fetch's CPU per call; see http-fetch.ts).
   */
  fetch?: typeof fetch;
  /** Jitter source in [0, 1) (default Math.random); inject for deterministic tests. */
  random?: () => number;
  /** How to wait between retries (default setTimeout); inject to test without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock for Retry-After dates (default Date.now). */
  now?: () => number;
  /** Sent as User-Agent (default `vvp-deployment-sdk`). */
  userAgent?: string;
  /** Called once per HTTP attempt with method, path, status and outcome; never with headers or bodies. */
  log?: (entry: VvpCallLogEntry) => void;
}

/** The openapi-fetch client typed by our OpenAPI document. */
export type RawVvpClient = Client<paths>;

/**
 * The VVP calls the SDK makes. Each returns the data or throws a VvpApiError.
 * A single-object GET answered 404 resolves to null: a missing object is an
 * observation for the reconciler, not a failure (so is a 404 on DELETE: gone).
 */
export interface VvpClient {
  /** The deployment, or null when VVP answers 404. */
  getDeployment(namespace: string, deploymentId: string): Promise<Deployment | null>;
  /** The deployments of a namespace, optionally filtered by a label selector. */
  listDeployments(namespace: string, options?: { labelSelector?: string }): Promise<Deployment[]>;
  /**
   * The deployment with this `metadata.name`, or null: one GET of
   * `…/deployments/{name}` (VVP addresses deployments by name too), so its
   * cost does not grow with the namespace. A name shaped like an id, or an
   * answer naming another deployment, falls back to listing the namespace.
   */
  findDeploymentByName(namespace: string, name: string): Promise<Deployment | null>;
  /** POST a new deployment; never retried (a retry could create it twice). */
  createDeployment(namespace: string, body: Deployment): Promise<Deployment>;
  /**
   * PATCH with a JSON merge patch, sent as `application/json` (what VVP
   * accepts); never retried (every PATCH bumps resourceVersion). A 204 answer
   * is a success: the deployment is then read again.
   */
  patchDeployment(
    namespace: string,
    deploymentId: string,
    patch: MergePatch<Deployment>,
  ): Promise<Deployment>;
  /** PUT the full deployment; omitted fields are reset by VVP. */
  replaceDeployment(namespace: string, deploymentId: string, body: Deployment): Promise<Deployment>;
  /** DELETE a deployment: true when deleted, false when VVP answered 404 (already gone). */
  deleteDeployment(namespace: string, deploymentId: string): Promise<boolean>;
  /** POST a savepoint request (`metadata.deploymentId`, optional annotations); never retried. */
  createSavepoint(namespace: string, body: Savepoint): Promise<Savepoint>;
  /** The savepoints of a deployment. */
  listSavepoints(namespace: string, deploymentId: string): Promise<Savepoint[]>;
  /** The savepoint, or null when VVP answers 404. */
  getSavepoint(namespace: string, savepointId: string): Promise<Savepoint | null>;
  /** The job, or null when VVP answers 404. */
  getJob(namespace: string, jobId: string): Promise<Job | null>;
  /** The jobs of a deployment. */
  listJobs(namespace: string, deploymentId: string): Promise<Job[]>;
  /** The events of a deployment. */
  listEvents(namespace: string, deploymentId: string): Promise<VvpEvent[]>;
  /** The deployment target, or null when VVP answers 404. */
  getDeploymentTarget(namespace: string, name: string): Promise<DeploymentTarget | null>;
  /** The underlying openapi-fetch client, with the same auth, timeout and retries. */
  raw: RawVvpClient;
  /** The limit of each HTTP attempt; a write that timed out may still land within about this long. */
  readonly timeoutMs?: number;
}

/** Default of `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default of `userAgent`. */
export const DEFAULT_USER_AGENT = "vvp-deployment-sdk";

/** A UUID, the shape of VVP's ids. */
const ID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DEPLOYMENTS = "/api/v1/namespaces/{namespace}/deployments";
const DEPLOYMENT = "/api/v1/namespaces/{namespace}/deployments/{deploymentId}";
const SAVEPOINTS = "/api/v1/namespaces/{namespace}/savepoints";
const SAVEPOINT = "/api/v1/namespaces/{namespace}/savepoints/{savepointId}";
const JOBS = "/api/v1/namespaces/{namespace}/jobs";
const JOB = "/api/v1/namespaces/{namespace}/jobs/{jobId}";
const EVENTS = "/api/v1/namespaces/{namespace}/events";
const DEPLOYMENT_TARGET = "/api/v1/namespaces/{namespace}/deployment-targets/{name}";

/** Builds a VVP client on openapi-fetch; throws a TypeError or RangeError on unusable options. */
export function createVvpClient(options: VvpClientOptions): VvpClient {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a number > 0, got ${timeoutMs}`);
  }
  const token = options.token;
  if (token !== undefined && typeof token !== "string" && typeof token !== "function") {
    throw new TypeError("token must be a string or a function returning one");
  }
  const transport = createTransport({
    token,
    timeoutMs,
    retries: resolveRetryOptions(options.retries),
    fetch: options.fetch ?? createHttpFetch(),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: options.now ?? Date.now,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    log: options.log,
  });
  const raw = createClient<paths>({ baseUrl, fetch: transport });

  /** An update's answer, or, when VVP answered success without a body (204), a fresh read. */
  async function orReread(
    template: string,
    method: string,
    params: { path: { namespace: string; deploymentId: string } },
    result: FetchResult<Deployment>,
  ): Promise<Deployment> {
    if (!result.response.ok || result.data !== undefined) {
      return required(template, method, params, result);
    }
    const { namespace, deploymentId } = params.path;
    const reread = await client.getDeployment(namespace, deploymentId);
    if (reread !== null) return reread;
    const path = pathOf(template, params);
    throw new VvpApiError({
      kind: "http",
      status: 404,
      method,
      path,
      message: `${method} ${path} answered ${result.response.status}, but the deployment is gone when read again`,
    });
  }

  const client: VvpClient = {
    raw,
    timeoutMs,
    async getDeployment(namespace, deploymentId) {
      const params = { path: { namespace, deploymentId } };
      return orNull(
        DEPLOYMENT,
        "GET",
        params,
        await send("GET", DEPLOYMENT, params, () => raw.GET(DEPLOYMENT, { params })),
      );
    },
    async listDeployments(namespace, listOptions = {}) {
      const query = listOptions.labelSelector === undefined ? {} : listOptions;
      const params = { path: { namespace }, query };
      const result = await send("GET", DEPLOYMENTS, params, () => raw.GET(DEPLOYMENTS, { params }));
      return required(DEPLOYMENTS, "GET", params, result).items ?? [];
    },
    async findDeploymentByName(namespace, name) {
      const byList = async () =>
        (await client.listDeployments(namespace)).find(
          (deployment) => deployment.metadata?.name === name,
        ) ?? null;
      // Ours: VVP may read an id-shaped segment as an id only, so such a name
      // is looked up in the list, where it cannot be missed.
      if (ID_SHAPED.test(name)) return byList();
      const found = await client.getDeployment(namespace, name);
      if (found === null) return null;
      return found.metadata?.name === name ? found : byList();
    },
    async createDeployment(namespace, body) {
      const params = { path: { namespace } };
      const result = await send("POST", DEPLOYMENTS, params, () =>
        raw.POST(DEPLOYMENTS, { params, body }),
      );
      return required(DEPLOYMENTS, "POST", params, result);
    },
    async patchDeployment(namespace, deploymentId, patch) {
      const params = { path: { namespace, deploymentId } };
      const result = await send("PATCH", DEPLOYMENT, params, () =>
        // A merge patch may hold nulls (remove a key), which the Deployment type
        // does not. It travels as application/json: VVP consumes only JSON and
        // YAML and answers 415 to application/merge-patch+json.
        raw.PATCH(DEPLOYMENT, { params, body: patch as Deployment }),
      );
      return orReread(DEPLOYMENT, "PATCH", params, result);
    },
    async replaceDeployment(namespace, deploymentId, body) {
      const params = { path: { namespace, deploymentId } };
      const result = await send("PUT", DEPLOYMENT, params, () =>
        raw.PUT(DEPLOYMENT, { params, body }),
      );
      return orReread(DEPLOYMENT, "PUT", params, result);
    },
    async deleteDeployment(namespace, deploymentId) {
      const params = { path: { namespace, deploymentId } };
      const result = await send("DELETE", DEPLOYMENT, params, () =>
        raw.DELETE(DEPLOYMENT, { params }),
      );
      if (result.response.status === 404) return false;
      if (!result.response.ok) throw httpError("DELETE", DEPLOYMENT, params, result);
      return true;
    },
    async createSavepoint(namespace, body) {
      const params = { path: { namespace } };
      const result = await send("POST", SAVEPOINTS, params, () =>
        raw.POST(SAVEPOINTS, { params, body }),
      );
      return required(SAVEPOINTS, "POST", params, result);
    },
    async listSavepoints(namespace, deploymentId) {
      const params = { path: { namespace }, query: { deploymentId } };
      const result = await send("GET", SAVEPOINTS, params, () => raw.GET(SAVEPOINTS, { params }));
      return required(SAVEPOINTS, "GET", params, result).items ?? [];
    },
    async getSavepoint(namespace, savepointId) {
      const params = { path: { namespace, savepointId } };
      return orNull(
        SAVEPOINT,
        "GET",
        params,
        await send("GET", SAVEPOINT, params, () => raw.GET(SAVEPOINT, { params })),
      );
    },
    async getJob(namespace, jobId) {
      const params = { path: { namespace, jobId } };
      return orNull(
        JOB,
        "GET",
        params,
        await send("GET", JOB, params, () => raw.GET(JOB, { params })),
      );
    },
    async listJobs(namespace, deploymentId) {
      const params = { path: { namespace }, query: { deploymentId } };
      const result = await send("GET", JOBS, params, () => raw.GET(JOBS, { params }));
      return required(JOBS, "GET", params, result).items ?? [];
    },
    async listEvents(namespace, deploymentId) {
      const params = { path: { namespace }, query: { deploymentId } };
      const result = await send("GET", EVENTS, params, () => raw.GET(EVENTS, { params }));
      return required(EVENTS, "GET", params, result).items ?? [];
    },
    async getDeploymentTarget(namespace, name) {
      const params = { path: { namespace, name } };
      return orNull(
        DEPLOYMENT_TARGET,
        "GET",
        params,
        await send("GET", DEPLOYMENT_TARGET, params, () => raw.GET(DEPLOYMENT_TARGET, { params })),
      );
    },
  };
  return client;
}

interface Params {
  path: Record<string, string>;
  query?: Record<string, string | undefined>;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Runs one openapi-fetch call; anything it throws that is not ours becomes a VvpApiError. */
async function send<T>(
  method: string,
  template: string,
  params: Params,
  run: () => Promise<FetchResult<T>>,
): Promise<FetchResult<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof VvpApiError) throw error;
    const path = pathOf(template, params);
    // The transport already scrubbed error bodies; a success body that is not
    // JSON is the usual cause here (a proxy's HTML page, a cut-off answer).
    const detail = error instanceof SyntaxError ? "its answer is not valid JSON" : "unreadable";
    throw new VvpApiError({
      kind: "http",
      status: undefined,
      method,
      path,
      message: `${method} ${path} failed: ${detail}`,
    });
  }
}

function required<T>(template: string, method: string, params: Params, result: FetchResult<T>): T {
  if (!result.response.ok) throw httpError(method, template, params, result);
  if (result.data === undefined) {
    const path = pathOf(template, params);
    throw new VvpApiError({
      kind: "http",
      status: result.response.status,
      method,
      path,
      message: `${method} ${path} answered ${result.response.status} without a body`,
    });
  }
  return result.data;
}

function orNull<T>(
  template: string,
  method: string,
  params: Params,
  result: FetchResult<T>,
): T | null {
  if (result.response.status === 404) return null;
  return required(template, method, params, result);
}

function httpError<T>(
  method: string,
  template: string,
  params: Params,
  result: FetchResult<T>,
): VvpApiError {
  const { response } = result;
  const path = pathOf(template, params);
  const vvpMessage = messageOf(result.error);
  const retryAfter = response.headers.get("Retry-After");
  const retryAfterMs =
    retryAfter !== null && /^\d+$/.test(retryAfter.trim())
      ? Number(retryAfter.trim()) * 1000
      : undefined;
  const statusText = response.statusText === "" ? "" : ` ${response.statusText}`;
  return new VvpApiError({
    kind: "http",
    status: response.status,
    method,
    path,
    message: `${method} ${path} failed with ${response.status}${statusText}${vvpMessage === undefined ? "" : `: ${vvpMessage}`}`,
    ...(vvpMessage === undefined ? {} : { vvpMessage }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

// VVP sends `{ message }`; anything else (a proxy's text page) is shown briefly.
const MAX_TEXT_MESSAGE = 300;

function messageOf(body: unknown): string | undefined {
  if (body !== null && typeof body === "object") {
    const message = (body as { message?: unknown }).message;
    return typeof message === "string" && message !== "" ? message : undefined;
  }
  if (typeof body === "string") {
    const text = body.trim().replace(/\s+/g, " ");
    if (text === "") return undefined;
    return text.length > MAX_TEXT_MESSAGE ? `${text.slice(0, MAX_TEXT_MESSAGE)}…` : text;
  }
  return undefined;
}

/** The request path as sent, for messages: the template with its parameters encoded. */
function pathOf(template: string, params: Params): string {
  const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    encodeURIComponent(params.path[name] ?? ""),
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params.query ?? {})) {
    if (value !== undefined) query.set(key, value);
  }
  const search = query.toString();
  return search === "" ? path : `${path}?${search}`;
}

function checkBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== "string") throw new TypeError("baseUrl must be a string");
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    // Not echoed: a base URL may carry credentials.
    throw new TypeError("baseUrl must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl must be an http(s) URL, not ${url.protocol}`);
  }
  return baseUrl.replace(/\/+$/, "");
}
