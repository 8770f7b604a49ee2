// The one port between the controller and a Kubernetes client: the few calls
// the host makes, nothing more. `client-node-api.ts` implements it over
// @kubernetes/client-node; tests may stub it. Moving to another client (or
// client-node 2.x) touches the implementation only.

/** The resources the controller reads or writes. */
export type KubeResource =
  | "vvpdeployments"
  | "vvpdeploymentmappings"
  | "configmaps"
  | "secrets"
  | "events"
  /** authorization.k8s.io/v1, create only: may a user act on a resource of this namespace? */
  | "localsubjectaccessreviews";

/** The metadata the controller reads from any object. */
export interface KubeObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

/** Any Kubernetes object, as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
  [field: string]: unknown;
}

/** One page of a list, with the resourceVersion to watch from. */
export interface KubeList {
  items: KubeObject[];
  resourceVersion: string;
}

/** A watch event as the API server sends it (BOOKMARK and ERROR included). */
export interface KubeWatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject;
}

/** The query of one watch request. */
export interface KubeWatchOptions {
  resourceVersion: string;
  labelSelector?: string;
  timeoutSeconds: number;
  allowWatchBookmarks: true;
}

/** What a watch reports to its owner. */
export interface KubeWatchHandlers {
  /** Each event, in order. */
  onEvent(event: KubeWatchEvent): void;
  /** Any byte arrived (an event or a keep-alive): the idle timer restarts. */
  onActivity?(): void;
  /** The watch ended: normally (undefined) or with an error (a KubeApiError for an HTTP status). */
  onClose(error?: unknown): void;
}

/** A running watch. */
export interface KubeWatch {
  /** Closes the connection; onClose is not called afterwards. */
  abort(): void;
}

/** The calls the controller makes; every failure is a KubeApiError or a network error. */
export interface KubeApi {
  /** Lists objects of a namespace, filtered server-side by a label selector. */
  list(
    resource: KubeResource,
    namespace: string,
    options?: { labelSelector?: string },
  ): Promise<KubeList>;
  /** Watches objects of a namespace from a resourceVersion. */
  watch(
    resource: KubeResource,
    namespace: string,
    options: KubeWatchOptions,
    handlers: KubeWatchHandlers,
  ): KubeWatch;
  /** One object, or null when it does not exist. */
  get(resource: KubeResource, namespace: string, name: string): Promise<KubeObject | null>;
  /** Creates an object; 409 AlreadyExists when the name is taken. */
  create(resource: KubeResource, namespace: string, body: KubeObject): Promise<KubeObject>;
  /** Replaces an object; its metadata.resourceVersion makes a stale write fail with 409. */
  replace(
    resource: KubeResource,
    namespace: string,
    name: string,
    body: KubeObject,
  ): Promise<KubeObject>;
  /** A JSON merge patch (`application/merge-patch+json`), of the object or of its status subresource. */
  mergePatch(
    resource: KubeResource,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
    options?: { subresource?: "status" },
  ): Promise<KubeObject>;
  /** Deletes an object, only if it still has this resourceVersion when given; a missing object is not an error. */
  delete(
    resource: KubeResource,
    namespace: string,
    name: string,
    options?: { resourceVersion?: string },
  ): Promise<void>;
}

/** Reasons of the API server's Status that the controller acts on. */
export type KubeErrorReason =
  | "Conflict"
  | "AlreadyExists"
  | "NotFound"
  | "Expired"
  | "Gone"
  | "Invalid"
  | "Forbidden"
  | "Unauthorized"
  | "TooManyRequests"
  | "Unknown";

/** A refusal of the API server, with the HTTP status and the Status reason and message it sent. */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    /** The HTTP status. */
    readonly code: number,
    /** The Status reason (Conflict, NotFound, Expired…), or Unknown. */
    readonly reason: KubeErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** True when the error is the API server's answer with this HTTP status. */
export function isKubeStatus(error: unknown, code: number): boolean {
  return error instanceof KubeApiError && error.code === code;
}

/** True for 409: a stale resourceVersion (Conflict) or a taken name (AlreadyExists). */
export function isConflict(error: unknown): boolean {
  return isKubeStatus(error, 409);
}

/** True for 410 Gone / Expired: the resourceVersion is too old, relist. */
export function isGone(error: unknown): boolean {
  return isKubeStatus(error, 410) || (error instanceof KubeApiError && error.reason === "Expired");
}

/** Turns a Status object (from a body or an in-stream ERROR event) into a KubeApiError. */
export function statusError(status: unknown, fallbackCode: number): KubeApiError {
  const fields =
    typeof status === "object" && status !== null ? (status as Record<string, unknown>) : {};
  const code = typeof fields.code === "number" ? fields.code : fallbackCode;
  const reason = KNOWN_REASONS.has(fields.reason as KubeErrorReason)
    ? (fields.reason as KubeErrorReason)
    : reasonOfCode(code);
  const message = typeof fields.message === "string" ? fields.message : `HTTP ${code}`;
  return new KubeApiError(code, reason, message);
}

const KNOWN_REASONS = new Set<KubeErrorReason>([
  "Conflict",
  "AlreadyExists",
  "NotFound",
  "Expired",
  "Gone",
  "Invalid",
  "Forbidden",
  "Unauthorized",
  "TooManyRequests",
]);

function reasonOfCode(code: number): KubeErrorReason {
  const byCode: Record<number, KubeErrorReason> = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Gone",
    422: "Invalid",
    429: "TooManyRequests",
  };
  return byCode[code] ?? "Unknown";
}
