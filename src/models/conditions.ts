import { z } from "zod";

/** Condition types, in the fixed order they appear in `status.conditions`. */
export const CONDITION_TYPES = [
  "Healthy",
  "Consistent",
  "SpecAligned",
  "NonceAligned",
  "ParallelismAligned",
  "DeletionBlocked",
] as const;
/** Schema of a condition type. */
export const ConditionTypeSchema = z.enum(CONDITION_TYPES);
/** A condition type. */
export type ConditionType = z.infer<typeof ConditionTypeSchema>;

/** Reasons of each condition: the seed's, plus ours marked below. */
export const CONDITION_REASONS = {
  Healthy: [
    "AllConditionsMet",
    "SubConditionsFailing",
    // ours: Healthy Unknown while the CR's API token cannot be used (the
    // reasons of the Warning Events): the Secret is missing or unreadable,
    // or VVP refused its token.
    "ApiKeySecretUnavailable",
    "ApiKeyRejected",
  ],
  Consistent: [
    "RecordIntact",
    "AppManagerRecordNotFound",
    "DBRecordMissing",
    "ResourceDeleted",
    "AppManagerCreateFailed",
    // ours: the deployment is being created and the mapping is not yet known.
    "Creating",
    // ours: the deployment the mapping record names does not carry this CR's
    // cr-uid annotation or this operator's owner label: nothing is written to it.
    "DeploymentNotOwned",
  ],
  SpecAligned: [
    "ConfigUpdated",
    "SpecUnchanged",
    "StateProjectionSuppressedAutopilot",
    "SyncDisabled",
    // ours: VVP refused or did not answer the projection.
    "ProjectionFailed",
  ],
  NonceAligned: ["NoncesProcessed", "SavepointBlocked", "RestartBlocked"],
  ParallelismAligned: ["Aligned", "AutopilotManaged"],
  // ours: the seed gives the False state no reason; Kubernetes requires one.
  DeletionBlocked: ["DeploymentStillActive", "DeploymentInactive"],
} as const satisfies Record<ConditionType, readonly string[]>;

/** Every reason any condition may carry (Healthy propagates the others'). */
export const ConditionReasonSchema = z.enum(
  Object.values(CONDITION_REASONS).flat() as [string, ...string[]] as unknown as [
    (typeof CONDITION_REASONS)[ConditionType][number],
    ...(typeof CONDITION_REASONS)[ConditionType][number][],
  ],
);
/** A condition reason. */
export type ConditionReason = z.infer<typeof ConditionReasonSchema>;

/** A condition status. */
export const ConditionStatusSchema = z.enum(["True", "False", "Unknown"]);
/** "True" | "False" | "Unknown". */
export type ConditionStatus = z.infer<typeof ConditionStatusSchema>;

/** A Kubernetes-style condition (metav1.Condition). */
export const ConditionSchema = z.object({
  type: ConditionTypeSchema,
  status: ConditionStatusSchema,
  reason: ConditionReasonSchema,
  message: z.string(),
  lastTransitionTime: z.string(),
  observedGeneration: z.number().int().optional(),
});
/** A condition. */
export type Condition = z.infer<typeof ConditionSchema>;
