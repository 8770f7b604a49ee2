// The KubeApi port over @kubernetes/client-node 1.x: the only file of the
// package that imports it at runtime. CRUD goes through the generated APIs
// (every patch with an explicit merge-patch content type: their default is
// JSON Patch); watches are raw HTTPS requests authenticated by the
// KubeConfig, so the controller owns timeouts, idle detection and aborts
// (client-node's Watch cannot be aborted before the response headers).
import * as http from "node:http";
import * as https from "node:https";
import {
  type ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
  setHeaderOptions,
} from "@kubernetes/client-node";
import {
  type KubeApi,
  KubeApiError,
  type KubeList,
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
}

/** Creates the KubeApi of a KubeConfig. */
export function createClientNodeKubeApi(
  kubeConfig: KubeConfig,
  options: ClientNodeKubeApiOptions = {},
): KubeApi {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const TRANSPORT = transportOptions(
    kubeConfig,
    options.requestTimeoutMs ?? 30_000,
    options.shareAgent ?? false,
  );
  const pageSize = options.listPageSize ?? 500;
  const MERGE_PATCH = setHeaderOptions("Content-Type", PatchStrategy.MergePatch, TRANSPORT);

  return {
    list: (resource, namespace, options = {}) =>
      translated(async (): Promise<KubeList> => {
        const page = (pageOptions: { limit: number; _continue?: string }) => {
          const query = { namespace, ...sel(options.labelSelector), ...pageOptions };
          if (resource === "configmaps") {
            return core.listNamespacedConfigMap(query, TRANSPORT).then(plain);
          }
          if (resource === "secrets")
            return core.listNamespacedSecret(query, TRANSPORT).then(plain);
          return custom.listNamespacedCustomObject({ ...CUSTOM[resource], ...query }, TRANSPORT);
        };
        // In pages, as client-go's reflector: a 10,000-CR namespace is not one
        // 30 MB answer. Every page reads the first page's snapshot; an expired
        // continue token is a 410, after which the caller lists again.
        const items: KubeObject[] = [];
        let resourceVersion = "";
        let token: string | undefined;
        do {
          const list = (await page({
            limit: pageSize,
            ...(token === undefined ? {} : { _continue: token }),
          })) as {
            items?: KubeObject[];
            // The generated core models spell it `_continue`; custom objects are raw JSON.
            metadata?: { resourceVersion?: string; continue?: string; _continue?: string };
          };
          items.push(...(list.items ?? []));
          if (token === undefined) resourceVersion = list.metadata?.resourceVersion ?? "";
          token = list.metadata?.continue || list.metadata?._continue || undefined;
        } while (token !== undefined);
        return { items, resourceVersion };
      }),
    watch: (resource, namespace, options, handlers) =>
      rawWatch(kubeConfig, collectionPath(resource, namespace), options, handlers),
    get: (resource, namespace, name) =>
      translated(async () => {
        try {
          if (resource === "configmaps") {
            return plain(await core.readNamespacedConfigMap({ name, namespace }, TRANSPORT));
          }
          if (resource === "secrets")
            return plain(await core.readNamespacedSecret({ name, namespace }, TRANSPORT));
          return (await custom.getNamespacedCustomObject(
            { ...CUSTOM[resource], namespace, name },
            TRANSPORT,
          )) as KubeObject;
        } catch (error) {
          if (codeOf(error) === 404) return null;
          throw error;
        }
      }),
    create: (resource, namespace, body) =>
      translated(async () => {
        if (resource === "configmaps") {
          return plain(
            await core.createNamespacedConfigMap({ namespace, body: body as never }, TRANSPORT),
          );
        }
        if (resource === "secrets") {
          return plain(
            await core.createNamespacedSecret({ namespace, body: body as never }, TRANSPORT),
          );
        }
        return (await custom.createNamespacedCustomObject(
          { ...CUSTOM[resource], namespace, body },
          TRANSPORT,
        )) as KubeObject;
      }),
    replace: (resource, namespace, name, body) =>
      translated(async () => {
        if (resource === "configmaps") {
          return plain(
            await core.replaceNamespacedConfigMap(
              { name, namespace, body: body as never },
              TRANSPORT,
            ),
          );
        }
        if (resource === "secrets") {
          return plain(
            await core.replaceNamespacedSecret({ name, namespace, body: body as never }, TRANSPORT),
          );
        }
        return (await custom.replaceNamespacedCustomObject(
          { ...CUSTOM[resource], namespace, name, body },
          TRANSPORT,
        )) as KubeObject;
      }),
    mergePatch: (resource, namespace, name, patch, options = {}) =>
      translated(async () => {
        if (resource === "configmaps") {
          return plain(
            await core.patchNamespacedConfigMap({ name, namespace, body: patch }, MERGE_PATCH),
          );
        }
        if (resource === "secrets") {
          return plain(
            await core.patchNamespacedSecret({ name, namespace, body: patch }, MERGE_PATCH),
          );
        }
        const request = { ...CUSTOM[resource], namespace, name, body: patch };
        return (await (options.subresource === "status"
          ? custom.patchNamespacedCustomObjectStatus(request, MERGE_PATCH)
          : custom.patchNamespacedCustomObject(request, MERGE_PATCH))) as KubeObject;
      }),
    delete: (resource, namespace, name, options = {}) =>
      translated(async () => {
        const body =
          options.resourceVersion === undefined
            ? {}
            : { preconditions: { resourceVersion: options.resourceVersion } };
        try {
          if (resource === "configmaps") {
            await core.deleteNamespacedConfigMap({ name, namespace, body }, TRANSPORT);
          } else if (resource === "secrets") {
            await core.deleteNamespacedSecret({ name, namespace, body }, TRANSPORT);
          } else {
            await custom.deleteNamespacedCustomObject(
              { ...CUSTOM[resource], namespace, name, body },
              TRANSPORT,
            );
          }
        } catch (error) {
          if (codeOf(error) !== 404) throw error;
        }
      }),
  };
}

/**
 * ours: every call shares one keep-alive agent (client-node makes a new agent,
 * so a new TLS handshake, per request: ~14 ms of CPU each, measured) and
 * carries a deadline, so a call never hangs. The agent takes the KubeConfig's
 * TLS settings; authentication headers are still set per request by client-node.
 */
function transportOptions(
  kubeConfig: KubeConfig,
  timeoutMs: number,
  share: boolean,
): ConfigurationOptions {
  // Shared: one agent per KubeConfig among the KubeApis that share (the
  // operator's controller and webhook); otherwise one of its own.
  let own: Promise<http.Agent | undefined> | undefined;
  const sharedAgent = () => {
    let agent = share ? SHARED_AGENTS.get(kubeConfig) : own;
    if (agent !== undefined) return agent;
    agent = (async () => {
      const options: https.RequestOptions = {};
      await kubeConfig.applyToHTTPSOptions(options);
      const base = options.agent as (http.Agent & { options?: https.AgentOptions }) | undefined;
      if (base === undefined) return undefined;
      const settings = { ...base.options, keepAlive: true, maxSockets: 64 };
      return base instanceof https.Agent ? new https.Agent(settings) : new http.Agent(settings);
    })();
    if (share) SHARED_AGENTS.set(kubeConfig, agent);
    else own = agent;
    return agent;
  };
  return {
    middleware: [
      {
        pre: (context: RequestContext) =>
          stubObservable(
            sharedAgent().then((shared) => {
              if (shared !== undefined) context.setAgent(shared);
              context.setSignal(AbortSignal.timeout(timeoutMs) as never);
              return context;
            }),
          ),
        post: (response: ResponseContext) => stubObservable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: "append",
  } as unknown as ConfigurationOptions;
}

const SHARED_AGENTS = new WeakMap<KubeConfig, Promise<http.Agent | undefined>>();

/** The shape of client-node's internal Observable stub, which its middleware must return. */
interface StubObservable<T> {
  toPromise(): Promise<T>;
  pipe<R>(callback: (value: T) => R): StubObservable<R>;
}

function stubObservable<T>(promise: Promise<T>): StubObservable<T> {
  return {
    toPromise: () => promise,
    pipe: (callback) => stubObservable(promise.then(callback)),
  };
}

function sel(labelSelector: string | undefined): { labelSelector?: string } {
  return labelSelector === undefined ? {} : { labelSelector };
}

/** The generated models carry Date objects; the controller works on JSON. */
function plain(value: unknown): KubeObject {
  return JSON.parse(JSON.stringify(value)) as KubeObject;
}

function collectionPath(resource: KubeResource, namespace: string): string {
  const ns = encodeURIComponent(namespace);
  if (resource === "configmaps" || resource === "secrets")
    return `/api/v1/namespaces/${ns}/${resource}`;
  const { group, version, plural } = CUSTOM[resource];
  return `/apis/${group}/${version}/namespaces/${ns}/${plural}`;
}

function codeOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/**
 * Runs a generated call and turns its ApiException (whose body is the raw
 * response text) into a KubeApiError with the Status reason and message.
 */
async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = codeOf(error);
    if (code === undefined || error instanceof KubeApiError) throw error;
    const body = (error as { body?: unknown }).body;
    throw statusError(parseStatus(body), code);
  }
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
