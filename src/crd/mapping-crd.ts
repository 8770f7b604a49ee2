// The CRD of the operator's mapping record (ours): CR uid → VVP namespace,
// deploymentId and instanceId, one object per CR in the CR's namespace. A
// resource of our own rather than a ConfigMap, so RBAC can keep it to the
// operator: the generated RBAC grants users nothing on it, and the operator's
// Role no longer needs write access to every ConfigMap of a namespace.

import { API_GROUP } from "../models/index.js";
import type { CustomResourceDefinition } from "./types.js";

/** Kind of a mapping record. */
export const MAPPING_KIND = "VvpDeploymentMapping";
/** Plural of the mapping record, in REST paths and RBAC rules. */
export const MAPPING_PLURAL = "vvpdeploymentmappings";
/** The mapping CRD's name. */
export const MAPPING_CRD_NAME = `${MAPPING_PLURAL}.${API_GROUP}`;

const field = (description: string) => ({ type: "string", minLength: 1, description }) as const;

/** The CustomResourceDefinition of VvpDeploymentMapping. */
export function buildMappingCrd(): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: MAPPING_CRD_NAME },
    spec: {
      group: API_GROUP,
      names: {
        kind: MAPPING_KIND,
        listKind: `${MAPPING_KIND}List`,
        plural: MAPPING_PLURAL,
        singular: MAPPING_KIND.toLowerCase(),
      },
      scope: "Namespaced",
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description:
                "The vvp-operator's record of which Ververica Platform deployment a VvpDeployment maps to. Written by the operator only; the operator still verifies the deployment's cr-uid annotation and owner label before acting on it.",
              required: ["spec"],
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: {
                  type: "object",
                  required: ["crUid", "deploymentId", "vvpNamespace", "instanceId"],
                  properties: {
                    crUid: field("metadata.uid of the VvpDeployment this record belongs to."),
                    deploymentId: field("The Ververica Platform deployment id."),
                    vvpNamespace: field("The Ververica Platform namespace of the deployment."),
                    instanceId: field("The operator instance that wrote the record."),
                  },
                },
              },
            },
          },
          additionalPrinterColumns: [
            { name: "DEPLOYMENT-ID", type: "string", jsonPath: ".spec.deploymentId" },
            { name: "VVP-NAMESPACE", type: "string", jsonPath: ".spec.vvpNamespace" },
            { name: "INSTANCE-ID", type: "string", jsonPath: ".spec.instanceId" },
          ],
        },
      ],
    },
  } as CustomResourceDefinition;
}
