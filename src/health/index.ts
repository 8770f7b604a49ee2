// What Argo CD and Flux say about a VvpDeployment: the rules of
// gitops/argocd/health.lua and gitops/flux/health-check-exprs.yaml, as a pure
// function a host or a test can ask. The three are held to the same answers
// on one table of statuses (test/gitops). Every field is read defensively:
// the object may be anything a cluster or a file holds.

/** The health Argo CD shows. */
export type ArgoHealthStatus = "Healthy" | "Progressing" | "Degraded" | "Suspended";
/** The status Flux's health check computes (kstatus). */
export type FluxHealthStatus = "Current" | "InProgress" | "Failed";

/** What Argo CD (with health.lua) and Flux (with the healthCheckExprs) say about a CR. */
export interface GitOpsHealth {
  argo: { status: ArgoHealthStatus; message: string };
  /** Flux shows no message of a health check; `message` is Argo CD's, for logs. */
  flux: { status: FluxHealthStatus; message: string };
}

/**
 * Reasons that need a person when their condition is unhealthy (False, or
 * Unknown): the seed's "manual intervention" rows, the blocked nonces, sync
 * disabled, a refused projection (ours), a deployment that is not this
 * CR's (ours) and a token problem (ours, on Healthy). DeletionBlocked True needs a person whatever its reason.
 */
export const NEEDS_ACTION_REASONS: readonly string[] = [
  "AppManagerRecordNotFound",
  "DBRecordMissing",
  "ResourceDeleted",
  "DeploymentNotOwned",
  "AppManagerCreateFailed",
  "SavepointBlocked",
  "RestartBlocked",
  "SyncDisabled",
  "ProjectionFailed",
  "ApiKeySecretUnavailable",
  "ApiKeyRejected",
];

/** The reason that means "wait": an Autopilot scaling run holds the projection back. */
export const WAITING_REASON = "StateProjectionSuppressedAutopilot";

const FLUX_OF: Readonly<Record<ArgoHealthStatus, FluxHealthStatus>> = {
  Healthy: "Current",
  Suspended: "Current",
  Progressing: "InProgress",
  Degraded: "Failed",
};

type Fields = Readonly<Record<string, unknown>>;

function fields(value: unknown): Fields | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Fields)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function integer(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** "Type: Reason: message", leaving out what the condition lacks. */
function describe(condition: Fields): string {
  return [text(condition.type) ?? "", text(condition.reason), text(condition.message)]
    .filter((part): part is string => part !== undefined)
    .join(": ");
}

/**
 * The health of a VvpDeployment as Argo CD and Flux show it, first rule that
 * holds:
 * 1. no status, or no Healthy condition yet → Progressing / InProgress;
 * 2. status.observedGeneration behind (or absent) metadata.generation → Progressing / InProgress;
 * 3. the job FAILED, or a condition that needs action (NEEDS_ACTION_REASONS
 *    on an unhealthy condition, DeletionBlocked True) → Degraded / Failed;
 * 4. an Autopilot scaling run holds the projection back → Progressing / InProgress;
 * 5. no actual state yet, or the actual state differs from the desired one
 *    (spec.deployment.spec.state, else status.observedSpecState) → Progressing / InProgress;
 * 6. SUSPENDED or CANCELLED reached as desired → Suspended / Current;
 * 7. otherwise (RUNNING as desired, or a job that FINISHED) → Healthy / Current.
 */
export function gitOpsHealth(object: unknown): GitOpsHealth {
  const argo = argoHealth(object);
  return { argo, flux: { status: FLUX_OF[argo.status], message: argo.message } };
}

function argoHealth(object: unknown): { status: ArgoHealthStatus; message: string } {
  const cr = fields(object);
  const status = fields(cr?.status);
  const listed = (Array.isArray(status?.conditions) ? status.conditions : [])
    .map(fields)
    .filter((condition): condition is Fields => condition !== undefined);
  // The sub-conditions first: Healthy only propagates their reasons, except a
  // token problem, which is Healthy's own.
  const conditions = [
    ...listed.filter((condition) => condition.type !== "Healthy"),
    ...listed.filter((condition) => condition.type === "Healthy"),
  ];
  if (status === undefined || !conditions.some((condition) => condition.type === "Healthy")) {
    return { status: "Progressing", message: "Waiting for the operator to report status" };
  }

  const generation = integer(fields(cr?.metadata)?.generation);
  if (generation !== undefined && integer(status.observedGeneration) !== generation) {
    return {
      status: "Progressing",
      message: `Waiting for the operator to observe generation ${generation}`,
    };
  }

  const actual = text(status.actualState);
  if (actual === "FAILED") {
    return { status: "Degraded", message: "The Flink job FAILED in Ververica Platform" };
  }
  const needsAction = conditions.find((condition) =>
    condition.type === "DeletionBlocked"
      ? condition.status === "True"
      : condition.status !== "True" && NEEDS_ACTION_REASONS.includes(text(condition.reason) ?? ""),
  );
  if (needsAction !== undefined) return { status: "Degraded", message: describe(needsAction) };

  const waiting = conditions.find(
    (condition) => condition.status !== "True" && condition.reason === WAITING_REASON,
  );
  if (waiting !== undefined) return { status: "Progressing", message: describe(waiting) };

  const spec = fields(fields(fields(cr?.spec)?.deployment)?.spec);
  const desired = text(spec?.state) ?? text(status.observedSpecState);
  if (actual === undefined) {
    return {
      status: "Progressing",
      message:
        desired === undefined
          ? "Waiting for Ververica Platform to report the actual state"
          : `Waiting for Ververica Platform to report the actual state; desired ${desired}`,
    };
  }
  if (actual === "FINISHED") return { status: "Healthy", message: "The Flink job FINISHED" };
  if (desired !== undefined && actual !== desired) {
    return { status: "Progressing", message: `Actual state ${actual}, desired ${desired}` };
  }
  if (actual === "SUSPENDED" || actual === "CANCELLED") {
    return { status: "Suspended", message: `The deployment is ${actual}, as desired` };
  }
  return {
    status: "Healthy",
    message:
      desired === undefined
        ? `The deployment is ${actual}`
        : `The deployment is ${actual}, as desired`,
  };
}
