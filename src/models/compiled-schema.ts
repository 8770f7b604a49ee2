// zod's ahead-of-time compiled copy of the CR schema. `z.compile` generates
// one function for the whole schema: on valid input it is about twice as
// fast as zod's runtime parser (which allocates a payload and an issue list
// per node), and on invalid input it hands over to the runtime parser, so
// issues and messages are the runtime's own. zod returns the schema
// uncompiled where it cannot compile (no `new Function`, as under a strict
// Content-Security-Policy), so this never fails.

import { z } from "zod";
import { VvpDeploymentSchema } from "./vvp-deployment.js";

/**
 * Checks with the runtime parser before compiling (ours): compiling costs
 * about 30 ms, which a one-shot CLI run over a few files would never earn
 * back; a webhook or an operator passes this count in its first seconds.
 */
export const COMPILE_AFTER_CHECKS = 16;

let checks = 0;
let compiled: typeof VvpDeploymentSchema | undefined;
let compiledVerdict: ((input: unknown) => boolean) | undefined;

/** The CR schema: the runtime one for the first checks, then zod's compiled copy. */
export function vvpDeploymentChecker(): typeof VvpDeploymentSchema {
  if (compiled !== undefined) return compiled;
  checks += 1;
  if (checks <= COMPILE_AFTER_CHECKS) return VvpDeploymentSchema;
  compiled = compiledVvpDeploymentSchema();
  compiledVerdict = compiledVvpDeploymentVerdict();
  return compiled;
}

/**
 * The compiled verdict check (see {@link compiledVvpDeploymentVerdict}) once
 * {@link vvpDeploymentChecker} has compiled, else undefined.
 */
export function vvpDeploymentVerdict(): ((input: unknown) => boolean) | undefined {
  return compiledVerdict;
}

/** zod's compiled copy of the CR schema, or the schema itself where zod cannot compile. */
export function compiledVvpDeploymentSchema(): typeof VvpDeploymentSchema {
  return z.compile(VvpDeploymentSchema);
}

/**
 * True when the CR schema accepts `input`, without building zod's output.
 * zod's compiled validator still builds a full copy of every `z.record` (a
 * 1,000-key flinkConfiguration costs ~700 µs against ~2 µs without the
 * copy), so it compiles a variant of the schema whose string maps are one
 * predicate with the record's verdict (see {@link isStringMap}). Only the
 * verdict comes from the variant: issues and the typed value always come
 * from the real schema, so messages and the CRD, JSON Schema and unknown-
 * field index, all derived from the real schema, do not change.
 */
export function compiledVvpDeploymentVerdict(): (input: unknown) => boolean {
  const variant = withStringMapPredicates(VvpDeploymentSchema);
  try {
    // zod's validator alone: `validate` re-runs the variant's runtime parser
    // on every rejection (a predicate makes the compiled "no" indefinite),
    // which the caller does not need: it runs the real schema's parser on a
    // "no" anyway, and that parser's issues decide.
    const check = z.core.compileFn(variant, { assertOnly: true });
    return (input) => check(input) !== z.core.INVALID;
  } catch {
    // No code generation here (a strict Content-Security-Policy): zod's own fallback.
    const compiledVariant = z.compile(variant);
    return (input) => compiledVariant.validate(input);
  }
}

const isPlainObject = z.core.util.isPlainObject;
const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * The verdict of `z.record(z.string(), z.string())` without building a copy:
 * a plain object (zod's test) whose own enumerable keys, except `__proto__`,
 * are strings naming string values (an enumerable symbol key fails the
 * string key schema).
 */
export function isStringMap(value: unknown): value is Record<string, string> {
  if (!isPlainObject(value)) return false;
  const map = value as Record<string, unknown>;
  // for…in with a keyed read is V8's fastest walk of both fast and
  // dictionary-mode (large, JSON-parsed) objects; the own-key test runs only
  // for a non-string value, since for…in also lists inherited keys.
  for (const key in map) {
    if (typeof map[key] !== "string" && key !== "__proto__" && Object.hasOwn(map, key)) {
      return false;
    }
  }
  const symbols = Object.getOwnPropertySymbols(map);
  for (const symbol of symbols) {
    if (isEnumerable.call(map, symbol)) return false;
  }
  return true;
}

const StringMapPredicate = z.custom<Record<string, string>>(isStringMap);

type AnyDef = z.core.$ZodTypeDef & Record<string, unknown>;

// A bare z.string(): no checks, format nor coercion.
function isBareString(schema: z.core.$ZodType): boolean {
  const def = schema._zod.def as AnyDef;
  return (
    def.type === "string" &&
    def.format === undefined &&
    def.coerce !== true &&
    ((def.checks as unknown[] | undefined)?.length ?? 0) === 0
  );
}

/**
 * The schema with every `z.record(z.string(), z.string())` replaced by
 * {@link StringMapPredicate}; nodes without one below are the originals.
 * Handles the node types the CR schema uses (objects, unions, optional,
 * nullable, arrays, records) and leaves any other node as it is.
 */
export function withStringMapPredicates<T extends z.core.$ZodType>(schema: T): T {
  return rewrite(schema) as T;
}

// A copy of `schema` (same class, checks and parameters) with `def`.
function cloneWith(schema: z.core.$ZodType, def: AnyDef): z.core.$ZodType {
  return z.core.util.clone(schema, def as z.core.$ZodTypeDef);
}

function rewrite(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as AnyDef;
  const checks = (def.checks as unknown[] | undefined)?.length ?? 0;
  switch (def.type) {
    case "record": {
      const keyType = def.keyType as z.core.$ZodType;
      const valueType = def.valueType as z.core.$ZodType;
      const plain = def.mode === undefined && def.partial !== true && checks === 0;
      if (plain && isBareString(keyType) && isBareString(valueType)) return StringMapPredicate;
      const value = rewrite(valueType);
      return value === valueType ? schema : cloneWith(schema, { ...def, valueType: value });
    }
    case "object": {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      let changed = false;
      const next: Record<string, z.core.$ZodType> = {};
      for (const [key, child] of Object.entries(shape)) {
        const rewritten = rewrite(child);
        if (rewritten !== child) changed = true;
        next[key] = rewritten;
      }
      const catchall = def.catchall as z.core.$ZodType | undefined;
      const nextCatchall = catchall === undefined ? undefined : rewrite(catchall);
      if (nextCatchall !== catchall) changed = true;
      if (!changed) return schema;
      return cloneWith(schema, { ...def, shape: next, catchall: nextCatchall });
    }
    case "union": {
      const options = def.options as z.core.$ZodType[];
      const next = options.map(rewrite);
      if (next.every((option, index) => option === options[index])) return schema;
      return cloneWith(schema, { ...def, options: next });
    }
    case "optional":
    case "nullable": {
      const inner = def.innerType as z.core.$ZodType;
      const next = rewrite(inner);
      return next === inner ? schema : cloneWith(schema, { ...def, innerType: next });
    }
    case "array": {
      const element = def.element as z.core.$ZodType;
      const next = rewrite(element);
      return next === element ? schema : cloneWith(schema, { ...def, element: next });
    }
    default:
      return schema;
  }
}
