// The HTTP face of the fake: authentication, fault injection, discovery and
// the REST verbs of every served resource, answered as the API server does.

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { type Authorizer, accessReviewNamespace, reviewAccess } from "./access-reviews.js";
import type { FieldValidation } from "./crd-enforcement.js";
import { coreVersions, group, groupList, resourceList, versionInfo } from "./discovery.js";
import { type FaultState, failureFor, type RequestFacts } from "./faults.js";
import { isPlainObject, type KubeObject } from "./objects.js";
import { applyJsonPatch, mergePatch, strategicMergePatch } from "./patch.js";
import { decodeProtobufBody, PROTOBUF_MEDIA_TYPE, ProtobufBodyError } from "./protobuf/body.js";
import type { KubernetesDescriptors } from "./protobuf/descriptors.js";
import type { LoggedRequest } from "./request-log.js";
import { groupVersion, type ResourceType } from "./resource-types.js";
import { parseResourcePath, type ResourcePath } from "./routes.js";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "./selectors.js";
import {
  badRequest,
  deletedStatus,
  invalid,
  KubeApiError,
  methodNotAllowed,
  pathNotFound,
  type StatusCause,
  unsupportedPatch,
} from "./status.js";
import {
  type DeleteResult,
  type ObjectStore,
  StaleWriteError,
  type WriteOptions,
  type WriteTarget,
} from "./store.js";
import { tableOf, wantsTable } from "./table.js";
import { WatchStream } from "./watch.js";
import { type AdmissionOperation, admit, type WebhookRouting, webhooksFor } from "./webhooks.js";

/** How an expired watch start is answered: HTTP 410, or 200 and an ERROR event (as the watch cache does). */
export type ExpiredWatchStart = "status" | "event";

/** Everything a request handler needs. */
export interface ServerContext {
  store: ObjectStore;
  faults: FaultState;
  watches: Set<WatchStream>;
  log: LoggedRequest[];
  token: string;
  serverAddress: () => string;
  bookmarkIntervalMs: number;
  expiredWatchStart: ExpiredWatchStart;
  /** Server-side cap on a watch without timeoutSeconds; undefined keeps it open. */
  defaultWatchTimeoutMs?: number;
  now: () => Date;
  /** Serves an OpenAPI document at this path (or 404). */
  openApi: (path: string) => unknown | undefined;
  /** How validating admission webhooks are reached. */
  webhooks: WebhookRouting;
  /** Decides LocalSubjectAccessReviews (default: allow everything). */
  authorizer?: Authorizer;
  /** Kubernetes' protobuf descriptors for built-in bodies (undefined: protobuf is 415). */
  protobuf?: () => Promise<KubernetesDescriptors>;
}

const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/apply-patch+yaml",
];

const FIELD_LABELS: Record<string, string[]> = {
  "/v1/secrets": ["type"],
  "/v1/events": [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  "events.k8s.io/v1/events": [
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "reason",
    "reportingController",
    "type",
  ],
  "/v1/namespaces": ["status.phase"],
};

/** Per-request state: the request's facts and how it is logged. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  entry: LoggedRequest;
  context: ServerContext;
  /** How the body is decoded (fieldValidation) and the warnings it produced. */
  decode: { fieldValidation: FieldValidation; warnings: string[]; patch: boolean };
}

/** The request listener of the fake API server. */
export function createHandler(
  context: ServerContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void handle(context, request, response);
  };
}

async function handle(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://fake");
  const resourcePath = parseResourcePath(url.pathname, (g, v, plural) =>
    Boolean(context.store.type(g, v, plural)?.namespaced),
  );
  const watch = isWatch(url, resourcePath);
  const reviewNamespace = accessReviewNamespace(url.pathname);
  const entry: LoggedRequest = {
    method: request.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    userAgent: request.headers["user-agent"] ?? "",
    ...(request.headers["content-type"] === undefined
      ? {}
      : { contentType: request.headers["content-type"] }),
    ...(request.headers.accept === undefined ? {} : { accept: request.headers.accept }),
    ...(resourcePath === undefined || reviewNamespace !== undefined
      ? {}
      : {
          resource: resourcePath.plural,
          ...(resourcePath.subresource === undefined
            ? {}
            : { subresource: resourcePath.subresource }),
          ...(resourcePath.namespace === undefined ? {} : { namespace: resourcePath.namespace }),
          ...(resourcePath.name === undefined ? {} : { name: resourcePath.name }),
        }),
    watch,
    ...(reviewNamespace === undefined
      ? {}
      : { resource: "localsubjectaccessreviews", namespace: reviewNamespace }),
  };
  const exchange: Exchange = {
    request,
    response,
    url,
    entry,
    context,
    decode: { fieldValidation: "Warn", warnings: [], patch: request.method === "PATCH" },
  };
  try {
    if (request.headers.authorization !== `Bearer ${context.token}`) {
      throw new KubeApiError(401, "Unauthorized", "Unauthorized");
    }
    const facts: RequestFacts = {
      method: entry.method,
      path: entry.path,
      watch,
      ...(entry.resource === undefined ? {} : { resource: entry.resource }),
      ...(entry.subresource === undefined ? {} : { subresource: entry.subresource }),
    };
    const delay = context.faults.delayFor(facts);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = context.faults.takeFailure(facts);
    if (failure !== undefined) {
      await readBody(request);
      const retry = failure.retryAfterSeconds;
      sendError(
        exchange,
        failureFor(failure),
        retry === undefined ? {} : { "Retry-After": String(retry) },
      );
      return;
    }
    if (reviewNamespace !== undefined) {
      const body = parseJson(await readBody(request));
      send(exchange, 201, reviewAccess(entry.method, reviewNamespace, body, context.authorizer));
      return;
    }
    await route(exchange, resourcePath, watch);
  } catch (error) {
    sendError(exchange, asApiError(error));
  }
}

function asApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const message = error instanceof Error ? error.message : "unknown error";
  return new KubeApiError(500, "InternalError", `Internal error occurred: ${message}`);
}

function isWatch(url: URL, path: ResourcePath | undefined): boolean {
  const flag = url.searchParams.get("watch");
  return Boolean(path?.watchPrefix) || flag === "true" || flag === "1";
}

function send(
  exchange: Exchange,
  code: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const { response, entry, context } = exchange;
  entry.status = code;
  context.log.push(entry);
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(code, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function sendError(
  exchange: Exchange,
  error: KubeApiError,
  headers: Record<string, string> = {},
): void {
  exchange.entry.reason = error.status.reason ?? "";
  send(exchange, error.code, error.status, headers);
}

// kube-apiserver's cap on a request body (3 MiB, its MaxRequestBodyBytes).
const MAX_BODY_BYTES = 3 * 1024 * 1024;

async function readBytes(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new KubeApiError(
        413,
        "RequestEntityTooLarge",
        `Request entity too large: limit is ${MAX_BODY_BYTES}`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readBody(request: IncomingMessage): Promise<string> {
  return (await readBytes(request)).toString("utf8");
}

function mediaType(request: IncomingMessage): string {
  return (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `json parse error: ${error instanceof Error ? error.message : "invalid JSON"}`,
    );
  }
}

// Object bodies of POST and PUT: JSON, or YAML as the API server also
// takes; built-in kinds also in Kubernetes protobuf (what kubectl create
// sends), decoded with the descriptors of a Go binary (see protobuf/).
async function readObject(exchange: Exchange, type: ResourceType): Promise<unknown> {
  const { request, context } = exchange;
  const media = mediaType(request);
  const bytes = await readBytes(request);
  if (media === PROTOBUF_MEDIA_TYPE && !type.custom) return readProtobuf(context, bytes);
  const text = bytes.toString("utf8");
  if (media === "application/yaml") {
    try {
      return parseYaml(text);
    } catch (error) {
      throw badRequest(
        `yaml parse error: ${error instanceof Error ? error.message : "invalid YAML"}`,
      );
    }
  }
  if (media !== "" && media !== "application/json" && media !== "*/*") {
    throw unsupportedMediaType(type.custom ? "" : `, ${PROTOBUF_MEDIA_TYPE}`);
  }
  return parseJson(text);
}

function unsupportedMediaType(more: string, why?: string): KubeApiError {
  return new KubeApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml${more}${why === undefined ? "" : ` (${why})`}`,
  );
}

async function readProtobuf(context: ServerContext, bytes: Buffer): Promise<unknown> {
  if (context.protobuf === undefined) {
    throw unsupportedMediaType("", "protobuf decoding is off in this fake API server");
  }
  let descriptors: KubernetesDescriptors;
  try {
    descriptors = await context.protobuf();
  } catch (error) {
    throw unsupportedMediaType(
      "",
      error instanceof Error ? error.message : "no protobuf descriptors",
    );
  }
  try {
    return decodeProtobufBody(descriptors, bytes);
  } catch (error) {
    if (error instanceof ProtobufBodyError) throw badRequest(error.message);
    throw error;
  }
}

async function route(
  exchange: Exchange,
  path: ResourcePath | undefined,
  watch: boolean,
): Promise<void> {
  const { url, request, context } = exchange;
  const method = request.method ?? "GET";
  const pathname = url.pathname.replace(/\/+$/, "") || "/";
  if (path === undefined) {
    if (method !== "GET") throw methodNotAllowed(method);
    const document = discovery(context, pathname);
    if (document === undefined) throw pathNotFound();
    send(exchange, 200, document);
    return;
  }
  const onlyDiscovery = resourceList(context.store.allTypes(), path.group, path.version);
  const type = context.store.type(path.group, path.version, path.plural);
  if (type === undefined || onlyDiscovery === undefined) throw pathNotFound();
  if (type.namespaced && path.namespace === undefined && path.name !== undefined)
    throw pathNotFound();
  if (
    path.subresource !== undefined &&
    !(path.subresource === "status" && type.statusSubresource)
  ) {
    throw pathNotFound();
  }
  const namespace = type.namespaced ? path.namespace : undefined;
  checkWriteOptions(exchange, method);
  if (path.name === undefined) {
    await collection(exchange, type, namespace, method, watch);
  } else {
    await item(
      exchange,
      type,
      namespace,
      path.name,
      path.subresource === "status" ? "status" : "main",
      method,
      watch,
    );
  }
}

function discovery(context: ServerContext, pathname: string): unknown {
  const types = context.store.allTypes();
  if (pathname === "/version") return versionInfo();
  if (pathname === "/healthz" || pathname === "/readyz" || pathname === "/livez") return "ok";
  if (pathname === "/api") return coreVersions(context.serverAddress());
  if (pathname === "/apis") return groupList(types);
  if (pathname.startsWith("/openapi/")) return context.openApi(pathname);
  const segments = pathname.split("/").filter((s) => s !== "");
  if (segments[0] === "api" && segments.length === 2)
    return resourceList(types, "", segments[1] ?? "");
  if (segments[0] === "apis" && segments.length === 2) return group(types, segments[1] ?? "");
  if (segments[0] === "apis" && segments.length === 3) {
    return resourceList(types, segments[1] ?? "", segments[2] ?? "");
  }
  return undefined;
}

function selectorsOf(url: URL, type: ResourceType) {
  const supported = [
    "metadata.name",
    "metadata.namespace",
    ...(FIELD_LABELS[`${type.group}/${type.version}/${type.plural}`] ?? []),
  ];
  return {
    labels: parseLabelSelector(url.searchParams.get("labelSelector") ?? undefined),
    fields: parseFieldSelector(url.searchParams.get("fieldSelector") ?? undefined, supported),
  };
}

function dryRunOf(url: URL): boolean {
  return url.searchParams.getAll("dryRun").length > 0;
}

const OPTIONS_KIND: Record<string, string> = {
  POST: "CreateOptions",
  PUT: "UpdateOptions",
  PATCH: "PatchOptions",
  DELETE: "DeleteOptions",
};
const FIELD_VALIDATIONS: readonly FieldValidation[] = ["Ignore", "Strict", "Warn"];

// The write options kube-apiserver validates before anything else: dryRun
// only "All", fieldValidation one of Ignore/Strict/Warn (422 Invalid of the
// options kind). Sets the exchange's fieldValidation (default Warn).
function checkWriteOptions(exchange: Exchange, method: string): void {
  const kind = OPTIONS_KIND[method];
  if (kind === undefined) return;
  const { url } = exchange;
  const causes: StatusCause[] = [];
  const dryRun = url.searchParams.getAll("dryRun");
  if (dryRun.some((value) => value !== "All")) {
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(dryRun)}: supported values: "All"`,
      field: "dryRun",
    });
  }
  const directive = url.searchParams.get("fieldValidation");
  if (method !== "DELETE" && directive !== null && directive !== "") {
    if (!FIELD_VALIDATIONS.includes(directive as FieldValidation)) {
      causes.push({
        reason: "FieldValueNotSupported",
        message: `Unsupported value: ${JSON.stringify(directive)}: supported values: "", "Ignore", "Strict", "Warn"`,
        field: "fieldValidation",
      });
    } else exchange.decode.fieldValidation = directive as FieldValidation;
  }
  if (causes.length > 0) throw invalid(kind, "meta.k8s.io", "", causes);
}

async function collection(
  exchange: Exchange,
  type: ResourceType,
  namespace: string | undefined,
  method: string,
  watch: boolean,
): Promise<void> {
  const { url, request, context } = exchange;
  if (method === "GET" && watch) {
    startWatch(exchange, type, namespace, undefined);
    return;
  }
  if (method === "GET") {
    listObjects(exchange, type, namespace);
    return;
  }
  if (method === "POST") {
    if (type.namespaced && namespace === undefined) throw methodNotAllowed(method);
    const body = await readObject(exchange, type);
    await sendAdmitted(
      exchange,
      type,
      201,
      { operation: "CREATE", namespace, name: nameIn(body) },
      dryRunOf(url),
      (options) => context.store.create(type, namespace, body, options),
    );
    return;
  }
  if (method === "DELETE") {
    const { labels, fields } = selectorsOf(url, type);
    await readBody(request);
    const dryRun = dryRunOf(url);
    const deleted = context.store
      .list(type, namespace)
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o))
      .map(
        (o) =>
          context.store.delete(type, o.metadata.namespace, o.metadata.name ?? "", { dryRun })
            .object,
      );
    send(
      exchange,
      200,
      listBody(
        context,
        type,
        deleted.map((o) => outgoing(type, o)),
      ),
    );
    return;
  }
  throw methodNotAllowed(method);
}

function listBody(
  context: ServerContext,
  type: ResourceType,
  items: unknown[],
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: groupVersion(type),
    kind: type.listKind,
    metadata: { resourceVersion: context.store.currentResourceVersion(), ...extra },
    items,
  };
}

// Built-in list items carry no apiVersion/kind on the wire; custom resources' do.
function listItem(type: ResourceType, object: KubeObject): KubeObject {
  if (type.custom) return object;
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest as KubeObject;
}

function outgoing(type: ResourceType, object: KubeObject): KubeObject {
  return { ...object, apiVersion: groupVersion(type), kind: type.kind };
}

// ListOptions as kube-apiserver validates them (k8s.io/apimachinery
// metainternalversion ValidateListOptions): 422 Invalid of ListOptions; and
// the storage's 400 for a continue token with a resourceVersion.
function checkListOptions(url: URL, watch: boolean): void {
  const params = url.searchParams;
  const match = params.get("resourceVersionMatch") ?? "";
  const resourceVersion = params.get("resourceVersion") ?? "";
  const next = params.get("continue") ?? "";
  const initialEvents = params.get("sendInitialEvents");
  const causes: StatusCause[] = [];
  const forbidden = (why: string, field = "resourceVersionMatch") =>
    causes.push({ reason: "FieldValueForbidden", message: `Forbidden: ${why}`, field });
  const unsupported = (allowed: string[]) =>
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${JSON.stringify(match)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      field: "resourceVersionMatch",
    });
  if (watch) {
    if (initialEvents !== null && match !== "NotOlderThan") {
      forbidden("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    }
    if (match !== "") {
      if (initialEvents === null) {
        forbidden(
          "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
        );
      }
      if (match !== "NotOlderThan") unsupported(["NotOlderThan"]);
      if (next !== "") forbidden("resourceVersionMatch is forbidden when continue is provided");
    }
  } else {
    if (match !== "") {
      if (resourceVersion === "") {
        forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided");
      }
      if (next !== "") forbidden("resourceVersionMatch is forbidden when continue is provided");
      if (match !== "Exact" && match !== "NotOlderThan") unsupported(["Exact", "NotOlderThan", ""]);
      if (match === "Exact" && resourceVersion === "0") {
        forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
      }
    }
    if (initialEvents !== null)
      forbidden("sendInitialEvents is forbidden for list", "sendInitialEvents");
  }
  if (causes.length > 0) throw invalid("ListOptions", "meta.k8s.io", "", causes);
  if (!watch && next !== "" && resourceVersion !== "" && resourceVersion !== "0") {
    throw badRequest("specifying resource version is not allowed when using continue");
  }
}

function listObjects(exchange: Exchange, type: ResourceType, namespace: string | undefined): void {
  const { url, context, request } = exchange;
  checkListOptions(url, false);
  const { labels, fields } = selectorsOf(url, type);
  const token = continueToken(url.searchParams.get("continue"));
  const revision = token?.revision ?? listRevision(context, url);
  if (token !== undefined && revision < context.store.oldestRevision()) {
    throw new KubeApiError(
      410,
      "Expired",
      "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
    );
  }
  const { page, next } = paginate(
    context.store.storedAt(type, namespace, revision),
    (stored) => {
      const o = context.store.viewOf(type, stored);
      return matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o) ? o : undefined;
    },
    url,
    token?.after,
    revision,
  );
  if (wantsTable(request.headers.accept)) {
    const includeObject = url.searchParams.get("includeObject");
    const resourceVersion = context.store.encode(revision);
    send(exchange, 200, tableOf(type, page, context.now(), includeObject, resourceVersion, next));
    return;
  }
  // remainingItemCount only when it is exact: never with a selector.
  const selected = labels.length > 0 || fields.length > 0;
  const extra: Record<string, unknown> =
    next === undefined
      ? {}
      : { continue: next.token, ...(selected ? {} : { remainingItemCount: next.remaining }) };
  send(exchange, 200, {
    ...listBody(
      context,
      type,
      page.map((o) => listItem(type, o)),
    ),
    metadata: { resourceVersion: context.store.encode(revision), ...extra },
  });
}

// The revision a list reads: the latest for "" and "0" (ours: "0" reads the
// latest too, which a cache may serve), the given one for Exact, and the
// latest for NotOlderThan once it is not older. A revision not reached yet is
// 504 Too large resource version, as kube-apiserver answers after its wait.
function listRevision(context: ServerContext, url: URL): number {
  const current = context.store.currentRevision();
  const text = url.searchParams.get("resourceVersion") ?? "";
  if (text === "" || text === "0") return current;
  const requested = context.store.decode(text);
  if (requested === undefined) throw badRequest(`invalid resource version: ${text}`);
  if (requested > current) {
    throw new KubeApiError(
      504,
      "Timeout",
      `Too large resource version: ${requested}, current: ${current}`,
      {
        causes: [
          { reason: "ResourceVersionTooLarge", message: "Too large resource version", field: "" },
        ],
        retryAfterSeconds: 1,
      },
    );
  }
  return url.searchParams.get("resourceVersionMatch") === "Exact" ? requested : current;
}

/** A decoded continue token: the snapshot's revision and the last key served. */
interface ContinueToken {
  revision: number;
  after: string;
}

function continueToken(text: string | null): ContinueToken | undefined {
  if (text === null || text === "") return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    if (typeof decoded.rv === "number" && typeof decoded.after === "string") {
      return { revision: decoded.rv, after: decoded.after };
    }
  } catch {
    // answered below
  }
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

/** A page of a list and the continue token of the rest. */
interface Paged {
  page: KubeObject[];
  next?: { token: string; remaining: number };
}

// `limit`/`continue` over one snapshot: later pages read the state at the
// first page's revision (410 Expired once compacted, as etcd answers). The
// snapshot's objects are copied and matched one by one as the page fills
// (ours: a page of a 25,000-object namespace copied the whole namespace,
// which made listing a fleet quadratic); the answer is the same.
function paginate(
  snapshot: KubeObject[],
  select: (stored: KubeObject) => KubeObject | undefined,
  url: URL,
  after: string | undefined,
  revision: number,
): Paged {
  const limit = Number(url.searchParams.get("limit") ?? "0");
  const unlimited = !Number.isInteger(limit) || limit <= 0;
  let index = 0;
  if (after !== undefined) {
    // The snapshot is in key order: the first key after the last one served.
    let high = snapshot.length;
    while (index < high) {
      const middle = (index + high) >>> 1;
      if (keyOf(snapshot[middle] as KubeObject) > after) high = middle;
      else index = middle + 1;
    }
  }
  const page: KubeObject[] = [];
  let more = false;
  let remaining = 0;
  for (; index < snapshot.length; index += 1) {
    const selected = select(snapshot[index] as KubeObject);
    if (selected === undefined) continue;
    if (!unlimited && page.length === limit) {
      more = true;
      // Counted only without a selector (then every object is selected).
      remaining = snapshot.length - index;
      break;
    }
    page.push(selected);
  }
  if (!more) return { page };
  const last = page.at(-1);
  const token = { rv: revision, after: last ? keyOf(last) : "" };
  return {
    page,
    next: { token: Buffer.from(JSON.stringify(token)).toString("base64url"), remaining },
  };
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`;
}

async function item(
  exchange: Exchange,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  target: WriteTarget,
  method: string,
  watch: boolean,
): Promise<void> {
  const { url, request, context } = exchange;
  const store = context.store;
  if (method === "GET" && watch) {
    startWatch(exchange, type, namespace, name);
    return;
  }
  if (method === "GET") {
    const object = store.get(type, namespace, name);
    if (wantsTable(request.headers.accept)) {
      send(
        exchange,
        200,
        tableOf(
          type,
          [object],
          context.now(),
          url.searchParams.get("includeObject"),
          store.currentResourceVersion(),
          undefined,
        ),
      );
      return;
    }
    send(exchange, 200, outgoing(type, object));
    return;
  }
  if (method === "PUT") {
    const body = await readObject(exchange, type);
    await sendAdmitted(
      exchange,
      type,
      200,
      { operation: "UPDATE", namespace, name, target },
      dryRunOf(url),
      (options) => store.update(type, namespace, name, body, { target, ...options }),
    );
    return;
  }
  if (method === "PATCH") {
    await patchObject(exchange, type, namespace, name, target);
    return;
  }
  if (method === "DELETE" && target === "main") {
    const text = await readBody(request);
    const options = text.trim() === "" ? {} : parseJson(text);
    const preconditions =
      isPlainObject(options) && isPlainObject(options.preconditions) ? options.preconditions : {};
    const deleteOptions = {
      preconditions: {
        ...(typeof preconditions.uid === "string" ? { uid: preconditions.uid } : {}),
        ...(typeof preconditions.resourceVersion === "string"
          ? { resourceVersion: preconditions.resourceVersion }
          : {}),
      },
      dryRun:
        dryRunOf(url) ||
        (isPlainObject(options) && Array.isArray(options.dryRun) && options.dryRun.includes("All")),
    };
    const result = await admittedDelete(exchange, type, namespace, name, deleteOptions);
    // kube-apiserver answers 200 whether the object is gone or only marked
    // (202 only for an explicit orphanDependents=false); a finished delete
    // answers a Success Status (no registry the fake serves returns the
    // deleted object, custom resources included).
    if (!result.deleted) {
      const accepted = isPlainObject(options) && options.orphanDependents === false;
      send(exchange, accepted ? 202 : 200, outgoing(type, result.object));
    } else send(exchange, 200, deletedStatus(store.ref(type, name), result.object.metadata.uid));
    return;
  }
  throw methodNotAllowed(method);
}

async function patchObject(
  exchange: Exchange,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  target: WriteTarget,
): Promise<void> {
  const { url, request } = exchange;
  const contentType = mediaType(request);
  const accepted = type.custom
    ? PATCH_TYPES
    : ["application/strategic-merge-patch+json", ...PATCH_TYPES];
  if (!accepted.includes(contentType)) throw unsupportedPatch(contentType, accepted);
  const text = await readBody(request);
  const dryRun = dryRunOf(url);
  if (contentType === "application/apply-patch+yaml") {
    await applyPatch(exchange, type, namespace, name, target, text, dryRun);
    return;
  }
  const patch = parseJson(text);
  const apply =
    contentType === "application/json-patch+json"
      ? (current: KubeObject) => applyJsonPatch(current, patch)
      : contentType === "application/merge-patch+json"
        ? (current: KubeObject) => mergePatchObject(current, patch)
        : (current: KubeObject) => strategicMergePatch(current, patch);
  await sendPatched(exchange, type, { namespace, name, target }, dryRun, apply);
}

function mergePatchObject(current: KubeObject, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    throw badRequest(
      "json: cannot unmarshal array into Go value of type map[string]interface {} (a merge patch must be an object)",
    );
  }
  return mergePatch(current, patch);
}

// Server-side apply, approximated (ours): no managedFields and no conflicts;
// the applied configuration is merged into the object (maps merge, lists
// replace); a missing object is created.
async function applyPatch(
  exchange: Exchange,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  target: WriteTarget,
  text: string,
  dryRun: boolean,
): Promise<void> {
  const { url, context } = exchange;
  if (!url.searchParams.get("fieldManager")) {
    throw new KubeApiError(
      422,
      "Invalid",
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      {
        causes: [
          {
            reason: "FieldValueRequired",
            message: "Required value: is required for apply patch",
            field: "fieldManager",
          },
        ],
      },
    );
  }
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (error) {
    throw badRequest(
      `error decoding YAML: ${error instanceof Error ? error.message : "invalid YAML"}`,
    );
  }
  if (!isPlainObject(config))
    throw badRequest("error decoding YAML: the applied configuration must be an object");
  const exists = context.store.list(type, namespace).some((o) => o.metadata.name === name);
  if (!exists && target === "main") {
    const body = mergePatch(
      {},
      { ...config, metadata: { ...(isPlainObject(config.metadata) ? config.metadata : {}), name } },
    );
    await sendAdmitted(
      exchange,
      type,
      201,
      { operation: "CREATE", namespace, name },
      dryRun,
      (options) => context.store.create(type, namespace, body, options),
    );
    return;
  }
  const apply = (current: KubeObject) => mergePatch(current, withoutNulls(config));
  await sendPatched(exchange, type, { namespace, name, target }, dryRun, apply);
}

// A patch of the object (or its status) through admission, answered with the result.
async function sendPatched(
  exchange: Exchange,
  type: ResourceType,
  at: { namespace: string | undefined; name: string; target: WriteTarget },
  dryRun: boolean,
  apply: (current: KubeObject) => unknown,
): Promise<void> {
  const { namespace, name, target } = at;
  await sendAdmitted(exchange, type, 200, { operation: "UPDATE", ...at }, dryRun, (options) =>
    exchange.context.store.patch(type, namespace, name, apply, { target, ...options }),
  );
}

// In an applied configuration null means "unset by me", not "delete".
function withoutNulls(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function startWatch(
  exchange: Exchange,
  type: ResourceType,
  namespace: string | undefined,
  name: string | undefined,
): void {
  const { url, context, response, entry } = exchange;
  checkListOptions(url, true);
  const { labels, fields } = selectorsOf(url, type);
  if (name !== undefined) fields.push({ path: "metadata.name", negate: false, value: name });
  const rvText = url.searchParams.get("resourceVersion") ?? "";
  const resourceVersion = rvText === "" ? undefined : context.store.decode(rvText);
  if (rvText !== "" && resourceVersion === undefined) {
    throw badRequest(`invalid resource version: ${rvText}`);
  }
  const timeoutText = url.searchParams.get("timeoutSeconds");
  // Fractions are accepted (ours) so tests can time out watches in milliseconds.
  const timeoutSeconds = timeoutText === null ? undefined : Number(timeoutText);
  if (timeoutSeconds !== undefined && !(timeoutSeconds >= 0))
    throw badRequest(`invalid timeoutSeconds: ${timeoutText}`);
  const timeoutMs =
    timeoutSeconds !== undefined && timeoutSeconds > 0
      ? timeoutSeconds * 1000
      : context.defaultWatchTimeoutMs;
  const stream = new WatchStream(
    response,
    context.store,
    {
      type,
      ...(namespace === undefined ? {} : { namespace }),
      labels,
      fields,
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      bookmarks: url.searchParams.get("allowWatchBookmarks") === "true",
      initialEvents: url.searchParams.get("sendInitialEvents") === "true",
      bookmarkIntervalMs: context.bookmarkIntervalMs,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(wantsTable(exchange.request.headers.accept)
        ? { asTable: watchTable(context, type, url.searchParams.get("includeObject")) }
        : {}),
    },
    (closed) => context.watches.delete(closed),
  );
  try {
    stream.start();
  } catch (error) {
    if (
      !(error instanceof KubeApiError) ||
      error.code !== 410 ||
      context.expiredWatchStart === "status"
    )
      throw error;
    // The watch cache's way: 200, then one ERROR event with the 410 Status.
    entry.status = 200;
    entry.reason = "Expired";
    context.log.push(entry);
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(`${JSON.stringify({ type: "ERROR", object: error.status })}\n`);
    return;
  }
  entry.status = 200;
  context.log.push(entry);
  context.watches.add(stream);
}

function watchTable(
  context: ServerContext,
  type: ResourceType,
  includeObject: string | null,
): (object: KubeObject, withColumns: boolean) => Record<string, unknown> {
  return (object, withColumns) => {
    const table = tableOf(
      type,
      [object],
      context.now(),
      includeObject,
      object.metadata.resourceVersion ?? "",
      undefined,
    );
    if (!withColumns) table.columnDefinitions = [];
    return table;
  };
}

/** A write to admit: its operation and the object it names. */
interface AdmissionTarget {
  operation: AdmissionOperation;
  namespace: string | undefined;
  name: string;
  target?: WriteTarget;
}

const ADMISSION_ATTEMPTS = 5;

function nameIn(body: unknown): string {
  const metadata = isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata : {};
  return typeof metadata.name === "string" ? metadata.name : "";
}

function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, " "))}`) };
}

// A write through admission, answered with the object written and the webhooks' warnings.
async function sendAdmitted(
  exchange: Exchange,
  type: ResourceType,
  status: 200 | 201,
  target: AdmissionTarget,
  dryRun: boolean,
  write: (options: WriteOptions) => KubeObject,
): Promise<void> {
  const { object, warnings } = await admitted(exchange, type, target, dryRun, write);
  send(
    exchange,
    status,
    outgoing(type, object),
    warningHeaders([...exchange.decode.warnings, ...warnings]),
  );
}

/**
 * Runs a write through the validating webhooks that cover it, as
 * kube-apiserver does: the object is computed (and validated) first, the
 * webhooks see it, then it is written if nothing changed meanwhile (else
 * admission reruns on the new version). Without webhooks the write is direct.
 */
async function admitted(
  exchange: Exchange,
  type: ResourceType,
  target: AdmissionTarget,
  dryRun: boolean,
  write: (options: WriteOptions) => KubeObject,
): Promise<{ object: KubeObject; warnings: string[] }> {
  const { store, webhooks } = exchange.context;
  const subresource = target.target === "status" ? "status" : undefined;
  const base = {
    type,
    operation: target.operation,
    ...(subresource === undefined ? {} : { subresource }),
    ...(target.namespace === undefined ? {} : { namespace: target.namespace }),
    name: target.name,
    dryRun,
  };
  const hooks = webhooksFor(store, base);
  const decode = exchange.decode;
  const writeDecoded = (options: { dryRun: boolean; expectResourceVersion?: string }) =>
    write({ ...options, decode });
  if (hooks.length === 0) return { object: writeDecoded({ dryRun }), warnings: [] };
  for (let attempt = 0; attempt < ADMISSION_ATTEMPTS; attempt++) {
    const old =
      target.operation === "CREATE" ? undefined : store.get(type, target.namespace, target.name);
    const preview = writeDecoded({ dryRun: true });
    const warnings = await admit(
      store,
      hooks,
      {
        ...base,
        name: preview.metadata.name ?? target.name,
        object: preview,
        ...(old === undefined ? {} : { oldObject: old }),
      },
      webhooks,
    );
    if (dryRun) return { object: preview, warnings };
    const expected = old?.metadata.resourceVersion;
    try {
      return {
        object: writeDecoded({
          dryRun: false,
          ...(expected === undefined ? {} : { expectResourceVersion: expected }),
        }),
        warnings,
      };
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
    }
  }
  throw keptChanging(type, target.name);
}

// The 409 when every admission attempt saw the object change before its write.
function keptChanging(type: ResourceType, name: string): KubeApiError {
  return new KubeApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${type.plural} "${name}": the object kept changing during admission`,
  );
}

/** A DELETE through the webhooks that cover DELETE (they see the old object). */
async function admittedDelete(
  exchange: Exchange,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  options: { preconditions: { uid?: string; resourceVersion?: string }; dryRun: boolean },
): Promise<DeleteResult> {
  const { store, webhooks } = exchange.context;
  const base = {
    type,
    operation: "DELETE" as const,
    ...(namespace === undefined ? {} : { namespace }),
    name,
    dryRun: options.dryRun,
  };
  const hooks = webhooksFor(store, base);
  if (hooks.length === 0) return store.delete(type, namespace, name, options);
  for (let attempt = 0; attempt < ADMISSION_ATTEMPTS; attempt++) {
    const old = store.get(type, namespace, name);
    store.delete(type, namespace, name, { ...options, dryRun: true });
    await admit(store, hooks, { ...base, oldObject: old }, webhooks);
    try {
      return store.delete(type, namespace, name, {
        ...options,
        expectResourceVersion: old.metadata.resourceVersion ?? "",
      });
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
    }
  }
  throw keptChanging(type, name);
}
