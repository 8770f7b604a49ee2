// The JSON Schema CR authors point their editor at
// (`# yaml-language-server: $schema=…`). It comes from the same zod schema as
// the CRD; unlike the CRD it may use oneOf and if/then, so the artifact union
// stays a union and the PUT-mode fields become an if/then on syncingMode.

import { z } from "zod";
import { OWNER_LABEL, PUT_MODE_REQUIREMENTS, VvpDeploymentSchema } from "../models/index.js";
import { applyDescriptions, DESCRIPTIONS } from "./descriptions.js";
import { GENERATED_NOTICE } from "./generated-notice.js";

/** A JSON Schema document (draft 2020-12), as zod types it. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** `$id` of the editor schema: a stable name, not a download location. */
export const JSON_SCHEMA_ID = "urn:vvp-deployment-sdk:schema:vvpdeployment:v1";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// z.object strips unknown keys and Kubernetes prunes them: a key there is
// almost always a typo, so the editor should flag it. Loose objects (the VVP
// body) already say `additionalProperties: {}` and stay open.
function closeStrippedObjects(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) closeStrippedObjects(item);
    return;
  }
  if (!isRecord(node)) return;
  if (isRecord(node.properties) && node.additionalProperties === undefined) {
    node.additionalProperties = false;
  }
  for (const value of Object.values(node)) closeStrippedObjects(value);
}

// `then` of the PUT rule: nested `properties` down to each requirement's
// parent, which lists the field as required (or one of the alternatives).
function putModeThen(): JsonSchema {
  const then: JsonSchema = {};
  for (const { anyOf } of PUT_MODE_REQUIREMENTS) {
    const alternatives = anyOf.map((path) => path.slice(1)); // relative to spec
    const first = alternatives[0] ?? [];
    let node = then;
    for (const name of first.slice(0, -1)) {
      node.properties ??= {};
      const next: JsonSchema = (node.properties[name] as JsonSchema | undefined) ?? {};
      node.properties[name] = next;
      node = next;
    }
    const fields = alternatives.map((path) => path[path.length - 1] ?? "");
    if (fields.length === 1) node.required = [...(node.required ?? []), ...fields];
    else node.allOf = [...(node.allOf ?? []), { anyOf: fields.map((f) => ({ required: [f] })) }];
  }
  return then;
}

/** The editor JSON Schema (draft 2020-12) of a VvpDeployment, derived from the zod models. */
export function buildJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(VvpDeploymentSchema, {
    target: "draft-2020-12",
    io: "input",
    cycles: "throw",
    reused: "inline",
  }) as JsonSchema;
  const { $schema, ...body } = generated;
  closeStrippedObjects(body);
  const properties = body.properties ?? {};

  // The webhook's owner-label rule (the seed: "The ververica.platform/owner
  // label is required"): editors can check presence, not the instance's value.
  const metadata = properties.metadata as JsonSchema;
  metadata.required = [...(metadata.required ?? []), "labels"];
  const labels = metadata.properties?.labels as JsonSchema;
  labels.required = [OWNER_LABEL];

  const spec = properties.spec as JsonSchema;
  spec.allOf = [
    {
      if: { properties: { syncingMode: { const: "PUT" } }, required: ["syncingMode"] },
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword.
      then: putModeThen(),
    },
  ];
  (properties.status as JsonSchema).readOnly = true;

  return applyDescriptions({
    $schema,
    $id: JSON_SCHEMA_ID,
    $comment: GENERATED_NOTICE,
    title: "VvpDeployment",
    description: DESCRIPTIONS[""],
    ...body,
  });
}
