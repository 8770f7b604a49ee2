// The KubeApi port over @kubernetes/client-node: the only file of the
// package that imports it at runtime, for its KubeConfig (server, TLS and
// authentication of the current context). Every call is a raw HTTP(S)
// request authenticated by the KubeConfig over a keep-alive agent: CRUD as
// JSON (every patch a merge patch), watches as streams the controller owns
// (timeouts, idle detection and aborts; client-node's Watch cannot be
// aborted before the response headers).
import * as http from "node:http";
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  isKubeStatus,
  type KubeApi,
  type KubeObject,
  type KubeResource,
  type KubeWatch,
  type KubeWatchEvent,
  type KubeWatchHandlers,
  type KubeWatchOptions,
  statusError,
} from "./kube-api.js";

/** Group, version and plural of the resources served under /apis. */
const CUSTOM = {
  vvpdeployments: { group: "ververica.platform", version: "v1", plural: "vvpdeployments" },
  vvpdeploymentmappings: {
    group: "ververica.platform",
    version: "v1",
    plural: "vvpdeploymentmappings",
  },
  events: { group: "events.k8s.io", version: "v1", plural: "events" },
  localsubjectaccessreviews: {
    group: "authorization.k8s.io",
    version: "v1",
    plural: "localsubjectaccessreviews",
  },
} as const;

/** Options of the client-node KubeApi. */
export interface ClientNodeKubeApiOptions {
  /** Limit of each call, answer included (default 30 000 ms); watches have their own timers. */
  requestTimeoutMs?: number;
  /** Objects per list page (default 500, as client-go). */
  listPageSize?: number;
  /**
   * Share one keep-alive agent with every other KubeApi of this KubeConfig
   * made with this flag (default false: an agent of its own). The operator
   * sets it for its controller and its webhook, so the webhook's checks
   * travel over the controller's connections with their own deadline.
   */
  shareAgent?: boolean;
  /**
   * A connection idle this long is closed by the client (default 4 000 ms):
   * under a Node server's 5 s keep-alive timeout, so a call is not sent on a
   * connection the server is closing ("socket hang up"; the fleet bench saw a
   * few in 100,000 CRs). With `shareAgent`, the first KubeApi's value holds.
   */
  idleTimeoutMs?: number;
}

/** Creates the KubeApi of a KubeConfig. */
export function createClientNodeKubeApi(
  kubeConfig: KubeConfig,
  options: ClientNodeKubeApiOptions = {},
): KubeApi {
  const send = requester(
    kubeConfig,
    options.requestTimeoutMs ?? 30_000,
    options.shareAgent ?? false,
    options.idleTimeoutMs ?? 4_000,
  );
  const pageSize = options.listPageSize ?? 500;
  const objectPath = (resource: KubeResource, namespace: string, name: string) =>
    `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;

  return {
    list: async (resource, namespace, options = {}) => {
      // In pages, as client-go's reflector: a 10,000-CR namespace is not one
      // 30 MB answer. Every page reads the first page's snapshot; an expired
      // continue token is a 410, after which the caller lists again.
      const items: KubeObject[] = [];
      let resourceVersion = "";
      let token: string | undefined;
      do {
        const query = new URLSearchParams({
          ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
          limit: String(pageSize),
          ...(token === undefined ? {} : { continue: token }),
        });
        const list = (await send("GET", `${collectionPath(resource, namespace)}?${query}`)) as {
          items?: KubeObject[];
          metadata?: { resourceVersion?: string; continue?: string };
        };
        for (const item of list.items ?? []) items.push(item);
        if (token === undefined) resourceVersion = list.metadata?.resourceVersion ?? "";
        token = list.metadata?.continue || undefined;
      } while (token !== undefined);
      return { items, resourceVersion };
    },
    watch: (resource, namespace, options, handlers) =>
      rawWatch(kubeConfig, collectionPath(resource, namespace), options, handlers),
    get: async (resource, namespace, name) => {
      try {
        return (await send("GET", objectPath(resource, namespace, name))) as KubeObject;
      } catch (error) {
        if (isKubeStatus(error, 404)) return null;
        throw error;
      }
    },
    create: async (resource, namespace, body) =>
      (await send("POST", collectionPath(resource, namespace), body)) as KubeObject,
    replace: async (resource, namespace, name, body) =>
      (await send("PUT", objectPath(resource, namespace, name), body)) as KubeObject,
    mergePatch: async (resource, namespace, name, patch, options = {}) => {
      const path = objectPath(resource, namespace, name);
      return (await send(
        "PATCH",
        options.subresource === "status" ? `${path}/status` : path,
        patch,
        MERGE_PATCH,
      )) as KubeObject;
    },
    delete: async (resource, namespace, name, options = {}) => {
      const body =
        options.resourceVersion === undefined
          ? {}
          : { preconditions: { resourceVersion: options.resourceVersion } };
      try {
        await send("DELETE", objectPath(resource, namespace, name), body);
      } catch (error) {
        if (!isKubeStatus(error, 404)) throw error;
      }
    },
  };
}

const MERGE_PATCH = "application/merge-patch+json";

/**
 * ours: every call is one request of node:http(s) over a keep-alive agent
 * (client-node's generated APIs make an agent per request, and their
 * serializer, middleware and node-fetch layers cost twice the CPU of the
 * request itself: ~0.5–0.9 ms against ~0.25 ms per call, measured in the
 * fleet bench), carrying a deadline, so a call never hangs. Authentication
 * (headers, client certificates) and TLS settings still come from the
 * KubeConfig on every call, so rotated credentials are picked up. An answer
 * of 400 or more is a KubeApiError with the Status reason and message.
 */
function requester(
  kubeConfig: KubeConfig,
  timeoutMs: number,
  share: boolean,
  idleTimeoutMs: number,
): (method: string, path: string, body?: unknown, contentType?: string) => Promise<unknown> {
  // Shared: one agent per KubeConfig among the KubeApis that share (the
  // operator's controller and webhook); otherwise one of its own.
  let own: Promise<http.Agent> | undefined;
  const sharedAgent = (options: https.RequestOptions) => {
    let agent = share ? SHARED_AGENTS.get(kubeConfig) : own;
    if (agent !== undefined) return agent;
    const base = options.agent as (http.Agent & { options?: https.AgentOptions }) | undefined;
    // `timeout` closes a free socket idle that long; a call in flight is not cut.
    const settings = {
      ...base?.options,
      keepAlive: true,
      maxSockets: 64,
      timeout: idleTimeoutMs,
    };
    agent = Promise.resolve(
      base instanceof http.Agent && !(base instanceof https.Agent)
        ? new http.Agent(settings)
        : new https.Agent(settings),
    );
    if (share) SHARED_AGENTS.set(kubeConfig, agent);
    else own = agent;
    return agent;
  };
  return async (method, path, body, contentType = "application/json") => {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error("the KubeConfig has no current cluster");
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const agent = await sharedAgent(options);
    const url = new URL(`${cluster.server.replace(/\/$/, "")}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>(
      (resolve, reject) => {
        const request = (url.protocol === "http:" ? http : https).request(url, {
          ...options,
          agent,
          method,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            ...options.headers,
            Accept: "application/json",
            // Node sends a DELETE's body without a length unless told: the
            // server would read the body as the next request.
            ...(payload === undefined
              ? {}
              : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) }),
          },
        });
        request.on("error", reject);
        request.on("response", (response) => {
          response.setEncoding("utf8");
          let text = "";
          response.on("data", (chunk: string) => {
            text += chunk;
            if (text.length > MAX_ANSWER_CHARS) {
              request.destroy(
                new Error(`the answer to ${method} ${path} is over ${MAX_ANSWER_CHARS} characters`),
              );
            }
          });
          response.on("error", reject);
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        });
        request.end(payload);
      },
    );
    if (status >= 400) throw statusError(parseStatus(text), status);
    return text === "" ? {} : JSON.parse(text);
  };
}

// Bounds what one answer (a list page, an object) or one watch event may
// hold in memory: far above a page of CRs (objects are at most 1.5 MiB in
// etcd), far below what a misbehaving server could send.
const MAX_ANSWER_CHARS = 64 * 1024 * 1024;

const SHARED_AGENTS = new WeakMap<KubeConfig, Promise<http.Agent>>();

function collectionPath(resource: KubeResource, namespace: string): string {
  const ns = encodeURIComponent(namespace);
  if (resource === "configmaps" || resource === "secrets")
    return `/api/v1/namespaces/${ns}/${resource}`;
  const { group, version, plural } = CUSTOM[resource];
  return `/apis/${group}/${version}/namespaces/${ns}/${plural}`;
}

function parseStatus(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return { message: body.slice(0, 500) };
  }
}

function rawWatch(
  kubeConfig: KubeConfig,
  path: string,
  options: KubeWatchOptions,
  handlers: KubeWatchHandlers,
): KubeWatch {
  let aborted = false;
  let request: http.ClientRequest | undefined;
  let closed = false;
  const close = (error?: unknown) => {
    if (closed || aborted) return;
    closed = true;
    request?.destroy();
    handlers.onClose(error);
  };
  const start = async () => {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error("the KubeConfig has no current cluster");
    const requestOptions: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(requestOptions);
    if (aborted) return;
    const query = new URLSearchParams({
      watch: "true",
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: "true",
      timeoutSeconds: String(options.timeoutSeconds),
      ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
    });
    const url = new URL(`${cluster.server.replace(/\/$/, "")}${path}?${query}`);
    const transport = url.protocol === "http:" ? http : https;
    request = transport.request(url, {
      ...requestOptions,
      method: "GET",
      headers: { ...requestOptions.headers, Accept: "application/json" },
    });
    request.on("error", close);
    // Nothing reaches the owner once the watch is closed or aborted.
    const live: KubeWatchHandlers = {
      onEvent: (event) => {
        if (!closed && !aborted) handlers.onEvent(event);
      },
      onActivity: () => {
        if (!closed && !aborted) handlers.onActivity?.();
      },
      onClose: close,
    };
    request.on("response", (response) => onResponse(response, live, close));
    request.end();
  };
  start().catch(close);
  return {
    abort() {
      aborted = true;
      request?.destroy();
    },
  };
}

function onResponse(
  response: http.IncomingMessage,
  handlers: KubeWatchHandlers,
  close: (error?: unknown) => void,
): void {
  response.setEncoding("utf8");
  let buffered = "";
  if (response.statusCode !== 200) {
    response.on("data", (chunk: string) => {
      buffered += chunk;
    });
    response.on("end", () => close(statusError(parseStatus(buffered), response.statusCode ?? 0)));
    response.on("error", close);
    return;
  }
  response.on("data", (chunk: string) => {
    handlers.onActivity?.();
    buffered += chunk;
    if (buffered.length > MAX_ANSWER_CHARS) {
      // One event line past any object the API server stores: end this watch.
      close(new Error(`a watch event is over ${MAX_ANSWER_CHARS} characters`));
      response.destroy();
      return;
    }
    // Only the new chunk can hold the next newline; searching the buffer
    // would flatten it on every chunk (quadratic in a large event).
    if (!chunk.includes("\n")) return;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      if (line === "") continue;
      try {
        handlers.onEvent(JSON.parse(line) as KubeWatchEvent);
      } catch (error) {
        // A torn or garbled stream: end this watch, the loop restarts it.
        close(error);
        return;
      }
    }
  });
  response.on("end", () => close());
  response.on("error", close);
  response.on("close", () => close());
}
