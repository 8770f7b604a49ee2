import { z } from "zod";
import { DeploymentBodySchema, InitFieldsSchema } from "./vvp-deployment-body.js";

/** How spec changes are projected to VVP. */
export const SyncingModeSchema = z.enum(["PATCH", "PUT"]);
/** "PATCH" | "PUT". */
export type SyncingMode = z.infer<typeof SyncingModeSchema>;

/** A nonce: any integer fires when it differs from the last consumed value; null disables. */
export const NonceSchema = z.number().int().nullable().optional();

/** `spec` of a VvpDeployment; strict, so a typo such as `savepointNonse` is an error. */
export const VvpDeploymentSpecSchema = z.strictObject({
  syncingMode: SyncingModeSchema,
  deployment: DeploymentBodySchema,
  initFields: InitFieldsSchema.optional(),
  savepointNonce: NonceSchema,
  restartNonce: NonceSchema,
});
/** The spec of a VvpDeployment. */
export type VvpDeploymentSpec = z.infer<typeof VvpDeploymentSpecSchema>;
