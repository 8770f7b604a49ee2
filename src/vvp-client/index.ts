// The typed VVP Application Manager client: generated types from
// openapi/vvp-appmanager.yaml, an openapi-fetch client with auth, timeouts and
// retries, and errors that never carry the API token.

export {
  createVvpClient,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type RawVvpClient,
  type VvpClient,
  type VvpClientOptions,
} from "./client.js";
export {
  hasStatus,
  isTransient,
  isVvpApiError,
  VvpApiError,
  type VvpApiErrorFields,
  type VvpApiErrorKind,
} from "./errors.js";
export {
  backoffDelay,
  DEFAULT_RETRY_OPTIONS,
  IDEMPOTENT_METHODS,
  parseRetryAfter,
  type ResolvedRetryOptions,
  type RetryOptions,
} from "./retry.js";
export type { TokenSource, VvpCallLogEntry } from "./transport.js";
export type {
  components,
  Deployment,
  DeploymentSpec,
  DeploymentTarget,
  ErrorBody,
  Job,
  MergePatch,
  operations,
  paths,
  Savepoint,
  VvpArtifact,
  VvpEvent,
  VvpSchemas,
} from "./types.js";
