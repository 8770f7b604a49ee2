import type { VvpDeployment } from "../models/index.js";
import { isPendingNonce } from "../nonces/index.js";
import type { MappingRecord } from "./types.js";

/** How the host finds the VVP deployment. */
export type DeploymentLookup =
  | { by: "id"; vvpNamespace: string; deploymentId: string }
  | { by: "name"; vvpNamespace: string; name: string };

/** What the host must observe before calling `reconcile`. */
export interface ObservationNeeds {
  deployment: DeploymentLookup;
  /** A savepoint nonce is pending: list the deployment's savepoints (exactly-once check). */
  savepoints: boolean;
}

/**
 * What to observe for a CR: the deployment by its recorded id, or by name when
 * there is no record (creation, adoption and the Consistent checks need the
 * name lookup); savepoints only while a savepoint nonce is pending, so the
 * steady state costs one GET.
 */
export function observationNeeds(
  cr: VvpDeployment,
  mapping: MappingRecord | null,
): ObservationNeeds {
  const deployment: DeploymentLookup =
    mapping !== null
      ? { by: "id", vvpNamespace: mapping.vvpNamespace, deploymentId: mapping.deploymentId }
      : {
          by: "name",
          vvpNamespace: cr.spec.deployment.metadata.namespace,
          name: cr.spec.deployment.metadata.name,
        };
  return {
    deployment,
    savepoints:
      cr.metadata.deletionTimestamp === undefined &&
      isPendingNonce(cr.spec.savepointNonce, cr.status?.lastConsumedSavepointNonce),
  };
}
