// Bounds on what the parser, the validator and the webhook adapter read. A CR
// is stored in etcd and sent through the API server, both of which cap its
// size; anything beyond those caps is hostile or a mistake, so it is refused
// before any work whose cost grows with it (ours: the limits below).

import { type FieldError, formatFieldPath, ROOT_FIELD } from "./field-error.js";
import {
  CR_KNOWN_FIELDS,
  type KnownNode,
  knownChild,
  resolveKnown,
  typoOf,
  vvpTypoWarning,
} from "./unknown-fields.js";

/**
 * Longest YAML or JSON text read, in characters: 3 MiB, the API server's cap
 * on a request body (ours: a CR file larger than that could never be applied).
 */
export const MAX_TEXT_LENGTH = 3 * 1024 * 1024;

/**
 * Largest object read, in bytes of its JSON form (estimated while walking, so
 * the walk stops at the limit): 1.5 MiB, etcd's default object size limit
 * (ours: the API server could not store a larger CR).
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** Most items in any one list (ours: no VVP or Kubernetes list in a CR comes near it). */
export const MAX_LIST_ITEMS = 10_000;

/** Deepest nesting of objects and lists (ours: a VVP pod template is about 20 levels deep). */
export const MAX_NESTING_DEPTH = 100;

/** Most YAML aliases (`*name`) in one document (ours: a CR needs none; merge keys need a few). */
export const MAX_YAML_ALIASES = 100;

/** The one JSON key a JavaScript object cannot hold through a parse: it names the prototype. */
export const PROTOTYPE_KEY = "__proto__";

/** What one walk over an unchecked input found. */
export interface InputInspection {
  /** The first bound exceeded, if any: nothing else should read the input then. */
  bound: FieldError | undefined;
  /** Every `__proto__` key, as a field error. */
  prototypeKeys: FieldError[];
  /** Unknown VVP-body keys one typo away from a known field (see vvpBodyWarnings). */
  bodyWarnings: FieldError[];
}

/** The error for a text longer than {@link MAX_TEXT_LENGTH}, or undefined. */
export function textLengthError(text: string): FieldError | undefined {
  if (text.length <= MAX_TEXT_LENGTH) return undefined;
  return {
    field: ROOT_FIELD,
    reason: "FieldValueTooLong",
    message: `Too long: the text has ${text.length} characters, more than the limit of ${MAX_TEXT_LENGTH} (3 MiB, the API server's request size limit)`,
  };
}

// Bytes a scalar takes in JSON, close enough to bound the walk: strings and
// keys by their length plus quotes, everything else as a short literal.
function scalarBytes(value: unknown): number {
  return typeof value === "string" ? value.length + 2 : 5;
}

/**
 * Walks an unchecked input once, stopping at the first bound it exceeds:
 * list length (checked before any item is read, so a sparse array of length
 * 2³²−2 costs nothing), nesting depth and total size, which also stops
 * cycles and shared subtrees from multiplying the work. It also collects
 * every `__proto__` key: JSON and YAML readers keep it as data, but zod,
 * like most JavaScript code, drops it or takes it for the prototype, so the
 * key would silently never reach VVP. In the same walk, the keys of the VVP
 * body are checked against the known VVP fields (see vvpBodyWarnings).
 */
export function inspectInput(value: unknown): InputInspection {
  // Nearly every input is clean: a walk that only measures decides that, and
  // the walk that names paths runs only when there is something to name.
  const state = { bytes: 0, clean: true };
  measure(value, 0, state, CR_KNOWN_FIELDS);
  if (state.clean) return { bound: undefined, prototypeKeys: [], bodyWarnings: [] };
  return inspectWithPaths(value);
}

/**
 * Warnings for keys of the VVP body (`spec.deployment`, `spec.initFields`)
 * that VVP does not know but that are one typo away from a field it does.
 * Map values (labels, flinkConfiguration, …) are user data and not looked
 * at. Only complete when the input is within the bounds.
 */
export function vvpBodyWarnings(cr: unknown): FieldError[] {
  return inspectInput(cr).bodyWarnings;
}

interface Measure {
  bytes: number;
  clean: boolean;
}

function stop(state: Measure): false {
  state.clean = false;
  return false;
}

// Adds a node's size to `state`; false (and `clean` false) at the first
// bound exceeded, `__proto__` key or VVP-body typo.
function measure(
  node: unknown,
  depth: number,
  state: Measure,
  known: KnownNode | undefined,
): boolean {
  if (node === null || typeof node !== "object") {
    state.bytes += scalarBytes(node);
    return state.bytes <= MAX_OBJECT_BYTES || stop(state);
  }
  if (depth > MAX_NESTING_DEPTH) return stop(state);
  state.bytes += 2;
  if (Array.isArray(node)) {
    if (node.length > MAX_LIST_ITEMS) return stop(state);
    state.bytes += node.length;
    const item = known?.type === "list" ? known.item : undefined;
    for (let index = 0; index < node.length; index += 1) {
      if (!measure(node[index], depth + 1, state, item)) return false;
    }
    return true;
  }
  const shape = resolveKnown(known, node);
  // Object.keys lists the own enumerable keys (for…in's own keys, in its
  // order) without an own-key test per key, which costs as much as the read
  // on a large object.
  const keys = Object.keys(node);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (key === PROTOTYPE_KEY) return stop(state);
    state.bytes += key.length + 4;
    // Inlined knownChild and typoOf: this loop runs for every key of every input.
    let child: KnownNode | undefined;
    if (shape?.type === "object") {
      const found = shape.children.get(key);
      if (found === undefined && typoOf(shape, key) !== undefined) return stop(state);
      child = found ?? undefined;
    } else if (shape?.type === "map") child = shape.value;
    if (!measure((node as Record<string, unknown>)[key], depth + 1, state, child)) return false;
  }
  return true;
}

function inspectWithPaths(value: unknown): InputInspection {
  const prototypeKeys: FieldError[] = [];
  const bodyWarnings: FieldError[] = [];
  const path: PropertyKey[] = [];
  let bytes = 0;
  let bound: FieldError | undefined;

  const exceed = (error: FieldError): false => {
    bound = error;
    return false;
  };
  // Returns false as soon as a bound is exceeded, so every caller stops too.
  const visit = (node: unknown, depth: number, known: KnownNode | undefined): boolean => {
    if (node === null || typeof node !== "object") {
      bytes += scalarBytes(node);
      return bytes <= MAX_OBJECT_BYTES || exceed(tooLarge());
    }
    if (depth > MAX_NESTING_DEPTH) return exceed(tooDeep(path));
    bytes += 2;
    if (Array.isArray(node)) {
      if (node.length > MAX_LIST_ITEMS) return exceed(tooMany(path, node.length));
      bytes += node.length;
      const item = known?.type === "list" ? known.item : undefined;
      for (let index = 0; index < node.length; index += 1) {
        path.push(index);
        const fine = visit(node[index], depth + 1, item);
        path.pop();
        if (!fine) return false;
      }
      return true;
    }
    const shape = resolveKnown(known, node);
    // for…in with an own-key check walks without allocating a key list.
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const typo = typoOf(shape, key);
      if (typo !== undefined) bodyWarnings.push(vvpTypoWarning(path, key, typo));
      path.push(key);
      if (key === PROTOTYPE_KEY) prototypeKeys.push(prototypeKeyError(path));
      bytes += key.length + 4;
      const fine = visit((node as Record<string, unknown>)[key], depth + 1, knownChild(shape, key));
      path.pop();
      if (!fine) return false;
    }
    return true;
  };
  visit(value, 0, CR_KNOWN_FIELDS);
  return { bound, prototypeKeys, bodyWarnings };
}

/** Every `__proto__` key in a CR, as a field error (see {@link inspectInput}). */
export function prototypeKeyErrors(value: unknown): FieldError[] {
  return inspectInput(value).prototypeKeys;
}

function prototypeKeyError(path: readonly PropertyKey[]): FieldError {
  return {
    field: formatFieldPath(path),
    reason: "FieldValueNotSupported",
    message: `the key ${PROTOTYPE_KEY} is not supported: JavaScript readers take it for an object's prototype, so it would never reach VVP`,
  };
}

function tooLarge(): FieldError {
  return {
    field: ROOT_FIELD,
    reason: "FieldValueTooLong",
    message: `Too long: the object is larger than the limit of ${MAX_OBJECT_BYTES} bytes as JSON (1.5 MiB, etcd's object size limit)`,
  };
}

function tooMany(path: readonly PropertyKey[], length: number): FieldError {
  return {
    field: formatFieldPath(path),
    reason: "FieldValueTooMany",
    message: `Too many: ${length}: must have at most ${MAX_LIST_ITEMS} items`,
  };
}

function tooDeep(path: readonly PropertyKey[]): FieldError {
  return {
    field: formatFieldPath(path),
    reason: "FieldValueInvalid",
    message: `Invalid value: nested deeper than the limit of ${MAX_NESTING_DEPTH} levels`,
  };
}
