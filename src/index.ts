// The public surface of vvp-deployment-sdk. Everything a host or a CR author
// needs is exported here by name; internals stay internal. The embedded VVP
// simulator has its own entry point: `vvp-deployment-sdk/simulator`.

export {
  /** A VVP artifact as a CR author writes it: JAR, SQLSCRIPT or PYTHON. */
  type ArtifactManifest,
  /** The VVP deployment body as a CR author writes it (PATCH mode). */
  type DeploymentManifest,
  /** Checks a CR literal against the strict author type; keeps its syncing mode. */
  defineVvpDeployment,
  /** `spec.initFields` as a CR author writes it. */
  type InitFieldsManifest,
  /** The VVP deployment body in PUT mode, with PUT's additional required fields. */
  type PutDeploymentManifest,
  /** The CR as YAML for `kubectl apply -f -`. */
  toYaml,
  /** The strict author-facing type of the CR: known fields only, PUT mode's requirements. */
  type VvpDeploymentManifest,
} from "./authoring/index.js";
export {
  /** Merges condition states into conditions: fixed order, transition time kept while status holds. */
  computeConditions,
} from "./conditions/index.js";
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
  /** Observes Autopilot for a deployment. */
  type AutopilotProvider,
  /** A FinalizerWriter for hosts without a cluster: changes live only on the returned CR. */
  applyFinalizersInMemory,
  /** The default Autopilot provider: a scaling run is VVP's state moving away from the state last projected. */
  createDefaultAutopilotProvider,
  /** An in-memory MappingStore. */
  createInMemoryMappingStore,
  /** Runs a plan's actions in order and reports their outcomes for `settle`. */
  executePlan,
  /** Persists finalizer changes; required by `reconcileOnce`. */
  type FinalizerWriter,
  /** Options of `listOwnedDeployments`. */
  type ListOwnedDeploymentsOptions,
  /** The deployments of one VVP namespace carrying this instance's owner label, in one request. */
  listOwnedDeployments,
  /** Where a host keeps the CR uid → VVP deployment mapping. */
  type MappingStore,
  /** Reads what the core needs for one CR, and nothing more. */
  observe,
  /** The input of one `reconcileOnce` cycle. */
  type ReconcileOnceInput,
  /** The new CR, plan, outcomes, events and requeue of one cycle. */
  type ReconcileOnceResult,
  /** observe → reconcile → execute → settle for one CR. */
  reconcileOnce,
} from "./execution/index.js";
export {
  /** The health Argo CD shows for a VvpDeployment. */
  type ArgoHealthStatus,
  /** The status Flux's health check computes for a VvpDeployment. */
  type FluxHealthStatus,
  /** What Argo CD and Flux say about a VvpDeployment. */
  type GitOpsHealth,
  /** What Argo CD (gitops/argocd/health.lua) and Flux (gitops/flux) would say about a CR, by the same rules. */
  gitOpsHealth,
  /** Condition reasons that need a person when unhealthy: Degraded / Failed. */
  NEEDS_ACTION_REASONS,
} from "./health/index.js";
export {
  /** A VVP observed state. */
  type ActualState,
  /** API group of the custom resource: `ververica.platform`. */
  API_GROUP,
  /** CR annotation naming the Secret with the VVP API token. */
  API_KEY_SECRET_ANNOTATION,
  /** `ververica.platform/v1`. */
  API_VERSION,
  /** An artifact (JAR, SQLSCRIPT or PYTHON), discriminated on `kind`. */
  type Artifact,
  /** Deployment annotation carrying the Autopilot policy mode, read by the default provider (ours). */
  AUTOPILOT_MODE_ANNOTATION,
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
  /** Annotation on the VVP deployment carrying the CR uid (ours). */
  CR_UID_ANNOTATION,
  /** A CR's VVP Deployment body. */
  type DeploymentBody,
  /** The zod schema of a CR's `spec.deployment`. */
  DeploymentBodySchema,
  /** A VVP desired state. */
  type DesiredState,
  /** The finalizer the operator manages (ours). */
  FINALIZER,
  /** One problem with one field: path, StatusCause reason, message. */
  type FieldError,
  /** Kubernetes StatusCause reason of a field error. */
  type FieldErrorReason,
  /** `VvpDeployment`. */
  KIND,
  /** Most items in one list of a CR (10,000; ours). */
  MAX_LIST_ITEMS,
  /** Deepest nesting of a CR (100 levels; ours). */
  MAX_NESTING_DEPTH,
  /** Largest CR object, in bytes of JSON (1.5 MiB, etcd's limit). */
  MAX_OBJECT_BYTES,
  /** Longest CR text read (3 MiB, the API server's request limit). */
  MAX_TEXT_LENGTH,
  /** Most YAML aliases in one CR document (100; ours). */
  MAX_YAML_ALIASES,
  /** The owner label: must equal the operator's instanceId. */
  OWNER_LABEL,
  /** Result of a parse: the typed value or every field error. */
  type ParseResult,
  /** Parses a VvpDeployment from YAML text or an object; never throws. */
  parseVvpDeployment,
  /** Template annotation through which a restart is requested (ours). */
  RESTART_NONCE_ANNOTATION,
  /** Savepoint annotation that makes a trigger exactly-once (ours). */
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
  /** The savepoint and restart decisions of one cycle. */
  decideNonces,
  /** One nonce's decision: idle, trigger, blocked, waiting, alreadyDone or stillBlocked. */
  type NonceDecision,
} from "./nonces/index.js";
export {
  /** Column names of `kubectl get vvpdeployments` (default, then `-o wide`). */
  PRINTER_COLUMN_NAMES,
  /** The values `kubectl get` shows for a CR, default and wide. */
  printerColumns,
} from "./printer-columns/index.js";
export {
  /** The mapping store key of a CR (its uid; `<namespace>/<name>` for a CR read from a file). */
  crIdentity,
  /** `{ method, body }` of a projection. */
  type Projection,
  /** The PATCH, PUT or POST body for a CR: marks, initFields on create, restart annotation on PUT. */
  projectDeployment,
} from "./projection/index.js";

export {
  /** A failure the executor saw: http status, timeout or network. */
  type ActionError,
  /** What happened to one action: succeeded, failed or notRun. */
  type ActionOutcome,
  /** What the Autopilot provider observed. */
  type AutopilotObservation,
  /** Thrown by `reconcile` and `settle` when an observed value has the wrong type; names each field. */
  InvalidObservationError,
  /** The host's mapping record: CR uid → VVP namespace, deploymentId, instanceId. */
  type MappingRecord,
  /** What the host observed: deployment, mapping, Autopilot, savepoints. */
  type Observation,
  /** What to observe for a CR: the deployment by id or by name, savepoints or not. */
  observationNeeds,
  /** One step of a plan, discriminated on `type`. */
  type PlanAction,
  /** A Kubernetes event to record. */
  type PlanEvent,
  /** The input of `reconcile` and `settle`. */
  type ReconcileInput,
  /** Actions, status, events and requeue of one cycle. */
  type ReconcilePlan,
  /** The pure reconcile: a CR and observations in, a plan out. */
  reconcile,
  /** Status, events and requeue after execution. */
  type SettledResult,
  /** The status after the host ran the plan and some actions failed. */
  settle,
} from "./reconcile/index.js";
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
export {
  /** Creates the typed VVP Application Manager client (openapi-fetch). */
  createVvpClient,
  /** A VVP Deployment as the client sends and returns it (e.g. from `listOwnedDeployments`). */
  type Deployment as VvpApiDeployment,
  /** True for 5xx, 429, timeouts and network errors: retrying may succeed. */
  isTransient,
  /** A failed VVP call; never carries the API token. */
  VvpApiError,
  /** One HTTP attempt as the client reports it to `log`: method, path, status, outcome. */
  type VvpCallLogEntry,
  /** The VVP calls the SDK makes. */
  type VvpClient,
  /** Options of createVvpClient: base URL, token, timeout, retries, fetch. */
  type VvpClientOptions,
} from "./vvp-client/index.js";
