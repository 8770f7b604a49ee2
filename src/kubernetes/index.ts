// `vvp-deployment-sdk/kubernetes`: the VvpDeployment controller on
// @kubernetes/client-node (an optional peer dependency; only this entry
// imports it).
export { type BackoffOptions, DEFAULT_QUEUE_BACKOFF } from "./backoff.js";
export { type ClientNodeKubeApiOptions, createClientNodeKubeApi } from "./client-node-api.js";
export {
  type ControllerMetrics,
  type ControllerStats,
  createVvpDeploymentController,
  type VvpDeploymentController,
  type VvpDeploymentControllerOptions,
} from "./controller.js";
export { APIKEY_SECRET_ANNOTATION } from "./cr-fields.js";
export {
  createEventRecorder,
  type EventRecorder,
  type EventToRecord,
  REPORTING_CONTROLLER,
} from "./events.js";
export { DEFAULT_WATCH_TIMING, type WatchTiming } from "./informer.js";
export {
  type KubeApi,
  KubeApiError,
  type KubeErrorReason,
  type KubeList,
  type KubeObject,
  type KubeObjectMeta,
  type KubeResource,
  type KubeWatch,
  type KubeWatchEvent,
  type KubeWatchHandlers,
  type KubeWatchOptions,
} from "./kube-api.js";
export type { ControllerLogger } from "./logger.js";
export {
  createKubernetesMappingStore,
  type KubernetesMappingStore,
  type KubernetesMappingStoreOptions,
  mappingConfigMapName,
  mappingRecordName,
} from "./mapping-store.js";
export { TOKEN_KEY, TokenUnavailableError, type TokenUnavailableReason } from "./tokens.js";
export { DEFAULT_RETRY_BUCKET, type RetryBucket } from "./work-queue.js";
