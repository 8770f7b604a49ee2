// The shape of stored objects and the small metadata helpers every write uses.

/** Object metadata as the fake reads and sets it. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

/** A Kubernetes object as stored: apiVersion, kind, metadata and anything else. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Whether a value is a plain JSON object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The object's metadata, or an empty one when it has none (the caller validates). */
export function metadataOf(object: unknown): ObjectMeta {
  if (!isPlainObject(object)) return {};
  const metadata = object.metadata;
  return isPlainObject(metadata) ? (metadata as ObjectMeta) : {};
}

/** Everything outside metadata (and status, when status is a subresource): what generation tracks. */
export function specPart(object: KubeObject, withoutStatus: boolean): Record<string, unknown> {
  const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  if (withoutStatus) delete rest.status;
  return rest;
}

/** RFC 3339 with seconds, as Kubernetes writes timestamps. */
export function kubeTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
