export { crIdentity, isBookkeepingAnnotation, type JsonObject, markedMetadata } from "./marks.js";
export {
  deploymentDifferences,
  deploymentMatches,
  type MatchOptions,
} from "./match.js";
export { deepMerge } from "./merge.js";
export {
  type DeploymentRequestBody,
  type Projection,
  type ProjectionMethod,
  type ProjectionOperation,
  type ProjectionOptions,
  projectDeployment,
  stateOnlyBody,
} from "./project.js";
