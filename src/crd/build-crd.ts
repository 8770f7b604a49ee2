// The CustomResourceDefinition, its openAPIV3Schema derived from the zod
// models (VvpDeploymentSchema), never written a second time.

import { z } from "zod";
import { API_GROUP, API_VERSION, KIND, PLURAL, VvpDeploymentSchema } from "../models/index.js";
import { immutabilityRules, putModeRules, reservedKeyRules } from "./cel-rules.js";
import { applyDescriptions } from "./descriptions.js";
import { additionalPrinterColumns } from "./printer-columns.js";
import { schemaNodesAt } from "./schema-path.js";
import {
  toStructuralSchema,
  withCanonicalKeyOrder,
  type ZodJsonSchemaNode,
} from "./structural-schema.js";
import type { CustomResourceDefinition, JSONSchemaProps } from "./types.js";

/** Name of the CRD: `<plural>.<group>`. */
export const CRD_NAME = `${PLURAL}.${API_GROUP}`;
/** The served and stored version. */
export const CRD_VERSION = API_VERSION.slice(API_GROUP.length + 1);

function nodeAt(root: JSONSchemaProps, path: readonly string[]): JSONSchemaProps {
  const [node] = schemaNodesAt(root, path.join("."));
  if (node === undefined) throw new Error(`no schema node at ${path.join(".")}`);
  return node;
}

/** The CRD's openAPIV3Schema: zod's JSON Schema, made structural, with CEL rules and descriptions. */
export function buildOpenApiV3Schema(): JSONSchemaProps {
  const json = z.toJSONSchema(VvpDeploymentSchema, {
    target: "openapi-3.0",
    io: "input",
    cycles: "throw",
    reused: "inline",
  }) as ZodJsonSchemaNode;
  const schema = toStructuralSchema(json);
  const properties = schema.properties ?? {};

  // The API server owns apiVersion, kind and metadata at the root and allows
  // no restriction on metadata beyond name/generateName; it validates them itself.
  properties.apiVersion = { type: "string" };
  properties.kind = { type: "string" };
  properties.metadata = { type: "object" };
  schema.required = (schema.required ?? []).filter(
    (name) => !["apiVersion", "kind", "metadata"].includes(name),
  );

  // Conditions are keyed by type (Kubernetes convention): one entry per type,
  // merged by type under server-side apply.
  const conditions = nodeAt(schema, ["status", "conditions"]);
  conditions["x-kubernetes-list-type"] = "map";
  conditions["x-kubernetes-list-map-keys"] = ["type"];

  const spec = nodeAt(schema, ["spec"]);
  spec["x-kubernetes-validations"] = [
    ...(spec["x-kubernetes-validations"] ?? []),
    ...putModeRules(spec),
  ];
  for (const { path, rule } of [...immutabilityRules(), ...reservedKeyRules()]) {
    const carrier = nodeAt(schema, path);
    carrier["x-kubernetes-validations"] = [...(carrier["x-kubernetes-validations"] ?? []), rule];
  }
  return withCanonicalKeyOrder(applyDescriptions(schema));
}

/** The apiextensions.k8s.io/v1 CustomResourceDefinition of VvpDeployment. */
export function buildCrd(): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: CRD_NAME },
    spec: {
      group: API_GROUP,
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: KIND.toLowerCase(),
      },
      scope: "Namespaced",
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: buildOpenApiV3Schema() },
          subresources: { status: {} },
          additionalPrinterColumns: additionalPrinterColumns(),
        },
      ],
    },
  };
}
