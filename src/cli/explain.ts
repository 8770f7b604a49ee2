// The reference's conditions in plain words: for each reason, what it means
// and what to do (the reference's Action column; ours where it gives none).

/** What a condition's reason means and what to do about it. */
export interface Explanation {
  meaning: string;
  action: string;
}

const NONE = "None.";

/** By condition type, then reason. Healthy's False reasons are propagated from the others. */
export const EXPLANATIONS: Readonly<Record<string, Readonly<Record<string, Explanation>>>> = {
  Healthy: {
    AllConditionsMet: { meaning: "All sub-conditions are healthy.", action: NONE },
    SubConditionsFailing: {
      meaning: "Several sub-conditions are failing; the message lists them.",
      action: "Look at each failing condition below.",
    },
  },
  Consistent: {
    RecordIntact: {
      meaning: "The CR is linked to its Ververica Platform deployment.",
      action: NONE,
    },
    AppManagerRecordNotFound: {
      meaning:
        "The Ververica Platform deployment record is missing; operator-managed deployments are protected from UI and API deletion, so this usually means a database-level change.",
      action:
        "Manual intervention required: delete and recreate the CR, or investigate the AppManager database.",
    },
    DBRecordMissing: {
      meaning:
        "The operator's mapping record is missing while the Ververica Platform deployment still exists.",
      action: "Manual intervention required: contact your platform administrator.",
    },
    ResourceDeleted: {
      meaning:
        "Both the mapping record and the Ververica Platform deployment are gone: the CR is orphaned.",
      action:
        "Delete the CR with kubectl delete vvpdeployment <name> --force and recreate it if needed.",
    },
    DeploymentNotOwned: {
      meaning:
        "The mapping record names a Ververica Platform deployment that does not carry this CR's cr-uid annotation or this operator's owner label; nothing is written to it.",
      action:
        "Manual intervention required: find out who changed the mapping record or the deployment's marks, and restore them.",
    },
    AppManagerCreateFailed: {
      meaning: "Creating the deployment in Ververica Platform failed.",
      action:
        "Read the message for Ververica Platform's error. Common causes: an invalid artifact URI, an unsupported engine version, a misconfigured deployment target.",
    },
    Creating: {
      meaning: "The deployment is being created; the mapping is not known yet.",
      action: "None: wait for the next reconcile.",
    },
  },
  SpecAligned: {
    ConfigUpdated: {
      meaning: "The CR spec was projected to Ververica Platform.",
      action: NONE,
    },
    SpecUnchanged: { meaning: "No spec change since the last projection.", action: NONE },
    StateProjectionSuppressedAutopilot: {
      meaning:
        "State drift was seen but not re-projected: an Autopilot scaling operation is in progress. Transient.",
      action: "None: it resolves when the scaling completes.",
    },
    SyncDisabled: {
      meaning: "Sync is disabled: the change is recorded but not projected.",
      action: "Not expected in normal operation: contact your platform administrator.",
    },
    ProjectionFailed: {
      meaning: "Ververica Platform refused the projection or did not answer.",
      action: "Read the message for Ververica Platform's error and fix the spec or the platform.",
    },
  },
  NonceAligned: {
    NoncesProcessed: {
      meaning: "Every savepoint and restart nonce was processed, or none was requested.",
      action: NONE,
    },
    SavepointBlocked: {
      meaning:
        "A savepoint was requested while the job was not RUNNING, or while Autopilot was scaling.",
      action:
        "Wait for the job to reach RUNNING and any Autopilot scaling to complete, then set a new savepointNonce (kubectl vvp savepoint <name>). The blocked nonce is consumed: reverting to the same value does not re-trigger.",
    },
    RestartBlocked: {
      meaning:
        "A restart was requested while the job was not RUNNING, or while Autopilot was scaling.",
      action:
        "Wait for the job to reach RUNNING and any Autopilot scaling to complete, then set a new restartNonce (kubectl vvp restart <name>). The blocked nonce is consumed.",
    },
  },
  ParallelismAligned: {
    Aligned: {
      meaning:
        "Autopilot is not active or has not scaled, the CR gives no parallelism, or it matches Autopilot's.",
      action: NONE,
    },
    AutopilotManaged: {
      meaning:
        "Autopilot is active and its runtime parallelism differs from the CR's. Expected behaviour.",
      action: "None: the condition heals itself when the state changes.",
    },
  },
  DeletionBlocked: {
    DeploymentStillActive: {
      meaning: "The CR is being deleted while the deployment is RUNNING or TRANSITIONING.",
      action: "Set the deployment's state to CANCELLED, then the deletion completes.",
    },
    DeploymentInactive: { meaning: "Deletion is not blocked.", action: NONE },
  },
};

/** The explanation of a condition's reason; Healthy's propagated reasons are looked up in the others. */
export function explain(type: string, reason: string | undefined): Explanation | undefined {
  if (reason === undefined) return undefined;
  const own = EXPLANATIONS[type]?.[reason];
  if (own !== undefined || type !== "Healthy") return own;
  for (const reasons of Object.values(EXPLANATIONS)) {
    const found = reasons[reason];
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Why a nonce was blocked, in plain words (status.blocked*Nonce.cause). */
export const BLOCKED_CAUSES: Readonly<Record<string, string>> = {
  NoDeployment: "no Ververica Platform deployment exists yet",
  JobNotRunning: "the job is not RUNNING",
  DesiredStateNotRunning: "the CR's desired state is not RUNNING",
  AutopilotScaling: "an Autopilot scaling operation is in progress",
  RefusedByVvp: "Ververica Platform refused it",
};
