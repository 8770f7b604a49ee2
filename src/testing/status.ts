// Kubernetes `Status` failures exactly as the API server words them, so
// clients that parse `reason`, `code` and `details` behave as against a cluster.

/** The `reason` values of a failure `Status` that the fake answers with. */
export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "TooManyRequests"
  | "InternalError"
  | "Timeout";

/** One field-level cause of a 422 Invalid, as in `Status.details.causes`. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** `details` of a failure `Status`: what it is about and why. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A `meta.k8s.io/v1` Status object. */
export interface KubeStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A failure the fake answers with: an HTTP code and its Status body. */
export class KubeApiError extends Error {
  /** The Status body sent to the client. */
  readonly status: KubeStatus;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = "KubeApiError";
    this.status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details === undefined ? {} : { details }),
      code,
    };
  }

  /** The HTTP status code. */
  get code(): number {
    return this.status.code;
  }
}

/** What a Status names an object by: `<plural>.<group>` and the object's name. */
export interface ObjectRef {
  /** `plural` or `plural.group`, as the API server prints resources. */
  qualifiedResource: string;
  group: string;
  plural: string;
  name: string;
}

const detailsOf = (ref: ObjectRef): StatusDetails => ({
  name: ref.name,
  group: ref.group,
  kind: ref.plural,
});

/** 404 NotFound: `<resource> "<name>" not found`. */
export function notFound(ref: ObjectRef): KubeApiError {
  return new KubeApiError(
    404,
    "NotFound",
    `${ref.qualifiedResource} "${ref.name}" not found`,
    detailsOf(ref),
  );
}

/** 409 AlreadyExists on a create of an existing name. */
export function alreadyExists(ref: ObjectRef): KubeApiError {
  return new KubeApiError(
    409,
    "AlreadyExists",
    `${ref.qualifiedResource} "${ref.name}" already exists`,
    detailsOf(ref),
  );
}

/** 409 Conflict on a stale resourceVersion (or a failed precondition). */
export function conflict(ref: ObjectRef, why?: string): KubeApiError {
  return new KubeApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${ref.qualifiedResource} "${ref.name}": ${
      why ??
      "the object has been modified; please apply your changes to the latest version and try again"
    }`,
    detailsOf(ref),
  );
}

/** 422 Invalid with one cause per field: `<Kind>.<group> "<name>" is invalid: [...]`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: readonly StatusCause[],
): KubeApiError {
  const qualifiedKind = group === "" ? kind : `${kind}.${group}`;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  return new KubeApiError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes: [...causes],
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, "BadRequest", message);
}

/** 410 Expired: a watch or list from a resourceVersion older than the kept history. */
export function expired(requested: string, oldest: string): KubeApiError {
  return new KubeApiError(410, "Expired", `too old resource version: ${requested} (${oldest})`);
}

/** 415 UnsupportedMediaType for a patch type the resource does not take. */
export function unsupportedPatch(contentType: string, accepted: readonly string[]): KubeApiError {
  return new KubeApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    contentType === "" ? undefined : {},
  );
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(method: string): KubeApiError {
  return new KubeApiError(
    405,
    "MethodNotAllowed",
    `the server does not allow this method on the requested resource (${method})`,
  );
}

/** A plain 404 for a path that names no resource. */
export function pathNotFound(): KubeApiError {
  return new KubeApiError(404, "NotFound", "the server could not find the requested resource");
}

/** The `Success` Status a DELETE of a built-in object answers with. */
export function deletedStatus(ref: ObjectRef, uid: string | undefined): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { ...detailsOf(ref), ...(uid === undefined ? {} : { uid }) },
  };
}
