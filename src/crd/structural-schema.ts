// zod → Kubernetes structural schema. zod's own `toJSONSchema` (OpenAPI 3.0
// target, input side) does the walking; this converter rewrites the few
// shapes a structural schema cannot hold:
// - a loose object (`additionalProperties: {}` beside `properties`) becomes
//   `x-kubernetes-preserve-unknown-fields: true`, the only open-object form;
// - a discriminated union (`oneOf` of objects) becomes one object with an
//   `enum` discriminator and a CEL rule per branch for its required fields;
// - anything else a structural schema forbids ($ref, allOf, not, tuples,
//   untyped nodes) stops generation with the path, so a models change that
//   needs a new rewrite is noticed at `npm run generate`, not in a cluster.

import { discriminatorRules } from "./cel-rules.js";
import type { JSONSchemaProps, JsonScalar, SchemaType } from "./types.js";

/** zod's JSON Schema output, as far as the converter reads it. */
export interface ZodJsonSchemaNode {
  [keyword: string]: unknown;
}

/** A shape the converter cannot express as a structural schema. */
export class StructuralSchemaError extends Error {
  /** Schema path (e.g. `spec.deployment.metadata`) of the offending node. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path === "" ? "<root>" : path}: ${message}`);
    this.name = "StructuralSchemaError";
    this.path = path;
  }
}

const SCHEMA_TYPES = new Set<SchemaType>([
  "object",
  "array",
  "string",
  "integer",
  "number",
  "boolean",
]);
// Keywords copied unchanged: they mean the same in both dialects.
const COPIED = [
  "description",
  "nullable",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
] as const;
// Keywords the converter rewrites or reads itself.
const HANDLED = new Set<string>([
  ...COPIED,
  "$schema",
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "oneOf",
]);

const child = (path: string, name: string): string => (path === "" ? name : `${path}.${name}`);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isOpen = (additional: unknown): boolean =>
  additional === true || (isRecord(additional) && Object.keys(additional).length === 0);

/** Converts zod's OpenAPI 3.0 JSON Schema into a Kubernetes structural schema. */
export function toStructuralSchema(node: ZodJsonSchemaNode, path = ""): JSONSchemaProps {
  for (const keyword of Object.keys(node)) {
    if (!HANDLED.has(keyword)) {
      throw new StructuralSchemaError(path, `keyword "${keyword}" has no structural equivalent`);
    }
  }
  if (node.oneOf !== undefined) return flattenDiscriminatedUnion(node, path);

  const type = node.type;
  if (typeof type !== "string" || !SCHEMA_TYPES.has(type as SchemaType)) {
    throw new StructuralSchemaError(
      path,
      `every node needs one type, found ${JSON.stringify(type)}`,
    );
  }
  const out: JSONSchemaProps = { type: type as SchemaType };
  for (const keyword of COPIED) {
    if (node[keyword] !== undefined) (out as Record<string, unknown>)[keyword] = node[keyword];
  }
  if (node.const !== undefined) out.enum = [node.const as JsonScalar];
  if (Array.isArray(node.enum)) out.enum = [...(node.enum as JsonScalar[])];

  if (type === "object") Object.assign(out, convertObject(node, path));
  if (type === "array") {
    if (!isRecord(node.items))
      throw new StructuralSchemaError(path, "an array needs one items schema");
    out.items = toStructuralSchema(node.items, `${path}[]`);
  }
  return out;
}

function convertObject(node: ZodJsonSchemaNode, path: string): JSONSchemaProps {
  const out: JSONSchemaProps = {};
  const additional = node.additionalProperties;
  if (isRecord(node.properties)) {
    const properties: Record<string, JSONSchemaProps> = {};
    for (const [name, value] of Object.entries(node.properties)) {
      if (!isRecord(value)) throw new StructuralSchemaError(child(path, name), "not a schema");
      properties[name] = toStructuralSchema(value, child(path, name));
    }
    if (Object.keys(properties).length > 0) out.properties = properties;
    if (Array.isArray(node.required) && node.required.length > 0) {
      out.required = [...(node.required as string[])];
    }
    if (isOpen(additional)) out["x-kubernetes-preserve-unknown-fields"] = true;
    else if (additional !== undefined && additional !== false) {
      throw new StructuralSchemaError(path, "typed additionalProperties beside properties");
    }
  } else if (isOpen(additional)) {
    out["x-kubernetes-preserve-unknown-fields"] = true;
  } else if (isRecord(additional)) {
    out.additionalProperties = toStructuralSchema(additional, child(path, "*"));
  }
  return out;
}

// A oneOf of objects that all require one property with a single enum value:
// that property is the discriminator.
function flattenDiscriminatedUnion(node: ZodJsonSchemaNode, path: string): JSONSchemaProps {
  const branches = node.oneOf;
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every(isRecord)) {
    throw new StructuralSchemaError(path, "oneOf must list object schemas");
  }
  const converted = branches.map((branch, index) => {
    if (branch.type !== "object") {
      throw new StructuralSchemaError(path, `oneOf branch ${index} is not an object`);
    }
    const schema = toStructuralSchema(branch, path);
    if (schema["x-kubernetes-validations"] !== undefined) {
      throw new StructuralSchemaError(path, `oneOf branch ${index} carries its own rules`);
    }
    return schema;
  });
  const discriminator = Object.keys(converted[0]?.properties ?? {}).find((name) =>
    converted.every(
      (branch) => branch.required?.includes(name) && branch.properties?.[name]?.enum?.length === 1,
    ),
  );
  if (discriminator === undefined) {
    throw new StructuralSchemaError(path, "a union needs a discriminator to be flattened");
  }

  const properties: Record<string, JSONSchemaProps> = {};
  const values: string[] = [];
  for (const branch of converted) {
    for (const [name, schema] of Object.entries(branch.properties ?? {})) {
      if (name === discriminator) continue;
      const known = properties[name];
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(schema)) {
        throw new StructuralSchemaError(child(path, name), "union branches disagree on this field");
      }
      properties[name] = schema;
    }
    values.push(String(branch.properties?.[discriminator]?.enum?.[0]));
  }
  const discriminatorSchema = converted[0]?.properties?.[discriminator];
  const out: JSONSchemaProps = {
    type: "object",
    properties: { [discriminator]: { ...discriminatorSchema, enum: values }, ...properties },
    required: [discriminator],
  };
  if (converted.some((branch) => branch["x-kubernetes-preserve-unknown-fields"])) {
    out["x-kubernetes-preserve-unknown-fields"] = true;
  }
  out["x-kubernetes-validations"] = discriminatorRules(
    discriminator,
    converted.map((branch, index) => ({
      value: values[index] ?? "",
      required: branch.required ?? [],
    })),
  );
  return out;
}

// Reading order for `kubectl explain` and reviewers: what a node is, then its
// constraints, then its children, then the Kubernetes extensions.
const KEY_ORDER = [
  "description",
  "type",
  "nullable",
  "format",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-validations",
];
const rank = (key: string): number => {
  const index = KEY_ORDER.indexOf(key);
  return index === -1 ? KEY_ORDER.length : index;
};

/** A copy of a schema with every node's keywords in one fixed order, so output is stable and readable. */
export function withCanonicalKeyOrder(node: JSONSchemaProps): JSONSchemaProps {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort((a, b) => rank(a) - rank(b))) {
    const value = (node as Record<string, unknown>)[key];
    if (key === "properties" && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [
          name,
          withCanonicalKeyOrder(schema as JSONSchemaProps),
        ]),
      );
    } else if ((key === "items" || key === "additionalProperties") && isRecord(value)) {
      out[key] = withCanonicalKeyOrder(value as JSONSchemaProps);
    } else {
      out[key] = value;
    }
  }
  return out as JSONSchemaProps;
}
