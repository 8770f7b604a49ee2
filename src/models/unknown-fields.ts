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

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  while (UNWRAPPED.has(current._zod.def.type)) {
    current = (current._zod.def as unknown as { innerType: AnySchema }).innerType;
  }
  return current;
}

function shapeOf(schema: AnySchema): Readonly<Record<string, AnySchema>> | undefined {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === "object" ? def.shape : undefined;
}

/** The schema of the value at `key` of a value with `schema` (an object, record or array). */
function childSchema(schema: AnySchema, key: PropertyKey): AnySchema | undefined {
  const node = unwrap(schema);
  const def = node._zod.def as unknown as {
    type: string;
    shape?: Record<string, AnySchema>;
    valueType?: AnySchema;
    element?: AnySchema;
  };
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
  const def = node._zod.def as unknown as {
    type: string;
    options?: AnySchema[];
    discriminator?: string;
  };
  if (def.type !== "union" || def.options === undefined) return node;
  const discriminator = def.discriminator;
  if (discriminator === undefined || value === null || typeof value !== "object") return node;
  const kind = (value as Record<string, unknown>)[discriminator];
  const chosen = def.options.find((option) => {
    const literal = shapeOf(option)?.[discriminator];
    const values =
      literal === undefined ? [] : ((literal._zod.def as { values?: unknown[] }).values ?? []);
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
  const def = unwrap(node)._zod.def as { type: string; options?: AnySchema[] };
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

// The VVP body's known fields as a plain tree, compiled once from the zod
// schema so that the walk below costs no more than reading the input.
type KnownNode =
  | {
      type: "object";
      children: ReadonlyMap<string, KnownNode | null>;
      known: readonly string[];
    }
  | { type: "map"; value: KnownNode }
  | { type: "list"; item: KnownNode }
  | { type: "union"; discriminator: string; options: ReadonlyMap<unknown, KnownNode> };

function compileKnown(schema: AnySchema, bodyPath: string): KnownNode | undefined {
  const node = unwrap(schema);
  const def = node._zod.def as unknown as {
    type: string;
    shape?: Record<string, AnySchema>;
    valueType?: AnySchema;
    element?: AnySchema;
    options?: AnySchema[];
    discriminator?: string;
  };
  if (def.type === "object" && def.shape !== undefined) {
    // null marks a known field with nothing below it to check.
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
      const values = (literal?._zod.def as { values?: unknown[] } | undefined)?.values ?? [];
      if (compiled !== undefined) for (const value of values) options.set(value, compiled);
    }
    return { type: "union", discriminator, options };
  }
  return undefined;
}

const BODY_KNOWN = compileKnown(VvpDeploymentObjectSchema, "");
const BODY_ROOTS = ["deployment", "initFields"] as const;

/**
 * Warnings for keys of the VVP body (`spec.deployment`, `spec.initFields`)
 * that VVP does not know but that are one typo away from a field it does.
 * Map values (labels, flinkConfiguration, …) are user data and not looked at.
 */
export function vvpBodyWarnings(cr: unknown): FieldError[] {
  const warnings: FieldError[] = [];
  const spec = ownValue(cr, "spec");
  for (const name of BODY_ROOTS) {
    const body = ownValue(spec, name);
    if (body !== undefined && BODY_KNOWN !== undefined) {
      walkBody(BODY_KNOWN, body, ["spec", name], warnings);
    }
  }
  return warnings;
}

function ownValue(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function walkBody(
  known: KnownNode,
  value: unknown,
  path: PropertyKey[],
  warnings: FieldError[],
): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    if (known.type !== "list") return;
    for (let index = 0; index < value.length; index += 1) {
      path.push(index);
      walkBody(known.item, value[index], path, warnings);
      path.pop();
    }
    return;
  }
  const record = value as Record<string, unknown>;
  if (known.type === "union") {
    const option = known.options.get(record[known.discriminator]);
    if (option !== undefined) walkBody(option, value, path, warnings);
  } else if (known.type === "map") {
    for (const key of Object.keys(record)) {
      path.push(key);
      walkBody(known.value, record[key], path, warnings);
      path.pop();
    }
  } else if (known.type === "object") {
    walkObject(known, record, path, warnings);
  }
}

function walkObject(
  known: Extract<KnownNode, { type: "object" }>,
  record: Record<string, unknown>,
  path: PropertyKey[],
  warnings: FieldError[],
): void {
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const child = known.children.get(key);
    if (child === null) continue;
    if (child !== undefined) {
      path.push(key);
      walkBody(child, record[key], path, warnings);
      path.pop();
    } else if (!known.known.includes(key)) {
      const suggestion = closestField(key, known.known);
      if (suggestion !== undefined) warnings.push(vvpTypoWarning(path, key, suggestion));
    }
  }
}

function vvpTypoWarning(
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
