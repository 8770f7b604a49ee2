// x-kubernetes-validations, evaluated as apiextensions-apiserver does
// (pkg/apiserver/schema/cel/validation.go) with the maintained CEL engine
// @bufbuild/cel: rules compiled once per CRD, `self` (and `oldSelf` for
// transition rules, as an optional with optionalOldSelf) bound to the node's
// value typed by its schema, property names escaped as Kubernetes does
// (`__namespace__`, `__dot__`, ...), messageExpression, reason and fieldPath.

import type * as CelModule from "@bufbuild/cel";
import {
  deepEqualJson,
  type FieldError,
  OMIT,
  type RawRule,
  type SchemaNode,
} from "./crd-schema.js";
import { isPlainObject } from "./objects.js";

// CEL keywords Kubernetes escapes as `__keyword__` when they name a property.
const RESERVED = new Set(
  "true false null in as break const continue else for function if import let loop package namespace return var void while".split(
    " ",
  ),
);
const ESCAPABLE = /^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/;

/** The name a CEL rule uses for a property, or undefined when CEL cannot reach it (k8s.io/apiserver pkg/cel escaping). */
export function escapeProperty(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!ESCAPABLE.test(name)) return undefined;
  return name
    .replaceAll("__", "__underscores__")
    .replaceAll(".", "__dot__")
    .replaceAll("-", "__dash__")
    .replaceAll("/", "__slash__");
}

/** A rule compiled once: the programs and what the validator needs to report it. */
interface CompiledRule {
  raw: RawRule;
  program?: (bindings: Record<string, unknown>) => unknown;
  messageProgram?: (bindings: Record<string, unknown>) => unknown;
  usesOldSelf: boolean;
  /** The fieldPath as a field path suffix (`annotations[a/b]`). */
  fieldPath: string;
  compileError?: string;
}

type CelValue = CelModule.CelValue;

interface CelRuntime {
  cel: typeof CelModule;
  env: ReturnType<typeof CelModule.celEnv>;
}

// @bufbuild/cel is an optional peer dependency of ./testing (no dependency of
// the library or the operator): loaded once, when a fake API server starts.
let runtime: CelRuntime | undefined;
let loading: Promise<CelRuntime> | undefined;

/** Loads the CEL engine; startFakeKubernetes awaits it before compiling any CRD. */
export function loadCel(): Promise<CelRuntime> {
  loading ??= Promise.all([import("@bufbuild/cel"), import("@bufbuild/cel/ext")]).then(
    ([cel, ext]) => {
      runtime = { cel, env: cel.celEnv({ funcs: [...ext.strings, ...optionalFuncs(cel)] }) };
      return runtime;
    },
    (error: unknown) => {
      loading = undefined;
      const code = (error as { code?: unknown }).code;
      if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
        throw new Error(
          "vvp-deployment-sdk/testing needs @bufbuild/cel, an optional peer dependency, for the CRDs' x-kubernetes-validations: npm install --save-dev @bufbuild/cel@^0.6.1",
        );
      }
      throw error;
    },
  );
  return loading;
}

function loaded(): CelRuntime {
  if (runtime === undefined) {
    throw new Error("vvp-deployment-sdk/testing: the CEL engine is not loaded (await loadCel())");
  }
  return runtime;
}

// An optional value (CEL's optional_type) for optionalOldSelf: `oldSelf`
// is none ([]) or of(v) ([v]); hasValue/value/orValue read it.
function optionalFuncs(cel: typeof CelModule) {
  const { CelScalar, celFunc, celMethod, listType } = cel;
  const DYN = CelScalar.DYN;
  return [
    celMethod("hasValue", listType(DYN), [], CelScalar.BOOL, function () {
      return [...(this as Iterable<unknown>)].length > 0;
    }),
    celMethod("value", listType(DYN), [], DYN, function () {
      const [first] = [...(this as Iterable<CelValue>)];
      if (first === undefined) throw new Error("optional.none() dereference");
      return first as never;
    }),
    celMethod("orValue", listType(DYN), [DYN], DYN, function (fallback) {
      const [first] = [...(this as Iterable<CelValue>)];
      return (first === undefined ? fallback : first) as never;
    }),
    celFunc("optional.none", [], listType(DYN), () => [] as never),
    celFunc("optional.of", [DYN], listType(DYN), (value) => [value] as never),
  ];
}

// Whether a rule reads oldSelf, outside string literals.
function readsOldSelf(rule: string): boolean {
  const code = rule.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return /\boldSelf\b/.test(code);
}

// `.a.b['c/d']` → `a.b[c/d]`, as field.Path prints it.
function normalizeFieldPath(fieldPath: string | undefined): string {
  if (fieldPath === undefined || fieldPath === "") return "";
  let out = "";
  for (const step of fieldPath.matchAll(/\.([A-Za-z0-9_$-]+)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/g)) {
    if (step[1] !== undefined) out = out === "" ? step[1] : `${out}.${step[1]}`;
    else if (step[2] !== undefined) out += `[${step[2].replace(/\\(.)/g, "$1")}]`;
    else out += `[${step[3]}]`;
  }
  return out;
}

function compileOne(raw: RawRule): CompiledRule {
  const { cel, env: ENV } = loaded();
  const { parse, plan } = cel;
  const compiled: CompiledRule = {
    raw,
    usesOldSelf: readsOldSelf(raw.rule),
    fieldPath: normalizeFieldPath(raw.fieldPath),
  };
  try {
    const program = plan(ENV, parse(raw.rule));
    compiled.program = (bindings) => program(bindings as never);
  } catch (error) {
    compiled.compileError = error instanceof Error ? error.message : String(error);
  }
  if (raw.messageExpression !== undefined && raw.messageExpression !== "") {
    try {
      const program = plan(ENV, parse(raw.messageExpression));
      compiled.messageProgram = (bindings) => program(bindings as never);
    } catch {
      // A messageExpression that does not compile falls back to message.
    }
  }
  return compiled;
}

/** Compiles every rule of a schema tree, once (the CRD's enforcement caches the tree). */
export function compileRules(node: SchemaNode | undefined): boolean {
  if (node === undefined || !node.rulesBelow) return false;
  const compiled = node.validations.map(compileOne);
  if (compiled.length > 0) node.compiled = compiled;
  let transitions = compiled.some((rule) => rule.usesOldSelf);
  for (const child of node.properties?.values() ?? [])
    transitions = compileRules(child) || transitions;
  transitions = compileRules(node.additionalProperties) || transitions;
  transitions = compileRules(node.items) || transitions;
  transitionNodes.set(node, transitions);
  return transitions;
}

// Whether a node or one below it has a transition rule (compiled once).
const transitionNodes = new WeakMap<SchemaNode, boolean>();

/** A rule that does not compile, with the schema path of its node (`properties[spec]`, `items`, …). */
export interface RuleCompileError {
  path: string;
  index: number;
  rule: string;
  error: string;
}

/** The rules of a compiled tree that do not compile (kube-apiserver refuses such a CRD). */
export function ruleCompileErrors(node: SchemaNode | undefined, path = ""): RuleCompileError[] {
  if (node === undefined || !node.rulesBelow) return [];
  const here = ((node.compiled as CompiledRule[] | undefined) ?? []).flatMap((rule, index) =>
    rule.compileError === undefined
      ? []
      : [{ path, index, rule: rule.raw.rule, error: rule.compileError }],
  );
  const at = (suffix: string) => (path === "" ? suffix : `${path}.${suffix}`);
  return [
    ...here,
    ...[...(node.properties ?? [])].flatMap(([name, child]) =>
      ruleCompileErrors(child, at(`properties[${name}]`)),
    ),
    ...ruleCompileErrors(node.additionalProperties, at("additionalProperties")),
    ...ruleCompileErrors(node.items, at("items")),
  ];
}

/** A value as CEL sees it under its schema: ints as bigint, objects reduced to their declared, escaped properties. */
export function toCel(value: unknown, node: SchemaNode | undefined, root = false): unknown {
  if (value === null || value === undefined) return value;
  if (node === undefined) return untypedCel(value);
  if (typeof value === "number") {
    const integer = node.type === "integer" || (node.intOrString && Number.isInteger(value));
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => toCel(item, node.items));
  if (isPlainObject(value)) {
    if (node.properties !== undefined && node.properties.size > 0) {
      const out: Record<string, unknown> = {};
      for (const [name, child] of node.properties) {
        if (!(name in value) || value[name] === undefined) continue;
        const escaped = escapeProperty(name);
        if (escaped !== undefined) out[escaped] = toCel(value[name], child);
      }
      if (root || node.embeddedResource) {
        for (const key of ["apiVersion", "kind"]) {
          if (typeof value[key] === "string") out[key] = value[key];
        }
        if (isPlainObject(value.metadata)) {
          const metadata: Record<string, unknown> = {};
          for (const key of ["name", "generateName"]) {
            if (typeof value.metadata[key] === "string") metadata[key] = value.metadata[key];
          }
          out.metadata = metadata;
        }
      }
      return out;
    }
    if (node.additionalProperties !== undefined) {
      const item = node.additionalProperties;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v, item)]));
    }
    return untypedCel(value);
  }
  return value;
}

// Values under x-kubernetes-preserve-unknown-fields: integers as CEL ints.
function untypedCel(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(untypedCel);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untypedCel(v)]));
  }
  return value;
}

const joinPath = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

/**
 * Evaluates every rule under `node` on `value` (with `old` the stored
 * value, undefined on create), returning kube-apiserver's field errors.
 * Old values correlate through object properties, maps and list-type map
 * entries (by key), as in Kubernetes; transition rules run only where an
 * old value correlates, or with optionalOldSelf.
 */
export function evaluateRules(
  node: SchemaNode,
  value: unknown,
  old: unknown,
  path: string,
  root: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  walk(node, value, old, path, root, errors);
  return errors;
}

function walk(
  node: SchemaNode,
  value: unknown,
  old: unknown,
  path: string,
  root: boolean,
  errors: FieldError[],
): void {
  if (value === null || value === undefined || !node.rulesBelow) return;
  // Ratcheting: a value equal to the stored one is not re-checked by rules
  // that do not read oldSelf (kube-apiserver turns their errors into warnings).
  const unchanged = old !== undefined && deepEqualJson(value, old);
  if (unchanged && !transitionNodes.get(node)) return;
  const all = node.compiled as CompiledRule[] | undefined;
  const rules = unchanged ? all?.filter((rule) => rule.usesOldSelf) : all;
  if (rules !== undefined) evaluateNode(node, rules, value, old, path, root, errors);
  if (isPlainObject(value)) {
    const oldObject = isPlainObject(old) ? old : undefined;
    for (const key of Object.keys(value)) {
      const declared = node.properties?.get(key);
      if (declared !== undefined) {
        walk(declared, value[key], oldObject?.[key], joinPath(path, key), false, errors);
      } else if (node.additionalProperties !== undefined) {
        walk(
          node.additionalProperties,
          value[key],
          oldObject?.[key],
          `${path}[${key}]`,
          false,
          errors,
        );
      }
    }
  } else if (Array.isArray(value) && node.items !== undefined) {
    const items = node.items;
    const keys = node.listType === "map" ? node.listMapKeys : [];
    const oldItems = Array.isArray(old) && keys.length > 0 ? old : [];
    const keyOf = (item: unknown) =>
      isPlainObject(item) ? JSON.stringify(keys.map((k) => item[k] ?? null)) : "";
    const byKey = new Map(oldItems.map((item) => [keyOf(item), item]));
    value.forEach((item, index) => {
      const oldItem = keys.length > 0 ? byKey.get(keyOf(item)) : undefined;
      walk(items, item, oldItem, `${path}[${index}]`, false, errors);
    });
  }
}

function evaluateNode(
  node: SchemaNode,
  rules: CompiledRule[],
  value: unknown,
  old: unknown,
  path: string,
  root: boolean,
  errors: FieldError[],
): void {
  const type = node.type ?? (node.intOrString ? "int-or-string" : "");
  const self = toCel(value, node, root);
  const hasOld = old !== undefined && old !== null;
  const oldSelf = hasOld ? toCel(old, node, root) : undefined;
  const at = path === "" ? "<nil>" : path;
  for (const rule of rules) {
    if (rule.compileError !== undefined) {
      errors.push({
        type: "FieldValueInvalid",
        field: at,
        value: type,
        detail: `rule compile error: ${rule.compileError}`,
      });
      continue;
    }
    const optional = rule.raw.optionalOldSelf === true;
    if (rule.usesOldSelf && !hasOld && !optional) continue;
    const bindings: Record<string, unknown> = { self };
    if (optional) bindings.oldSelf = hasOld ? [oldSelf] : [];
    else if (hasOld) bindings.oldSelf = oldSelf;
    const result = safely(() => rule.program?.(bindings));
    if (result === true) continue;
    const ruleText = (rule.raw.message ?? "").trim() || rule.raw.rule.trim();
    if (result !== false) {
      const why = loaded().cel.isCelError(result as never)
        ? (result as { message: string }).message
        : result instanceof Error
          ? result.message
          : `rule returned ${typeof result}, not a bool`;
      errors.push({
        type: "FieldValueInvalid",
        field: at,
        value: type,
        detail: `${why} evaluating rule: ${ruleText}`,
      });
      continue;
    }
    const field =
      rule.fieldPath === "" ? at : path === "" ? rule.fieldPath : `${path}.${rule.fieldPath}`;
    let detail = "";
    if (rule.messageProgram !== undefined) {
      const plain = hasOld ? { self, oldSelf } : { self };
      const text = safely(() => rule.messageProgram?.(plain));
      if (typeof text === "string" && text.trim() !== "" && !/\n/.test(text)) detail = text;
    }
    if (detail === "") {
      detail = rule.raw.message?.trim()
        ? rule.raw.message.trim()
        : `failed rule: ${rule.raw.rule.trim()}`;
    }
    const bad = type === "object" || type === "array" ? OMIT : value;
    errors.push(errorForReason(rule.raw.reason, field, bad, detail));
  }
}

function errorForReason(
  reason: string | undefined,
  field: string,
  value: unknown,
  detail: string,
): FieldError {
  switch (reason) {
    case "FieldValueForbidden":
      return { type: "FieldValueForbidden", field, value: "", detail };
    case "FieldValueRequired":
      return { type: "FieldValueRequired", field, value: "", detail };
    case "FieldValueDuplicate":
      return { type: "FieldValueDuplicate", field, value, detail: "" };
    default:
      return { type: "FieldValueInvalid", field, value, detail };
  }
}

function safely(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
