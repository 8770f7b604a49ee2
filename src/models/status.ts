import { z } from "zod";
import { ConditionSchema } from "./conditions.js";
import { ActualStateSchema, DesiredStateSchema } from "./vvp-deployment-body.js";

const NonceValueSchema = z.number().int().nullable().optional();

/** `status`: written only by the operator. Field names are the seed's, plus ours marked below. */
export const VvpDeploymentStatusSchema = z.object({
  deploymentId: z.string().optional(),
  observedGeneration: z.number().int().optional(),
  syncEnabled: z.boolean().optional(),
  observedSpecState: DesiredStateSchema.optional(),
  // ours: the desired state last sent to VVP and accepted by it. It differs
  // from observedSpecState while a change waits (an Autopilot scaling run, a
  // failed projection); the Autopilot provider compares VVP's state with it.
  projectedSpecState: DesiredStateSchema.optional(),
  actualState: ActualStateSchema.optional(),
  vvpNamespace: z.string().optional(),
  instanceId: z.string().optional(),
  lastProcessedSavepointNonce: NonceValueSchema,
  lastProcessedTriggerNonce: NonceValueSchema,
  // ours: the last nonce value acted on, whether triggered or blocked; a
  // nonce fires when it differs from this value.
  lastConsumedSavepointNonce: NonceValueSchema,
  lastConsumedTriggerNonce: NonceValueSchema,
  // ours: the fields the last re-projection after drift sent. When VVP still
  // differs in exactly these fields next cycle, it does not keep them as sent
  // (it normalises them): they are reported, not sent again in a loop.
  reprojectedDrift: z.array(z.string()).optional(),
  conditions: z.array(ConditionSchema).optional(),
});
/** The status of a VvpDeployment. */
export type VvpDeploymentStatus = z.infer<typeof VvpDeploymentStatusSchema>;
