import { z } from "zod";
import { ConditionSchema } from "./conditions.js";
import { ActualStateSchema, DesiredStateSchema } from "./vvp-deployment-body.js";

const NonceValueSchema = z.number().int().nullable().optional();

/** `status`: written only by the operator. Field names are the seed's. */
export const VvpDeploymentStatusSchema = z.object({
  deploymentId: z.string().optional(),
  observedGeneration: z.number().int().optional(),
  syncEnabled: z.boolean().optional(),
  observedSpecState: DesiredStateSchema.optional(),
  actualState: ActualStateSchema.optional(),
  vvpNamespace: z.string().optional(),
  instanceId: z.string().optional(),
  lastProcessedSavepointNonce: NonceValueSchema,
  lastProcessedTriggerNonce: NonceValueSchema,
  // ours (domain.md §3): the last value acted on, whether triggered or blocked.
  lastConsumedSavepointNonce: NonceValueSchema,
  lastConsumedTriggerNonce: NonceValueSchema,
  conditions: z.array(ConditionSchema).optional(),
});
/** The status of a VvpDeployment. */
export type VvpDeploymentStatus = z.infer<typeof VvpDeploymentStatusSchema>;
