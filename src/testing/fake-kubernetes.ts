// startFakeKubernetes: the fake API server on 127.0.0.1 with a test CA, and
// the controls tests use to inspect it and to inject faults.

import { randomBytes, randomUUID } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { buildMappingCrd } from "../crd/index.js";
import { API_GROUP, KIND } from "../models/index.js";
import { validateVvpDeployment } from "../validation/index.js";
import type { Authorizer } from "./access-reviews.js";
import { loadCel } from "./crd-cel.js";
import { type FailureRule, FaultState, type RequestMatch, requestMatches } from "./faults.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { isPlainObject, type KubeObject } from "./objects.js";
import { openApiGroupVersion, openApiRoot } from "./openapi.js";
import { kubernetesDescriptors } from "./protobuf/descriptors.js";
import { isWrite, type LoggedRequest } from "./request-log.js";
import {
  groupVersion,
  qualifiedResource,
  type ResourceType,
  typeKey,
  vvpDeploymentCrd,
} from "./resource-types.js";
import { createHandler, type ExpiredWatchStart, type ServerContext } from "./server.js";
import { KubeApiError, type StatusCause } from "./status.js";
import { type DeleteResult, ObjectStore, type WriteValidator } from "./store.js";
import { generateTestTls } from "./tls.js";
import type { WatchStream } from "./watch.js";
import type { WebhookRouting } from "./webhooks.js";

/** Run our CRD schema and webhook rules on VvpDeployment writes (422 Invalid with causes). */
export interface FakeValidationOptions {
  instanceId: string;
  watchedNamespaces?: string[];
  apiKeyValidation?: boolean;
}

/** Options of `startFakeKubernetes`; every timing is configurable so tests run in milliseconds. */
export interface FakeKubernetesOptions {
  /** Revisions of history kept for watch resumption (default 1000); older resourceVersions get 410. */
  compactionWindow?: number;
  /** Validate VvpDeployment writes with `validateVvpDeployment`; off by default (everything accepted). */
  validate?: FakeValidationOptions;
  /** Namespaces created at start, besides `default`, `kube-system` and `kube-public`. */
  namespaces?: string[];
  /** Also serve plain HTTP (`httpUrl`). */
  http?: boolean;
  /** The bearer token clients must send (default: random). */
  token?: string;
  /** Interval of BOOKMARK events on watches that allow them (default 60 000 ms). */
  bookmarkIntervalMs?: number;
  /** A watch from an expired resourceVersion: 200 + an ERROR event with the 410 Status ("event", default, as the watch cache answers) or HTTP 410 ("status"). */
  expiredWatchStart?: ExpiredWatchStart;
  /** Close watches sent without timeoutSeconds after this long (default: never). */
  defaultWatchTimeoutMs?: number;
  /** The clock for creationTimestamp, deletionTimestamp and ages (default: the system clock). */
  now?: () => Date;
  /** Serve `/openapi/v3` (default true): kubectl then leaves field validation to the server. */
  openApi?: boolean;
  /** How stored ValidatingWebhookConfigurations reach their webhooks (Service URLs, a CA when no caBundle). */
  webhooks?: WebhookRouting;
  /** More CustomResourceDefinitions installed at start (e.g. cert-manager's), served like VvpDeployment's. */
  crds?: unknown[];
  /**
   * Issue resourceVersions like "r1k3x9a" that are neither numbers nor
   * ordered (ours), so a client that parses or compares them fails in tests
   * as it would against another storage; default: decimal counters as etcd's.
   */
  scrambleResourceVersions?: boolean;
  /**
   * Enforce every served CRD's schema on its custom resources, as
   * kube-apiserver does (default true): structural validation (422),
   * pruning of unknown fields (a Warning, or 400 with fieldValidation=Strict),
   * defaults, x-kubernetes-validations (CEL) and the status subresource's
   * schema. `false` stores whatever is sent.
   */
  crdEnforcement?: boolean;
  /**
   * Where protobuf bodies of built-in kinds (what `kubectl create secret|configmap|namespace`
   * sends) get their schema: the Go binary whose embedded Kubernetes descriptors decode them
   * (default: `kubectl` on PATH, read on the first such body); `false` answers them 415.
   */
  protobufDescriptorsFrom?: string | false;
  /** Decides LocalSubjectAccessReviews (authorization.k8s.io/v1); default: allow everything. */
  authorizer?: Authorizer;
}

/** An open watch, as tests see it. */
export interface WatchInfo {
  resource: string;
  namespace?: string;
  /** The resourceVersion it resumed from, if any. */
  resourceVersion?: string;
  stalled: boolean;
  eventsSent: number;
}

/** Fault injection controls. */
export interface FakeFaults {
  /** Cuts every open watch (matching `match`) without a clean end; returns how many. */
  dropWatches(match?: { resource?: string }): number;
  /** Open watches stay connected but receive nothing more (no events, bookmarks or end); returns how many. */
  stallWatches(match?: { resource?: string }): number;
  /** Ends open watches cleanly, as a timeout would; returns how many. */
  endWatches(match?: { resource?: string }): number;
  /** Answers the next matching request(s) with a failure Status (500, 429 + Retry-After, …). */
  failNext(rule: FailureRule): void;
  /** Delays every matching request by `ms`; `slow(0)` stops. */
  slow(ms: number, match?: RequestMatch): void;
  /** Clears queued failures and slowdowns (open watches are left as they are). */
  reset(): void;
}

/** A running fake API server. */
export interface FakeKubernetes {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  /** `http://127.0.0.1:<port>` when started with `http: true`. */
  httpUrl?: string;
  /** Kubeconfig TEXT for client-node's `loadFromString` and `kubectl --kubeconfig`. */
  kubeconfig: string;
  /** The test CA's certificate (PEM). */
  caCert: string;
  /** The bearer token the kubeconfig carries. */
  token: string;
  faults: FakeFaults;
  /** Every request served so far, oldest first (no headers, so no tokens). */
  requests(match?: RequestMatch): LoggedRequest[];
  /** Writes (POST, PUT, PATCH, DELETE) so far, of one resource plural or all. */
  writes(resource?: string): number;
  /** Forgets the request log. */
  clearRequests(): void;
  /** The open watches. */
  watches(): WatchInfo[];
  /** Forgets history: watches from older resourceVersions get 410; open watches get an in-stream 410 ERROR unless `keepWatches`. */
  compact(options?: { keepWatches?: boolean }): void;
  /** The current resourceVersion. */
  resourceVersion(): string;
  /** Copies of stored objects, of one kind (Kind, plural or plural.group) or all. */
  objects(kind?: string): KubeObject[];
  /** A copy of one object, or undefined. */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Creates or replaces an object (status included) without HTTP, validation or preconditions. */
  apply(object: unknown): KubeObject;
  /** Deletes an object without HTTP (finalizers still hold it); undefined when absent. */
  delete(kind: string, namespace: string | undefined, name: string): DeleteResult | undefined;
  /** Resolves when `condition()` holds (checked after every request and write, and every 5 ms); rejects after `timeoutMs` (default 5000). */
  waitFor(condition: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops the server and ends every connection. */
  close(): Promise<void>;
}

function vvpValidator(options: FakeValidationOptions): WriteValidator {
  return (type, object, oldObject) => {
    if (type.group !== API_GROUP || type.kind !== KIND) return [];
    const verdict = validateVvpDeployment(object, {
      instanceId: options.instanceId,
      ...(options.watchedNamespaces === undefined
        ? {}
        : { watchedNamespaces: options.watchedNamespaces }),
      ...(options.apiKeyValidation === undefined
        ? {}
        : { apiKeyValidation: options.apiKeyValidation }),
      ...(oldObject === undefined ? {} : { oldObject }),
    });
    return verdict.errors.map(
      (error): StatusCause => ({
        reason: error.reason,
        message: error.message,
        field: error.field,
      }),
    );
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// /openapi/v3 and its group-version documents; /openapi/v2 is 404 (kubectl
// asks for it as protobuf, which the fake does not speak).
function openApiServer(store: ObjectStore): (path: string) => unknown {
  return (path) => {
    const types = store.allTypes();
    if (path === "/openapi/v3") return openApiRoot(types);
    const match = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (match === null) return undefined;
    const group = match[1] === undefined ? (match[2] ?? "") : "";
    const version = match[1] ?? match[3] ?? "";
    return openApiGroupVersion(types, group, version, (type) => crdSchemaOf(store, type));
  };
}

// The structural schema a CRD declares for a served version.
function crdSchemaOf(store: ObjectStore, type: ResourceType): unknown {
  const crdType = store.type("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  if (!type.custom || crdType === undefined) return {};
  const crd = store
    .list(crdType, undefined)
    .find((c) => c.metadata.name === `${type.plural}.${type.group}`) as
    | { spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: unknown } }[] } }
    | undefined;
  return crd?.spec?.versions?.find((v) => v.name === type.version)?.schema?.openAPIV3Schema ?? {};
}

/** Starts the fake Kubernetes API server on 127.0.0.1 (HTTPS with a fresh test CA). */
export async function startFakeKubernetes(
  options: FakeKubernetesOptions = {},
): Promise<FakeKubernetes> {
  checkOptions(options);
  // The CRDs' CEL rules are compiled as CRDs are stored, from here on.
  await loadCel();
  const now = options.now ?? (() => new Date());
  const store = new ObjectStore({
    compactionWindow: options.compactionWindow ?? 1000,
    now,
    uid: () => randomUUID(),
    nameSuffix: () => randomSuffix(),
    ...(options.validate === undefined ? {} : { validate: vvpValidator(options.validate) }),
    ...(options.scrambleResourceVersions ? { scrambleResourceVersions: true } : {}),
    ...(options.crdEnforcement === false ? { enforceCrdSchemas: false } : {}),
  });
  const nsType = store.type("", "v1", "namespaces") as ResourceType;
  for (const name of new Set([
    "default",
    "kube-system",
    "kube-public",
    ...(options.namespaces ?? []),
  ])) {
    store.create(nsType, undefined, { metadata: { name } });
  }
  const crdType = store.type(
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
  ) as ResourceType;
  store.create(crdType, undefined, vvpDeploymentCrd());
  // The operator's mapping records live in a CRD of their own.
  store.create(crdType, undefined, buildMappingCrd());
  (options.crds ?? []).forEach((crd, index) => {
    try {
      store.create(crdType, undefined, crd);
    } catch (error) {
      const why = error instanceof KubeApiError ? error.message : String(error);
      throw new FakeKubernetesOptionError(`crds[${index}]`, why);
    }
  });

  const token = options.token ?? randomBytes(24).toString("base64url");
  const tls = await generateTestTls();
  const waiters = new Set<() => void>();
  const log: LoggedRequest[] = [];
  const watches = new Set<WatchStream>();
  const faults = new FaultState();
  let address = "127.0.0.1:0";
  const context: ServerContext = {
    store,
    faults,
    watches,
    log,
    token,
    serverAddress: () => address,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    expiredWatchStart: options.expiredWatchStart ?? "event",
    ...(options.defaultWatchTimeoutMs === undefined
      ? {}
      : { defaultWatchTimeoutMs: options.defaultWatchTimeoutMs }),
    now,
    openApi: options.openApi === false ? () => undefined : openApiServer(store),
    webhooks: options.webhooks ?? {},
    ...(options.authorizer === undefined ? {} : { authorizer: options.authorizer }),
    ...(options.protobufDescriptorsFrom === false
      ? {}
      : { protobuf: () => kubernetesDescriptors(options.protobufDescriptorsFrom || undefined) }),
  };
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const push = log.push.bind(log);
  log.push = (...entries: LoggedRequest[]) => {
    const length = push(...entries);
    notify();
    return length;
  };
  store.subscribe(notify);

  const handler = createHandler(context);
  const https = createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  const port = await listen(https);
  address = `127.0.0.1:${port}`;
  const url = `https://${address}`;
  let http: Server | undefined;
  let httpUrl: string | undefined;
  if (options.http) {
    http = createHttpServer(handler);
    httpUrl = `http://127.0.0.1:${await listen(http)}`;
  }

  const selectWatches = (match: { resource?: string } = {}) =>
    [...watches].filter(
      (w) => match.resource === undefined || w.spec.type.plural === match.resource,
    );

  const typesOf = (kind: string | undefined): ResourceType[] =>
    store.allTypes().filter((type) => kind === undefined || matchesKind(type, kind));

  const faultControls: FakeFaults = {
    dropWatches: (match) => countEach(selectWatches(match), (w) => w.drop()),
    stallWatches: (match) => countEach(selectWatches(match), (w) => w.stall()),
    endWatches: (match) => countEach(selectWatches(match), (w) => w.end()),
    failNext: (rule) => faults.failNext(rule),
    slow: (ms, match) => faults.slow(ms, match),
    reset: () => faults.reset(),
  };

  return {
    url,
    ...(httpUrl === undefined ? {} : { httpUrl }),
    kubeconfig: renderKubeconfig({ server: url, caCert: tls.caCert, token }),
    caCert: tls.caCert,
    token,
    faults: faultControls,
    requests: (match) =>
      log.filter(
        (entry) =>
          match === undefined ||
          requestMatches(match, {
            method: entry.method,
            path: entry.path,
            watch: entry.watch,
            ...(entry.resource === undefined ? {} : { resource: entry.resource }),
            ...(entry.subresource === undefined ? {} : { subresource: entry.subresource }),
          }),
      ),
    writes: (resource) =>
      log.filter((e) => isWrite(e) && (resource === undefined || e.resource === resource)).length,
    clearRequests: () => {
      log.length = 0;
    },
    watches: () =>
      [...watches].map((w) => ({
        resource: w.spec.type.plural,
        ...(w.spec.namespace === undefined ? {} : { namespace: w.spec.namespace }),
        ...(w.spec.resourceVersion === undefined
          ? {}
          : { resourceVersion: store.encode(w.spec.resourceVersion) }),
        stalled: w.isStalled,
        eventsSent: w.sent,
      })),
    compact: (compactOptions = {}) => {
      const oldest = store.currentResourceVersion();
      store.compact();
      if (compactOptions.keepWatches) return;
      for (const w of [...watches]) {
        const from =
          w.spec.resourceVersion === undefined ? oldest : store.encode(w.spec.resourceVersion);
        w.expire(from, oldest);
      }
    },
    resourceVersion: () => store.currentResourceVersion(),
    objects: (kind) =>
      typesOf(kind)
        .filter((type) => type.storage === undefined)
        .flatMap((type) => store.list(type, undefined)),
    get: (kind, namespace, name) => {
      for (const type of typesOf(kind)) {
        const found = store.list(type, namespace).find((o) => o.metadata.name === name);
        if (found !== undefined) return found;
      }
      return undefined;
    },
    apply: (object) => applyDirect(store, object),
    delete: (kind, namespace, name) => {
      for (const type of typesOf(kind)) {
        if (store.list(type, namespace).some((o) => o.metadata.name === name)) {
          return store.delete(type, type.namespaced ? namespace : undefined, name);
        }
      }
      return undefined;
    },
    waitFor: (condition, timeoutMs = 5000) => waitFor(waiters, condition, timeoutMs),
    close: async () => {
      for (const w of [...watches]) w.end();
      await stop(https);
      if (http !== undefined) await stop(http);
    },
  };
}

/** A bad option of `startFakeKubernetes`, naming the option. */
export class FakeKubernetesOptionError extends TypeError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`startFakeKubernetes: ${option}: ${message}`);
    this.name = "FakeKubernetesOptionError";
  }
}

function checkOptions(options: FakeKubernetesOptions): void {
  const counts: [string, number | undefined, number][] = [
    ["compactionWindow", options.compactionWindow, 1],
    ["bookmarkIntervalMs", options.bookmarkIntervalMs, 0],
    ["defaultWatchTimeoutMs", options.defaultWatchTimeoutMs, 1],
  ];
  for (const [option, value, minimum] of counts) {
    if (value !== undefined && !(Number.isFinite(value) && value >= minimum)) {
      throw new FakeKubernetesOptionError(
        option,
        `must be a number >= ${minimum}, got ${String(value)}`,
      );
    }
  }
  (options.namespaces ?? []).forEach((name, index) => {
    if (
      typeof name !== "string" ||
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) ||
      name.length > 63
    ) {
      throw new FakeKubernetesOptionError(
        `namespaces[${index}]`,
        `not a namespace name: ${JSON.stringify(name)}`,
      );
    }
  });
  if (
    options.validate !== undefined &&
    (typeof options.validate.instanceId !== "string" || options.validate.instanceId === "")
  ) {
    throw new FakeKubernetesOptionError("validate.instanceId", "must be a non-empty string");
  }
  if (
    options.token !== undefined &&
    (typeof options.token !== "string" || !/^[\x21-\x7e]+$/.test(options.token))
  ) {
    throw new FakeKubernetesOptionError(
      "token",
      "must be non-empty printable ASCII without spaces",
    );
  }
}

function randomSuffix(): string {
  // Kubernetes' generateName alphabet: no vowels, no ambiguous characters.
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  return [...randomBytes(5)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

function countEach<T>(items: readonly T[], action: (item: T) => void): number {
  for (const item of items) action(item);
  return items.length;
}

/** Whether a kind name (Kind, plural, or plural.group, case-insensitive) names a type. */
function matchesKind(type: ResourceType, kind: string): boolean {
  const wanted = kind.toLowerCase();
  return (
    type.kind.toLowerCase() === wanted ||
    type.plural === wanted ||
    qualifiedResource(type) === wanted ||
    typeKey(type) === wanted
  );
}

function applyDirect(store: ObjectStore, object: unknown): KubeObject {
  if (
    !isPlainObject(object) ||
    typeof object.apiVersion !== "string" ||
    typeof object.kind !== "string"
  ) {
    throw new TypeError("apply needs an object with apiVersion and kind");
  }
  const type = store
    .allTypes()
    .find((t) => groupVersion(t) === object.apiVersion && t.kind === object.kind);
  if (type === undefined)
    throw new TypeError(`no served resource for ${object.apiVersion} ${object.kind}`);
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const namespace = type.namespaced
    ? typeof metadata.namespace === "string"
      ? metadata.namespace
      : "default"
    : undefined;
  const existing = store.list(type, namespace).find((o) => o.metadata.name === name);
  const trusted = { trusted: true } as const;
  const { resourceVersion: _stale, ...freshMetadata } = metadata;
  let stored =
    existing === undefined
      ? store.create(type, namespace, { ...object, metadata: freshMetadata }, trusted)
      : store.update(
          type,
          namespace,
          name,
          {
            ...object,
            metadata: { ...metadata, resourceVersion: existing.metadata.resourceVersion },
          },
          trusted,
        );
  if (type.statusSubresource && object.status !== undefined) {
    stored = store.update(
      type,
      namespace,
      name,
      { ...stored, status: object.status },
      { target: "status", ...trusted },
    );
  }
  return stored;
}

function waitFor(
  waiters: Set<() => void>,
  condition: () => boolean,
  timeoutMs: number,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`fake Kubernetes: condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    // Client-side state (events a client received) changes without a server
    // event, so the condition is also polled.
    const poll = setInterval(check, 5);
    const finish = () => {
      clearTimeout(timer);
      clearInterval(poll);
      waiters.delete(check);
    };
    waiters.add(check);
  });
}

export { KubeApiError };
