import type { FieldErrorReason } from "../models/index.js";

/** The admission.k8s.io version the webhook speaks (configure `admissionReviewVersions: [v1]`). */
export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

/** Operations the API server sends to a validating webhook. */
export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** The fields of an AdmissionRequest the webhook reads; others are ignored. */
export interface AdmissionRequest {
  /** Identifies this call; echoed in the response. */
  uid: string;
  operation: AdmissionOperation;
  /** Set when a subresource is written, e.g. "status". */
  subResource?: string;
  name?: string;
  namespace?: string;
  /** The new object (CREATE, UPDATE); null on DELETE. */
  object?: unknown;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: unknown;
  [key: string]: unknown;
}

/** An AdmissionReview as the API server sends it. */
export interface AdmissionReviewRequest {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  request: AdmissionRequest;
}

/** A Kubernetes StatusCause: one field error. */
export interface StatusCause {
  type: FieldErrorReason;
  field: string;
  message: string;
}

/** The metav1.Status of a refusal. */
export interface AdmissionStatus {
  status: "Failure";
  /** 422 for an invalid object, 400 for a malformed review, 403 for a Secret the author may not read, 500 for a webhook fault. */
  code: 400 | 403 | 422 | 500;
  reason: "Invalid" | "BadRequest" | "Forbidden" | "InternalError";
  message: string;
  details?: {
    name: string;
    group: string;
    kind: string;
    causes: StatusCause[];
  };
}

/** The webhook's answer to one AdmissionRequest. */
export interface AdmissionResponse {
  /** The request's uid, or "" when the review carried none. */
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  /** Shown by kubectl as "Warning: …"; present only when there are some. */
  warnings?: string[];
}

/** An AdmissionReview as the webhook returns it. */
export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}
