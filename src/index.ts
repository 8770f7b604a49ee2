// The public surface of vvp-deployment-sdk. Everything a host or CR author
// needs is exported here by name; internals stay internal.

export {
  /** The apiextensions.k8s.io/v1 CustomResourceDefinition, derived from the zod models. */
  buildCrd,
  /** A JSON Schema (draft 2020-12) of the CR for editors (yaml-language-server). */
  buildJsonSchema,
  /** A CustomResourceDefinition object. */
  type CustomResourceDefinition,
  /** An OpenAPI v3 schema node of the CRD. */
  type JSONSchemaProps,
  /** The CRD's printer columns with where each value comes from. */
  PRINTER_COLUMNS,
  /** One printer column of the CRD. */
  type PrinterColumn,
} from "./crd/index.js";
export {
  /** A VVP observed state. */
  type ActualState,
  API_KEY_SECRET_ANNOTATION,
  API_VERSION,
  /** An artifact (JAR, SQLSCRIPT or PYTHON). */
  type Artifact,
  /** Reasons per condition type. */
  CONDITION_REASONS,
  /** Condition types in their fixed order. */
  CONDITION_TYPES,
  /** A Kubernetes-style condition. */
  type Condition,
  /** A condition reason. */
  type ConditionReason,
  /** The zod schema of a condition. */
  ConditionSchema,
  /** "True" | "False" | "Unknown". */
  type ConditionStatus,
  /** A condition type. */
  type ConditionType,
  CR_UID_ANNOTATION,
  /** A CR's VVP Deployment body. */
  type DeploymentBody,
  /** The zod schema of a CR's `spec.deployment`. */
  DeploymentBodySchema,
  /** A VVP desired state. */
  type DesiredState,
  FINALIZER,
  /** One problem with one field: path, StatusCause reason, message. */
  type FieldError,
  /** Kubernetes StatusCause reason of a field error. */
  type FieldErrorReason,
  KIND,
  OWNER_LABEL,
  /** Result of a parse: the typed value or every field error. */
  type ParseResult,
  /** Parses a VvpDeployment from YAML text or an object; never throws. */
  parseVvpDeployment,
  RESTART_NONCE_ANNOTATION,
  SAVEPOINT_NONCE_ANNOTATION,
  /** "PATCH" | "PUT". */
  type SyncingMode,
  /** A VvpDeployment custom resource. */
  type VvpDeployment,
  /** A VVP Deployment as observed. */
  type VvpDeploymentObject,
  /** The zod schema of a VVP Deployment as the API returns it. */
  VvpDeploymentObjectSchema,
  /** The zod schema of the VvpDeployment custom resource. */
  VvpDeploymentSchema,
  /** The spec of a VvpDeployment. */
  type VvpDeploymentSpec,
  /** The zod schema of `spec`. */
  VvpDeploymentSpecSchema,
  /** The status of a VvpDeployment. */
  type VvpDeploymentStatus,
  /** The zod schema of `status`. */
  VvpDeploymentStatusSchema,
} from "./models/index.js";
export {
  /** An AdmissionReview request as the API server sends it. */
  type AdmissionReviewRequest,
  /** The AdmissionReview answer. */
  type AdmissionReviewResponse,
  /** Answers an admission.k8s.io/v1 AdmissionReview; pure and never throws. */
  reviewAdmission,
  /** What the webhook knows: instanceId, watched namespaces, API-key validation, old object. */
  type ValidationOptions,
  /** `{ allowed, errors, warnings }`. */
  type ValidationResult,
  /** Applies every admission rule to an object and reports all field errors at once. */
  validateVvpDeployment,
} from "./validation/index.js";
