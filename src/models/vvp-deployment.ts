import { z } from "zod";
import { VvpDeploymentSpecSchema } from "./spec.js";
import { VvpDeploymentStatusSchema } from "./status.js";
import { API_VERSION, KIND } from "./well-known.js";

const StringMapSchema = z.record(z.string(), z.string());

/** The ObjectMeta fields a host uses; other keys (managedFields, ownerReferences, …) are kept. */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
  finalizers: z.array(z.string()).optional(),
  deletionTimestamp: z.string().optional(),
  creationTimestamp: z.string().optional(),
});
/** Kubernetes object metadata. */
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

/** The VvpDeployment custom resource. */
export const VvpDeploymentSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: ObjectMetaSchema,
  spec: VvpDeploymentSpecSchema,
  status: VvpDeploymentStatusSchema.optional(),
});
/** A VvpDeployment. */
export type VvpDeployment = z.infer<typeof VvpDeploymentSchema>;
