import { z } from "zod";
import { VvpDeploymentSpecSchema } from "./spec.js";
import { VvpDeploymentStatusSchema } from "./status.js";
import { API_VERSION, KIND } from "./well-known.js";

const StringMapSchema = z.record(z.string(), z.string());

/**
 * Kubernetes ObjectMeta. Every field of metav1.ObjectMeta is known, so a key
 * outside it (`lables`) is an unknown field, as the API server's strict field
 * validation makes it; the ones no host reads are kept untyped.
 */
export const ObjectMetaSchema = z.strictObject({
  name: z.string().min(1),
  generateName: z.string().optional(),
  selfLink: z.string().optional(),
  deletionGracePeriodSeconds: z.number().int().nullable().optional(),
  ownerReferences: z.array(z.looseObject({})).optional(),
  managedFields: z.array(z.looseObject({})).optional(),
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

/**
 * The VvpDeployment custom resource. Its own objects are strict: a key they
 * do not have is an error, not silently dropped (the API server would prune it).
 */
export const VvpDeploymentSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: ObjectMetaSchema,
  spec: VvpDeploymentSpecSchema,
  status: z.strictObject(VvpDeploymentStatusSchema.shape).optional(),
});
/** A VvpDeployment. */
export type VvpDeployment = z.infer<typeof VvpDeploymentSchema>;
