import { z } from "zod";
import {
  API_GROUP,
  type FieldError,
  fieldErrorsFromZod,
  inspectInput,
  KIND,
} from "../models/index.js";
import {
  ADMISSION_API_VERSION,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReviewResponse,
} from "./admission-types.js";
import { jsonEqual, valueAt } from "./paths.js";
import type { ValidationOptions, ValidationResult } from "./validate.js";
import { validateInspected } from "./validate-inspected.js";

const AdmissionReviewRequestSchema = z.object({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal("AdmissionReview"),
  request: z.looseObject({
    uid: z.string().min(1),
    operation: z.enum(["CREATE", "UPDATE", "DELETE", "CONNECT"]),
    subResource: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    object: z.unknown().optional(),
    oldObject: z.unknown().optional(),
  }),
});

/**
 * Answers an admission.k8s.io/v1 AdmissionReview with the validation rules.
 * Pure: the host's HTTP handler passes the parsed body in and writes the result
 * out. Never throws: a malformed review gets a 400 response.
 */
export function reviewAdmission(
  admissionReview: unknown,
  options: Omit<ValidationOptions, "oldObject">,
): AdmissionReviewResponse {
  try {
    const read = AdmissionReviewRequestSchema.safeParse(admissionReview);
    if (!read.success) {
      const causes = fieldErrorsFromZod(read.error.issues, admissionReview);
      return refused(uidOf(admissionReview), badRequest(causes.map(formatCause).join(", ")));
    }
    const request = read.data.request as AdmissionRequest;
    // Bounded before anything compares or walks them (the deletion check below does).
    const inspection = inspectInput(request.object);
    const objectBound = inspection.bound;
    if (objectBound !== undefined) {
      return review(
        answer(request, { allowed: false, errors: [objectBound], warnings: [], fieldWarnings: [] }),
      );
    }
    const oldObjectBound = inspectInput(request.oldObject).bound;
    if (oldObjectBound !== undefined) {
      return refused(request.uid, badRequest(`request.oldObject: ${formatCause(oldObjectBound)}`));
    }
    if (!needsValidation(request)) return review({ uid: request.uid, allowed: true });
    if (request.object == null) {
      return refused(
        request.uid,
        badRequest(`request.object: Required value for ${request.operation}`),
      );
    }
    if (request.operation === "UPDATE" && request.oldObject == null) {
      return refused(request.uid, badRequest("request.oldObject: Required value for UPDATE"));
    }
    // The object was walked above: validation reuses that walk.
    const result = validateInspected(
      request.object,
      { ...options, oldObject: request.operation === "UPDATE" ? request.oldObject : undefined },
      inspection,
    );
    return review(answer(request, result));
  } catch (error) {
    return refused(uidOf(admissionReview), {
      status: "Failure",
      code: 500,
      reason: "InternalError",
      message: `the VvpDeployment webhook failed: ${error instanceof Error ? error.message : "unknown error"}`,
    });
  }
}

/**
 * Only writes of the resource itself are checked. DELETE and CONNECT carry
 * nothing to validate; a subresource write (the operator's status) does not
 * touch the spec. An update of a resource being deleted that leaves the spec
 * alone (ours: the operator removing its finalizer) is allowed too, so a
 * rule added after the resource was created can never block its deletion.
 */
function needsValidation(request: AdmissionRequest): boolean {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE") return false;
  if (request.subResource !== undefined && request.subResource !== "") return false;
  const deleting = valueAt(request.object, ["metadata", "deletionTimestamp"]);
  if (request.operation === "UPDATE" && deleting !== undefined && deleting !== null) {
    return !jsonEqual(valueAt(request.object, ["spec"]), valueAt(request.oldObject, ["spec"]));
  }
  return true;
}

function answer(request: AdmissionRequest, result: ValidationResult): AdmissionResponse {
  const warnings = result.warnings.length > 0 ? { warnings: result.warnings } : {};
  if (result.allowed) return { uid: request.uid, allowed: true, ...warnings };
  const objectName = valueAt(request.object, ["metadata", "name"]);
  const name =
    typeof objectName === "string" && objectName !== "" ? objectName : (request.name ?? "");
  const listed = result.errors.map(formatCause);
  // Kubernetes prints one error bare and several in brackets (utilerrors.Aggregate).
  const causesText = listed.length === 1 ? listed[0] : `[${listed.join(", ")}]`;
  return {
    uid: request.uid,
    allowed: false,
    status: {
      status: "Failure",
      code: 422,
      reason: "Invalid",
      message: `${KIND}.${API_GROUP} ${JSON.stringify(name)} is invalid: ${causesText}`,
      details: {
        name,
        group: API_GROUP,
        kind: KIND,
        causes: result.errors.map(({ reason, field, message }) => ({
          type: reason,
          field,
          message,
        })),
      },
    },
    ...warnings,
  };
}

function formatCause(error: FieldError): string {
  return `${error.field}: ${error.message}`;
}

function badRequest(problems: string): NonNullable<AdmissionResponse["status"]> {
  return {
    status: "Failure",
    code: 400,
    reason: "BadRequest",
    message: `malformed AdmissionReview (expected ${ADMISSION_API_VERSION}): ${problems}`,
  };
}

function refused(
  uid: string,
  status: NonNullable<AdmissionResponse["status"]>,
): AdmissionReviewResponse {
  return review({ uid, allowed: false, status });
}

function review(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}

/** The request's uid when the review has a usable one, so even a refusal can be matched. */
function uidOf(admissionReview: unknown): string {
  try {
    const uid = valueAt(admissionReview, ["request", "uid"]);
    return typeof uid === "string" ? uid : "";
  } catch {
    return "";
  }
}
