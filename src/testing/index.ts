// vvp-deployment-sdk/testing: a fake Kubernetes API server for tests of
// controllers and operators, over real HTTPS on 127.0.0.1.

export type { AccessReviewAttributes, AccessReviewVerdict, Authorizer } from "./access-reviews.js";
export {
  type FakeFaults,
  type FakeKubernetes,
  FakeKubernetesOptionError,
  type FakeKubernetesOptions,
  type FakeValidationOptions,
  startFakeKubernetes,
  type WatchInfo,
} from "./fake-kubernetes.js";
export type { FailureRule, RequestMatch } from "./faults.js";
export type { KubeObject, ObjectMeta } from "./objects.js";
export type { LoggedRequest } from "./request-log.js";
export type { ExpiredWatchStart } from "./server.js";
export { KubeApiError, type KubeStatus, type StatusCause, type StatusReason } from "./status.js";
export type { DeleteResult } from "./store.js";
export { generateTestTls, type TestTls, type TestTlsOptions } from "./tls.js";
export type { WebhookRouting } from "./webhooks.js";
