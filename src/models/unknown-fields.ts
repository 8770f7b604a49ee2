// Unknown fields. The CR's own objects (the root, metadata, spec, status) are
// strict, as the API server's strict field validation makes them: a key they
// do not have is an error with a "did you mean". The VVP body is open (every
// VVP field passes through), so there an unknown key only warns, and only
// when it is one typo away from a field VVP has: a newer VVP field must pass.

import { distance } from "fastest-levenshtein";
import type { z } from "zod";
import { type FieldError, type FieldSuggester, unknownFieldError } from "./field-error.js";
import { VvpDeploymentObjectSchema } from "./vvp-deployment-body.js";

type AnySchema = z.core.$ZodType;

// VVP fields the body schema does not model, so that they are never taken for
// typos of one that it does (ours: from VVP's public API reference).
const UNMODELED_VVP_FIELDS: Readonly<Record<string, readonly string[]>> = {
  metadata: ["displayName"],
  spec: ["deploymentTargetId", "sessionClusterName"],
  "spec.template.spec": [
    "flinkVersion",
    "flinkImageRegistry",
    "flinkImageRepository",
    "flinkImageTag",
  ],
  "spec.template.spec.artifact": [
    "flinkVersion",
    "flinkImageRegistry",
    "flinkImageRepository",
    "flinkImageTag",
    "uri",
  ],
};

const UNWRAPPED = new Set([
  "optional",
  "nullable",
  "default",
  "prefault",
  "readonly",
  "nonoptional",
]);

/** The parts of a zod definition this file reads (zod types them per schema kind). */
interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  element?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  values?: unknown[];
}

function defOf(schema: AnySchema): SchemaDef {
  return schema._zod.def as unknown as SchemaDef;
}

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  while (UNWRAPPED.has(current._zod.def.type)) {
    current = defOf(current).innerType as AnySchema;
  }
  return current;
}

function shapeOf(schema: AnySchema): Readonly<Record<string, AnySchema>> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === "object" ? def.shape : undefined;
}

/** The schema of the value at `key` of a value with `schema` (an object, record or array). */
function childSchema(schema: AnySchema, key: PropertyKey): AnySchema | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === "object") {
    return typeof key === "string" && Object.hasOwn(def.shape ?? {}, key)
      ? def.shape?.[key]
      : undefined;
  }
  if (def.type === "record") return def.valueType;
  if (def.type === "array") return typeof key === "number" ? def.element : undefined;
  return undefined;
}

/**
 * The option of a discriminated union that `value` selects (a JAR artifact is
 * read against the JAR fields), or the union itself.
 */
function selectOption(schema: AnySchema, value: unknown): AnySchema {
  const node = unwrap(schema);
  const def = defOf(node);
  if (def.type !== "union" || def.options === undefined) return node;
  const discriminator = def.discriminator;
  if (discriminator === undefined || value === null || typeof value !== "object") return node;
  const kind = (value as Record<string, unknown>)[discriminator];
  const chosen = def.options.find((option) => {
    const literal = shapeOf(option)?.[discriminator];
    const values = literal === undefined ? [] : (defOf(literal).values ?? []);
    return values.includes(kind);
  });
  return chosen ?? node;
}

/** Known keys of the object schema reached from `root` along `path` through `input`. */
function knownKeysAt(root: AnySchema, input: unknown, path: readonly PropertyKey[]): string[] {
  let schema: AnySchema | undefined = root;
  let value = input;
  for (const segment of path) {
    if (schema === undefined) return [];
    schema = childSchema(selectOption(schema, value), segment);
    value =
      value !== null && typeof value === "object"
        ? (value as Record<PropertyKey, unknown>)[segment]
        : undefined;
  }
  if (schema === undefined) return [];
  const node = selectOption(schema, value);
  const def = defOf(unwrap(node));
  if (def.type === "union") {
    return (def.options ?? []).flatMap((option) => Object.keys(shapeOf(option) ?? {}));
  }
  return Object.keys(shapeOf(node) ?? {});
}

/**
 * Whether an unknown key is probably a typo of `known`: a case-insensitive
 * edit distance of 1, or 2 for names of six letters or more, or two adjacent
 * letters swapped (ours: catches `parallelizm`, `jarUrl`, `lables`, `spce`,
 * spares short unrelated names).
 */
export function isCloseMatch(key: string, known: string): boolean {
  const allowed = key.length >= 6 ? 2 : key.length >= 3 ? 1 : 0;
  if (allowed === 0 || Math.abs(key.length - known.length) > allowed) return false;
  const a = key.toLowerCase();
  const b = known.toLowerCase();
  return distance(a, b) <= allowed || isAdjacentSwap(a, b);
}

function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let first = 0;
  while (first < a.length && a[first] === b[first]) first += 1;
  return (
    first < a.length - 1 &&
    a[first] === b[first + 1] &&
    a[first + 1] === b[first] &&
    a.slice(first + 2) === b.slice(first + 2)
  );
}

/** The closest of `candidates` to `key` among the close ones, or undefined. */
export function closestField(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === key || !isCloseMatch(key, candidate)) continue;
    const gap = distance(key.toLowerCase(), candidate.toLowerCase());
    if (gap < bestDistance) {
      best = candidate;
      bestDistance = gap;
    }
  }
  return best;
}

/** A suggester for unknown keys of `root`'s strict objects, reading `input` for union choices. */
export function fieldSuggester(root: AnySchema, input: unknown): FieldSuggester {
  return (parent, key) => closestField(key, knownKeysAt(root, input, parent));
}

// The known fields as a plain tree, compiled once from the zod schema so that
// the input walk (see inspectInput) checks them at the cost of a map lookup
// per key. Objects of the VVP body check their unknown keys for typos; the
// CR's own objects above it do not (zod reports those as errors).
/** A node of the known-field tree the input walk carries. */
export type KnownNode =
  | {
      type: "object";
      /** Known keys; null for a known field with nothing below it to check. */
      children: ReadonlyMap<string, KnownNode | null>;
      /** Names an unknown key is compared with; empty where typos are not looked for. */
      known: readonly string[];
    }
  | { type: "map"; value: KnownNode }
  | { type: "list"; item: KnownNode }
  | { type: "union"; discriminator: string; options: ReadonlyMap<unknown, KnownNode> };

function compileKnown(schema: AnySchema, bodyPath: string): KnownNode | undefined {
  const node = unwrap(schema);
  const def = defOf(node);
  if (def.type === "object" && def.shape !== undefined) {
    const children = new Map<string, KnownNode | null>();
    for (const [key, child] of Object.entries(def.shape)) {
      children.set(key, compileKnown(child, bodyPath === "" ? key : `${bodyPath}.${key}`) ?? null);
    }
    const known = [...children.keys(), ...(UNMODELED_VVP_FIELDS[bodyPath] ?? [])];
    return { type: "object", children, known };
  }
  if (def.type === "record" && def.valueType !== undefined) {
    const value = compileKnown(def.valueType, `${bodyPath}.*`);
    return value === undefined ? undefined : { type: "map", value };
  }
  if (def.type === "array" && def.element !== undefined) {
    const item = compileKnown(def.element, `${bodyPath}[]`);
    return item === undefined ? undefined : { type: "list", item };
  }
  if (def.type === "union" && def.discriminator !== undefined && def.options !== undefined) {
    const discriminator = def.discriminator;
    const options = new Map<unknown, KnownNode>();
    for (const option of def.options) {
      const literal = shapeOf(option)?.[discriminator];
      const compiled = compileKnown(option, bodyPath);
      const values = (literal === undefined ? undefined : defOf(literal).values) ?? [];
      if (compiled !== undefined) for (const value of values) options.set(value, compiled);
    }
    return { type: "union", discriminator, options };
  }
  return undefined;
}

const BODY_KNOWN = compileKnown(VvpDeploymentObjectSchema, "");

function pathTo(children: Record<string, KnownNode | undefined>): KnownNode {
  const entries = Object.entries(children).flatMap(([key, node]) =>
    node === undefined ? [] : [[key, node] as const],
  );
  return { type: "object", children: new Map(entries), known: [] };
}

/** The known-field tree of a CR: the VVP body under `spec.deployment` and `spec.initFields`. */
export const CR_KNOWN_FIELDS: KnownNode = pathTo({
  spec: pathTo({ deployment: BODY_KNOWN, initFields: BODY_KNOWN }),
});

/** The node for a value: a union resolved by the discriminator the value carries. */
export function resolveKnown(known: KnownNode | undefined, value: object): KnownNode | undefined {
  if (known?.type !== "union") return known;
  return known.options.get((value as Record<string, unknown>)[known.discriminator]);
}

/** The node below `key` of an object's node, or undefined when nothing below is checked. */
export function knownChild(known: KnownNode | undefined, key: string): KnownNode | undefined {
  if (known === undefined) return undefined;
  if (known.type === "map") return known.value;
  if (known.type !== "object") return undefined;
  return known.children.get(key) ?? undefined;
}

/** The known field an unknown key of a VVP-body object is probably a typo of, or undefined. */
export function typoOf(known: KnownNode | undefined, key: string): string | undefined {
  if (known?.type !== "object" || known.known.length === 0 || known.children.has(key)) {
    return undefined;
  }
  return known.known.includes(key) ? undefined : closestField(key, known.known);
}

/**
 * The warning for an unknown VVP-body key one typo away from a known field.
 * It only warns: VVP fields the SDK does not know must pass through.
 */
export function vvpTypoWarning(
  parent: readonly PropertyKey[],
  key: string,
  suggestion: string,
): FieldError {
  const error = unknownFieldError(parent, key, suggestion);
  return {
    ...error,
    message: `${error.message} VVP fields the SDK does not know are sent as written`,
  };
}
