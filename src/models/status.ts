import { z } from "zod";
import { ConditionSchema } from "./conditions.js";
import { ActualStateSchema, DesiredStateSchema } from "./vvp-deployment-body.js";

const NonceValueSchema = z.number().int().nullable().optional();

/** Why a nonce was consumed without being submitted (ours). */
export const BLOCKED_NONCE_CAUSES = [
  "NoDeployment",
  "JobNotRunning",
  "DesiredStateNotRunning",
  "AutopilotScaling",
  "RefusedByVvp",
] as const;
/** A reason a nonce was blocked. */
export type BlockedNonceCause = (typeof BLOCKED_NONCE_CAUSES)[number];

/**
 * A nonce consumed without being submitted, kept while the CR still holds it
 * so later cycles report it the same way (ours). `detail`: the job's state,
 * the desired state or VVP's refusal, as the cause needs.
 */
export const BlockedNonceSchema = z.object({
  nonce: z.number().int(),
  cause: z.enum(BLOCKED_NONCE_CAUSES),
  detail: z.string().optional(),
});
/** A blocked nonce as the status keeps it. */
export type BlockedNonce = z.infer<typeof BlockedNonceSchema>;

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
  // ours: how many restarts the operator submitted for this CR. The next
  // restart's token is `<nonce>/r<restartRounds + 1>`: it stays the same for
  // every retry of one request, whatever edits come in between, and differs
  // from the token of every earlier restart.
  restartRounds: z.number().int().min(0).optional(),
  // ours: the blocked savepointNonce / restartNonce, while the CR holds it.
  blockedSavepointNonce: BlockedNonceSchema.optional(),
  blockedTriggerNonce: BlockedNonceSchema.optional(),
  // ours: the fields the last re-projection after drift sent. When VVP still
  // differs in exactly these fields next cycle, it does not keep them as sent
  // (it normalises them): they are reported, not sent again in a loop.
  reprojectedDrift: z.array(z.string()).optional(),
  // ours: the generation whose spec change VVP has not accepted yet (refused,
  // unanswered, or waiting for sync, the mapping or an Autopilot run), absent
  // otherwise. observedGeneration advances every cycle; this record, reported
  // by SpecAligned False, is what makes the change be sent again.
  unprojectedGeneration: z.number().int().optional(),
  // ours: since when the actual state has differed from the desired one (the
  // job moves: TRANSITIONING, or not yet in the state just projected), as
  // the cycle's time saw it; absent once they agree. The requeue backs off
  // from it: VVP is observed again within about a second of a change.
  actualDiffersSince: z.string().optional(),
  conditions: z.array(ConditionSchema).optional(),
});
/** The status of a VvpDeployment. */
export type VvpDeploymentStatus = z.infer<typeof VvpDeploymentStatusSchema>;
