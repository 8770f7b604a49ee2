// What clients asked: one entry per request, without headers (no tokens).

/** One request as the fake served it. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The HTTP status answered (200 for a watch that started). */
  status: number;
  userAgent: string;
  contentType?: string;
  /** The Accept header (e.g. kubectl's Table or aggregated-discovery requests). */
  accept?: string;
  /** Resource plural, subresource, namespace and name, when the path names a resource. */
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  watch: boolean;
  /** Reason of a failure Status, e.g. "Conflict". */
  reason?: string;
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Whether a logged request is a write (POST, PUT, PATCH, DELETE). */
export function isWrite(request: LoggedRequest): boolean {
  return WRITES.has(request.method);
}
