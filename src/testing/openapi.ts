// A minimal OpenAPI v3 for kubectl: per group-version documents whose PATCH
// operations declare the `fieldValidation` parameter (so kubectl leaves field
// validation to the server instead of downloading the protobuf OpenAPI v2)
// and no strategic merge for custom resources (so `kubectl apply` sends a
// JSON merge patch, as against a real cluster). Custom resources carry
// their CRD schema, which `kubectl explain` reads.

import type { ResourceType } from "./resource-types.js";

/** Where the document of each group-version lives, as `/openapi/v3` lists them. */
export function openApiRoot(types: readonly ResourceType[]): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const type of types) {
    const key = type.group === "" ? `api/${type.version}` : `apis/${type.group}/${type.version}`;
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}` };
  }
  return { paths };
}

function schemaName(type: ResourceType): string {
  const group = type.group === "" ? "core" : type.group.split(".").reverse().join(".");
  return `${group}.${type.version}.${type.kind}`;
}

const GVK_EXTENSION = "x-kubernetes-group-version-kind";

function operation(type: ResourceType, verb: string, mediaTypes: readonly string[] | undefined) {
  const parameters = ["dryRun", "fieldManager", "fieldValidation"].map((name) => ({
    name,
    in: "query",
    schema: { type: "string" },
  }));
  const ref = { $ref: `#/components/schemas/${schemaName(type)}` };
  return {
    operationId: `${verb}${type.kind}`,
    [GVK_EXTENSION]: { group: type.group, version: type.version, kind: type.kind },
    "x-kubernetes-action": verb,
    parameters: verb === "get" || verb === "delete" ? [] : parameters,
    ...(mediaTypes === undefined
      ? {}
      : {
          requestBody: { content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: ref }])) },
        }),
    responses: { "200": { description: "OK", content: { "application/json": { schema: ref } } } },
  };
}

/** The OpenAPI v3 document of one group-version, or undefined when nothing is served there. */
export function openApiGroupVersion(
  types: readonly ResourceType[],
  group: string,
  version: string,
  schemaOf: (type: ResourceType) => unknown,
): Record<string, unknown> | undefined {
  const served = types.filter((t) => t.group === group && t.version === version);
  if (served.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of served) {
    const base = `/${type.group === "" ? "api" : `apis/${type.group}`}/${type.version}${type.namespaced ? "/namespaces/{namespace}" : ""}/${type.plural}`;
    const patchTypes = [
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/apply-patch+yaml",
    ];
    paths[base] = { post: operation(type, "post", ["application/json"]) };
    paths[`${base}/{name}`] = {
      get: operation(type, "get", undefined),
      put: operation(type, "put", ["application/json"]),
      patch: operation(type, "patch", patchTypes),
      delete: operation(type, "delete", undefined),
    };
    schemas[schemaName(type)] = {
      type: "object",
      ...(schemaOf(type) as object),
      [GVK_EXTENSION]: [{ group: type.group, version: type.version, kind: type.kind }],
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0-fake" },
    paths,
    components: { schemas },
  };
}
